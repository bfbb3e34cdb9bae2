// One bulk-matching job (pemadanan): an agency's file matched row by row against the register,
// under the agency's agreement (PKS) in force, with one result line for every row.
//
// In order:
//   1. the agreement in force must include bulk_match (403 agency_operation_not_agreed) and the
//      purpose (403 agency_purpose_not_agreed); every column the file supplies but row_id and nik
//      must be one of its verify fields ("address" is the profile's "street"; 403
//      agency_field_not_agreed naming the column) — checked on the header, before any row;
//   2. the register within the agreement's regions is loaded (register_loader.h);
//   3. rows are read, checked, matched and written in chunks of kJobChunkRows. Each chunk is
//      counted against the agency's daily quota (a row is a call) and audited — one chained
//      `agency.bulk_match` entry per chunk and a read per person a row touched
//      (bulk_match_reads.h), by `agency:<code>`, so the resident sees it — in one transaction,
//      and its results are written only after that commits: no
//      result leaves unaudited. A quota used up stops the job there (429 agency_quota_exceeded)
//      with the rows before it written.
// Where the results go is a ResultSink: a stream (the CLI) gets each chunk after its commit; a
// background job's file (bulk_job_files.h) gets it, durably, before — with the chunk's checkpoint
// recorded in the same transaction as its audit, so a job killed anywhere resumes from its last
// checkpoint (BulkMatchRequest::resume_from) and every row gets exactly one result and one audit.
// matched_nik is written for found_by_demographics only when the agreement lets the agency
// receive the NIK (retrieve field "nik"). Results never carry the register's values.
// Thread-safety: one job per call; the Database and RegionDirectory are shared.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "bulk_matching/agency_file.h"
#include "bulk_matching/bulk_row.h"
#include "bulk_matching/byte_input.h"
#include "bulk_matching/result_writer.h"
#include "core/civil_date.h"
#include "core/error.h"
#include "core/region.h"
#include "store/database.h"

namespace ektp::bulk {

inline constexpr std::size_t kJobChunkRows = 16'384;  // bounds memory: ≤ 8 KiB a record
inline constexpr std::size_t kJobThreadsMax = 64;

// How far a job has got: the rows with a durable result and the chunks audited, with the counts so
// far. A job resumed from a checkpoint reads the rows before it again (the duplicate check and
// the file quality need them) but neither matches, audits nor writes them again.
struct BulkMatchCheckpoint {
  std::uint64_t rows_done = 0;
  std::uint64_t chunks_done = 0;
  std::array<std::uint64_t, kRowResultCount> results{};
  std::uint64_t audited = 0;
};

// The counts as text ("12,0,3,…", one per RowResult) for a database column, and back; a
// malformed text is kDataLoss.
std::string result_counts_text(const std::array<std::uint64_t, kRowResultCount>& counts);
Result<std::array<std::uint64_t, kRowResultCount>> parse_result_counts(std::string_view text);

// Takes each chunk's result bytes (the CSV header before the first row).
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Before the chunk's transaction (a job's file is made durable here).
  virtual Status stage(std::string_view bytes) = 0;
  // Inside the chunk's transaction, after its quota count and audit.
  virtual Status record(store::Connection& c, const BulkMatchCheckpoint& checkpoint) {
    (void)c;
    (void)checkpoint;
    return {};
  }
  // After the commit (a stream is written here, so no unaudited result ever reaches it).
  virtual Status commit(std::string_view bytes) = 0;
  // The chunk's transaction failed: take back what stage() took (the job stops there).
  virtual void unstage(std::string_view bytes) { (void)bytes; }
  // Asked before each chunk: stop there (503 bulk_job_interrupted; resumable).
  virtual bool stop_requested() const { return false; }
};

// Writes each chunk to `out` once it is committed.
class StreamResultSink final : public ResultSink {
 public:
  explicit StreamResultSink(std::ostream& out) : out_(&out) {}
  Status stage(std::string_view) override { return {}; }
  Status commit(std::string_view bytes) override;

 private:
  std::ostream* out_;
};

struct BulkMatchRequest {
  std::string agency_code;
  std::string purpose;    // one of the agreement's
  std::string job_label;  // names the job in every audit record (≤ 100 bytes: a file name, a job id)
  std::string run_by;     // who started it ("admin.pusat"), in every audit record
  ResultFormat format = ResultFormat::kCsv;
  std::size_t threads = 2;  // 1..kJobThreadsMax
  std::int64_t now_ms = 0;
  BulkMatchCheckpoint resume_from = {};  // a resumed job: where it had got to
};

enum class JobPhase : std::uint8_t { kLoadingRegister, kMatching };

struct BulkMatchProgress {
  JobPhase phase = JobPhase::kLoadingRegister;
  std::size_t persons_read = 0;    // loading: persons read from the register so far
  std::uint64_t rows_done = 0;     // matching: rows with their result written
  std::uint64_t bytes_read = 0;    // of the input, so far
  double seconds = 0;              // since the job started
};

struct BulkMatchSummary {
  std::uint64_t rows = 0;
  std::array<std::uint64_t, kRowResultCount> results{};
  FileQuality quality;
  std::size_t register_persons = 0;
  std::uint64_t audited = 0;  // reads recorded: a person touched, once per row
  double load_seconds = 0;    // reading the register into memory
  double match_seconds = 0;   // reading, checking, matching, auditing and writing the rows
  // Rows whose person was found (match, match_fields_differ, found_by_demographics, deceased)
  // over all rows; 0 for an empty file.
  double match_rate() const;
};
// The summary as one JSON object: counts per result by id, rows, match_rate, the file quality
// (quality_json), register persons, audited, and the two timings.
std::string summary_json(const BulkMatchSummary& summary);

using BulkMatchProgressReport = std::function<void(const BulkMatchProgress&)>;

Result<BulkMatchSummary> run_bulk_match(store::Database& db, const RegionDirectory& regions, CivilDate today,
                                        ByteSource input, ResultSink& sink, const BulkMatchRequest& request,
                                        const BulkMatchProgressReport& progress = {});
// The same, into a stream (StreamResultSink).
Result<BulkMatchSummary> run_bulk_match(store::Database& db, const RegionDirectory& regions, CivilDate today,
                                        ByteSource input, std::ostream& out, const BulkMatchRequest& request,
                                        const BulkMatchProgressReport& progress = {});

// Checks, before any row is read, what the job itself checks first: the agreement in force
// includes bulk_match and the purpose, and the file's header names only columns the agreement
// lets the agency verify. For an upload, so that a file the job would refuse is refused at once.
Status check_bulk_match_file(store::Database& db, const RegionDirectory& regions, CivilDate today, ByteSource input,
                             const BulkMatchRequest& request);

}  // namespace ektp::bulk
