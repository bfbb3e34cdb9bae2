// A central database with a small demo regency and a provisioned station database, joined by an
// in-process link that signs and checks each request as HTTP would and can drop requests, drop
// answers or deliver twice; the working copy pulled in-process. Enrollments with real fingers, full size or compact (real templates,
// small images) where only the sync path is under test. The simulated network with reordering
// and partitions is sim_network.h.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "central_route.h"
#include "biometrics/image_io.h"
#include "access/auth_service.h"
#include "registry/demo/demo_loader.h"
#include "registry/person_store.h"
#include "access/sha256.h"
#include "store/migrations.h"
#include "support/enrollment_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"
#include "sync/enrollment_items.h"
#include "sync/outbox.h"
#include "sync/enrollment_payload.h"
#include "sync/station_provisioning.h"
#include "sync/sync_ingest.h"
#include "sync/uploader.h"
#include "sync/working_copy.h"

namespace ektp::test {

inline constexpr std::int64_t kCentralNowMs = 1'795'400'000'000;  // 2026-11-23

struct Central {
  std::unique_ptr<TestDatabase> database;
  std::unique_ptr<sync::SyncIngest> ingest;
  store::Database& db() { return database->db(); }
};

// Central on `backend` with `persons` demo residents of regency 3327 and users admin + operator.
inline Central make_central(store::Backend backend, std::size_t persons = 300) {
  Central central;
  auto created = TestDatabase::create(backend);
  EXPECT_TRUE(created.has_value());
  if (!created) return central;
  central.database = std::move(*created);
  EXPECT_TRUE(store::migrate(central.db(), store::registry_migrations()).has_value());
  registry::demo::DemoOptions demo;
  demo.regency_code = "3327";
  demo.persons = persons;
  demo.today = CivilDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{23}};
  EXPECT_TRUE(registry::demo::load_demo_population(central.db(), demo, nullptr).has_value());
  access::AuthService auth(central.db());
  auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs));
  // The bootstrap admin (an admin account records its person's own NIK).
  EXPECT_TRUE(auth.create_user(access::NewUser{"admin", "kunci-pusat-2026", Role::kAdmin, {"3327011501800901", ""}, ""},
                               now)
                  .has_value());
  EXPECT_TRUE(auth.create_user("operator", "kunci-petugas-2026", Role::kOperator, now).has_value());
  auto ingest = make_central_ingest(central.db(), kCentralNowMs);
  EXPECT_TRUE(ingest.has_value()) << (ingest ? "" : ingest.error().message);
  if (ingest) central.ingest = std::move(*ingest);
  return central;
}

// Central stops and starts again: the ingest and every database connection go, the same
// database is opened again and the ingest rebuilt from it (its signing key included).
inline Status restart_central(Central& central) {
  central.ingest.reset();
  if (auto s = central.database->reopen(); !s) return s;
  auto ingest = make_central_ingest(central.db(), kCentralNowMs);
  if (!ingest) return std::unexpected(ingest.error());
  central.ingest = std::move(*ingest);
  return {};
}

// Adult residents of a district at central (NIKs), at most `count`.
inline std::vector<std::string> residents_of(store::Database& db, std::string_view district, std::size_t count) {
  auto conn = db.connect();
  EXPECT_TRUE(conn.has_value());
  auto rows = (*conn)->execute(
      "SELECT nik FROM persons WHERE district_code = $1 AND alive = 1 AND birth_date < '2005-01-01' ORDER BY nik "
      "LIMIT $2",
      {std::string(district), static_cast<std::int64_t>(count)});
  EXPECT_TRUE(rows.has_value());
  std::vector<std::string> out;
  for (const auto& row : rows->rows) out.push_back(row.text(0));
  return out;
}

inline std::string busiest_district(store::Database& db) {
  auto conn = db.connect();
  auto rows = (*conn)->execute(
      "SELECT district_code, COUNT(*) AS n FROM persons GROUP BY district_code ORDER BY n DESC, district_code LIMIT 1");
  EXPECT_TRUE(rows.has_value() && !rows->rows.empty());
  return rows->rows[0].text(0);
}

struct Station {
  std::unique_ptr<TestDatabase> database;
  sync::StationIdentity identity;
  store::Database& db() { return database->db(); }
};

// Registers, provisions and sets up a station (SQLite, as in the field) for `district`.
inline Station make_station(Central& central, std::string station_id, std::string district) {
  Station station;
  auto created = TestDatabase::create(store::Backend::kSQLite);
  EXPECT_TRUE(created.has_value());
  station.database = std::move(*created);
  EXPECT_TRUE(store::migrate(station.db(), store::registry_migrations()).has_value());
  auto token = sync::register_station(central.db(), RegionDirectory::builtin(),
                                      {station_id, district, "Kantor Kecamatan", {"operator"}}, "admin",
                                      kCentralNowMs);
  EXPECT_TRUE(token.has_value()) << (token ? "" : token.error().message);
  auto key = sync::generate_key_pair();
  auto provisioning = sync::provision_station(central.db(), station_id, *token, key.public_key_hex, kCentralNowMs);
  EXPECT_TRUE(provisioning.has_value()) << (provisioning ? "" : provisioning.error().message);
  EXPECT_TRUE(sync::apply_provisioning(station.db(), *provisioning, "http://central.test", key, kCentralNowMs)
                  .has_value());
  auto identity = sync::load_station_identity(station.db());
  EXPECT_TRUE(identity.has_value() && identity->has_value());
  station.identity = **identity;
  return station;
}

// An enrollment of `nik` made at `station` with the ten fingers of `set` (impression 1).
inline registry::Enrollment station_enrollment(const Station& station, const std::string& nik, const std::string& set,
                                               int impression = 1) {
  static std::map<std::pair<std::string, int>, std::vector<registry::FingerCapture>> cache;
  auto key = std::pair{set, impression};
  if (!cache.contains(key)) cache[key] = real_fingers(set, impression);
  registry::Enrollment e = base_enrollment(sync::random_uuid(), nik);
  e.fingers = cache[key];
  e.station_id = station.identity.station_id;
  return e;
}

// Ten real fingers of `set`, compact: the templates our extractor made from the FVC images, each
// image cut down to its central 64×64 pixels (PNG). For tests of the sync path, where the bytes
// of a record matter only as bytes; an enrollment stays ~100 KB instead of ~2 MB.
inline std::vector<registry::FingerCapture> compact_fingers(const std::string& set, int impression = 1) {
  static std::map<std::pair<std::string, int>, std::vector<registry::FingerCapture>> cache;
  auto key = std::pair{set, impression};
  if (auto found = cache.find(key); found != cache.end()) return found->second;
  auto fingers = real_fingers(set, impression);
  for (auto& f : fingers) {
    auto grey = biometrics::decode_image(f.image);
    EXPECT_TRUE(grey.has_value());
    if (!grey) continue;
    biometrics::GreyImage crop;
    crop.width = std::min(64, grey->width);
    crop.height = std::min(64, grey->height);
    int x0 = (grey->width - crop.width) / 2, y0 = (grey->height - crop.height) / 2;
    for (int y = 0; y < crop.height; ++y) {
      for (int x = 0; x < crop.width; ++x) crop.pixels.push_back(grey->at(x0 + x, y0 + y));
    }
    auto png = biometrics::encode_png(crop);
    EXPECT_TRUE(png.has_value());
    if (!png) continue;
    f.image = std::move(*png);
    f.image_sha256 = registry::bytes_sha256(f.image);
  }
  cache[key] = fingers;
  return fingers;
}

// A compact enrollment of `nik` at `station` with the given id (compact_fingers of `set`).
inline registry::Enrollment compact_enrollment(const Station& station, const std::string& enrollment_id,
                                               const std::string& nik, const std::string& set) {
  registry::Enrollment e = base_enrollment(enrollment_id, nik);
  e.fingers = compact_fingers(set);
  e.station_id = station.identity.station_id;
  return e;
}

// The in-process link: signs like the station's HTTP client, checks like central's route.
class LoopbackLink : public sync::CentralLink {
 public:
  LoopbackLink(Central& central, Station& station) : central_(central), station_(station) {}

  // Faults for the next calls.
  bool drop_request = false;   // central never sees it
  bool drop_response = false;  // central applies it; the answer is lost
  bool deliver_twice = false;  // the network duplicates it
  int requests = 0;

  Result<sync::UploadResponse> upload(const sync::UploadRequest& request) override {
    ++requests;
    if (drop_request) return make_error(ErrorCode::kUnavailable, "link down");
    std::string body = sync::upload_request_to_json(request);
    auto once = deliver(body);
    if (deliver_twice) once = deliver(body);
    if (drop_response) return make_error(ErrorCode::kUnavailable, "connection reset after the request was sent");
    return once;
  }

  // Signs `body` as the station would and hands it to central's route.
  Result<sync::UploadResponse> deliver(const std::string& body) {
    auto signed_upload = sign_upload(station_.db(), station_.identity, body);
    if (!signed_upload) return std::unexpected(signed_upload.error());
    return central_upload_route(central_.db(), *central_.ingest, *signed_upload, kCentralNowMs);
  }

 private:
  Central& central_;
  Station& station_;
};

// The station's working copy pulled from central in-process (as `ektp station` does over HTTP):
// every family and person of its district changed after `after_ms`.
inline Status pull_working_copy(Central& central, Station& station, std::int64_t after_ms = 0) {
  for (const char* table : {"families", "persons"}) {
    std::int64_t cursor = after_ms;
    std::string key;
    for (;;) {
      auto page = sync::read_changes(central.db(), table, station.identity.district_code, cursor, key, 500);
      if (!page) return std::unexpected(page.error());
      if (auto s = sync::apply_changes(station.db(), *page); !s) return s;
      cursor = page->next_after_ms;
      key = page->next_after_key;
      if (!page->more) break;
    }
  }
  return {};
}

inline std::int64_t count_rows(store::Database& db, const std::string& sql, std::vector<store::Value> params = {}) {
  auto conn = db.connect();
  auto rows = (*conn)->execute(sql, params);
  EXPECT_TRUE(rows.has_value()) << (rows ? "" : rows.error().message);
  return rows ? rows->rows[0].integer(0) : -1;
}

// The fixture of the station ↔ central suites, on each back end: central (make_central) and a
// station `station_id` provisioned for central's busiest district. A suite's own SetUp calls this
// one first and returns when the back end is skipped (IsSkipped()).
class StationCentralTest : public BackendTest {
 protected:
  explicit StationCentralTest(std::string station_id = "st-pml-1") : station_id_(std::move(station_id)) {}

  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    central = make_central(backend());
    district = busiest_district(central.db());
    station = make_station(central, station_id_, district);
  }

  // COUNT(*) queries: the first column of the first row, at the station or at central.
  std::int64_t station_rows(const std::string& sql, std::vector<store::Value> params = {}) {
    return count_rows(station.db(), sql, std::move(params));
  }
  std::int64_t central_rows(const std::string& sql, std::vector<store::Value> params = {}) {
    return count_rows(central.db(), sql, std::move(params));
  }

  Central central;
  Station station;
  std::string district;

 private:
  std::string station_id_;
};

// Uploads the whole outbox once through a lost answer (central applies, the station never hears)
// and then a duplicated delivery; returns the station's outbox rows, newest first.
inline Result<std::vector<sync::OutboxRow>> deliver_through_lost_answer_and_duplicate(Central& central,
                                                                                      Station& station) {
  LoopbackLink link(central, station);
  sync::Uploader uploader(station.db(), station.identity, link);
  link.drop_response = true;
  EXPECT_FALSE(uploader.upload_once().has_value());
  link.drop_response = false;
  link.deliver_twice = true;
  auto round = uploader.upload_once();
  EXPECT_TRUE(round.has_value()) << (round ? "" : round.error().message);
  return sync::list_outbox(station.db(), false, 10);
}

}  // namespace ektp::test
