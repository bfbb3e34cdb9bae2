// The public enrollment-status page against the walk that found every resident of a district:
// NIKs enumerated with their birth dates (digits 7–12 of the NIK) and guessed receipt numbers,
// from one address and from many. Nobody is found, the walk runs into 429s, every miss is
// audited and the walk raises one alert; the right receipt number answers the status only.
#include <chrono>

#include <boost/json.hpp>

#include "sync_fixture.h"

#include "api/api_services.h"
#include "api/http.h"
#include "access/audit_log.h"
#include "registry/civil_registry.h"
#include "registry/enrollment_store.h"
#include "registry/receipt_number.h"
#include "sync/outbox.h"

namespace ektp::sync {
namespace {

using test::kCentralNowMs;

class PublicStatusTest : public test::StationCentralTest {
 protected:
  void SetUp() override {
    StationCentralTest::SetUp();
    if (IsSkipped()) return;
    residents = test::residents_of(central.db(), district, 60);
    ASSERT_GE(residents.size(), 3u);
    // What the walk tries: the district's residents and NIKs made as the NIK is made (district,
    // birth date DDMMYY, serial), the birth dates of the 1980s.
    walk = residents;
    for (int i = 0; walk.size() < 40; ++i) {
      walk.push_back(fmt::format("{}{:02}{:02}8{}{:04}", district, 1 + i % 28, 1 + i % 12, i % 10, 1 + i % 3));
    }
    // Three residents enrolled at the station, each with a printed receipt number.
    test::LoopbackLink link(central, station);
    Uploader uploader(station.db(), station.identity, link);
    for (int i = 0; i < 3; ++i) {
      auto e = test::compact_enrollment(station, random_uuid(), residents[i], test::fingerprint_sets()[i]);
      e.receipt_number = registry::generate_receipt_number();
      receipts.push_back(e.receipt_number);
      enrollment_ids.push_back(e.enrollment_id);
      ASSERT_OK(save_enrollment_with_outbox(station.db(), e, kCentralNowMs));
    }
    ASSERT_OK(uploader.upload_once());
    ASSERT_EQ(central_rows("SELECT COUNT(*) FROM enrollments WHERE receipt_digest <> ''"), 3);

    civil = std::make_unique<registry::CivilRegistry>(central.db(), RegionDirectory::builtin());
    auth = std::make_unique<access::AuthService>(central.db());
    audit = std::make_unique<access::AuditWriter>(central.db());
    services = std::make_unique<api::ApiServices>(
        api::ApiServices{central.db(), RegionDirectory::builtin(), *civil, *auth, *audit, central.ingest.get(),
                         nullptr, nullptr, {}});
    services->clock = [this] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms)); };
    api::add_sync_routes(router, *services);
  }

  api::HttpResponse ask(const std::string& method, const std::string& body, const std::string& address) {
    api::HttpRequest request;
    request.method = method;
    request.path = "/api/v1/public/enrollment-status";
    request.target = request.path;
    request.body = body;
    request.content_type = "application/json";
    request.client_address = address;
    bool method_allowed = false;
    const api::Handler* handler = router.match(request, method_allowed);
    if (handler == nullptr) return api::HttpResponse{405, "application/json", "", {}, {}};
    return api::settle((*handler)(request));
  }
  api::HttpResponse lookup(const std::string& nik, const std::string& receipt, const std::string& address) {
    return ask("POST", boost::json::serialize(boost::json::object{{"nik", nik}, {"receipt_number", receipt}}),
               address);
  }
  std::int64_t audit_rows(const std::string& action, const std::string& subject = "") {
    EXPECT_TRUE(audit->flush().has_value());
    if (subject.empty()) return central_rows("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action});
    return central_rows("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2", {action, subject});
  }
  static std::string retry_after(const api::HttpResponse& r) {
    for (const auto& [name, value] : r.headers)
      if (name == "Retry-After") return value;
    return "";
  }

  std::vector<std::string> residents, walk, receipts, enrollment_ids;
  std::unique_ptr<registry::CivilRegistry> civil;
  std::unique_ptr<access::AuthService> auth;
  std::unique_ptr<access::AuditWriter> audit;
  std::unique_ptr<api::ApiServices> services;
  api::Router router;
  std::int64_t now_ms = kCentralNowMs + 3'600'000;
};

// The old query: NIK + the birth date read out of the NIK. It is gone, and so is its GET.
TEST_P(PublicStatusTest, TheBirthDateQueryNoLongerAnswers) {
  const std::string& nik = residents[0];
  std::string birth = nik.substr(6, 6);
  auto r = ask("GET", "", "203.0.113.9");
  EXPECT_EQ(r.status, 405);
  auto by_date = ask("POST", boost::json::serialize(boost::json::object{{"nik", nik}, {"birth_date", birth}}),
                     "203.0.113.9");
  EXPECT_EQ(by_date.status, 400);
  EXPECT_EQ(lookup(nik, "", "203.0.113.9").status, 400);
  EXPECT_EQ(lookup(nik, "not-a-receipt!", "203.0.113.9").status, 400);
  EXPECT_EQ(ask("POST", std::string(600, ' '), "203.0.113.9").status, 400);
}

TEST_P(PublicStatusTest, AWalkOverADistrictFindsNobodyIsThrottledAuditedAndAlerted) {
  // One address walks the district's NIKs with guessed receipt numbers, a few seconds apart.
  const std::string walker = "203.0.113.7";
  int found = 0, refused = 0, misses = 0;
  for (std::size_t i = 0; i < 40; ++i) {
    auto r = lookup(walk[i], registry::generate_receipt_number(), walker);
    if (r.status == 200) ++found;
    if (r.status == 404) ++misses;
    if (r.status == 429) {
      ++refused;
      EXPECT_FALSE(retry_after(r).empty());
    }
    now_ms += 3'000;  // 20 a minute: twice the address's budget
  }
  EXPECT_EQ(found, 0);
  EXPECT_GE(refused, 15);
  EXPECT_GE(misses, 20);
  EXPECT_EQ(audit_rows("public_status_miss"), misses);
  EXPECT_EQ(audit_rows("alert.enumeration", walker), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'public_status_miss' AND detail LIKE $1",
                         {"%" + walker + "%"}),
            misses);

  // Many addresses guessing the receipt numbers of the enrolled: each NIK locks after 5 misses.
  int locked = 0;
  std::string wait;
  for (int guess = 0; guess < 9; ++guess) {
    for (int person = 0; person < 3; ++person) {
      std::string address = "198.51.100." + std::to_string(guess * 3 + person + 1);
      auto r = lookup(residents[person], registry::generate_receipt_number(), address);
      EXPECT_NE(r.status, 200);
      if (r.status == 429) {
        ++locked;
        wait = retry_after(r);
      }
    }
    now_ms += 1'000;
  }
  // Each NIK missed once in the walk above; the 6th miss (5th guess here) starts the lockout,
  // so the last 4 guesses of each are refused.
  EXPECT_EQ(locked, 3 * 4);
  EXPECT_GE(std::stoi(wait), 55);  // the minute of the first lockout, 4 s into it
  // Locked out, even the right number waits: the guesser learns nothing from a later hit.
  EXPECT_EQ(lookup(residents[0], receipts[0], "192.0.2.50").status, 429);
  now_ms += 3'600'000;
  EXPECT_EQ(lookup(residents[0], receipts[0], "192.0.2.50").status, 200);
}

TEST_P(PublicStatusTest, TheRightReceiptAnswersTheStatusAndNothingElse) {
  // A possible duplicate awaiting adjudicators reads as the ordinary check.
  {
    auto conn = central.db().connect();
    ASSERT_OK(conn);
    ASSERT_OK(registry::set_enrollment_status(**conn, enrollment_ids[1], registry::EnrollmentStatus::kAdjudication,
                                              kCentralNowMs + 10, "kemungkinan data ganda dengan NIK 3327"));
  }
  auto unknown = lookup("3327019999990001", receipts[0], "192.0.2.1");
  auto wrong = lookup(residents[0], "7KQ4-M9XD-2P", "192.0.2.1");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(unknown.body, wrong.body);

  std::string typed = receipts[0];
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto r = lookup(residents[0], typed, "192.0.2.1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status").as_string(), "terkirim");
  ASSERT_TRUE(body.at("timeline").is_array());
  EXPECT_EQ(body.at("timeline").as_array().size(), 2u);  // direkam, terkirim
  for (const auto& step : body.at("timeline").as_array()) {
    const auto& o = step.as_object();
    EXPECT_EQ(o.size(), 3u);
    EXPECT_TRUE(o.contains("status") && o.contains("label") && o.contains("at_ms"));
  }
  for (const char* field : {"station_id", "enrollment_id", "enrollments", "detail", "current", "modalities"}) {
    EXPECT_EQ(r.body.find(field), std::string::npos) << field;
  }
  EXPECT_EQ(r.body.find(station.identity.station_id), std::string::npos);
  EXPECT_EQ(r.body.find(enrollment_ids[0]), std::string::npos);
  EXPECT_EQ(audit_rows("read_enrollment_status", residents[0]), 1);

  auto pending = lookup(residents[1], receipts[1], "192.0.2.2");
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(boost::json::parse(pending.body).at("status").as_string(), "verifikasi");
  EXPECT_EQ(pending.body.find("ganda"), std::string::npos);
  EXPECT_EQ(pending.body.find("adjudikasi"), std::string::npos);
  // Another resident's receipt number does not open this one.
  EXPECT_EQ(lookup(residents[2], receipts[0], "192.0.2.3").status, 404);
}

TEST_P(PublicStatusTest, AResidentReadyToPrintIsToldTheDateOrWhyThereIsNone) {
  {
    auto conn = central.db().connect();
    ASSERT_OK(conn);
    ASSERT_OK(registry::set_enrollment_status(**conn, enrollment_ids[2], registry::EnrollmentStatus::kReadyToPrint,
                                              kCentralNowMs + 10, ""));
  }
  // No blanko on hand at the printing office and none announced: no date, and why (the lookup
  // queues the resident, who had not been swept into the queue yet).
  auto r = lookup(residents[2], receipts[2], "192.0.2.4");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status").as_string(), "siap_cetak");
  ASSERT_TRUE(body.contains("ready")) << r.body;
  EXPECT_EQ(body.at("ready").at("status").as_string(), "no_date");
  EXPECT_EQ(body.at("ready").at("reason").as_string(), "no_stock_no_delivery");
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM print_requests WHERE status = 'waiting'"), 1);
  // Earlier residents are not at siap cetak: no ready date is said for them.
  auto other = lookup(residents[0], receipts[0], "192.0.2.5");
  ASSERT_EQ(other.status, 200);
  EXPECT_FALSE(boost::json::parse(other.body).as_object().contains("ready"));
}

EKTP_INSTANTIATE_FOR_BACKENDS(PublicStatusTest);

}  // namespace
}  // namespace ektp::sync
