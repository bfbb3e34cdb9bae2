#include "registry/documents.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "core/eligibility.h"

namespace ektp::registry {

namespace {

constexpr double kA4WidthPt = 595.28;
constexpr double kA4HeightPt = 841.89;
constexpr double kMarginPt = 48;

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct Pdf {
  std::string bytes;
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;

  Pdf(double width, double height) {
    surface = cairo_pdf_surface_create_for_stream(append_to_string, &bytes, width, height);
    cr = cairo_create(surface);
  }
  ~Pdf() {
    if (cr) cairo_destroy(cr);
    if (surface) cairo_surface_destroy(surface);
  }
  Result<std::string> finish() {
    cairo_destroy(cr);
    cr = nullptr;
    cairo_surface_finish(surface);
    auto status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    surface = nullptr;
    if (status != CAIRO_STATUS_SUCCESS) {
      return make_error(ErrorCode::kInternal, fmt::format("PDF rendering failed: {}", cairo_status_to_string(status)));
    }
    return std::move(bytes);
  }
  void text(double x, double y, std::string_view s, double size, bool bold = false) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, std::string(s).c_str());
  }
  void line(double x1, double y1, double x2, double y2) {
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x2, y2);
    cairo_stroke(cr);
  }
};

std::string region_name(const RegionDirectory& regions, std::string_view code) {
  const Region* r = regions.find(code);
  return r ? r->name : std::string(code);
}

std::string indonesian_date(CivilDate d) {
  return fmt::format("{} {} {}", static_cast<unsigned>(d.day()), indonesian_month_name(static_cast<unsigned>(d.month())),
                     static_cast<int>(d.year()));
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<std::string> render_biodata_pdf(const Person& p, const RegionDirectory& regions, CivilDate today) {
  Pdf pdf(kA4WidthPt, kA4HeightPt);
  double y = kMarginPt + 10;
  pdf.text(kMarginPt, y, "BIODATA PENDUDUK WARGA NEGARA INDONESIA", 14, true);
  y += 18;
  pdf.text(kMarginPt, y, fmt::format("Dicetak {} dari register kependudukan ektp", indonesian_date(today)), 9);
  y += 10;
  pdf.line(kMarginPt, y, kA4WidthPt - kMarginPt, y);
  y += 22;
  auto district = p.address.village_code.substr(0, 6);
  std::vector<std::pair<std::string, std::string>> rows = {
      {"NIK", p.nik},
      {"Nama Lengkap", upper(p.name)},
      {"Tempat/Tgl Lahir", fmt::format("{}, {}", upper(p.birth_place), indonesian_date(p.birth_date))},
      {"Jenis Kelamin", p.sex == Sex::kFemale ? "PEREMPUAN" : "LAKI-LAKI"},
      {"Golongan Darah", std::string(blood_type_id(p.blood_type))},
      {"Alamat", upper(p.address.street)},
      {"RT/RW", fmt::format("{}/{}", p.address.rt, p.address.rw)},
      {"Kel/Desa", upper(region_name(regions, p.address.village_code))},
      {"Kecamatan", upper(region_name(regions, district))},
      {"Kabupaten/Kota", upper(region_name(regions, p.address.village_code.substr(0, 4)))},
      {"Provinsi", upper(region_name(regions, p.address.village_code.substr(0, 2)))},
      {"Agama", upper(religion_id(p.religion))},
      {"Status Perkawinan", upper(marital_status_label(p.marital_status))},
      {"Pekerjaan", upper(p.occupation)},
      {"Pendidikan", upper(education_id(p.education))},
      {"Kewarganegaraan", std::string(citizenship_id(p.citizenship))},
      {"Berlaku Hingga", p.citizenship == Citizenship::kWNI ? "SEUMUR HIDUP" : "SESUAI IZIN TINGGAL"},
      {"Nomor KK", p.kk_number},
      {"Hubungan dalam Keluarga", upper(family_relation_label(p.relation))},
      {"Nama Ayah", upper(p.father_name)},
      {"Nama Ibu", upper(p.mother_name)},
      {"Status", p.alive ? "HIDUP" : fmt::format("MENINGGAL {}", p.death_date ? indonesian_date(*p.death_date) : "")},
      {"Wajib KTP", wajib_ktp(p, today).required ? "YA" : "TIDAK"},
      {"Perekaman KTP-el", p.enrolled ? "SUDAH REKAM" : "BELUM REKAM"},
  };
  for (const auto& [label, value] : rows) {
    pdf.text(kMarginPt, y, label, 10, true);
    pdf.text(kMarginPt + 170, y, fmt::format(": {}", value), 10);
    y += 18;
  }
  return pdf.finish();
}

Result<std::string> render_family_card_pdf(const Family& f, const std::vector<Person>& members,
                                           const RegionDirectory& regions, CivilDate today) {
  Pdf pdf(kA4HeightPt, kA4WidthPt);  // landscape, like the card
  double y = kMarginPt;
  pdf.text(kA4HeightPt / 2 - 90, y, "KARTU KELUARGA", 18, true);
  y += 20;
  pdf.text(kA4HeightPt / 2 - 60, y, fmt::format("No. {}", f.kk_number), 12, true);
  y += 24;
  auto head = std::find_if(members.begin(), members.end(), [&](const Person& p) { return p.nik == f.head_nik; });
  std::vector<std::pair<std::string, std::string>> header = {
      {"Nama Kepala Keluarga", head != members.end() ? upper(head->name) : "-"},
      {"Alamat", upper(f.address.street)},
      {"RT/RW", fmt::format("{}/{}", f.address.rt, f.address.rw)},
      {"Desa/Kelurahan", upper(region_name(regions, f.address.village_code))},
      {"Kecamatan", upper(region_name(regions, f.address.village_code.substr(0, 6)))},
      {"Kabupaten/Kota", upper(region_name(regions, f.address.village_code.substr(0, 4)))},
      {"Provinsi", upper(region_name(regions, f.address.village_code.substr(0, 2)))},
  };
  for (const auto& [label, value] : header) {
    pdf.text(kMarginPt, y, label, 9, true);
    pdf.text(kMarginPt + 130, y, fmt::format(": {}", value), 9);
    y += 14;
  }
  y += 8;
  const double columns[] = {kMarginPt, kMarginPt + 22, kMarginPt + 200, kMarginPt + 310, kMarginPt + 350,
                            kMarginPt + 470, kMarginPt + 550, kMarginPt + 640};
  const char* titles[] = {"No", "Nama Lengkap", "NIK", "JK", "Tempat/Tgl Lahir", "Agama", "Status Kawin",
                          "Hubungan"};
  for (int i = 0; i < 8; ++i) pdf.text(columns[i], y, titles[i], 8, true);
  y += 4;
  pdf.line(kMarginPt, y, kA4HeightPt - kMarginPt, y);
  y += 12;
  int number = 1;
  for (const auto& m : members) {
    if (y > kA4WidthPt - kMarginPt) break;  // one page: at most ~20 rows fit, limits keep us near that
    pdf.text(columns[0], y, fmt::format("{}", number++), 8);
    pdf.text(columns[1], y, upper(m.name).substr(0, 34), 8);
    pdf.text(columns[2], y, m.nik, 8);
    pdf.text(columns[3], y, m.sex == Sex::kFemale ? "P" : "L", 8);
    pdf.text(columns[4], y, fmt::format("{}, {}", upper(m.birth_place).substr(0, 12), format_civil_date(m.birth_date)), 8);
    pdf.text(columns[5], y, upper(religion_id(m.religion)), 8);
    pdf.text(columns[6], y, upper(marital_status_label(m.marital_status)), 8);
    pdf.text(columns[7], y, upper(family_relation_label(m.relation)) + (m.alive ? "" : " (alm.)"), 8);
    y += 14;
  }
  y += 16;
  pdf.text(kMarginPt, y, fmt::format("Dikeluarkan tanggal {}; dicetak {}", indonesian_date(f.issued_on),
                                     indonesian_date(today)), 9);
  return pdf.finish();
}

}  // namespace ektp::registry
