#include "card/card_face.h"

#include <cairo.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "card/cairo_drawing.h"

namespace ektp::card {

namespace {

using drawing::kFont;

// Geometry (mm), after the printed e-KTP.
constexpr double kMarginMm = 2.6;
constexpr double kLabelX = kMarginMm, kLabelWidth = 18.6;
constexpr double kColonX = kLabelX + kLabelWidth;
constexpr double kValueX = kColonX + 1.2;
constexpr double kPhotoX = 63.0, kPhotoY = 10.5, kPhotoW = 20.0, kPhotoH = 25.0;
constexpr double kValueWidth = kPhotoX - 1.0 - kValueX;
constexpr double kFieldsTop = 15.0, kFieldsBottom = kCardHeightMm - 1.6;
constexpr double kBaseSize = 1.95, kMinSize = 1.25, kLineStep = 1.32;  // line height = step × size
constexpr double kHeaderSize = 2.55;
constexpr double kNikSize = 3.1;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string region_name(const RegionDirectory& regions, std::string_view code) {
  const Region* r = regions.find(code);
  return r ? r->name : std::string(code);
}

// The largest size from `base` down to kMinSize at which `text` fits `max_lines` lines.
Result<PlacedText> fit(std::string field, std::string_view text, double x, double width, std::size_t max_lines,
                       double base, bool bold) {
  for (double size = base; size >= kMinSize - 1e-9; size *= 0.96) {
    auto lines = drawing::wrap_text(text, width, size, bold);
    if (lines.size() <= max_lines) {
      return PlacedText{std::move(field), x, 0, width, lines.size() * size * kLineStep, size, bold, std::move(lines)};
    }
  }
  return invalid_argument(fmt::format("{}: '{}' does not fit on the card even in the smallest type", field,
                                      text.substr(0, 60)));
}

// Fields that may take more than one line.
std::size_t lines_allowed(std::string_view label) {
  return label == "Nama" || label == "Alamat" ? 3 : label == "Tempat/Tgl Lahir" || label == "Pekerjaan" ? 2 : 1;
}

Result<CardLayout> layout_at(const CardFace& face, double base) {
  CardLayout layout;
  for (const auto& [text, y] : {std::pair{face.province, 2.6}, std::pair{face.regency, 5.6}}) {
    EKTP_ASSIGN_OR_RETURN(auto header, fit("header", text, kMarginMm, kCardWidthMm - 2 * kMarginMm, 1, kHeaderSize, true));
    header.y_mm = y;
    // Centred.
    const double w = text_width_mm(header.lines.front(), header.size_mm, true);
    header.x_mm = (kCardWidthMm - w) / 2;
    header.width_mm = w;
    layout.texts.push_back(std::move(header));
  }
  layout.texts.push_back({"NIK.label", kLabelX, 10.6, kLabelWidth, kNikSize * kLineStep, kNikSize * 0.9, true, {"NIK"}});
  EKTP_ASSIGN_OR_RETURN(auto nik, fit("NIK", ": " + face.nik, kLabelX + 8.5, kPhotoX - 1.0 - (kLabelX + 8.5), 1, kNikSize, true));
  nik.y_mm = 10.6;
  layout.texts.push_back(std::move(nik));
  double y = kFieldsTop;
  for (const auto& [label, value] : face.fields) {
    const double width = label == "Jenis Kelamin" ? kValueWidth * 0.45 : kValueWidth;
    EKTP_ASSIGN_OR_RETURN(auto placed, fit(label, value, kValueX, width, lines_allowed(label), base, false));
    const double size = placed.size_mm;
    PlacedText label_text{label + ".label", kLabelX, y, kLabelWidth, size * kLineStep, std::min(size, base), false, {label}};
    if (text_width_mm(label, label_text.size_mm, false) > kLabelWidth) {
      label_text.size_mm = kMinSize;  // the longest label ("Status Perkawinan") at small sizes
    }
    layout.texts.push_back(std::move(label_text));
    layout.texts.push_back({label + ".colon", kColonX, y, 1.0, size * kLineStep, size, false, {":"}});
    placed.y_mm = y;
    if (label == "Jenis Kelamin") {
      const double x = kValueX + width + 1.0;
      PlacedText blood{"Gol. Darah", x, y, kPhotoX - 1.0 - x, size * kLineStep, size, false,
                       {"Gol. Darah : " + face.blood_type}};
      if (text_width_mm(blood.lines.front(), size, false) > blood.width_mm) blood.size_mm = kMinSize;
      layout.texts.push_back(std::move(blood));
    }
    y += placed.height_mm;
    layout.texts.push_back(std::move(placed));
  }
  if (y > kFieldsBottom) {
    return make_error(ErrorCode::kAborted, "the fields run past the card's bottom at this size");
  }
  const double below = kPhotoY + kPhotoH + 0.9;
  layout.texts.push_back({"issue_place", kPhotoX, below, kPhotoW, 1.8 * kLineStep, 1.7, false, {face.issue_place}});
  layout.texts.push_back({"issue_date", kPhotoX, below + 2.3, kPhotoW, 1.8 * kLineStep, 1.7, false, {face.issue_date}});
  for (auto* t : {&layout.texts[layout.texts.size() - 2], &layout.texts.back()}) {
    if (text_width_mm(t->lines.front(), t->size_mm, false) > kPhotoW) t->size_mm = kMinSize;
    const double w = text_width_mm(t->lines.front(), t->size_mm, false);
    t->x_mm = kPhotoX + (kPhotoW - w) / 2;
    t->width_mm = w;
  }
  layout.photo_box = {"photo", kPhotoX, kPhotoY, kPhotoW, kPhotoH, 0, false, {}};
  layout.signature_box = {"signature", kPhotoX, below + 5.0, kPhotoW, kCardHeightMm - 1.2 - (below + 5.0), 0, false, {}};
  return layout;
}

void draw_box(cairo_t* cr, cairo_surface_t* image, const PlacedText& box) {
  drawing::draw_image(cr, image, box.x_mm, box.y_mm, box.width_mm, box.height_mm);
}

// Draws in mm on `cr` (already scaled to mm).
Status draw(cairo_t* cr, const CardFace& face) {
  EKTP_ASSIGN_OR_RETURN(auto layout, layout_card_face(face));
  EKTP_ASSIGN_OR_RETURN(auto photo, drawing::image_surface(face.photo, "photo"));
  EKTP_ASSIGN_OR_RETURN(auto signature, drawing::image_surface(face.signature, "signature"));
  // The card's light blue ground, with a paler band behind the text.
  cairo_pattern_t* ground = cairo_pattern_create_linear(0, 0, kCardWidthMm, kCardHeightMm);
  cairo_pattern_add_color_stop_rgb(ground, 0, 0.80, 0.90, 0.98);
  cairo_pattern_add_color_stop_rgb(ground, 1, 0.66, 0.82, 0.95);
  cairo_set_source(cr, ground);
  cairo_paint(cr);  // the whole surface: its last pixel row is a fraction of a mm past the card
  cairo_pattern_destroy(ground);
  draw_box(cr, photo.get(), layout.photo_box);
  // The signature is ink on white paper: multiply it onto the card so its white disappears.
  cairo_save(cr);
  cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY);
  draw_box(cr, signature.get(), layout.signature_box);
  cairo_restore(cr);
  cairo_set_source_rgb(cr, 0.05, 0.05, 0.1);
  for (const auto& t : layout.texts) {
    cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, t.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, t.size_mm);
    for (std::size_t i = 0; i < t.lines.size(); ++i) {
      // Baseline at about 0.95 em below each line's top.
      cairo_move_to(cr, t.x_mm, t.y_mm + t.size_mm * (0.95 + kLineStep * static_cast<double>(i)));
      cairo_show_text(cr, t.lines[i].c_str());
    }
  }
  return {};
}

}  // namespace

std::string face_field(const CardFace& face, std::string_view label) {
  for (const auto& [l, value] : face.fields) {
    if (l == label) return value;
  }
  return "";
}

double text_width_mm(std::string_view text, double size_mm, bool bold) {
  return drawing::text_width(text, size_mm, bold);
}

CardFace card_face_of(const Person& p, const RegionDirectory& regions, CivilDate issued, std::vector<std::uint8_t> photo,
                      std::vector<std::uint8_t> signature) {
  const std::string& village = p.address.village_code;
  std::string regency = upper(region_name(regions, village.substr(0, 4)));
  // "KABUPATEN PEMALANG" is issued at "PEMALANG", "KOTA TEGAL" at "TEGAL".
  std::string place = regency;
  for (std::string_view prefix : {"KABUPATEN ", "KOTA ADMINISTRASI ", "KOTA "}) {
    if (place.starts_with(prefix)) {
      place = place.substr(prefix.size());
      break;
    }
  }
  const auto date = [](CivilDate d) {
    return fmt::format("{:02}-{:02}-{:04}", static_cast<unsigned>(d.day()), static_cast<unsigned>(d.month()),
                       static_cast<int>(d.year()));
  };
  CardFace face;
  face.province = "PROVINSI " + upper(region_name(regions, village.substr(0, 2)));
  face.regency = regency;
  face.nik = p.nik;
  face.fields = {
      {"Nama", upper(p.name)},
      {"Tempat/Tgl Lahir", fmt::format("{}, {}", upper(p.birth_place), date(p.birth_date))},
      {"Jenis Kelamin", p.sex == Sex::kFemale ? "PEREMPUAN" : "LAKI-LAKI"},
      {"Alamat", upper(p.address.street)},
      {"RT/RW", fmt::format("{}/{}", p.address.rt, p.address.rw)},
      {"Kel/Desa", upper(region_name(regions, village))},
      {"Kecamatan", upper(region_name(regions, village.substr(0, 6)))},
      {"Agama", upper(religion_id(p.religion))},
      {"Status Perkawinan", upper(marital_status_label(p.marital_status))},
      {"Pekerjaan", upper(p.occupation)},
      {"Kewarganegaraan", std::string(citizenship_id(p.citizenship))},
      {"Berlaku Hingga", p.citizenship == Citizenship::kWNI ? "SEUMUR HIDUP" : "SESUAI IZIN TINGGAL"},
  };
  face.blood_type = p.blood_type == BloodType::kUnknown ? "-" : upper(blood_type_id(p.blood_type));
  face.issue_place = place;
  face.issue_date = date(issued);
  face.photo = std::move(photo);
  face.signature = std::move(signature);
  return face;
}

Result<CardLayout> layout_card_face(const CardFace& face) {
  if (face.nik.size() != 16) return invalid_argument("nik: 16 digits on the card");
  if (face.fields.size() > 14) return invalid_argument("a card face has at most 14 biodata lines");
  // The largest common size at which every field fits its lines and all of them the card.
  for (double base = kBaseSize; base >= kMinSize - 1e-9; base *= 0.96) {
    auto layout = layout_at(face, base);
    if (layout || layout.error().code != ErrorCode::kAborted) return layout;
  }
  return invalid_argument("the biodata do not fit on the card even in the smallest type");
}

Result<std::vector<std::uint8_t>> render_card_face_png(const CardFace& face) {
  return drawing::render_png(kCardWidthMm, kCardHeightMm, kCardDpi, [&](cairo_t* cr) { return draw(cr, face); });
}

Result<std::string> render_card_face_pdf(const CardFace& face) {
  return drawing::render_pdf(kCardWidthMm, kCardHeightMm, [&](cairo_t* cr) { return draw(cr, face); });
}

}  // namespace ektp::card
