// The fixture of the bulk-matching job tests (bulk_match_job_test.cpp, bulk_job_worker_test.cpp):
// a demo register of Pemalang (1,500 persons, one member since deceased), three agencies —
// BPJS (may receive NIKs), Bank Jateng and RSUD Pemalang (without bulk_match) — and BPJS's file
// with every kind of row a real file holds.
#pragma once

#include "bulk_matching/bulk_match_job.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "bulk_matching/bulk_match_reads.h"
#include "resident/resident_reads.h"
#include "agency/agency_registry.h"
#include "registry/demo/demo_loader.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::bulk::test_fixture {

using namespace std::chrono;

constexpr std::int64_t kDayMs = 86'400'000;
const CivilDate kToday{year{2026}, November, day{23}};
const std::int64_t kNowMs = duration_cast<milliseconds>(sys_days{kToday}.time_since_epoch()).count() + 2 * 3'600'000;
constexpr std::string_view kPurpose = "pemadanan data peserta JKN";

struct Member {
  std::string nik, name, birth_date, sex, mother_name;
};

class BulkMatchFixture : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    registry::demo::DemoOptions demo;
    demo.regency_code = "3327";
    demo.persons = 1500;
    demo.today = kToday;
    ASSERT_OK(registry::demo::load_demo_population(db(), demo));
    const agency::AgencyChange admin{"admin.pusat", kNowMs - kDayMs};
    ASSERT_OK(agency::create_agency(db(), {"bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance}, admin));
    ASSERT_OK(agency::create_agency(db(), {"bank-jateng", "Bank Jateng", agency::AgencyKind::kBank}, admin));
    ASSERT_OK(agency::create_agency(db(), {"rs-pemalang", "RSUD Pemalang", agency::AgencyKind::kHospital}, admin));
    ASSERT_OK(agency::add_agreement(db(), agreement("bpjs-kesehatan", "440/1/PKS/2026", {"nik"}, true), admin));
    ASSERT_OK(agency::add_agreement(db(), agreement("bank-jateng", "440/2/PKS/2026", {"name"}, true), admin));
    ASSERT_OK(agency::add_agreement(db(), agreement("rs-pemalang", "440/3/PKS/2026", {"name"}, false), admin));
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto rows = (*conn)->execute(
        "SELECT nik, name, birth_date, sex, mother_name FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' "
        "ORDER BY nik LIMIT 40");
    ASSERT_OK(rows);
    for (const auto& r : rows->rows) members_.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)});
    ASSERT_EQ(members_.size(), 40u);
    // One member has died since the agency's file was made.
    ASSERT_OK((*conn)->execute("UPDATE persons SET alive = 0, death_date = '2026-10-01' WHERE nik = $1",
                               {members_[15].nik}));
  }

  static agency::Agreement agreement(std::string code, std::string number, std::set<std::string> retrieve, bool bulk) {
    agency::Agreement a;
    a.agency_code = std::move(code);
    a.number = std::move(number);
    a.purposes = {std::string(kPurpose)};
    a.verify_fields = {"nik", "name", "birth_date", "sex"};
    a.retrieve_fields = std::move(retrieve);
    a.operations = {agency::AgencyOperation::kVerify};
    if (!a.retrieve_fields.empty()) a.operations.insert(agency::AgencyOperation::kRetrieve);
    if (bulk) a.operations.insert(agency::AgencyOperation::kBulkMatch);
    a.regions = {"3327"};
    a.daily_quota = 1000;
    a.valid_from_ms = kNowMs - kDayMs;
    a.valid_until_ms = kNowMs + 365 * kDayMs;
    return a;
  }

  // DD-MM-YYYY of a register date (YYYY-MM-DD), as agencies' spreadsheets write them.
  static std::string day_first(const std::string& iso) {
    return iso.substr(8, 2) + "-" + iso.substr(5, 2) + "-" + iso.substr(0, 4);
  }
  static std::string sex_letter(const std::string& sex) { return sex == "F" ? "P" : "L"; }

  std::string agency_file() const {
    std::string csv = "row_id,nik,name,birth_date,sex\r\n";
    for (int i = 0; i < 10; ++i) {
      const auto& m = members_[i];
      csv += fmt::format("A{:03},{},{},{},{}\r\n", i, m.nik, m.name, m.birth_date, m.sex);
    }
    const auto& wrong_date = members_[10];
    csv += fmt::format("B001,{},{},01-01-1901,{}\n", wrong_date.nik, wrong_date.name, sex_letter(wrong_date.sex));
    const auto& no_nik = members_[11];
    csv += fmt::format("B002,,\"H. {}\",{},{}\n", no_nik.name, day_first(no_nik.birth_date), sex_letter(no_nik.sex));
    csv += "B003,3327014101990999,SITI ZULAIKHA MARGONO,01-01-1999,P\n";  // a NIK nobody holds
    csv += "B004,,BAMBANG QWERTYUIOP,02-03-1977,L\n";                   // nobody in the register
    const auto& dead = members_[15];
    csv += fmt::format("B005,{},{},{},{}\n", dead.nik, dead.name, dead.birth_date, dead.sex);
    csv += fmt::format("A000,{},{},{},{}\n", members_[16].nik, members_[16].name, members_[16].birth_date, members_[16].sex);
    csv += fmt::format("B007,{},{},31-02-1990,L\n", members_[17].nik, members_[17].name);
    csv += fmt::format("\"=HYPERLINK(\"\"http://x\"\")\",{},{},{},{}\n", members_[18].nik, members_[18].name,
                       members_[18].birth_date, members_[18].sex);
    return csv;
  }

  Result<BulkMatchSummary> run(const std::string& agency, const std::string& file, std::string& out,
                               std::string purpose = std::string(kPurpose)) {
    std::ostringstream result;
    BulkMatchRequest request{agency, std::move(purpose), "peserta-2026-11.csv", "admin.pusat",
                             ResultFormat::kCsv, 2, kNowMs};
    auto summary = run_bulk_match(db(), RegionDirectory::builtin(), kToday, string_source(file, 100), result, request);
    out = result.str();
    return summary;
  }

  // The result file as Python's csv module reads it: row_id → "result|birth_date_verdict|matched_nik|score".
  std::map<std::string, std::string> read_with_python(const std::string& csv) {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("ektp-bulk-job-{}", ::getpid());
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "result.csv", std::ios::binary) << csv;
    const std::string command = fmt::format(
        "python3 -c 'import csv,sys\nfor r in csv.DictReader(open(sys.argv[1], newline=\"\")):\n"
        " print(\"\\t\".join([r[\"row_id\"], r[\"result\"], r[\"birth_date_verdict\"], r[\"matched_nik\"], r[\"name_score\"]]))' "
        "{} > {}",
        (dir / "result.csv").string(), (dir / "rows.tsv").string());
    std::map<std::string, std::string> out;
    if (std::system(command.c_str()) != 0) {
      ADD_FAILURE() << "python3 could not read the result";
      return out;
    }
    std::ifstream rows(dir / "rows.tsv");
    for (std::string line; std::getline(rows, line);) {
      const auto tab = line.find('\t');
      std::string rest = line.substr(tab + 1);
      std::replace(rest.begin(), rest.end(), '\t', '|');
      out[line.substr(0, tab)] = rest;
    }
    std::filesystem::remove_all(dir);
    return out;
  }

  std::int64_t count(const std::string& sql) {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto rows = (*conn)->execute(sql);
    EXPECT_OK(rows);
    return rows && !rows->rows.empty() ? rows->rows.front().integer(0) : -1;
  }

  std::vector<Member> members_;
};

}  // namespace ektp::bulk::test_fixture
