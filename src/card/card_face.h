// The e-KTP card face (front), rendered with cairo at ID-1 size (85.60 × 53.98 mm): as a 300-dpi
// PNG and as PDF. PROVINSI and KABUPATEN/KOTA headings, NIK, the biodata lines, the photo, the
// place and date of issue, and the signature. Long names and addresses are fitted — smaller type,
// then wrapping onto more lines — and never cut off: layout_card_face() answers where each text
// goes and in which size, and refuses (kInvalidArgument) what cannot fit at the smallest size.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/person.h"
#include "core/region.h"

namespace ektp::card {

inline constexpr double kCardWidthMm = 85.60;
inline constexpr double kCardHeightMm = 53.98;
inline constexpr int kCardDpi = 300;

struct CardFace {
  std::string province;  // "PROVINSI JAWA TENGAH"
  std::string regency;   // "KABUPATEN PEMALANG"
  std::string nik;
  // In print order: Nama, Tempat/Tgl Lahir, Jenis Kelamin, Alamat, RT/RW, Kel/Desa, Kecamatan,
  // Agama, Status Perkawinan, Pekerjaan, Kewarganegaraan, Berlaku Hingga.
  std::vector<std::pair<std::string, std::string>> fields;
  std::string blood_type;  // "Gol. Darah", beside Jenis Kelamin
  std::string issue_place;  // the regency's name, as on the card: "PEMALANG"
  std::string issue_date;   // "03-12-2026"
  std::vector<std::uint8_t> photo;      // JPEG or PNG
  std::vector<std::uint8_t> signature;  // PNG (or JPEG)
};

// The face of `person`'s card issued on `issued`, with their enrollment's photo and signature.
CardFace card_face_of(const Person& person, const RegionDirectory& regions, CivilDate issued,
                      std::vector<std::uint8_t> photo, std::vector<std::uint8_t> signature);

// The value of the face's biodata line `label` ("Alamat", "Agama" …); empty when it has none.
std::string face_field(const CardFace& face, std::string_view label);

// Where one text goes: its box (mm from the card's top left), its size and its lines.
struct PlacedText {
  std::string field;  // "Nama", "NIK", "header", …
  double x_mm = 0, y_mm = 0, width_mm = 0, height_mm = 0;
  double size_mm = 0;  // font size (em height)
  bool bold = false;
  std::vector<std::string> lines;
};
// The photo's and the signature's boxes, which no text may enter.
struct CardLayout {
  std::vector<PlacedText> texts;
  PlacedText photo_box;
  PlacedText signature_box;
};
Result<CardLayout> layout_card_face(const CardFace& face);
// How wide `text` is in mm at `size_mm` (the font the card is printed with).
double text_width_mm(std::string_view text, double size_mm, bool bold);

// kInvalidArgument for a face that cannot be laid out or an image that cannot be decoded (images
// over 4 MiB or 4000 px a side are refused).
Result<std::vector<std::uint8_t>> render_card_face_png(const CardFace& face);
Result<std::string> render_card_face_pdf(const CardFace& face);

}  // namespace ektp::card
