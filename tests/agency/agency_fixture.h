// Shared by the agency tests: a migrated database with one agency and a valid agreement to vary.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "agency/agency_registry.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::agency::test_fixture {

inline constexpr std::int64_t kNowMs = 1'796'300'000'000;  // 2026-12-03
inline constexpr std::int64_t kDayMs = 86'400'000;

inline const AgencyChange kAdmin{"admin.pusat", kNowMs - 30 * kDayMs};

inline Agreement valid_agreement(std::string number, std::int64_t from_ms, std::int64_t until_ms) {
  Agreement out;
  out.agency_code = "bpjs-kesehatan";
  out.number = std::move(number);
  out.purposes = {"verifikasi peserta JKN", "pemutakhiran data peserta"};
  out.verify_fields = {"nik", "name", "birth_date", "mother_name"};
  out.retrieve_fields = {"name", "birth_date", "family"};
  out.operations = {AgencyOperation::kVerify, AgencyOperation::kRetrieve};
  out.regions = {"all"};
  out.name_score = true;
  out.daily_quota = 1000;
  out.valid_from_ms = from_ms;
  out.valid_until_ms = until_ms;
  return out;
}

class AgencyTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    ASSERT_OK(create_agency(db(), {"bpjs-kesehatan", "BPJS Kesehatan", AgencyKind::kHealthInsurance}, kAdmin));
  }
  // The audit entries of `action`, oldest first, as "subject|detail".
  std::vector<std::string> audited(const std::string& action) {
    std::vector<std::string> out;
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    if (!conn) return out;
    auto rows = (*conn)->execute("SELECT subject, detail FROM audit_log WHERE action = $1 ORDER BY seq", {action});
    EXPECT_TRUE(rows.has_value());
    if (!rows) return out;
    for (const auto& row : rows->rows) out.push_back(row.text(0) + "|" + row.text(1));
    return out;
  }
};

}  // namespace ektp::agency::test_fixture
