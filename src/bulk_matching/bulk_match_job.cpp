#include "bulk_matching/bulk_match_job.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "agency/agency_quota.h"
#include "agency/agency_registry.h"
#include "agency/claim_verification.h"
#include "bulk_matching/bulk_match_reads.h"
#include "bulk_matching/register_loader.h"
#include "bulk_matching/row_matcher.h"
#include "core/parallel_for.h"

namespace ektp::bulk {

namespace {

constexpr std::size_t kJobLabelBytesMax = 100;

// The profile field (agency/profile_fields.h) an agreement must let the agency verify for a column.
std::string_view profile_field_of(Column column) {
  return column == Column::kAddress ? std::string_view("street") : column_name(column);
}

Status check_request(const BulkMatchRequest& request) {
  if (request.agency_code.empty()) return invalid_argument("agency: which agency's file this is");
  if (request.run_by.empty()) return invalid_argument("run_by: who starts the job");
  if (request.job_label.empty() || request.job_label.size() > kJobLabelBytesMax) {
    return invalid_argument(fmt::format("job_label: 1 to {} bytes", kJobLabelBytesMax));
  }
  if (request.threads < 1 || request.threads > kJobThreadsMax) {
    return invalid_argument(fmt::format("threads: 1 to {}", kJobThreadsMax));
  }
  return {};
}

Result<agency::Agreement> agreement_for(store::Database& db, const BulkMatchRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto agreement, store::with_read_transaction<agency::Agreement>(db, [&](store::Connection& c) {
                          return agency::agreement_in_force(c, request.agency_code, request.now_ms);
                        }));
  if (!agreement.allows(agency::AgencyOperation::kBulkMatch)) {
    return refusal(ErrorCode::kPermissionDenied, "agency_operation_not_agreed",
                   fmt::format("agreement {} does not include bulk_match", agreement.number));
  }
  if (std::find(agreement.purposes.begin(), agreement.purposes.end(), request.purpose) == agreement.purposes.end()) {
    return refusal(ErrorCode::kPermissionDenied, "agency_purpose_not_agreed",
                   fmt::format("purpose '{}' is not one of agreement {}'s", request.purpose.substr(0, 60),
                               agreement.number));
  }
  return agreement;
}

// Every supplied column but row_id and nik must be a field the agreement lets the agency verify.
Status check_columns(const agency::Agreement& agreement, const std::array<bool, kColumnCount>& columns,
                     std::string& fields) {
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    const auto column = static_cast<Column>(i);
    if (!columns[i] || column == Column::kRowId) continue;
    fields += (fields.empty() ? "" : ",") + std::string(column_name(column));
    if (column == Column::kNik || agreement.may_verify(profile_field_of(column))) continue;
    return refusal(ErrorCode::kPermissionDenied, std::string(agency::kFieldNotAgreed),
                   fmt::format("column {}: agreement {} does not let this agency verify {}", column_name(column),
                               agreement.number, profile_field_of(column)));
  }
  return {};
}

bool person_found(RowResult result) {
  return result == RowResult::kMatch || result == RowResult::kMatchFieldsDiffer ||
         result == RowResult::kFoundByDemographics || result == RowResult::kDeceased;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

double BulkMatchSummary::match_rate() const {
  if (rows == 0) return 0;
  std::uint64_t found = 0;
  for (std::size_t i = 0; i < kRowResultCount; ++i) {
    if (person_found(static_cast<RowResult>(i))) found += results[i];
  }
  return static_cast<double>(found) / static_cast<double>(rows);
}

std::string summary_json(const BulkMatchSummary& s) {
  std::string results;
  for (std::size_t i = 0; i < kRowResultCount; ++i) {
    results += fmt::format("{}\"{}\":{}", i == 0 ? "" : ",", row_result_id(static_cast<RowResult>(i)), s.results[i]);
  }
  return fmt::format(
      "{{\"rows\":{},\"results\":{{{}}},\"match_rate\":{:.4f},\"register_persons\":{},\"audited\":{},"
      "\"load_seconds\":{:.3f},\"match_seconds\":{:.3f},\"quality\":{}}}",
      s.rows, results, s.match_rate(), s.register_persons, s.audited, s.load_seconds, s.match_seconds,
      quality_json(s.quality));
}

std::string result_counts_text(const std::array<std::uint64_t, kRowResultCount>& counts) {
  std::string text;
  for (std::size_t i = 0; i < kRowResultCount; ++i) text += fmt::format("{}{}", i == 0 ? "" : ",", counts[i]);
  return text;
}

Result<std::array<std::uint64_t, kRowResultCount>> parse_result_counts(std::string_view text) {
  std::array<std::uint64_t, kRowResultCount> counts{};
  std::size_t at = 0;
  for (std::size_t i = 0; i < kRowResultCount; ++i) {
    const auto end = std::min(text.find(',', at), text.size());
    const auto part = text.substr(at, end - at);
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), counts[i]);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() ||
        (i + 1 < kRowResultCount) != (end < text.size())) {
      return make_error(ErrorCode::kDataLoss, fmt::format("result counts '{}': {} numbers expected",
                                                          text.substr(0, 80), kRowResultCount));
    }
    at = end + 1;
  }
  return counts;
}

Status StreamResultSink::commit(std::string_view bytes) {
  out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!*out_) return make_error(ErrorCode::kUnavailable, "writing the result file failed");
  return {};
}

Status check_bulk_match_file(store::Database& db, const RegionDirectory& regions, CivilDate today, ByteSource input,
                             const BulkMatchRequest& request) {
  EKTP_RETURN_IF_ERROR(check_request(request));
  EKTP_ASSIGN_OR_RETURN(const auto agreement, agreement_for(db, request));
  EKTP_ASSIGN_OR_RETURN(auto reader, AgencyFileReader::open(std::move(input), regions, today));
  std::string fields;
  return check_columns(agreement, reader.columns(), fields);
}

Result<BulkMatchSummary> run_bulk_match(store::Database& db, const RegionDirectory& regions, CivilDate today,
                                        ByteSource input, std::ostream& out, const BulkMatchRequest& request,
                                        const BulkMatchProgressReport& progress) {
  StreamResultSink sink(out);
  return run_bulk_match(db, regions, today, std::move(input), sink, request, progress);
}

Result<BulkMatchSummary> run_bulk_match(store::Database& db, const RegionDirectory& regions, CivilDate today,
                                        ByteSource input, ResultSink& sink, const BulkMatchRequest& request,
                                        const BulkMatchProgressReport& progress) {
  const auto started = std::chrono::steady_clock::now();
  EKTP_RETURN_IF_ERROR(check_request(request));
  EKTP_ASSIGN_OR_RETURN(const auto agreement, agreement_for(db, request));
  BulkMatchProgress report;
  ByteSource counted = observed_source(std::move(input), [&report](std::string_view chunk) { report.bytes_read += chunk.size(); });
  EKTP_ASSIGN_OR_RETURN(auto reader, AgencyFileReader::open(std::move(counted), regions, today));
  std::string fields;
  EKTP_RETURN_IF_ERROR(check_columns(agreement, reader.columns(), fields));

  const BulkMatchCheckpoint& resume = request.resume_from;
  BulkMatchSummary summary;
  summary.rows = resume.rows_done;
  summary.results = resume.results;
  summary.audited = resume.audited;
  EKTP_ASSIGN_OR_RETURN(const auto index, load_register_index(db, agreement, [&](std::size_t persons) {
                          report.persons_read = persons;
                          report.seconds = seconds_since(started);
                          if (progress) progress(report);
                        }));
  summary.register_persons = index.size();
  summary.load_seconds = seconds_since(started);
  report.phase = JobPhase::kMatching;

  // A resumed job: the rows that already have their result are read (for the duplicate check and
  // the file quality) and passed over.
  FileRow skipped;
  for (std::uint64_t i = 0; i < resume.rows_done; ++i) {
    EKTP_ASSIGN_OR_RETURN(const bool more, reader.next(skipped));
    if (!more) {
      return make_error(ErrorCode::kDataLoss, fmt::format("the file has {} rows, the job's checkpoint says {} are done",
                                                          i, resume.rows_done));
    }
  }
  report.rows_done = summary.rows;
  report.seconds = seconds_since(started);
  if (progress) progress(report);  // matching has begun (a resumed job: from its checkpoint)

  const bool reveal_nik = agreement.may_retrieve("nik");
  const MatchOptions options{.reveal_matched_nik = true};  // the job needs the NIK to audit; see below
  std::ostringstream chunk_out;  // one chunk's result bytes
  ResultWriter writer(chunk_out, request.format, reader.columns());
  if (resume.rows_done > 0) writer.resume(resume.rows_done);
  const std::string actor = "agency:" + request.agency_code;
  std::vector<FileRow> chunk;
  std::vector<std::size_t> accepted;  // positions in chunk of the rows to match
  std::vector<MatchDetail> matched;
  std::vector<BulkRead> reads;
  BulkMatchCheckpoint checkpoint = resume;
  const std::string read_detail = fmt::format("agreement {}; job {} by {}; purpose {}; fields {}", agreement.number,
                                              request.job_label, request.run_by, request.purpose, fields);
  for (bool more = true; more;) {
    if (sink.stop_requested()) {
      return refusal(ErrorCode::kUnavailable, "bulk_job_interrupted",
                     fmt::format("stopped after {} rows; the job resumes from there", summary.rows));
    }
    chunk.clear();
    accepted.clear();
    while (chunk.size() < kJobChunkRows) {
      FileRow row;
      EKTP_ASSIGN_OR_RETURN(more, reader.next(row));
      if (!more) break;
      if (row.accepted()) accepted.push_back(chunk.size());
      chunk.push_back(std::move(row));
    }
    if (chunk.empty()) break;
    matched.assign(accepted.size(), MatchDetail{});
    parallel_for(accepted.size(), request.threads,
                 [&](std::size_t i) { matched[i] = match_row_detailed(chunk[accepted[i]].claim, index, options); });
    // Recorded before anything is released: the chunk's audit entry and a read per person touched.
    reads.clear();
    for (std::size_t i = 0; i < accepted.size(); ++i) {
      const auto& detail = matched[i];
      if (!detail.person || !person_found(detail.outcome.result)) continue;
      reads.push_back({nik_text(index.person(*detail.person).nik), detail.outcome.row_id.substr(0, 64),
                       std::string(row_result_id(detail.outcome.result))});
    }
    std::size_t next_accepted = 0;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      RowOutcome outcome;
      if (next_accepted < accepted.size() && accepted[next_accepted] == i) {
        outcome = std::move(matched[next_accepted++].outcome);
        if (!reveal_nik || outcome.result != RowResult::kFoundByDemographics) outcome.matched_nik.reset();
      } else {
        outcome = std::move(*chunk[i].rejection);
      }
      ++checkpoint.results[static_cast<std::size_t>(outcome.result)];
      EKTP_RETURN_IF_ERROR(writer.write(outcome));
    }
    EKTP_RETURN_IF_ERROR(writer.flush());
    const std::string bytes = std::move(chunk_out).str();
    chunk_out.str({});
    checkpoint.rows_done += chunk.size();
    checkpoint.audited += reads.size();
    ++checkpoint.chunks_done;
    EKTP_RETURN_IF_ERROR(sink.stage(bytes));
    auto committed = store::with_write_transaction<void>(db, [&](store::Connection& c) -> Status {
      EKTP_RETURN_IF_ERROR(agency::count_call(c, request.agency_code, request.now_ms, agreement.daily_quota,
                                              static_cast<std::int64_t>(chunk.size())));
      EKTP_RETURN_IF_ERROR(record_bulk_reads(
          c, {request.now_ms, actor, "agency.bulk_match", request.agency_code, read_detail}, checkpoint.chunks_done,
          reads));
      return sink.record(c, checkpoint);
    });
    if (!committed) {
      sink.unstage(bytes);
      return std::unexpected(committed.error());
    }
    EKTP_RETURN_IF_ERROR(sink.commit(bytes));
    summary.rows = checkpoint.rows_done;
    summary.results = checkpoint.results;
    summary.audited = checkpoint.audited;
    report.rows_done = summary.rows;
    report.seconds = seconds_since(started);
    if (progress) progress(report);
  }
  EKTP_RETURN_IF_ERROR(writer.finish());
  if (const std::string tail = std::move(chunk_out).str(); !tail.empty()) {  // the header of an empty file
    EKTP_RETURN_IF_ERROR(sink.stage(tail));
    EKTP_RETURN_IF_ERROR(sink.commit(tail));
  }
  summary.quality = reader.quality();
  summary.match_seconds = seconds_since(started) - summary.load_seconds;
  return summary;
}

}  // namespace ektp::bulk
