#include "card/suket_document.h"

#include <qrencode.h>

#include <memory>

#include <fmt/format.h>

#include "card/cairo_drawing.h"
#include "core/civil_date.h"

namespace ektp::card {

namespace {

constexpr double kMargin = 12.0;
constexpr double kPhotoX = kMargin, kPhotoY = 42.0, kPhotoW = 27.0, kPhotoH = 36.0;
constexpr double kLabelX = kPhotoX + kPhotoW + 5.0, kLabelW = 30.0;
constexpr double kValueX = kLabelX + kLabelW + 2.0;
constexpr double kValueW = kSuketPageWidthMm - kMargin - kValueX;
constexpr double kQrSize = 92.0, kQrY = 100.0;
constexpr double kTextSize = 3.0, kLineStep = 1.3;

std::string long_date(CivilDate d) {
  return fmt::format("{} {} {}", static_cast<unsigned>(d.day()), indonesian_month_name(static_cast<unsigned>(d.month())),
                     static_cast<int>(d.year()));
}

std::string long_date_of_s(std::int64_t seconds) {
  return long_date(jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::seconds(seconds))));
}

void text_at(cairo_t* cr, double x, double y, double size, bool bold, const std::string& text) {
  cairo_select_font_face(cr, drawing::kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, text.c_str());
}

void centred(cairo_t* cr, double y, double size, bool bold, const std::string& text) {
  const double w = drawing::text_width(text, size, bold);
  text_at(cr, (kSuketPageWidthMm - w) / 2, y, size, bold, text);
}

Status draw_suket(cairo_t* cr, const IssuedSuket& s, std::string_view verify_url) {
  EKTP_ASSIGN_OR_RETURN(auto qr, qr_modules(s.record.qr_text));
  // 36 mm at 300 dpi is about 430 px: more would only make the PDF heavier.
  EKTP_ASSIGN_OR_RETURN(auto photo, drawing::image_surface(s.face.photo, "photo", 430));
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.05, 0.05, 0.1);
  const std::string regency = s.face.regency;
  centred(cr, 14, 3.6, true, "PEMERINTAH " + regency);
  centred(cr, 19.5, 3.6, true, "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL");
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, kMargin, 23);
  cairo_line_to(cr, kSuketPageWidthMm - kMargin, 23);
  cairo_stroke(cr);
  centred(cr, 31, 5.0, true, "SURAT KETERANGAN");
  centred(cr, 37, 3.0, false, "pengganti sementara KTP-el selama kartu belum dapat diserahkan");
  drawing::draw_image(cr, photo.get(), kPhotoX, kPhotoY, kPhotoW, kPhotoH);
  cairo_rectangle(cr, kPhotoX, kPhotoY, kPhotoW, kPhotoH);
  cairo_set_line_width(cr, 0.2);
  cairo_stroke(cr);

  const std::vector<std::pair<std::string, std::string>> rows = {
      {"NIK", s.claims.nik},
      {"Nama", s.claims.full_name},
      {"Tempat/Tgl Lahir", face_field(s.face, "Tempat/Tgl Lahir")},
      {"Jenis Kelamin", face_field(s.face, "Jenis Kelamin")},
      {"Alamat", s.claims.address},
      {"Berlaku hingga", long_date_of_s(s.record.expires_at_s)},
      {"Perkiraan KTP-el", ready_sentence(s.record.ready)},
  };
  double y = kPhotoY + 3.0;
  for (const auto& [label, value] : rows) {
    text_at(cr, kLabelX, y, kTextSize, false, label);
    text_at(cr, kValueX - 1.6, y, kTextSize, false, ":");
    const auto lines = drawing::wrap_text(value, kValueW, kTextSize, label == "NIK" || label == "Nama");
    for (std::size_t i = 0; i < lines.size(); ++i) {
      text_at(cr, kValueX, y + static_cast<double>(i) * kTextSize * kLineStep, kTextSize, label == "NIK" || label == "Nama",
              lines[i]);
    }
    y += static_cast<double>(lines.size()) * kTextSize * kLineStep + 0.8;
  }
  if (y > kQrY - 2) return invalid_argument("the biodata do not fit above the QR code");

  // The QR code, with its quiet zone of four modules.
  const double module = kQrSize / (qr.size + 8);
  const double x0 = (kSuketPageWidthMm - kQrSize) / 2 + 4 * module, y0 = kQrY + 4 * module;
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int r = 0; r < qr.size; ++r) {
    for (int c = 0; c < qr.size; ++c) {
      if (qr.dark[static_cast<std::size_t>(r * qr.size + c)]) cairo_rectangle(cr, x0 + c * module, y0 + r * module, module, module);
    }
  }
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.05, 0.05, 0.1);
  const double below = kQrY + kQrSize + 4.5;
  centred(cr, below, 3.0, false, fmt::format("Periksa keaslian: pindai kode ini di {}", verify_url));
  centred(cr, below + 4.5, 2.6, false, fmt::format("Nomor SUKET {}", s.record.id));
  centred(cr, below + 8.0, 2.6, false,
          fmt::format("diterbitkan {} oleh {}", long_date_of_s(s.record.issued_at_s), s.claims.issuer));
  return {};
}

}  // namespace

std::string ready_sentence(const std::optional<ReadyAnswer>& ready) {
  if (!ready) return "kartu sudah dicetak; silakan ambil di Dinas";
  if (!ready->estimate) {
    if (ready->no_date_reason == ready_reason::kNoStockNoDelivery) {
      return "belum ada tanggal: blanko habis dan belum ada kiriman yang dijadwalkan";
    }
    return "belum ada tanggal yang dapat diperkirakan";
  }
  const auto& e = *ready->estimate;
  if (e.p10 == e.p90) return long_date(civil_date_of_day(e.p50));
  return fmt::format("antara {} dan {}", long_date(civil_date_of_day(e.p10)), long_date(civil_date_of_day(e.p90)));
}

Result<QrModules> qr_modules(std::string_view text) {
  const std::string copy(text);
  for (QRecLevel level : {QR_ECLEVEL_M, QR_ECLEVEL_L}) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString(copy.c_str(), 0, level, QR_MODE_8, 1),
                                                         &QRcode_free);
    if (!code) continue;
    QrModules out;
    out.size = code->width;
    out.dark.resize(static_cast<std::size_t>(out.size * out.size));
    for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (code->data[i] & 1) != 0;
    return out;
  }
  return make_error(ErrorCode::kResourceExhausted, fmt::format("{} characters do not fit one QR code", text.size()));
}

Result<std::string> render_suket_pdf(const IssuedSuket& suket, std::string_view verify_url) {
  return drawing::render_pdf(kSuketPageWidthMm, kSuketPageHeightMm,
                             [&](cairo_t* cr) { return draw_suket(cr, suket, verify_url); });
}

Result<std::vector<std::uint8_t>> render_suket_png(const IssuedSuket& suket, std::string_view verify_url) {
  return drawing::render_png(kSuketPageWidthMm, kSuketPageHeightMm, kSuketPngDpi,
                             [&](cairo_t* cr) { return draw_suket(cr, suket, verify_url); });
}

}  // namespace ektp::card
