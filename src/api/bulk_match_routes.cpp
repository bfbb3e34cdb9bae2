#include "api/bulk_match_routes.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "access/audit_log.h"
#include "agency/agency_registry.h"
#include "api/agency_call.h"
#include "api/route_support.h"
#include "bulk_matching/bulk_job_files.h"
#include "bulk_matching/bulk_job_store.h"
#include "bulk_matching/bulk_job_worker.h"
#include "core/civil_date.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;

constexpr std::string_view kPrefix = "/api/v1/agency/bulk-matches/";
constexpr std::size_t kCreateBodyBytesMax = 2048;

object job_json(const bulk::BulkJob& job, const std::optional<bulk::BulkJobProgress>& progress) {
  object results;
  for (std::size_t i = 0; i < bulk::kRowResultCount; ++i) {
    results[bulk::row_result_id(static_cast<bulk::RowResult>(i))] = job.checkpoint.results[i];
  }
  object out{{"id", job.id},
             {"state", bulk::bulk_job_state_id(job.state)},
             {"file_name", job.file_name},
             {"purpose", job.purpose},
             {"result_format", job.result_format == bulk::ResultFormat::kJsonLines ? "jsonl" : "csv"},
             {"size_bytes", job.size_bytes},
             {"received_bytes", job.received_bytes},
             {"sha256", job.sha256},
             {"rows_done", job.checkpoint.rows_done},
             {"results", std::move(results)},
             {"audited", job.checkpoint.audited},
             {"resumed", job.resumed},
             {"result_bytes", job.state == bulk::BulkJobState::kDone ? job.result_bytes : 0},
             {"created_at_ms", job.created_at_ms},
             {"started_at_ms", job.started_at_ms},
             {"finished_at_ms", job.finished_at_ms}};
  if (job.state == bulk::BulkJobState::kUploading) {
    out["upload"] = object{{"next_offset", job.received_bytes}, {"piece_bytes_max", kBulkUploadPieceBytesMax}};
  }
  if (progress) {
    object p{{"phase", progress->phase == bulk::JobPhase::kLoadingRegister ? "loading_register" : "matching"},
             {"register_persons_read", progress->persons_read},
             {"rows_done", progress->rows_done},
             {"bytes_read", progress->bytes_read},
             {"rows_per_second", std::round(progress->rows_per_second)},
             {"seconds", progress->seconds}};
    p["seconds_left"] = progress->seconds_left ? boost::json::value(std::round(*progress->seconds_left))
                                               : boost::json::value(nullptr);
    out["progress"] = std::move(p);
    out["rows_done"] = std::max(job.checkpoint.rows_done, progress->rows_done);
  }
  if (job.state == bulk::BulkJobState::kFailed) {
    out["error"] = object{{"reason", job.error_reason}, {"message", job.error_message}};
  }
  if (job.state == bulk::BulkJobState::kDone && !job.summary_json.empty()) {
    boost::system::error_code ec;
    auto summary = boost::json::parse(job.summary_json, ec);
    if (!ec) out["summary"] = std::move(summary);
  }
  return out;
}

// A refusal of a size (413 instead of the 429 kResourceExhausted maps to).
HttpResponse sized_error(const Error& error) {
  HttpResponse response = error_response(error);
  if (error.reason == "bulk_file_too_large" || error.reason == "bulk_piece_too_large" ||
      error.reason == "bulk_upload_over_size") {
    response.status = 413;
  }
  return response;
}

Result<std::uint64_t> number_param(const HttpRequest& request, std::string_view name, bool required,
                                   std::uint64_t fallback) {
  const auto found = request.query.find(std::string(name));
  if (found == request.query.end()) {
    if (required) return invalid_argument(fmt::format("{}: required (a byte offset)", name));
    return fallback;
  }
  std::uint64_t value = 0;
  const auto& text = found->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.size() > 19 || ec != std::errc() || end != text.data() + text.size()) {
    return invalid_argument(fmt::format("{}: '{}' is not a whole number", name, text.substr(0, 20)));
  }
  return value;
}

class BulkMatchRoutes {
 public:
  explicit BulkMatchRoutes(ApiServices& s) : s_(s) {}

  Result<HttpResponse> create(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto call, caller(request));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCreateBodyBytesMax));
    for (const auto& member : body) {
      const auto key = member.key();
      if (key != "purpose" && key != "size_bytes" && key != "sha256" && key != "file_name" && key != "result_format") {
        return invalid_argument(fmt::format("{}: not a field of a bulk-matching job (purpose, size_bytes, sha256, "
                                            "file_name, result_format)",
                                            std::string(key).substr(0, 40)));
      }
    }
    bulk::NewBulkJob job;
    job.agency_code = call.agency.code;
    job.key_id = call.key_id;
    EKTP_ASSIGN_OR_RETURN(job.purpose, agreed_purpose(call.agreement, body));
    const auto* size = body.if_contains("size_bytes");
    if (size == nullptr || !(size->is_int64() || size->is_uint64()) || (size->is_int64() && size->as_int64() < 0)) {
      return invalid_argument("size_bytes: the file's size in bytes");
    }
    job.size_bytes = size->is_int64() ? static_cast<std::uint64_t>(size->as_int64()) : size->as_uint64();
    EKTP_ASSIGN_OR_RETURN(job.sha256, bounded_text(body, "sha256", 64));
    if (body.contains("file_name")) {
      EKTP_ASSIGN_OR_RETURN(job.file_name, bounded_text(body, "file_name", bulk::bulk_job_limits::file_name_bytes_max));
    }
    if (body.contains("result_format")) {
      EKTP_ASSIGN_OR_RETURN(const auto format, bounded_text(body, "result_format", 8));
      if (format != "csv" && format != "jsonl") return invalid_argument("result_format: csv or jsonl");
      job.result_format = format == "jsonl" ? bulk::ResultFormat::kJsonLines : bulk::ResultFormat::kCsv;
    }
    job.now_ms = now_ms(s_);
    auto made = store::with_write_transaction<bulk::BulkJob>(s_.db, [&](store::Connection& c) -> Result<bulk::BulkJob> {
      EKTP_ASSIGN_OR_RETURN(auto created, bulk::create_bulk_job(c, job, s_.bulk_file_bytes_max));
      EKTP_RETURN_IF_ERROR(access::append_audit(
          c, {job.now_ms, actor(call), "agency.bulk_match_created", call.agency.code,
              fmt::format("job {}; agreement {}; key {}; purpose {}; {} bytes; sha256 {}", created.id,
                          call.agreement.number, call.key_id, job.purpose, job.size_bytes, job.sha256)}));
      return created;
    });
    if (!made) return sized_error(made.error());
    return json_response(job_json(*made, std::nullopt), 201);
  }

  Result<HttpResponse> upload(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto call, caller(request));
    const std::string& id = request.path_params.at("id");
    EKTP_ASSIGN_OR_RETURN(const auto offset, number_param(request, "offset", true, 0));
    if (request.body.empty()) return invalid_argument("body: the next piece of the file (1 byte to 8 MiB)");
    if (request.body.size() > kBulkUploadPieceBytesMax) {
      return sized_error(Error{ErrorCode::kResourceExhausted,
                               fmt::format("a piece of {} bytes is over the limit of {} bytes", request.body.size(),
                                           kBulkUploadPieceBytesMax),
                               "bulk_piece_too_large"});
    }
    std::lock_guard lock(upload_mutex_);  // a job's pieces one at a time
    EKTP_ASSIGN_OR_RETURN(auto job, load(call, id));
    if (job.state != bulk::BulkJobState::kUploading) {
      return refusal(ErrorCode::kFailedPrecondition, "bulk_job_state",
                     fmt::format("job {} is {}: its file is complete", id, bulk::bulk_job_state_id(job.state)));
    }
    if (offset != job.received_bytes) {
      return refusal(ErrorCode::kFailedPrecondition, "bulk_upload_offset_mismatch",
                     fmt::format("the job has {} bytes of the file; send the piece that starts at offset {}",
                                 job.received_bytes, job.received_bytes));
    }
    if (offset + request.body.size() > job.size_bytes) {
      return sized_error(Error{ErrorCode::kResourceExhausted,
                               fmt::format("the piece ends at byte {}, past the file's stated size of {} bytes",
                                           offset + request.body.size(), job.size_bytes),
                               "bulk_upload_over_size"});
    }
    EKTP_RETURN_IF_ERROR(s_.bulk_files->write_input(id, offset, request.body));
    const std::uint64_t received = offset + request.body.size();
    const std::int64_t now = now_ms(s_);
    EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(
        s_.db, [&](store::Connection& c) { return bulk::record_upload_progress(c, id, received, now); }));
    if (received == job.size_bytes) EKTP_RETURN_IF_ERROR(complete(call, job));
    EKTP_ASSIGN_OR_RETURN(job, load(call, id));
    return json_response(job_json(job, std::nullopt));
  }

  Result<HttpResponse> list(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto call, caller(request));
    EKTP_ASSIGN_OR_RETURN(auto jobs, store::with_read_transaction<std::vector<bulk::BulkJob>>(
                                         s_.db, [&](store::Connection& c) { return bulk::list_bulk_jobs(c, call.agency.code); }));
    array out;
    for (const auto& job : jobs) out.push_back(job_json(job, progress_of(job.id)));
    EKTP_RETURN_IF_ERROR(s_.audit.record({now_ms(s_), actor(call), "agency.bulk_matches_read", call.agency.code,
                                          fmt::format("{} jobs; key {}", out.size(), call.key_id)}));
    return json_response(object{{"agency", call.agency.code}, {"jobs", std::move(out)}});
  }

  Result<HttpResponse> show(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto call, caller(request));
    EKTP_ASSIGN_OR_RETURN(auto job, load(call, request.path_params.at("id")));
    EKTP_RETURN_IF_ERROR(s_.audit.record({now_ms(s_), actor(call), "agency.bulk_match_read", call.agency.code,
                                          fmt::format("job {}; key {}", job.id, call.key_id)}));
    return json_response(job_json(job, progress_of(job.id)));
  }

  Result<HttpResponse> result(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto call, caller(request));
    EKTP_ASSIGN_OR_RETURN(auto job, load(call, request.path_params.at("id")));
    if (job.state != bulk::BulkJobState::kDone) {
      return refusal(ErrorCode::kFailedPrecondition, "bulk_job_not_done",
                     fmt::format("job {} is {}: its result is ready once it is done", job.id,
                                 bulk::bulk_job_state_id(job.state)));
    }
    EKTP_ASSIGN_OR_RETURN(const auto offset, number_param(request, "offset", false, 0));
    EKTP_ASSIGN_OR_RETURN(const auto length, number_param(request, "length", false, kBulkResultPieceBytesMax));
    if (offset > job.result_bytes) {
      return invalid_argument(fmt::format("offset: the result has {} bytes", job.result_bytes));
    }
    if (length == 0 || length > kBulkResultPieceBytesMax) {
      return invalid_argument(fmt::format("length: 1 to {} bytes", kBulkResultPieceBytesMax));
    }
    const std::uint64_t take = std::min<std::uint64_t>(length, job.result_bytes - offset);
    EKTP_ASSIGN_OR_RETURN(auto bytes, s_.bulk_files->read_result(job.id, offset, take));
    EKTP_RETURN_IF_ERROR(s_.audit.record({now_ms(s_), actor(call), "agency.bulk_result_read", call.agency.code,
                                          fmt::format("job {}; bytes {} to {} of {}; key {}", job.id, offset,
                                                      offset + bytes.size(), job.result_bytes, call.key_id)}));
    HttpResponse response;
    response.status = 200;
    response.content_type = job.result_format == bulk::ResultFormat::kJsonLines ? "application/x-ndjson; charset=utf-8"
                                                                                : "text/csv; charset=utf-8";
    response.headers.emplace_back("X-Ektp-Result-Bytes", std::to_string(job.result_bytes));
    response.headers.emplace_back("X-Ektp-Result-Offset", std::to_string(offset));
    response.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}.{}\"", job.id,
                                                                     job.result_format == bulk::ResultFormat::kCsv ? "csv" : "jsonl"));
    response.headers.emplace_back("Cache-Control", "no-store");
    response.body = std::move(bytes);
    return response;
  }

 private:
  static std::string actor(const agency::AgencyCaller& call) { return "agency:" + call.agency.code; }

  Result<agency::AgencyCaller> caller(const HttpRequest& request) {
    if (s_.bulk_files == nullptr) {
      return refusal(ErrorCode::kUnavailable, "bulk_matching_unavailable", "this server runs no bulk-matching jobs");
    }
    return agency_caller_for(s_, request, agency::AgencyOperation::kBulkMatch);
  }

  Result<bulk::BulkJob> load(const agency::AgencyCaller& call, const std::string& id) {
    if (id.size() > 40) return refusal(ErrorCode::kNotFound, "bulk_job_not_found", "no such bulk-matching job");
    return store::with_read_transaction<bulk::BulkJob>(
        s_.db, [&](store::Connection& c) { return bulk::load_bulk_job(c, call.agency.code, id); });
  }

  std::optional<bulk::BulkJobProgress> progress_of(const std::string& id) const {
    if (s_.bulk_worker == nullptr) return std::nullopt;
    return s_.bulk_worker->progress(id);
  }

  // The last byte is in: the digest the agency stated, and the header as the job will check it;
  // then the job is queued. A file that fails either is removed and its job failed.
  Status complete(const agency::AgencyCaller& call, const bulk::BulkJob& job) {
    const std::int64_t now = now_ms(s_);
    auto reject = [&](const Error& error) -> Status {
      s_.bulk_files->remove(job.id);
      EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(s_.db, [&](store::Connection& c) -> Status {
        EKTP_RETURN_IF_ERROR(bulk::fail_bulk_job(c, job.id, error.reason, error.message, now));
        return access::append_audit(c, {now, actor(call), "agency.bulk_match_refused", call.agency.code,
                                        fmt::format("job {}; {}: {}", job.id, error.reason, error.message)});
      }));
      return std::unexpected(error);
    };
    EKTP_ASSIGN_OR_RETURN(const auto digest, s_.bulk_files->input_sha256(job.id));
    if (digest != job.sha256) {
      return reject(Error{ErrorCode::kInvalidArgument,
                          fmt::format("the file received has SHA-256 {}, not the {} stated", digest, job.sha256),
                          "bulk_upload_digest_mismatch"});
    }
    std::ifstream input(s_.bulk_files->input_path(job.id), std::ios::binary);
    bulk::BulkMatchRequest check{job.agency_code, job.purpose, job.id, "key " + job.key_id, job.result_format, 1, now};
    if (auto checked = bulk::check_bulk_match_file(s_.db, s_.regions, jakarta_date_of(s_.clock()),
                                                   bulk::istream_source(input), check);
        !checked) {
      Error error = checked.error();
      if (error.reason.empty()) error.reason = "bulk_file_invalid";
      return reject(error);
    }
    EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(s_.db, [&](store::Connection& c) -> Status {
      EKTP_RETURN_IF_ERROR(bulk::queue_bulk_job(c, job.id, now));
      return access::append_audit(c, {now, actor(call), "agency.bulk_match_queued", call.agency.code,
                                      fmt::format("job {}; {} bytes received; sha256 {}", job.id, job.size_bytes,
                                                  digest)});
    }));
    if (s_.bulk_worker != nullptr) s_.bulk_worker->wake();
    return {};
  }

  ApiServices& s_;
  std::mutex upload_mutex_;
};

}  // namespace

bool is_bulk_upload_target(std::string_view target) { return target.starts_with(kPrefix); }

bool bulk_upload_allowed(ApiServices& s, const HttpRequest& headers_only) {
  return headers_only.method == "PUT" && is_bulk_upload_target(headers_only.target) &&
         agency_caller_for(s, headers_only, agency::AgencyOperation::kBulkMatch).has_value();
}

void add_bulk_match_routes(Router& router, ApiServices& s) {
  auto routes = std::make_shared<BulkMatchRoutes>(s);
  router.add("POST", "/api/v1/agency/bulk-matches", guarded([routes](const HttpRequest& r) { return routes->create(r); }));
  router.add("GET", "/api/v1/agency/bulk-matches", guarded([routes](const HttpRequest& r) { return routes->list(r); }));
  router.add("GET", "/api/v1/agency/bulk-matches/{id}", guarded([routes](const HttpRequest& r) { return routes->show(r); }));
  router.add("PUT", "/api/v1/agency/bulk-matches/{id}/file",
             guarded([routes](const HttpRequest& r) { return routes->upload(r); }));
  router.add("GET", "/api/v1/agency/bulk-matches/{id}/result",
             guarded([routes](const HttpRequest& r) { return routes->result(r); }));
}

}  // namespace ektp::api
