// The process that the crash-loop test (station_crash_test.cpp) kills with SIGKILL, over and
// over. It is a station and central in one process, on two real SQLite files (WAL, synchronous
// FULL): it saves enrollments and runs upload rounds through an in-process link straight into
// central's database, so a kill lands while saving, while syncing, and inside central's ingest
// transaction. It reports on stdout, one line per write(2), and says "saved <id>" only after the
// commit returned: that line is the operator being told the enrollment was saved.
//
//   ektp_station_crash_child loop  STATION_URL CENTRAL_URL TEMPLATE_JSON NIKS SEED   (until killed)
//   ektp_station_crash_child drain STATION_URL CENTRAL_URL TEMPLATE_JSON NIKS SEED   (uploads until
//                                                                                     nothing is pending)
// TEMPLATE_JSON: an enrollment payload whose fingers, photo and signature every new enrollment
// reuses under a fresh id; NIKS: comma-separated residents to enroll. Exit 0 after a drain; 2 on
// bad usage; 3 when anything fails (the test then fails: nothing should, kills aside).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "central_route.h"
#include "sync/outbox.h"
#include "sync/uploader.h"

namespace {

using namespace ektp;

void emit(const std::string& line) {
  std::string text = line + "\n";
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

[[noreturn]] void fail(std::string_view what, const Error& error) {
  std::fprintf(stderr, "station_crash_child: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               error.message.c_str());
  std::exit(3);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Straight into central's database, marking where central's ingest begins and ends.
class InProcessLink : public sync::CentralLink {
 public:
  InProcessLink(store::Database& station_db, store::Database& central_db, sync::SyncIngest& ingest,
                const sync::StationIdentity& identity)
      : station_db_(station_db), central_db_(central_db), ingest_(ingest), identity_(identity) {}

  Result<sync::UploadResponse> upload(const sync::UploadRequest& request) override {
    auto signed_upload = test::sign_upload(station_db_, identity_, sync::upload_request_to_json(request));
    if (!signed_upload) return std::unexpected(signed_upload.error());
    emit(fmt::format("ingest-begin {}-{}", request.items.front().seq, request.items.back().seq));
    auto response = test::central_upload_route(central_db_, ingest_, *signed_upload, now_ms());
    emit("ingest-end");
    return response;
  }

 private:
  store::Database& station_db_;
  store::Database& central_db_;
  sync::SyncIngest& ingest_;
  const sync::StationIdentity& identity_;
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7 || (std::string(argv[1]) != "loop" && std::string(argv[1]) != "drain")) {
    std::fprintf(stderr, "usage: %s loop|drain STATION_URL CENTRAL_URL TEMPLATE_JSON NIKS SEED\n", argv[0]);
    return 2;
  }
  const bool drain = std::string(argv[1]) == "drain";
  auto station_db = store::Database::open(argv[2]);
  if (!station_db) fail("opening the station database", station_db.error());
  auto central_db = store::Database::open(argv[3]);
  if (!central_db) fail("opening central's database", central_db.error());
  std::ifstream template_file(argv[4], std::ios::binary);
  std::string template_json{std::istreambuf_iterator<char>(template_file), std::istreambuf_iterator<char>()};
  auto model = sync::enrollment_from_payload(template_json);
  if (!model) fail("reading the template enrollment", model.error());
  auto niks = split(argv[5], ',');
  if (niks.empty()) return 2;
  std::mt19937_64 rng(std::strtoull(argv[6], nullptr, 10));

  auto identity = sync::load_station_identity(**station_db);
  if (!identity) fail("loading the station identity", identity.error());
  if (!*identity) fail("loading the station identity", Error{ErrorCode::kFailedPrecondition, "not provisioned"});
  auto ingest = test::make_central_ingest(**central_db, now_ms());
  if (!ingest) fail("starting central's ingest", ingest.error());
  InProcessLink link(**station_db, **central_db, **ingest, **identity);
  sync::Uploader uploader(**station_db, **identity, link);
  emit("ready");

  if (drain) {
    for (;;) {
      emit("upload-begin");
      auto round = uploader.upload_once(16);
      if (!round) fail("uploading", round.error());
      emit(fmt::format("upload-end {}", round->receipts));
      if (round->pending_after == 0) break;
    }
    emit("drained");
    return 0;
  }
  for (;;) {
    if (std::uniform_int_distribution<int>(0, 2)(rng) != 0) {
      for (int n = std::uniform_int_distribution<int>(1, 3)(rng); n > 0; --n) {
        registry::Enrollment e = *model;
        e.enrollment_id = sync::random_uuid();
        e.nik = niks[std::uniform_int_distribution<std::size_t>(0, niks.size() - 1)(rng)];
        e.station_id = (*identity)->station_id;
        e.captured_at_ms = now_ms();
        emit("save-begin");
        auto seq = sync::save_enrollment_with_outbox(**station_db, e, e.captured_at_ms);
        if (!seq) fail("saving an enrollment", seq.error());
        emit(fmt::format("saved {} {}", e.enrollment_id, *seq));  // only now is the operator told
      }
    } else {
      emit("upload-begin");
      auto round = uploader.upload_once(std::uniform_int_distribution<std::size_t>(1, 8)(rng));
      if (!round) fail("uploading", round.error());
      emit(fmt::format("upload-end {}", round->receipts));
    }
  }
}
