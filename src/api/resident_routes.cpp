#include "api/resident_routes.h"

#include <algorithm>
#include <memory>
#include <set>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "access/office_scope.h"
#include "api/http.h"
#include "api/person_reads.h"
#include "api/route_support.h"
#include "core/civil_date.h"
#include "core/nik.h"
#include "resident/read_reports.h"
#include "resident/resident_agreements.h"
#include "resident/resident_limits.h"
#include "resident/resident_pins.h"
#include "resident/resident_reads.h"
#include "resident/resident_sessions.h"
#include "resident/resident_sign_in.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;
namespace limits = resident::resident_limits;
namespace reason = resident::resident_reason;

constexpr std::string_view kResidentScheme = "Resident ";
constexpr std::size_t kPinBodyBytesMax = 256;
constexpr std::size_t kLoginBodyBytesMax = 512;
constexpr std::size_t kReportBodyBytesMax = 4 * 1024;  // a note of 500 characters, 4 bytes each at most
constexpr std::size_t kReportsListedDefault = 100;

// What each route shares: the throttle of sign-ins and the gate in front of PIN hashing.
struct ResidentState {
  explicit ResidentState(const ResidentRouteOptions& options) : throttle(options.throttle), gate(options.hash_wait) {}
  PublicStatusThrottle throttle;
  access::HashGate gate;
};

std::string resident_actor(const resident::ResidentSession& session) {
  return std::string(resident::kResidentActorPrefix) + session.nik;
}

array strings(const std::vector<std::string>& items) {
  array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

// A NIK from a path or a body, named by the part that is wrong (as `ektp nik parse`).
Status check_nik(const ApiServices& s, std::string_view nik) {
  if (nik.size() > 16) return refusal(ErrorCode::kInvalidArgument, "nik_invalid", "nik: 16 digits");
  if (auto parts = parse_nik(nik, s.regions, jakarta_date_of(s.clock())); !parts) {
    return refusal(ErrorCode::kInvalidArgument, "nik_invalid", "nik: " + parts.error().message);
  }
  return {};
}

// An optional query parameter of digits, 1..max (absent: `absent`).
Result<std::int64_t> query_number(const HttpRequest& request, const std::string& name, std::int64_t max,
                                  std::int64_t absent) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return absent;
  const std::string& text = it->second;
  if (text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid_argument(fmt::format("{}: a number from 1 to {}", name, max));
  }
  const std::int64_t value = std::stoll(text);
  if (value < 1 || value > max) return invalid_argument(fmt::format("{}: a number from 1 to {}", name, max));
  return value;
}

// The resident behind `Authorization: Resident <token>`.
Result<resident::ResidentSession> resident_caller(ApiServices& s, const HttpRequest& request) {
  if (!request.authorization.starts_with(kResidentScheme)) {
    return refusal(ErrorCode::kUnauthenticated, std::string(reason::kSessionInvalid),
                   "missing resident token: Authorization: Resident <token> from POST /resident/login");
  }
  return resident::authenticate_session(s.db, request.authorization.substr(kResidentScheme.size()), now_ms(s));
}

HttpResponse retry_later(const Error& error, std::int64_t seconds) {
  HttpResponse response = error_response(error);
  response.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, seconds)));
  return response;
}

// POST /persons/{nik}/resident-pin: an operator or supervisor of the resident's office.
Result<HttpResponse> issue_pin(ApiServices& s, ResidentState& state, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_record_events));
  const std::string& nik = request.path_params.at("nik");
  EKTP_RETURN_IF_ERROR(check_nik(s, nik));
  if (request.body.size() > kPinBodyBytesMax) return invalid_argument("body: too large");
  if (!request.body.empty()) {
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kPinBodyBytesMax));
    EKTP_RETURN_IF_ERROR(json::only_fields(body, {}));
  }
  EKTP_ASSIGN_OR_RETURN(auto village, store::with_single_read<std::string>(s.db, [&](store::Connection& c) -> Result<std::string> {
                          EKTP_ASSIGN_OR_RETURN(auto rows, c.execute("SELECT village_code FROM persons WHERE nik = $1", {nik}));
                          if (rows.rows.empty()) return not_found(fmt::format("no resident with NIK {}", nik));
                          return rows.rows.front().text(0);
                        }));
  if (s.office_scoped) {
    if (auto covered = access::check_office_covers(session, village); !covered) {
      EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "refused_resident_pin.issue", nik,
                                           covered.error().message}));
      return std::unexpected(covered.error());
    }
  }
  auto issued = resident::issue_pin(s.db, state.gate, nik, {session.username, now_ms(s)});
  if (!issued && issued.error().code == ErrorCode::kUnavailable) return retry_later(issued.error(), 2);
  if (!issued) return std::unexpected(issued.error());
  // The resident starts afresh: the misses of earlier sign-ins no longer hold them back.
  state.throttle.record_hit(nik);
  return json_response(object{{"nik", issued->nik},
                              {"pin", issued->pin},
                              {"issued_at", iso_time_ms(issued->issued_at_ms)},
                              {"issued_by", session.username},
                              {"failures_max", limits::pin_failures_max}},
                       201);
}

// Misses over many NIKs from one address, or overall: someone walks the register.
Status audit_walk(ApiServices& s, const PublicStatusThrottle::MissReport& report, const std::string& address,
                  std::int64_t now) {
  if (!report.address_walk && !report.overall_walk) return {};
  const std::string subject = report.address_walk ? address : std::string("*");
  spdlog::warn("resident sign-in walk: failed sign-ins over many NIKs from {} (alert.enumeration)", subject);
  return s.audit.record({now, "public", "alert.enumeration", subject,
                         report.address_walk ? fmt::format("resident sign-in, client {}: failures on many NIKs", address)
                                             : std::string("resident sign-in: failures on many NIKs from all clients")});
}

// POST /resident/login {nik, birth_date, pin}: anyone; the same refusal for a wrong NIK, birth
// date or PIN.
Result<HttpResponse> login(ApiServices& s, ResidentState& state, const HttpRequest& request) {
  if (request.body.size() > kLoginBodyBytesMax) return invalid_argument("body: too large");
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kLoginBodyBytesMax));
  EKTP_RETURN_IF_ERROR(json::only_fields(body, {"nik", "birth_date", "pin"}));
  EKTP_ASSIGN_OR_RETURN(auto nik, json::required_string(body, "nik"));
  EKTP_ASSIGN_OR_RETURN(auto birth_date, json::required_string(body, "birth_date"));
  EKTP_ASSIGN_OR_RETURN(auto pin, json::required_string(body, "pin"));
  EKTP_RETURN_IF_ERROR(check_nik(s, nik));
  if (birth_date.size() != 10 || !parse_civil_date(birth_date)) return invalid_argument("birth_date: a date YYYY-MM-DD");
  EKTP_RETURN_IF_ERROR(resident::validate_pin_format(pin));

  const std::int64_t now = now_ms(s);
  const std::string& address = request.client_address;
  if (auto admitted = state.throttle.admit(address, nik, now); !admitted.allowed) {
    const std::int64_t seconds = (admitted.retry_after_ms + 999) / 1000;
    return retry_later(Error{ErrorCode::kResourceExhausted,
                             fmt::format("too many sign-in attempts; retry after {} s", std::max<std::int64_t>(1, seconds))},
                       seconds);
  }
  auto signed_in = resident::sign_in(s.db, state.gate, {nik, birth_date, pin, address, now});
  if (!signed_in && signed_in.error().code == ErrorCode::kUnavailable) return retry_later(signed_in.error(), 2);
  if (!signed_in) return std::unexpected(signed_in.error());
  if (signed_in->outcome == resident::SignInOutcome::kAccepted) {
    state.throttle.record_hit(nik);
    const auto& opened = signed_in->opened;
    return json_response(object{{"token", opened.token},
                                {"scheme", "Resident"},
                                {"nik", opened.session.nik},
                                {"expires_at", iso_time_ms(opened.session.expires_at_ms)},
                                {"expires_at_ms", opened.session.expires_at_ms}});
  }
  const auto report = state.throttle.record_miss(address, nik, now);
  EKTP_RETURN_IF_ERROR(audit_walk(s, report, address, now));
  // A NIK without a PIN, or unknown, is answered "locked" after as many misses as a real PIN
  // takes to lock: the answers never tell whether the NIK has a PIN.
  if (signed_in->outcome == resident::SignInOutcome::kLocked ||
      report.nik_misses >= static_cast<std::uint32_t>(limits::pin_failures_max)) {
    return refusal(ErrorCode::kPermissionDenied, std::string(reason::kPinLocked),
                   fmt::format("after {} wrong attempts the PIN is locked: ask the Dukcapil office for a new one",
                               limits::pin_failures_max));
  }
  return refusal(ErrorCode::kUnauthenticated, std::string(reason::kLoginFailed),
                 "the NIK, birth date and PIN do not match");
}

object who_json(const resident::ReadWho& who) {
  std::string name = who.username;
  if (who.type == resident::ActorType::kAgency) name = who.agency_name;
  if (who.type == resident::ActorType::kStation) name = who.station_id;
  return object{{"type", resident::actor_type_id(who.type)}, {"name", name},
                {"username", who.username},                  {"role", who.role},
                {"office_code", who.office_code},            {"office_name", who.office_name},
                {"agency_code", who.agency_code},            {"agency_name", who.agency_name},
                {"station_id", who.station_id}};
}

object read_json(const resident::ResidentRead& r) {
  return object{{"seq", r.seq},
                {"at", iso_time_ms(r.at_ms)},
                {"at_ms", r.at_ms},
                {"kind", resident::read_kind_id(r.kind)},
                {"action", r.action},
                {"who", who_json(r.who)},
                {"purpose", r.purpose},
                {"agreement", r.agreement},
                {"fields", strings(r.fields)},
                {"reported", r.reported}};
}

// GET /resident/reads?limit=&before=: the resident's own, newest first.
Result<HttpResponse> reads(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, resident_caller(s, request));
  EKTP_ASSIGN_OR_RETURN(auto limit, query_number(request, "limit", static_cast<std::int64_t>(limits::reads_page_max),
                                                 static_cast<std::int64_t>(limits::reads_page_default)));
  EKTP_ASSIGN_OR_RETURN(auto before, query_number(request, "before", 999'999'999'999'999'999LL, 0));
  const resident::ReadsQuery query{session.nik, before, static_cast<std::size_t>(limit)};
  EKTP_ASSIGN_OR_RETURN(auto page, store::with_read_transaction<resident::ReadsPage>(s.db, [&](store::Connection& c) {
                          return resident::reads_of(c, s.regions, query);
                        }));
  array out;
  for (const auto& r : page.reads) out.push_back(read_json(r));
  object answer{{"nik", session.nik}, {"reads", std::move(out)}};
  if (page.next_before > 0) {
    answer["next_before"] = page.next_before;
  } else {
    answer["next_before"] = nullptr;
  }
  std::vector<access::AuditEntry> entries{{now_ms(s), resident_actor(session), "resident.reads", session.nik,
                                           fmt::format("session {}; {} reads{}", session.id, page.reads.size(),
                                                       before > 0 ? fmt::format(" before {}", before) : "")}};
  return audited_response(s, std::move(entries), json_response(answer));
}

// GET /resident/agreements: the agreements in force that cover where the resident lives.
Result<HttpResponse> agreements(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, resident_caller(s, request));
  const std::int64_t now = now_ms(s);
  EKTP_ASSIGN_OR_RETURN(auto covering, store::with_read_transaction<std::vector<resident::CoveringAgreement>>(
                                           s.db, [&](store::Connection& c) {
                                             return resident::agreements_covering(c, session.nik, now);
                                           }));
  array out;
  for (const auto& g : covering) {
    out.push_back(object{{"agency_code", g.agency_code},
                         {"agency_name", g.agency_name},
                         {"agency_kind", g.agency_kind},
                         {"number", g.number},
                         {"purposes", strings(g.purposes)},
                         {"verify_fields", strings(g.verify_fields)},
                         {"retrieve_fields", strings(g.retrieve_fields)},
                         {"operations", strings(g.operations)},
                         {"valid_from_ms", g.valid_from_ms},
                         {"valid_until_ms", g.valid_until_ms}});
  }
  std::vector<access::AuditEntry> entries{{now, resident_actor(session), "resident.agreements", session.nik,
                                           fmt::format("session {}; {} agreements", session.id, covering.size())}};
  return audited_response(s, std::move(entries), json_response(object{{"nik", session.nik}, {"agreements", std::move(out)}}));
}

object report_json(const resident::ReadReport& r, bool for_admin) {
  object out{{"id", r.id},
             {"seq", r.audit_seq},
             {"note", r.note},
             {"status", resident::report_status_id(r.status)},
             {"created_at", iso_time_ms(r.created_at_ms)},
             {"resolution", r.resolution},
             {"resolved_at", r.resolved_at_ms > 0 ? boost::json::value(iso_time_ms(r.resolved_at_ms)) : nullptr}};
  if (for_admin) {
    out["nik"] = r.nik;
    out["resolved_by"] = r.resolved_by;
    out["read"] = object{{"at", r.read_at_ms > 0 ? boost::json::value(iso_time_ms(r.read_at_ms)) : nullptr},
                         {"actor", r.read_actor},
                         {"action", r.read_action},
                         {"detail", r.read_detail}};
  }
  return out;
}

// POST /resident/reports {seq, note}: a read of the resident's own data they do not recognise.
Result<HttpResponse> report(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, resident_caller(s, request));
  if (request.body.size() > kReportBodyBytesMax) return invalid_argument("body: too large");
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kReportBodyBytesMax));
  EKTP_RETURN_IF_ERROR(json::only_fields(body, {"seq", "note"}));
  EKTP_ASSIGN_OR_RETURN(auto seq, json::required_int(body, "seq"));
  EKTP_ASSIGN_OR_RETURN(auto note, json::optional_string(body, "note"));
  EKTP_ASSIGN_OR_RETURN(auto filed, resident::report_read(s.db, session.nik, seq, note.value_or(""), now_ms(s)));
  return json_response(report_json(filed, false), 201);
}

// GET /admin/resident-reports?status=open|resolved|all&limit=: the cases, newest first.
Result<HttpResponse> list_reports(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  std::string status_text = "open";
  if (auto it = request.query.find("status"); it != request.query.end() && !it->second.empty()) status_text = it->second;
  std::optional<resident::ReportStatus> status;
  if (status_text != "all") {
    if (status_text.size() > 16) return invalid_argument("status: open, resolved or all");
    EKTP_ASSIGN_OR_RETURN(status, resident::parse_report_status(status_text));
  }
  EKTP_ASSIGN_OR_RETURN(auto limit, query_number(request, "limit", static_cast<std::int64_t>(limits::reports_listed_max),
                                                 static_cast<std::int64_t>(kReportsListedDefault)));
  EKTP_ASSIGN_OR_RETURN(auto reports, store::with_read_transaction<std::vector<resident::ReadReport>>(
                                          s.db, [&](store::Connection& c) {
                                            return resident::list_reports(c, status, static_cast<std::size_t>(limit));
                                          }));
  const std::int64_t now = now_ms(s);
  // The admin reads what residents reported (their NIK, their note): each one's record says so.
  std::vector<access::AuditEntry> entries{{now, session.username, "resident_report.list", status_text,
                                           fmt::format("{} reports", reports.size())}};
  array out;
  for (const auto& r : reports) {
    out.push_back(report_json(r, true));
    entries.push_back({now, session.username, "read_resident_report", r.nik, fmt::format("report {}", r.id)});
  }
  return audited_response(s, std::move(entries), json_response(object{{"status", status_text}, {"reports", std::move(out)}}));
}

// POST /admin/resident-reports/{id}/resolve {resolution}.
Result<HttpResponse> resolve_report(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  const std::string& id_text = request.path_params.at("id");
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid_argument("report id: a number");
  }
  if (request.body.size() > kReportBodyBytesMax) return invalid_argument("body: too large");
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kReportBodyBytesMax));
  EKTP_RETURN_IF_ERROR(json::only_fields(body, {"resolution"}));
  EKTP_ASSIGN_OR_RETURN(auto resolution, json::required_string(body, "resolution"));
  EKTP_ASSIGN_OR_RETURN(auto resolved, resident::resolve_report(s.db, std::stoll(id_text), session.username,
                                                                resolution, now_ms(s)));
  return json_response(report_json(resolved, true));
}

}  // namespace

void add_resident_routes(Router& router, ApiServices& s, ResidentRouteOptions options) {
  options.throttle.nik_free_misses = static_cast<std::uint32_t>(limits::pin_failures_max);
  auto state = std::make_shared<ResidentState>(options);
  router.add("POST", "/api/v1/persons/{nik}/resident-pin",
             guarded([&s, state](const HttpRequest& request) { return issue_pin(s, *state, request); }));
  router.add("POST", "/api/v1/resident/login",
             guarded([&s, state](const HttpRequest& request) { return login(s, *state, request); }));
  router.add("POST", "/api/v1/resident/logout", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               if (!request.authorization.starts_with(kResidentScheme)) {
                 return refusal(ErrorCode::kUnauthenticated, std::string(reason::kSessionInvalid),
                                "missing resident token: Authorization: Resident <token>");
               }
               EKTP_RETURN_IF_ERROR(resident::close_session(s.db, request.authorization.substr(kResidentScheme.size()),
                                                            now_ms(s)));
               return HttpResponse{204, "application/json", "", {}, {}};
             }));
  router.add("GET", "/api/v1/resident/reads", guarded([&s](const HttpRequest& request) { return reads(s, request); }));
  router.add("GET", "/api/v1/resident/agreements",
             guarded([&s](const HttpRequest& request) { return agreements(s, request); }));
  router.add("POST", "/api/v1/resident/reports", guarded([&s](const HttpRequest& request) { return report(s, request); }));
  router.add("GET", "/api/v1/admin/resident-reports",
             guarded([&s](const HttpRequest& request) { return list_reports(s, request); }));
  router.add("POST", "/api/v1/admin/resident-reports/{id}/resolve",
             guarded([&s](const HttpRequest& request) { return resolve_report(s, request); }));
}

}  // namespace ektp::api
