// Bulk-matching jobs in the background (bulk_job_store.h, bulk_job_files.h, bulk_job_worker.h) on
// SQLite and PostgreSQL: an upload in pieces becomes a queued job that the worker runs to done,
// with its result file and summary; the same file again is recognised; sizes over the limit and
// malformed digests are refused. A job stopped after its first chunks, with the bytes of a chunk
// that was written but never committed left in its result file (the state a kill -9 between the
// two leaves), is taken up by a new worker and ends with exactly one result per row, each chunk
// audited once and each row counted once against the quota.
#include "bulk_matching/bulk_job_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "access/sha256.h"
#include "bulk_matching/bulk_job_store.h"
#include "bulk_matching/bulk_match_fixture.h"

namespace ektp::bulk {
namespace {

using namespace test_fixture;
namespace fs = std::filesystem;

class BulkJobWorkerTest : public BulkMatchFixture {
 protected:
  void SetUp() override {
    BulkMatchFixture::SetUp();
    if (IsSkipped()) return;
    dir_ = fs::temp_directory_path() / fmt::format("ektp-bulk-worker-{}-{}", ::getpid(), counter_++);
    auto files = BulkJobFiles::open(dir_);
    ASSERT_OK(files);
    files_.emplace(std::move(*files));
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
    BulkMatchFixture::TearDown();
  }

  // Creates BPJS's job for `file`, uploads it in pieces of `piece` bytes and queues it.
  Result<BulkJob> submit(const std::string& file, std::size_t piece = 1000) {
    NewBulkJob job{"bpjs-kesehatan", "key1", std::string(kPurpose), "peserta.csv", ResultFormat::kCsv,
                   file.size(), access::sha256_hex(file), kNowMs};
    EKTP_ASSIGN_OR_RETURN(auto created, store::with_write_transaction<BulkJob>(db(), [&](store::Connection& c) {
                            return create_bulk_job(c, job, bulk_job_limits::file_bytes_max_default);
                          }));
    for (std::size_t at = 0; at < file.size(); at += piece) {
      const std::string_view part = std::string_view(file).substr(at, piece);
      EKTP_RETURN_IF_ERROR(files_->write_input(created.id, at, part));
      EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(db(), [&](store::Connection& c) {
        return record_upload_progress(c, created.id, at + part.size(), kNowMs);
      }));
    }
    EKTP_ASSIGN_OR_RETURN(const auto digest, files_->input_sha256(created.id));
    EXPECT_EQ(digest, job.sha256);
    EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(db(), [&](store::Connection& c) {
      return queue_bulk_job(c, created.id, kNowMs);
    }));
    return load(created.id);
  }

  Result<BulkJob> load(const std::string& id) {
    return store::with_read_transaction<BulkJob>(db(), [&](store::Connection& c) { return load_bulk_job_by_id(c, id); });
  }

  std::string result_of(const std::string& id) {
    std::ifstream in(files_->result_path(id), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // `rows` rows without a NIK (name and birth date of a register member), row_ids R0, R1, …
  std::string large_file(std::size_t rows) const {
    std::string csv = "row_id,name,birth_date,sex\n";
    for (std::size_t i = 0; i < rows; ++i) {
      const auto& m = members_[i % 14];  // alive members
      csv += fmt::format("R{},{},{},{}\n", i, m.name, m.birth_date, m.sex);
    }
    return csv;
  }

  std::int64_t clock() const { return kNowMs; }

  static inline int counter_ = 0;
  fs::path dir_;
  std::optional<BulkJobFiles> files_;
};

TEST_P(BulkJobWorkerTest, AnUploadedFileIsMatchedInTheBackground) {
  auto job = submit(agency_file(), 97);
  ASSERT_OK(job);
  EXPECT_EQ(job->state, BulkJobState::kQueued);
  EXPECT_EQ(job->received_bytes, agency_file().size());
  BulkJobWorker worker(db(), RegionDirectory::builtin(), *files_, [] { return kNowMs; });
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> ended;
  worker.start([&](const std::string& id, const Status& outcome) {
    EXPECT_TRUE(outcome.has_value()) << outcome.error().message;
    std::lock_guard lock(m);
    ended.push_back(id);
    cv.notify_one();
  });
  worker.wake();
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return !ended.empty(); }));
  }
  worker.stop();
  EXPECT_EQ(ended, std::vector<std::string>{job->id});
  auto done = load(job->id);
  ASSERT_OK(done);
  EXPECT_EQ(done->state, BulkJobState::kDone);
  EXPECT_EQ(done->checkpoint.rows_done, 18u);
  EXPECT_EQ(done->result_bytes, fs::file_size(files_->result_path(job->id)));
  EXPECT_NE(done->summary_json.find("\"rows\":18"), std::string::npos) << done->summary_json;
  auto rows = read_with_python(result_of(job->id));
  EXPECT_EQ(rows.size(), 17u);  // A000 twice: the map keeps one
  EXPECT_EQ(rows["A001"].substr(0, 6), "match|");
  EXPECT_FALSE(worker.progress(job->id).has_value());
}

TEST_P(BulkJobWorkerTest, TheSameFileAgainIsRecognisedAndLimitsHold) {
  auto first = submit(agency_file());
  ASSERT_OK(first);
  auto again = submit(agency_file());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().reason, "bulk_file_already_submitted");
  EXPECT_NE(again.error().message.find(first->id), std::string::npos) << again.error().message;
  auto conn = db().connect();
  ASSERT_OK(conn);
  NewBulkJob huge{"bpjs-kesehatan", "key1", std::string(kPurpose), "besar.csv", ResultFormat::kCsv,
                  100ULL << 30, std::string(64, 'a'), kNowMs};
  auto too_large = create_bulk_job(**conn, huge, bulk_job_limits::file_bytes_max_default);
  ASSERT_FALSE(too_large.has_value());
  EXPECT_EQ(too_large.error().reason, "bulk_file_too_large");
  huge.size_bytes = 10;
  huge.sha256 = "ABC";
  auto bad_digest = create_bulk_job(**conn, huge, bulk_job_limits::file_bytes_max_default);
  ASSERT_FALSE(bad_digest.has_value());
  EXPECT_NE(bad_digest.error().message.find("sha256"), std::string::npos);
  huge.sha256 = std::string(64, 'b');
  huge.size_bytes = 0;
  auto empty = create_bulk_job(**conn, huge, bulk_job_limits::file_bytes_max_default);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().reason, "bulk_file_empty");
  // Another agency's job is not found, and the answer is the same as for no job at all.
  auto other = load_bulk_job(**conn, "bank-jateng", first->id);
  auto none = load_bulk_job(**conn, "bank-jateng", "pm_000000000000000000000000");
  ASSERT_FALSE(other.has_value());
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(other.error().reason, none.error().reason);
  EXPECT_EQ(other.error().message, none.error().message);
  // An upload that skips ahead is refused by the file: bytes recorded are bytes on disk.
  EXPECT_FALSE(files_->write_input(first->id, first->size_bytes + 10, "x").has_value());
}

TEST_P(BulkJobWorkerTest, AJobStoppedMidwayResumesWithExactlyOneResultPerRow) {
  constexpr std::size_t kRows = 5 * kJobChunkRows + 123;
  ASSERT_OK((*db().connect())->execute("UPDATE agency_agreements SET daily_quota = 10000000"));
  auto job = submit(large_file(kRows), 1 << 20);
  ASSERT_OK(job);
  {
    BulkJobWorker first(db(), RegionDirectory::builtin(), *files_, [] { return kNowMs; });
    Status outcome;
    std::thread runner([&] { outcome = first.run_job(job->id); });
    // Stopped once its second chunk is done, as a server going down would be.
    for (int i = 0; i < 60'000; ++i) {
      const auto p = first.progress(job->id);
      if (p && p->rows_done >= 2 * kJobChunkRows) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    first.stop();
    runner.join();
    ASSERT_FALSE(outcome.has_value()) << "the job ended before it could be stopped";
    EXPECT_EQ(outcome.error().reason, "bulk_job_interrupted");
  }
  auto stopped = load(job->id);
  ASSERT_OK(stopped);
  EXPECT_EQ(stopped->state, BulkJobState::kRunning);
  ASSERT_GE(stopped->checkpoint.rows_done, 2 * kJobChunkRows);
  ASSERT_LT(stopped->checkpoint.rows_done, kRows);
  EXPECT_EQ(stopped->result_bytes, fs::file_size(files_->result_path(job->id)));
  // A chunk written to the result file whose transaction never committed (killed in between).
  std::ofstream(files_->result_path(job->id), std::ios::binary | std::ios::app) << "R99999999,match,,,,,\r\n";

  BulkJobWorker second(db(), RegionDirectory::builtin(), *files_, [] { return kNowMs; });
  ASSERT_OK(second.run_job(job->id));
  auto done = load(job->id);
  ASSERT_OK(done);
  EXPECT_EQ(done->state, BulkJobState::kDone);
  EXPECT_EQ(done->resumed, 1u);
  EXPECT_EQ(done->checkpoint.rows_done, kRows);
  std::istringstream lines(result_of(job->id));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.rfind("row_id,result,", 0), 0u) << line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    ASSERT_EQ(line.substr(0, line.find(',')), fmt::format("R{}", n)) << "line " << n + 2;
    ++n;
  }
  EXPECT_EQ(n, kRows);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.bulk_match'"), 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM bulk_match_reads"), static_cast<std::int64_t>(kRows));
  EXPECT_EQ(count("SELECT SUM(calls) FROM agency_usage WHERE agency_code = 'bpjs-kesehatan'"),
            static_cast<std::int64_t>(kRows));
  auto verified = verify_bulk_reads(db());
  ASSERT_OK(verified);
  EXPECT_EQ(verified->chunks, 6);
  EXPECT_TRUE(verified->broken_chunks.empty());
  EXPECT_EQ(verified->stray_reads, 0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(BulkJobWorkerTest);

}  // namespace
}  // namespace ektp::bulk
