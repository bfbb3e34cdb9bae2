// Shared by the event-subscription tests: the agency fixture's database with a small demo regency
// (3327, Pemalang), BPJS Kesehatan under an agreement that includes "subscribe" for regency 3327
// with a few retrieve fields, its API key, and a civil registry whose events fill the outbox (as
// `ektp serve` builds it). Helpers record births and deaths at central's desk.
#pragma once

#include <chrono>
#include <string>

#include "agency/agency_keys.h"
#include "agency/event_outbox.h"
#include "agency/subscription_registry.h"
#include "agency_fixture.h"
#include "core/region.h"
#include "registry/civil_registry.h"
#include "registry/demo/demo_loader.h"
#include "registry/person_store.h"

namespace ektp::agency::test_fixture {

inline Agreement subscribe_agreement(std::string agency_code, std::string number, std::vector<std::string> regions) {
  Agreement out;
  out.agency_code = std::move(agency_code);
  out.number = std::move(number);
  out.purposes = {"pemutakhiran data peserta JKN"};
  out.verify_fields = {"nik", "name", "birth_date", "sex", "mother_name", "alive", "death_date"};
  out.retrieve_fields = {"nik", "name", "birth_date", "sex", "alive", "death_date"};
  out.operations = {AgencyOperation::kRetrieve, AgencyOperation::kSubscribe};
  out.regions = std::move(regions);
  out.daily_quota = 1000;
  out.valid_from_ms = kNowMs - 30 * kDayMs;
  out.valid_until_ms = kNowMs + 365 * kDayMs;
  return out;
}

class SubscriptionTest : public AgencyTest {
 protected:
  void SetUp() override {
    AgencyTest::SetUp();
    if (IsSkipped()) return;
    registry::demo::DemoOptions demo;
    demo.regency_code = "3327";
    demo.persons = 80;
    demo.today = jakarta_date_of(at(kNowMs));
    ASSERT_OK(registry::demo::load_demo_population(db(), demo));
    ASSERT_OK(add_agreement(db(), subscribe_agreement("bpjs-kesehatan", "440/77/PKS/2026", {"3327"}), kAdmin));
    auto issued = issue_api_key(db(), "bpjs-kesehatan", "webhooks", kAdmin);
    ASSERT_OK(issued);
    caller = authenticated(issued->secret);
    civil = std::make_unique<registry::CivilRegistry>(db(), RegionDirectory::builtin(), outbox);
  }
  void TearDown() override {
    civil.reset();
    AgencyTest::TearDown();
  }

  static std::chrono::system_clock::time_point at(std::int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  }
  AgencyCaller authenticated(const std::string& key) {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto found = authenticate_agency_key(**conn, key, kNowMs);
    EXPECT_OK(found);
    return found ? *found : AgencyCaller{};
  }
  Subscription subscribe(const std::vector<std::string>& types, const AgencyCaller& who, std::string url = "") {
    if (url.empty()) url = "https://93.184.216.34/ektp/events";
    auto made = create_subscription(db(), who, url, types, {}, kNowMs);
    EXPECT_OK(made);
    return made ? *made : Subscription{};
  }
  registry::WriteContext context(const std::string& key) const {
    return registry::WriteContext{{"ani.op", Role::kOperator}, at(kNowMs), key, "hash-" + key};
  }
  // A woman of the demo regency who may give birth (20 to 44 years old, alive).
  Person mother() {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto row = (*conn)->execute(
        "SELECT nik FROM persons WHERE sex = 'F' AND alive = 1 AND birth_date BETWEEN '1983-01-01' AND '2005-01-01' "
        "ORDER BY nik LIMIT 1");
    EXPECT_OK(row);
    auto person = registry::load_person(**conn, row->rows.at(0).text(0));
    EXPECT_OK(person);
    return *person;
  }
  Person resident(std::string_view where_sql) {
    auto conn = db().connect();
    auto row = (*conn)->execute(std::string("SELECT nik FROM persons WHERE alive = 1 AND ") + std::string(where_sql) +
                                " ORDER BY nik LIMIT 1");
    EXPECT_OK(row);
    auto person = registry::load_person(**conn, row->rows.at(0).text(0));
    EXPECT_OK(person);
    return *person;
  }
  registry::BirthRequest birth_of(const Person& m, std::string name) const {
    registry::BirthRequest birth;
    birth.name = std::move(name);
    birth.birth_place = "Pemalang";
    birth.birth_date = jakarta_date_of(at(kNowMs - 2 * kDayMs));
    birth.sex = Sex::kFemale;
    birth.mother_nik = m.nik;
    return birth;
  }
  // Records a birth at central's desk; the child's NIK.
  std::string record_birth(const std::string& key, const std::string& name = "Putri Sejati") {
    auto event = civil->register_birth(context(key), birth_of(mother(), name));
    EXPECT_OK(event);
    return event ? std::string(event->outcome.at("nik").as_string()) : std::string();
  }
  std::int64_t count(const std::string& sql, const std::vector<store::Value>& params = {}) {
    auto conn = db().connect();
    auto rows = (*conn)->execute(sql, params);
    EXPECT_OK(rows);
    return rows ? rows->rows.front().integer(0) : -1;
  }

  const registry::EventHook outbox = event_outbox_hook();
  std::unique_ptr<registry::CivilRegistry> civil;
  AgencyCaller caller;
};

}  // namespace ektp::agency::test_fixture
