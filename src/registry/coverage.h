// Enrollment coverage per district of a regency (SPEC §3): wajib KTP, sudah/belum rekam, % rekam,
// sudah cetak, with anomalies flagged (recorded more than required, and so on).
#pragma once

#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/region.h"
#include "store/database.h"

namespace ektp::registry {

struct CoverageRow {
  std::string code;
  std::string name;
  std::int64_t persons = 0;      // living residents
  std::int64_t wajib_ktp = 0;
  std::int64_t sudah_rekam = 0;  // wajib KTP and enrolled
  std::int64_t belum_rekam = 0;
  std::int64_t rekam_total = 0;  // everyone enrolled, wajib or not
  std::int64_t sudah_cetak = 0;
  double persen_rekam = 0;
  std::vector<std::string> anomalies;  // Bahasa Indonesia
};

struct CoverageReport {
  std::string regency_code;
  std::string regency_name;
  CivilDate as_of;
  std::vector<CoverageRow> districts;  // every district of the regency, even empty ones
  CoverageRow total;
};

Result<CoverageReport> coverage_for_regency(store::Database& db, const RegionDirectory& regions,
                                            std::string_view regency_code, CivilDate as_of);

}  // namespace ektp::registry
