// Dedup of one enrollment against a gallery of N persons, the whole way a central server does it
// (bench/README.md, "Dedup of one enrollment"): N synthetic persons (10 fingers each) stored as
// cleared enrollments in a fresh SQLite registry, DedupService::open() loading them into the
// gallery, then one job at a time: store + enqueue the enrollment (as the sync ingest does), and
// time process_pending(), which claims the job, reads the record, searches, and writes the outcome
// (siap_cetak or adjudication cases) in one transaction. The reference in the same run is the bare
// search of the same enrollment against the same gallery (DedupService::search), so the ratio shows
// what the job, the database and the transaction add. Prints one JSON line per gallery size.
// Usage: ektp_dedup_bench [--persons N]... [--jobs K] [--threads T] [--dir DIR]
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "abis/dedup_service.h"
#include "abis/identify_eval.h"
#include "abis/synthetic.h"
#include "biometrics/template_format.h"
#include "registry/enrollment_store.h"
#include "store/migrations.h"

namespace {

namespace abis = ektp::abis;
namespace reg = ektp::registry;
namespace store = ektp::store;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kSeed = 20261123;
constexpr std::uint64_t kNikBase = 3'300'000'000'000'000;  // synthetic NIKs: 33 + serial
constexpr std::int64_t kNowMs = 1'795'000'000'000;
constexpr std::size_t kInsertBatch = 2000;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string enrollment_id_of(std::uint64_t person, int impression) { return fmt::format("syn-{}-{}", person, impression); }

// The person's ten fingers, one impression (0 = the gallery's, others = probes).
std::vector<std::vector<std::uint8_t>> finger_templates(std::uint64_t person, int impression) {
  std::vector<std::vector<std::uint8_t>> out;
  for (int f = 1; f <= abis::parameters::fingers_per_person; ++f) {
    const abis::SyntheticFinger finger = abis::synthetic_finger(kSeed, person, f);
    abis::Rng rng(kSeed * 1'000'003 + person * 16 + static_cast<std::uint64_t>(f) +
                  static_cast<std::uint64_t>(impression) * 0x9e3779b97f4a7c15ull);
    auto bytes = ektp::biometrics::encode_template(abis::make_impression(finger, rng));
    out.push_back(bytes ? std::move(*bytes) : std::vector<std::uint8_t>{});
  }
  return out;
}

reg::Enrollment enrollment_of(std::uint64_t person, int impression, std::uint64_t nik_serial) {
  reg::Enrollment e;
  e.enrollment_id = enrollment_id_of(person, impression);
  e.nik = fmt::format("{:016d}", kNikBase + nik_serial);
  e.station_id = "st-bench";
  e.operator_name = "bench";
  e.captured_at_ms = kNowMs;
  e.received_at_ms = kNowMs;
  e.status = reg::EnrollmentStatus::kSent;
  e.modalities = {"fingerprint"};
  e.photo = {0xff, 0xd8, 0xff};
  e.photo_mime = "image/jpeg";
  e.photo_sha256 = reg::bytes_sha256(e.photo);
  e.signature = {0x89, 'P', 'N', 'G'};
  e.signature_sha256 = reg::bytes_sha256(e.signature);
  auto templates = finger_templates(person, impression);
  for (int f = 1; f <= 10; ++f) {
    reg::FingerCapture c;
    c.position = f;
    c.quality = 2;
    c.template_bytes = std::move(templates[static_cast<std::size_t>(f - 1)]);
    e.fingers.push_back(std::move(c));
  }
  return e;
}

// Stores persons [0, n) as cleared enrollments (siap_cetak), in bulk.
ektp::Status store_gallery(store::Database& db, std::size_t n, int threads) {
  using store::Value;
  for (std::size_t start = 0; start < n; start += kInsertBatch) {
    const std::size_t count = std::min(kInsertBatch, n - start);
    std::vector<std::vector<std::vector<std::uint8_t>>> templates(count);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t k = static_cast<std::size_t>(t); k < count; k += static_cast<std::size_t>(threads))
          templates[k] = finger_templates(start + k, 0);
      });
    }
    for (auto& th : pool) th.join();
    std::vector<std::vector<Value>> enrollments, fingers;
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint64_t p = start + k;
      const std::string id = enrollment_id_of(p, 0);
      enrollments.push_back({id, fmt::format("{:016d}", kNikBase + p), std::string("st-bench"), std::string("bench"),
                             kNowMs, kNowMs, std::string("siap_cetak"), std::string("[\"fingerprint\"]"),
                             std::string("{}"), std::int64_t{0}, store::Blob{{0xff, 0xd8, 0xff}},
                             std::string("image/jpeg"), std::string(""), std::string("{}"), store::Blob{{0x89}},
                             std::string("")});
      for (int f = 1; f <= 10; ++f) {
        fingers.push_back({id, std::int64_t{f}, store::Null{}, std::string(""),
                           store::Blob{std::move(templates[k][static_cast<std::size_t>(f - 1)])}, std::int64_t{2},
                           std::string("")});
      }
    }
    auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> ektp::Result<bool> {
      if (auto s = c.insert_rows("enrollments",
                                 {"enrollment_id", "nik", "station_id", "operator", "captured_at_ms", "received_at_ms",
                                  "status", "modalities", "biodata_changes", "base_version", "photo", "photo_mime",
                                  "photo_sha256", "photo_report", "signature", "signature_sha256"},
                                 enrollments);
          !s) {
        return std::unexpected(s.error());
      }
      if (auto s = c.insert_rows("enrollment_fingers",
                                 {"enrollment_id", "position", "image", "image_sha256", "template", "quality",
                                  "missing_reason"},
                                 fingers);
          !s) {
        return std::unexpected(s.error());
      }
      return true;
    });
    if (!done) return std::unexpected(done.error());
  }
  return {};
}

struct Timing {
  std::vector<double> job_ms, search_ms;
  std::size_t right_outcome = 0;  // mated: a case naming the right person; non-mated: siap_cetak
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}
double max_of(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

int run(std::size_t persons, std::size_t jobs, int threads, const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = store::Database::open("sqlite:" + (dir / "registry.db").string());
  if (!db) return std::fprintf(stderr, "open: %s\n", db.error().message.c_str()), 1;
  if (auto m = store::migrate(**db, store::registry_migrations()); !m) {
    return std::fprintf(stderr, "migrate: %s\n", m.error().message.c_str()), 1;
  }
  auto t0 = Clock::now();
  if (auto s = store_gallery(**db, persons, threads); !s) return std::fprintf(stderr, "store: %s\n", s.error().message.c_str()), 1;
  const double store_s = seconds_since(t0);

  t0 = Clock::now();
  abis::DedupOptions options;
  options.search_threads = threads;
  auto service = abis::DedupService::open(**db, options, [&](const abis::GalleryLoadProgress& p) {
    if (p.enrollments_done == p.enrollments_total || p.enrollments_done % 10'000 == 0) {
      std::fprintf(stderr, "\rgallery: %zu / %zu enrollments", p.enrollments_done, p.enrollments_total);
    }
  });
  std::fprintf(stderr, "\n");
  if (!service) return std::fprintf(stderr, "dedup: %s\n", service.error().message.c_str()), 1;
  const double load_s = seconds_since(t0);

  // Mated: impression 1 of an enrolled person under a new NIK. Non-mated: persons never enrolled.
  Timing mated, non_mated;
  for (std::size_t k = 0; k < 2 * jobs; ++k) {
    const bool is_mated = k % 2 == 0;
    const std::uint64_t person = is_mated ? (k * 7919) % persons : persons + k;
    const reg::Enrollment e = enrollment_of(person, 1, persons + 1'000'000 + k);
    Timing& timing = is_mated ? mated : non_mated;

    auto search_start = Clock::now();
    auto found = (*service)->search(e);
    timing.search_ms.push_back(seconds_since(search_start) * 1000);
    if (!found) return std::fprintf(stderr, "search: %s\n", found.error().message.c_str()), 1;

    auto stored = store::with_write_transaction<bool>(**db, [&](store::Connection& c) -> ektp::Result<bool> {
      if (auto s = reg::insert_enrollment(c, e); !s) return std::unexpected(s.error());
      if (auto s = abis::enqueue_dedup_job(c, e.enrollment_id, e.nik, kNowMs); !s) return std::unexpected(s.error());
      return true;
    });
    if (!stored) return std::fprintf(stderr, "enqueue: %s\n", stored.error().message.c_str()), 1;
    auto job_start = Clock::now();
    auto processed = (*service)->process_pending();
    timing.job_ms.push_back(seconds_since(job_start) * 1000);
    if (!processed) return std::fprintf(stderr, "process: %s\n", processed.error().message.c_str()), 1;
    if (is_mated) {
      const std::string expected = fmt::format("{:016d}", kNikBase + person);
      auto cases = store::with_read_transaction<std::vector<abis::AdjudicationCase>>(
          **db, [&](store::Connection& c) { return abis::cases_of_enrollment(c, e.enrollment_id); });
      const bool named = cases && std::any_of(cases->begin(), cases->end(), [&](const abis::AdjudicationCase& c) {
        return c.candidate_nik == expected;
      });
      timing.right_outcome += processed->hit == 1 && named;
    } else {
      timing.right_outcome += processed->no_hit == 1;
    }
  }
  const double job_mean = (mean(mated.job_ms) + mean(non_mated.job_ms)) / 2;
  const double search_mean = (mean(mated.search_ms) + mean(non_mated.search_ms)) / 2;
  // Fixed decimals: the figures are read by people (bench/README.md) as much as by scripts.
  std::printf("%s\n",
              fmt::format("{{\"bench\":\"dedup_one_enrollment\",\"persons\":{},\"fingers_per_person\":10,"
                          "\"threads\":{},\"threshold\":{:.3f},\"store_gallery_s\":{:.1f},\"gallery_load_s\":{:.1f},"
                          "\"gallery_persons\":{},\"jobs\":{},\"job_ms_mean_hit\":{:.1f},\"job_ms_mean_no_hit\":{:.1f},"
                          "\"job_ms_max\":{:.1f},\"search_ms_mean\":{:.1f},\"ratio_job_to_search\":{:.3f},"
                          "\"mated_found\":\"{}/{}\",\"non_mated_cleared\":\"{}/{}\"}}",
                          persons, threads, abis::parameters::dedup_decision_threshold, store_s, load_s,
                          (*service)->gallery_persons(), 2 * jobs, mean(mated.job_ms), mean(non_mated.job_ms),
                          std::max(max_of(mated.job_ms), max_of(non_mated.job_ms)), search_mean,
                          search_mean > 0 ? job_mean / search_mean : 0.0, mated.right_outcome, jobs,
                          non_mated.right_outcome, jobs)
                  .c_str());
  std::fflush(stdout);
  service->reset();
  std::filesystem::remove_all(dir);
  return 0;
}

bool parse_number(const char* text, std::size_t& out) {
  const std::string_view s(text);
  return std::from_chars(s.data(), s.data() + s.size(), out).ptr == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  std::size_t jobs = 10, threads = std::max(1u, std::thread::hardware_concurrency());
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "ektp-dedup-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    std::size_t n = 0;
    if (flag == "--dir") {
      dir = argv[i + 1];
      continue;
    }
    if (!parse_number(argv[i + 1], n) || n == 0 || n > 5'000'000) {
      std::fprintf(stderr, "%s needs a positive number\n", flag.c_str());
      return 2;
    }
    if (flag == "--persons") {
      sizes.push_back(n);
    } else if (flag == "--jobs") {
      jobs = n;
    } else if (flag == "--threads") {
      threads = n;
    } else {
      std::fprintf(stderr, "usage: ektp_dedup_bench [--persons N]... [--jobs K] [--threads T] [--dir DIR]\n");
      return 2;
    }
  }
  if (sizes.empty()) sizes = {10'000, 100'000};
  for (std::size_t n : sizes) {
    if (int rc = run(n, jobs, static_cast<int>(threads), dir); rc != 0) return rc;
  }
  return 0;
}
