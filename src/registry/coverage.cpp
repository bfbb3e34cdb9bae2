#include "registry/coverage.h"

#include <map>

#include <fmt/format.h>

#include "core/eligibility.h"

namespace ektp::registry {

namespace {

void finish_row(CoverageRow& row) {
  row.belum_rekam = row.wajib_ktp - row.sudah_rekam;
  row.persen_rekam = row.wajib_ktp == 0 ? 0.0 : 100.0 * static_cast<double>(row.sudah_rekam) /
                                                     static_cast<double>(row.wajib_ktp);
  if (row.rekam_total > row.wajib_ktp) {
    row.anomalies.push_back(fmt::format("jumlah rekam ({}) melebihi wajib KTP ({})", row.rekam_total,
                                        row.wajib_ktp));
  }
  if (row.sudah_cetak > row.rekam_total) {
    row.anomalies.push_back(fmt::format("jumlah cetak ({}) melebihi jumlah rekam ({})", row.sudah_cetak,
                                        row.rekam_total));
  }
}

}  // namespace

Result<CoverageReport> coverage_for_regency(store::Database& db, const RegionDirectory& regions,
                                            std::string_view regency_code, CivilDate as_of) {
  const Region* regency = regions.find(regency_code);
  if (regency_code.size() != 4 || regency == nullptr) {
    return not_found(fmt::format("regency {} does not exist", regency_code.substr(0, 10)));
  }
  // Born on or before this date = at least 17 years old on as_of.
  CivilDate born_by{as_of.year() - std::chrono::years{wajib_ktp_age_years}, as_of.month(),
                    as_of.day()};
  if (!born_by.ok()) born_by = CivilDate{born_by.year(), born_by.month(), std::chrono::day{28}};
  auto next_code = fmt::format("{:04d}", std::stoi(std::string(regency_code)) + 1);
  auto rows = store::with_read_transaction<store::QueryResult>(db, [&](store::Connection& c) {
    return c.execute(
        "SELECT district_code, COUNT(*), "
        "SUM(CASE WHEN w = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN w = 1 AND enrolled = 1 THEN 1 ELSE 0 END), "
        "SUM(enrolled), SUM(card_printed) FROM ("
        "  SELECT district_code, enrolled, card_printed, "
        "  CASE WHEN citizenship = 'WNI' AND (birth_date <= $1 OR marital_status <> 'belum_kawin') "
        "  THEN 1 ELSE 0 END AS w FROM persons "
        "  WHERE district_code >= $2 AND district_code < $3 AND alive = 1) AS p "
        "GROUP BY district_code",
        {format_civil_date(born_by), std::string(regency_code), next_code});
  });
  if (!rows) return std::unexpected(rows.error());
  std::map<std::string, CoverageRow> by_code;
  for (const auto& district : regions.children(regency_code)) {
    CoverageRow row;
    row.code = district.code;
    row.name = district.name;
    by_code[district.code] = std::move(row);
  }
  CoverageReport report{std::string(regency_code), regency->name, as_of, {}, {}};
  report.total.code = report.regency_code;
  report.total.name = report.regency_name;
  for (const auto& r : rows->rows) {
    auto& row = by_code[r.text(0)];
    if (row.code.empty()) {
      row.code = r.text(0);
      row.name = "(kode kecamatan tidak dikenal)";
      row.anomalies.push_back("kode kecamatan tidak ada dalam daftar wilayah");
    }
    row.persons = r.integer(1);
    row.wajib_ktp = r.integer(2);
    row.sudah_rekam = r.integer(3);
    row.rekam_total = r.integer(4);
    row.sudah_cetak = r.integer(5);
  }
  for (auto& [code, row] : by_code) {
    finish_row(row);
    report.total.persons += row.persons;
    report.total.wajib_ktp += row.wajib_ktp;
    report.total.sudah_rekam += row.sudah_rekam;
    report.total.rekam_total += row.rekam_total;
    report.total.sudah_cetak += row.sudah_cetak;
    report.districts.push_back(std::move(row));
  }
  finish_row(report.total);
  return report;
}

}  // namespace ektp::registry
