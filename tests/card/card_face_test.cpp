// The card face: every text fits its box and stays off the photo and the signature, long names
// and addresses are fitted (smaller, wrapped) with nothing cut off, what cannot fit is refused,
// bad images are refused, and a rendering matches the reference image within a tolerance.
// The portrait and signature are drawn here (synthetic), so the test needs no outside data.
#include "card/card_face.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "support/test_support.h"

namespace ektp::card {
namespace {

using namespace std::chrono;

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

struct Reader {
  const std::vector<std::uint8_t>* bytes;
  std::size_t at = 0;
};
cairo_status_t read_from(void* closure, unsigned char* data, unsigned int length) {
  auto* r = static_cast<Reader*>(closure);
  if (r->at + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(r->bytes->data() + r->at, length, data);
  r->at += length;
  return CAIRO_STATUS_SUCCESS;
}

// A PNG of `w`×`h` drawn by `paint`.
template <class Paint>
std::vector<std::uint8_t> png(int w, int h, Paint paint) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t* cr = cairo_create(s);
  paint(cr);
  cairo_destroy(cr);
  std::vector<std::uint8_t> out;
  cairo_surface_write_to_png_stream(s, append, &out);
  cairo_surface_destroy(s);
  return out;
}

std::vector<std::uint8_t> portrait() {
  return png(240, 300, [](cairo_t* cr) {
    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);  // the red background of a photo for the card
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.87, 0.68, 0.52);
    cairo_save(cr);
    cairo_translate(cr, 120, 120);
    cairo_scale(cr, 55, 72);
    cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
    cairo_restore(cr);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.2);
    cairo_rectangle(cr, 40, 220, 160, 80);
    cairo_fill(cr);
  });
}

std::vector<std::uint8_t> signature() {
  return png(300, 100, [](cairo_t* cr) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.3);
    cairo_set_line_width(cr, 6);
    cairo_move_to(cr, 20, 70);
    cairo_curve_to(cr, 80, 0, 120, 100, 170, 40);
    cairo_curve_to(cr, 200, 10, 240, 90, 280, 30);
    cairo_stroke(cr);
  });
}

// A made-up resident (no real person).
Person resident() {
  Person p;
  p.nik = "3327084107900003";
  p.name = "SITI NURHALIZA";
  p.birth_place = "PEMALANG";
  p.birth_date = CivilDate{year{1990}, July, day{1}};
  p.sex = Sex::kFemale;
  p.blood_type = BloodType::kO;
  p.religion = Religion::kIslam;
  p.marital_status = MaritalStatus::kKawin;
  p.occupation = "KARYAWAN SWASTA";
  p.citizenship = Citizenship::kWNI;
  p.address = {"DUSUN KRAJAN", "002", "005", "3327081013"};
  return p;
}

CardFace face_of(const Person& p) {
  return card_face_of(p, RegionDirectory::builtin(), CivilDate{year{2026}, December, day{3}}, portrait(), signature());
}

bool overlaps(const PlacedText& a, const PlacedText& b) {
  return a.x_mm < b.x_mm + b.width_mm && b.x_mm < a.x_mm + a.width_mm && a.y_mm < b.y_mm + b.height_mm &&
         b.y_mm < a.y_mm + a.height_mm;
}

void expect_fits(const CardLayout& layout) {
  for (const auto& t : layout.texts) {
    for (const auto& line : t.lines) {
      EXPECT_LE(text_width_mm(line, t.size_mm, t.bold), t.width_mm + 1e-6) << t.field << ": " << line;
    }
    EXPECT_GE(t.x_mm, 0) << t.field;
    EXPECT_LE(t.x_mm + t.width_mm, kCardWidthMm) << t.field;
    EXPECT_GE(t.y_mm, 0) << t.field;
    EXPECT_LE(t.y_mm + t.height_mm, kCardHeightMm) << t.field;
    if (t.field != "issue_place" && t.field != "issue_date") {
      EXPECT_FALSE(overlaps(t, layout.photo_box)) << t.field << " runs into the photo";
      EXPECT_FALSE(overlaps(t, layout.signature_box)) << t.field << " runs into the signature";
    }
    EXPECT_GE(t.size_mm, 1.2) << t.field;
  }
}

// The value lines of `field` joined again.
std::string text_of(const CardLayout& layout, std::string_view field) {
  for (const auto& t : layout.texts) {
    if (t.field != field) continue;
    std::string joined;
    for (const auto& line : t.lines) joined += (joined.empty() ? "" : " ") + line;
    return joined;
  }
  return "(missing)";
}

TEST(CardFaceTest, AnOrdinaryCardHasEveryLineInItsBox) {
  const CardFace face = face_of(resident());
  EXPECT_EQ(face.province, "PROVINSI JAWA TENGAH");
  EXPECT_EQ(face.regency, "KABUPATEN PEMALANG");
  EXPECT_EQ(face.issue_place, "PEMALANG");
  EXPECT_EQ(face.issue_date, "03-12-2026");
  auto layout = layout_card_face(face);
  ASSERT_OK(layout);
  expect_fits(*layout);
  EXPECT_EQ(text_of(*layout, "Nama"), "SITI NURHALIZA");
  EXPECT_EQ(text_of(*layout, "Tempat/Tgl Lahir"), "PEMALANG, 01-07-1990");
  EXPECT_EQ(text_of(*layout, "Berlaku Hingga"), "SEUMUR HIDUP");
  EXPECT_EQ(text_of(*layout, "Gol. Darah"), "Gol. Darah : O");
  EXPECT_EQ(text_of(*layout, "NIK"), ": 3327084107900003");
  // The labels go down the card in the order of the printed e-KTP.
  double y = 0;
  for (const auto& [label, value] : face.fields) {
    bool found = false;
    for (const auto& t : layout->texts) {
      if (t.field == label) {
        EXPECT_GT(t.y_mm, y) << label;
        y = t.y_mm;
        found = true;
      }
    }
    EXPECT_TRUE(found) << label;
  }
}

TEST(CardFaceTest, LongNamesAndAddressesAreFittedNeverCut) {
  Person p = resident();
  p.name = "RADEN AJENG KARTINI DJOJOADHININGRAT SOERJOSOEPARTO MANGKOENEGORO HAMENGKUBUWONO";
  p.address.street = "JL. PANGERAN DIPONEGORO GANG MELATI NOMOR 123 BLOK C KOMPLEKS PERUMAHAN";
  p.birth_place = "KABUPATEN KEPULAUAN SERIBU UTARA";
  p.occupation = "PERANGKAT DESA DAN PENGURUS KOPERASI";
  auto layout = layout_card_face(face_of(p));
  ASSERT_OK(layout);
  expect_fits(*layout);
  EXPECT_EQ(text_of(*layout, "Nama"), p.name);
  EXPECT_EQ(text_of(*layout, "Alamat"), p.address.street);
  if (const char* out = std::getenv("EKTP_CARD_FACE_OUT"); out != nullptr) {  // to look at it
    auto rendered = render_card_face_png(face_of(p));
    ASSERT_OK(rendered);
    std::ofstream(out, std::ios::binary).write(reinterpret_cast<const char*>(rendered->data()),
                                               static_cast<std::streamsize>(rendered->size()));
  }
  for (const auto& t : layout->texts) {
    if (t.field == "Nama") {
      EXPECT_GT(t.lines.size(), 1u) << "a long name wraps";
    }
  }
  // One word longer than a line is broken, not cut.
  p.name = std::string(70, 'W');
  layout = layout_card_face(face_of(p));
  ASSERT_OK(layout);
  expect_fits(*layout);
  std::string joined;
  for (const auto& t : layout->texts) {
    if (t.field == "Nama") {
      for (const auto& line : t.lines) joined += line;
    }
  }
  EXPECT_EQ(joined, p.name);
}

TEST(CardFaceTest, WhatCannotFitAndBadImagesAreRefused) {
  Person p = resident();
  p.name = std::string(600, 'M');
  EXPECT_ERROR(layout_card_face(face_of(p)), ErrorCode::kInvalidArgument, "does not fit");
  CardFace face = face_of(resident());
  face.nik = "123";
  EXPECT_ERROR(render_card_face_png(face), ErrorCode::kInvalidArgument, "16 digits");
  face = face_of(resident());
  face.photo = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  EXPECT_ERROR(render_card_face_png(face), ErrorCode::kInvalidArgument, "photo: not a JPEG or PNG");
  face = face_of(resident());
  face.signature.clear();
  EXPECT_ERROR(render_card_face_pdf(face), ErrorCode::kInvalidArgument, "signature: no image");
  face = face_of(resident());
  face.photo.assign((4u << 20) + 1, 0);
  EXPECT_ERROR(render_card_face_png(face), ErrorCode::kInvalidArgument, "over");
}

TEST(CardFaceTest, TheRenderingMatchesTheReferenceImage) {
  auto rendered = render_card_face_png(face_of(resident()));
  ASSERT_OK(rendered);
  auto pdf = render_card_face_pdf(face_of(resident()));
  ASSERT_OK(pdf);
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
  const std::string reference_path = std::string(EKTP_CARD_TEST_DATA) + "/card_face_reference.png";
  if (std::getenv("EKTP_UPDATE_REFERENCE") != nullptr) {
    std::ofstream(reference_path, std::ios::binary).write(reinterpret_cast<const char*>(rendered->data()),
                                                          static_cast<std::streamsize>(rendered->size()));
  }
  std::ifstream in(reference_path, std::ios::binary);
  ASSERT_TRUE(in) << reference_path << " (EKTP_UPDATE_REFERENCE=1 writes it)";
  const std::vector<std::uint8_t> reference{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Reader a{&*rendered}, b{&reference};
  cairo_surface_t* got = cairo_image_surface_create_from_png_stream(read_from, &a);
  cairo_surface_t* want = cairo_image_surface_create_from_png_stream(read_from, &b);
  ASSERT_EQ(cairo_surface_status(got), CAIRO_STATUS_SUCCESS);
  ASSERT_EQ(cairo_surface_status(want), CAIRO_STATUS_SUCCESS);
  const int w = cairo_image_surface_get_width(got), h = cairo_image_surface_get_height(got);
  EXPECT_EQ(w, 1011);  // 85.60 mm at 300 dpi
  EXPECT_EQ(h, 638);   // 53.98 mm
  ASSERT_EQ(w, cairo_image_surface_get_width(want));
  ASSERT_EQ(h, cairo_image_surface_get_height(want));
  const unsigned char* p = cairo_image_surface_get_data(got);
  const unsigned char* q = cairo_image_surface_get_data(want);
  const int stride = cairo_image_surface_get_stride(got);
  double total = 0;
  long far = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w * 4; ++x) {
      if (x % 4 == 3) continue;  // no alpha in RGB24
      const int d = std::abs(p[y * stride + x] - q[y * stride + x]);
      total += d;
      far += d > 96 ? 1 : 0;
    }
  }
  const double mean = total / (static_cast<double>(w) * h * 3);
  // Font hinting may move a glyph edge by a pixel on another machine; a moved or missing text
  // line changes far more.
  EXPECT_LT(mean, 2.0) << "mean absolute difference per channel";
  EXPECT_LT(static_cast<double>(far) / (static_cast<double>(w) * h * 3), 0.005) << "share of very different values";
  cairo_surface_destroy(got);
  cairo_surface_destroy(want);
}

}  // namespace
}  // namespace ektp::card
