// Enrollments synced per second from a station to central (bench/README.md, "Station sync"), the
// whole upload path in one process: the station saves each enrollment with its outbox item (one
// SQLite transaction, synchronous=FULL), then the Uploader sends the outbox in batches; each batch
// is serialised to JSON, signed with the station's key and a fresh request counter, authenticated
// and parsed strictly at central, ingested item by item (payload decoded, checksums and templates
// checked, record stored, signed receipt in the same transaction), and the receipts verified and
// stored back at the station. No HTTP and no network: what is measured is the work of both ends.
// Records are real: ten FVC fingerprints (the TIF images and the templates our extractor made
// from them) and a real face photo, 1–3 MB per enrollment. The reference in the same run, on a
// second central with the same demo population, stores the same enrollments directly, one
// transaction each, with the writes the ingest makes for the record itself (insert_enrollment,
// status "terkirim", the person flagged enrolled), so the ratio is what syncing adds. Upload
// rounds and reference inserts alternate, so both meet the same load on a shared host.
// Prints one JSON line. Usage:
//   ektp_sync_bench --central URL --reference URL --station PATH [--enrollments N] [--label NAME]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/template_format.h"
#include "access/auth_service.h"
#include "registry/demo/demo_loader.h"
#include "registry/enrollment_store.h"
#include "access/sha256.h"
#include "store/migrations.h"
#include "sync/enrollment_items.h"
#include "sync/enrollment_payload.h"
#include "sync/outbox.h"
#include "sync/signing.h"
#include "sync/station_directory.h"
#include "sync/station_identity.h"
#include "sync/station_provisioning.h"
#include "sync/sync_ingest.h"
#include "sync/uploader.h"

namespace {

namespace reg = ektp::registry;
namespace store = ektp::store;
namespace sync = ektp::sync;
using ektp::Result;
using ektp::Status;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kNowMs = 1'795'400'000'000;  // 2026-11-23
constexpr std::string_view kStationId = "st-bench-1";
constexpr std::string_view kUploadTarget = "/api/v1/sync/upload";

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Ten real fingers of one FVC set and impression, with the templates our extractor makes.
Result<std::vector<reg::FingerCapture>> real_fingers(const std::filesystem::path& dir, int impression) {
  std::vector<reg::FingerCapture> fingers;
  for (int i = 0; i < 10; ++i) {
    reg::FingerCapture f;
    f.position = i + 1;
    auto path = dir / fmt::format("{}_{}.tif", 101 + i, impression);
    f.image = read_file(path);
    if (f.image.empty()) return ektp::make_error(ektp::ErrorCode::kNotFound, fmt::format("{} is missing", path.string()));
    f.image_sha256 = reg::bytes_sha256(f.image);
    auto grey = ektp::biometrics::decode_image(f.image);
    if (!grey) return std::unexpected(grey.error());
    auto t = ektp::biometrics::extract(*grey, 500);
    if (!t) return std::unexpected(t.error());
    f.quality = std::clamp(static_cast<int>(t->image_quality), 1, 5);
    auto bytes = ektp::biometrics::encode_template(*t);
    if (!bytes) return std::unexpected(bytes.error());
    f.template_bytes = std::move(*bytes);
    fingers.push_back(std::move(f));
  }
  return fingers;
}

// A central (or the reference) with a demo population of regency 3327 and an admin + operator.
Result<std::unique_ptr<store::Database>> open_central(const std::string& url, std::size_t persons) {
  auto db = store::Database::open(url);
  if (!db) return std::unexpected(db.error());
  if (auto m = store::migrate(**db, store::registry_migrations()); !m) return std::unexpected(m.error());
  reg::demo::DemoOptions demo;
  demo.regency_code = "3327";
  demo.persons = persons;
  demo.today = ektp::CivilDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{23}};
  reg::demo::DemoLoadOptions load;
  load.updated_at_ms = kNowMs;
  if (auto loaded = reg::demo::load_demo_population(**db, demo, {}, load); !loaded) {
    return std::unexpected(loaded.error());
  }
  ektp::access::AuthService auth(**db);
  auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(kNowMs));
  // The bootstrap admin records its person's NIK (access/staff.h); the operator needs none.
  for (auto [name, role, nik] : {std::tuple{"admin", ektp::Role::kAdmin, "3327011501800901"},
                                 std::tuple{"operator", ektp::Role::kOperator, ""}}) {
    auto created = auth.create_user(ektp::access::NewUser{name, "bench-password-1", role, {nik, ""}, ""}, now);
    if (!created) return std::unexpected(created.error());
  }
  return db;
}

Result<std::vector<std::string>> residents(store::Database& db, std::size_t count) {
  return store::with_read_transaction<std::vector<std::string>>(
      db, [&](store::Connection& c) -> Result<std::vector<std::string>> {
        // One station enrolls only residents of its own district: the most populous one.
        auto rows = c.execute(
            "SELECT nik FROM persons WHERE alive = 1 AND district_code = (SELECT district_code FROM persons "
            "WHERE alive = 1 GROUP BY district_code ORDER BY COUNT(*) DESC, district_code LIMIT 1) ORDER BY nik "
            "LIMIT $1",
            {static_cast<std::int64_t>(count)});
        if (!rows) return std::unexpected(rows.error());
        std::vector<std::string> out;
        for (const auto& row : rows->rows) out.push_back(row.text(0));
        return out;
      });
}

// The upload path without sockets: what the station's HTTP client and central's route do.
class InProcessLink : public sync::CentralLink {
 public:
  InProcessLink(store::Database& station, sync::StationIdentity identity, store::Database& central,
                sync::SyncIngest& ingest)
      : station_(station), identity_(std::move(identity)), central_(central), ingest_(ingest) {}

  Result<sync::UploadResponse> upload(const sync::UploadRequest& request) override {
    // Station: body, counter, signature.
    std::string body = sync::upload_request_to_json(request);
    auto counter = sync::next_request_counter(station_);
    if (!counter) return std::unexpected(counter.error());
    std::string text = sync::request_signing_text("POST", kUploadTarget, identity_.station_id, *counter,
                                                  ektp::access::sha256_hex(body));
    auto signature = sync::sign_hex(identity_.secret_key_hex, text);
    if (!signature) return std::unexpected(signature.error());
    bytes_sent += body.size();
    ++requests;
    // Central: authenticate what arrived, parse strictly, ingest, answer in JSON.
    const auto central_start = Clock::now();
    struct AddTime {
      double& total;
      Clock::time_point start;
      ~AddTime() { total += seconds_since(start); }
    } timed{central_s, central_start};
    std::string received = sync::request_signing_text("POST", kUploadTarget, identity_.station_id, *counter,
                                                      ektp::access::sha256_hex(body));
    auto station = sync::authenticate_station_request(central_, identity_.station_id, *counter, *signature, received,
                                                      kNowMs);
    if (!station) return std::unexpected(station.error());
    auto parsed = sync::upload_request_from_json(body);
    if (!parsed) return std::unexpected(parsed.error());
    auto response = ingest_.ingest(*station, *parsed, kNowMs);
    if (!response) return std::unexpected(response.error());
    return sync::upload_response_from_json(sync::upload_response_to_json(*response));
  }

  std::size_t bytes_sent = 0;
  std::size_t requests = 0;
  double central_s = 0;  // inside central's route: authenticate, parse, ingest, answer

 private:
  store::Database& station_;
  sync::StationIdentity identity_;
  store::Database& central_;
  sync::SyncIngest& ingest_;
};

Result<std::int64_t> count(store::Database& db, const std::string& sql) {
  return store::with_read_transaction<std::int64_t>(db, [&](store::Connection& c) -> Result<std::int64_t> {
    auto rows = c.execute(sql);
    if (!rows) return std::unexpected(rows.error());
    return rows->rows[0].integer(0);
  });
}

struct Options {
  std::string central_url;
  std::string reference_url;
  std::string station_path;
  std::size_t enrollments = 48;
  std::string label;
};

int fail(std::string_view what, const ektp::Error& error) {
  std::fprintf(stderr, "sync bench: %.*s: %s\n", static_cast<int>(what.size()), what.data(), error.message.c_str());
  return 1;
}

int run(const Options& o) {
  const std::size_t persons = std::max<std::size_t>(1000, o.enrollments * 30);  // enough in one district
  auto central = open_central(o.central_url, persons);
  if (!central) return fail("central", central.error());
  auto reference = open_central(o.reference_url, persons);
  if (!reference) return fail("reference", reference.error());

  // The station: registered, provisioned, its own SQLite file.
  auto station = store::Database::open("sqlite:" + o.station_path);
  if (!station) return fail("station", station.error());
  if (auto m = store::migrate(**station, store::registry_migrations()); !m) return fail("station migrate", m.error());
  auto nik_list = residents(**central, o.enrollments);
  if (!nik_list) return fail("residents", nik_list.error());
  if (nik_list->size() < o.enrollments) {
    return fail("residents", {ektp::ErrorCode::kInternal, "the demo has fewer residents than enrollments"});
  }
  const std::string district = nik_list->front().substr(0, 6);  // the demo registers each resident where they live
  auto token = sync::register_station(**central, ektp::RegionDirectory::builtin(),
                                      {std::string(kStationId), district, "Bench", {"operator"}}, "admin", kNowMs);
  if (!token) return fail("register station", token.error());
  auto key = sync::generate_key_pair();
  auto provisioning = sync::provision_station(**central, kStationId, *token, key.public_key_hex, kNowMs);
  if (!provisioning) return fail("provision", provisioning.error());
  if (auto s = sync::apply_provisioning(**station, *provisioning, "http://central.bench", key, kNowMs); !s) {
    return fail("apply provisioning", s.error());
  }
  auto identity = sync::load_station_identity(**station);
  if (!identity || !*identity) return fail("identity", identity ? ektp::Error{ektp::ErrorCode::kInternal, "none"} : identity.error());
  auto central_key = sync::central_signing_key(**central, kNowMs);
  if (!central_key) return fail("central key", central_key.error());
  sync::SyncIngest ingest(**central, *central_key);
  ingest.set_handler(std::string(sync::kEnrollmentKind), sync::make_enrollment_handler(nullptr));

  // Real records: the fingers of five FVC sets, two impressions each, and a real photo.
  const std::filesystem::path data = EKTP_SHARED_DATA_DIR;
  std::vector<std::vector<reg::FingerCapture>> finger_sets;
  for (const char* set : {"fvc2002-db1b", "fvc2002-db2b", "fvc2002-db3b", "fvc2004-db1b", "fvc2002-db4b-synthetic"}) {
    for (int impression : {1, 2}) {
      auto fingers = real_fingers(data / "fingerprints" / set, impression);
      if (!fingers) return fail(set, fingers.error());
      finger_sets.push_back(std::move(*fingers));
    }
  }
  auto photo = read_file(data / "faces" / "matplotlib_grace_hopper.jpg");
  if (photo.empty()) return fail("photo", {ektp::ErrorCode::kNotFound, "faces/matplotlib_grace_hopper.jpg is missing"});
  std::vector<reg::Enrollment> records;
  for (std::size_t i = 0; i < o.enrollments; ++i) {
    reg::Enrollment e;
    e.enrollment_id = fmt::format("bench-{:05d}", i);
    e.nik = (*nik_list)[i];
    e.station_id = std::string(kStationId);
    e.operator_name = "operator";
    e.captured_at_ms = kNowMs;
    e.modalities = {"fingerprint", "face"};
    e.photo = photo;
    e.photo_mime = "image/jpeg";
    e.photo_sha256 = reg::bytes_sha256(e.photo);
    e.signature = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3};
    e.signature_sha256 = reg::bytes_sha256(e.signature);
    e.fingers = finger_sets[i % finger_sets.size()];
    records.push_back(std::move(e));
  }

  // 1. Saved at the desk: record + outbox item, one transaction each.
  auto t0 = Clock::now();
  for (const auto& e : records) {
    if (auto seq = sync::save_enrollment_with_outbox(**station, e, kNowMs); !seq) return fail("save", seq.error());
  }
  const double desk_s = seconds_since(t0);
  auto payload_bytes = count(**station, "SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM outbox");
  if (!payload_bytes) return fail("outbox", payload_bytes.error());

  // 2. Synced, interleaved with 3. the reference so both see the same load on a shared host: one
  // upload round (the uploader's batch), then the records it delivered stored directly at the
  // second central, one transaction each, with the writes the ingest makes for the record itself.
  auto store_directly = [&](reg::Enrollment e) -> Status {
    e.status = reg::EnrollmentStatus::kRecorded;
    e.received_at_ms = kNowMs;
    auto done = store::with_write_transaction<bool>(**reference, [&](store::Connection& c) -> Result<bool> {
      if (auto s = reg::insert_enrollment(c, e); !s) return std::unexpected(s.error());
      if (auto s = reg::set_enrollment_status(c, e.enrollment_id, reg::EnrollmentStatus::kSent, kNowMs, kStationId);
          !s) {
        return std::unexpected(s.error());
      }
      auto flagged = c.execute("UPDATE persons SET enrolled = 1, updated_at_ms = $2 WHERE nik = $1", {e.nik, kNowMs});
      if (!flagged) return std::unexpected(flagged.error());
      return true;
    });
    if (!done) return std::unexpected(done.error());
    return {};
  };
  InProcessLink link(**station, **identity, **central, ingest);
  sync::Uploader uploader(**station, **identity, link);
  double sync_s = 0;
  double reference_s = 0;
  std::size_t delivered = 0;
  for (std::size_t rounds = 0;; ++rounds) {
    if (rounds > o.enrollments + 10) return fail("upload", {ektp::ErrorCode::kInternal, "the outbox does not drain"});
    t0 = Clock::now();
    auto round = uploader.upload_once();
    if (!round) return fail("upload", round.error());
    sync_s += seconds_since(t0);
    // The outbox goes in seq order, which is the order the records were saved in.
    t0 = Clock::now();
    for (std::size_t i = delivered; i < delivered + round->receipts && i < records.size(); ++i) {
      if (auto s = store_directly(records[i]); !s) return fail("reference insert", s.error());
    }
    reference_s += seconds_since(t0);
    delivered += round->receipts;
    if (round->pending_after == 0) break;
  }
  auto applied = count(**central, "SELECT COUNT(*) FROM sync_items WHERE outcome = 'applied'");
  if (!applied) return fail("check", applied.error());
  auto stored = count(**central, "SELECT COUNT(*) FROM enrollments");
  if (!stored) return fail("check", stored.error());
  auto stored_directly = count(**reference, "SELECT COUNT(*) FROM enrollments");
  if (!stored_directly) return fail("check", stored_directly.error());
  if (*applied != static_cast<std::int64_t>(o.enrollments) || *stored != *applied || *stored_directly != *applied) {
    return fail("check", {ektp::ErrorCode::kDataLoss, fmt::format("{} applied, {} stored, {} stored directly, of {}",
                                                                 *applied, *stored, *stored_directly, o.enrollments)});
  }

  const double n = static_cast<double>(o.enrollments);
  const double mb = static_cast<double>(*payload_bytes) / 1e6;
  std::printf(
      "{\"bench\":\"station_sync\",\"central\":\"%s\",\"enrollments\":%zu,\"payload_mb_mean\":%.2f,"
      "\"desk_save_per_s\":%.1f,\"sync_per_s\":%.1f,\"sync_mb_per_s\":%.1f,\"upload_requests\":%zu,"
      "\"central_share_of_sync\":%.2f,\"reference_direct_insert_per_s\":%.1f,\"ratio_sync_to_direct\":%.3f,"
      "\"note\":\"absolute rates are noisy on the shared 2-core host; compare the ratio, measured in the same "
      "run\"}\n",
      o.label.empty() ? "central" : o.label.c_str(), o.enrollments, mb / n, n / desk_s, n / sync_s, mb / sync_s,
      link.requests, link.central_s / sync_s, n / reference_s, reference_s / sync_s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (flag == "--central") o.central_url = value();
    else if (flag == "--reference") o.reference_url = value();
    else if (flag == "--station") o.station_path = value();
    else if (flag == "--label") o.label = value();
    else if (flag == "--enrollments") {
      auto text = value();
      try {
        o.enrollments = static_cast<std::size_t>(std::stoul(text));
      } catch (const std::exception&) {
        o.enrollments = 0;
      }
      if (o.enrollments == 0 || o.enrollments > 100'000) {
        std::fprintf(stderr, "--enrollments needs a number 1..100000, got '%s'\n", text.c_str());
        return 2;
      }
    } else {
      o.central_url.clear();
      break;
    }
  }
  if (o.central_url.empty() || o.reference_url.empty() || o.station_path.empty()) {
    std::fprintf(stderr,
                 "usage: ektp_sync_bench --central URL --reference URL --station PATH [--enrollments N] "
                 "[--label NAME]\n");
    return 2;
  }
  return run(o);
}
