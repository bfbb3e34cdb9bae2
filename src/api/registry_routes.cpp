// The /api/v1 routes of the registry (docs/api.md): authentication, reading persons and families
// (audited), civil events, corrections, coverage, users and the audit check.

#include <charconv>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/api_services.h"
#include "api/route_support.h"
#include "api/http.h"
#include "api/openapi_document.h"
#include "registry/json_fields.h"
#include "api/person_reads.h"
#include "api/registry_json.h"
#include "api/service_standards.h"
#include "api/totp_routes.h"
#include "api/user_routes.h"
#include "core/limits.h"
#include "registry/documents.h"
#include "registry/person_store.h"
#include "access/sha256.h"

namespace ektp::api {

namespace {

using namespace ektp::json;

using boost::json::object;
using access::Session;
using access::sha256_hex;

class Routes {
 public:
  explicit Routes(ApiServices& s) : s_(s) {}

  Result<Session> authenticate(const HttpRequest& request, bool (*allowed)(Role)) {
    return authenticate_bearer(s_, request, allowed);
  }

  // A read is served only if the caller's office covers the residents, their read quota allows
  // it, and its audit records are committed (api/person_reads.h).
  Status release_reads(const Session& session, std::string_view action, const std::vector<Person>& persons,
                       std::string_view detail = "") {
    std::vector<PersonRead> reads;
    reads.reserve(persons.size());
    for (const auto& p : persons) reads.push_back({p.nik, p.address.village_code});
    return release_person_reads(s_, session, action, reads, detail);
  }
  Status release_read(const Session& session, std::string_view action, const Person& person) {
    return release_person_reads(s_, session, action, {{person.nik, person.address.village_code}});
  }
  // The same checks, the answer held back until the audit records are committed: the busiest
  // reads do not hold a thread while the commit happens.
  HttpResponse audited_answer(const Session& session, std::string_view action, const std::vector<Person>& persons,
                              const std::function<HttpResponse()>& answer) {
    std::vector<PersonRead> reads;
    reads.reserve(persons.size());
    for (const auto& p : persons) reads.push_back({p.nik, p.address.village_code});
    auto entries = person_read_entries(s_, session, action, reads);
    if (!entries) return error_response(entries.error());
    return audited_response(s_, std::move(*entries), answer());
  }

  static std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }

  // The common shape of a civil-event POST: authenticate, parse, run the service, answer.
  template <class Parse, class Run>
  HttpResponse event_post(const HttpRequest& request, Parse parse, Run run) {
    auto event = event_request(s_, request);
    if (!event) return error_response(event.error());
    auto parsed = parse(event->body);
    if (!parsed) return error_response(parsed.error());
    const auto& ctx = event->ctx;
    auto outcome = run(ctx, *parsed);
    if (!outcome) return error_response(outcome.error());
    object answer = outcome->outcome;
    answer["event_id"] = outcome->event_id;
    answer["replayed"] = outcome->replayed;
    return json_response(answer, outcome->replayed ? 200 : 201);
  }

  HttpResponse login(const HttpRequest& request) {
    auto body = parse_json_body(request.body);
    if (!body) return error_response(body.error());
    auto o = as_object(*body, "body");
    if (!o) return error_response(o.error());
    auto username = required_string(**o, "username");
    if (!username) return error_response(username.error());
    auto password = required_string(**o, "password");
    if (!password) return error_response(password.error());
    auto totp = optional_string(**o, "totp");
    if (!totp) return error_response(totp.error());
    // Oversized fields are refused before any hashing and never reach the audit log.
    if (username->size() > limits::username_bytes_max || password->size() > limits::password_bytes_max) {
      return error_response(Error{ErrorCode::kInvalidArgument,
                                  fmt::format("username at most {} bytes, password at most {} bytes",
                                              limits::username_bytes_max, limits::password_bytes_max)});
    }
    if (totp->has_value() && (*totp)->size() > 16) {
      return error_response(Error{ErrorCode::kInvalidArgument, "totp: must be 6 digits"});
    }
    auto result = s_.auth.login(
        access::LoginAttempt{*username, *password, totp->value_or(std::string()), request.client_address}, s_.clock());
    if (!result && result.error().code == ErrorCode::kUnavailable) {
      auto busy = error_response(result.error());
      busy.headers.emplace_back("Retry-After", "2");
      return busy;
    }
    if (!result && result.error().code == ErrorCode::kInvalidArgument) return error_response(result.error());
    const bool code_missing = !result && result.error().reason == access::totp_reason::kRequired;
    if (auto audited = s_.audit.record({to_ms(s_.clock()), *username,
                                        result ? "login" : (code_missing ? "login_totp_asked" : "login_failed"),
                                        *username, request.client_address});
        !audited) {
      return error_response(audited.error());  // no session without its record
    }
    if (!result) return error_response(result.error());
    return json_response(object{{"token", result->token}, {"role", role_id(result->session.role)},
                                {"username", result->session.username},
                                {"expires_at", iso_time_ms(result->session.expires_at_ms)},
                                {"approval", result->session.approved ? "approved" : "pending_approval"},
                                {"second_factor", result->session.second_factor_pending ? "enrolment_required" : "ok"}});
  }

  HttpResponse logout(const HttpRequest& request) {
    auto session = authenticate(request, nullptr);
    if (!session) return error_response(session.error());
    if (auto s = s_.auth.logout(request.authorization.substr(7)); !s) return error_response(s.error());
    return HttpResponse{204, "application/json", "", {}, {}};
  }

  HttpResponse get_person(const HttpRequest& request) {
    auto session = authenticate(request, can_read_persons);
    if (!session) return error_response(session.error());
    const auto& nik = request.path_params.at("nik");
    auto person = store::with_single_read<Person>(
        s_.db, [&](store::Connection& c) { return registry::load_person(c, nik); });
    if (!person) return error_response(person.error());
    return audited_answer(*session, "read_person", {*person},
                          [&] { return json_response(person_json(*person, s_.regions, today())); });
  }

  HttpResponse search_persons(const HttpRequest& request) {
    auto session = authenticate(request, can_read_persons);
    if (!session) return error_response(session.error());
    auto scope = search_scope(s_, *session);
    if (!scope) return error_response(scope.error());
    std::vector<Person> found;
    if (auto nik = request.query.find("nik"); nik != request.query.end()) {
      auto person = read([&](store::Connection& c) { return registry::load_person(c, nik->second); });
      // Outside the caller's region a NIK search finds nobody, as a name search does.
      if (person && person->address.village_code.starts_with(*scope)) found.push_back(std::move(*person));
      else if (!person && person.error().code != ErrorCode::kNotFound) return error_response(person.error());
    } else if (auto name = request.query.find("name"); name != request.query.end()) {
      std::optional<CivilDate> birth;
      if (auto b = request.query.find("birth_date"); b != request.query.end() && !b->second.empty()) {
        auto date = parse_civil_date(b->second);
        if (!date) return error_response(Error{ErrorCode::kInvalidArgument, "birth_date: " + date.error().message});
        birth = *date;
      }
      auto persons = read([&](store::Connection& c) {
        return registry::search_persons(c, name->second, birth, limits::search_results_max, *scope);
      });
      if (!persons) return error_response(persons.error());
      found = std::move(*persons);
    } else {
      return error_response(Error{ErrorCode::kInvalidArgument, "give nik, or name (and birth_date)"});
    }
    return audited_answer(*session, "search_person", found, [&] {
      boost::json::array results;
      for (const auto& p : found) results.push_back(person_json(p, s_.regions, today()));
      return json_response(object{{"results", results}});
    });
  }

  HttpResponse person_history(const HttpRequest& request) {
    auto session = authenticate(request, can_read_persons);
    if (!session) return error_response(session.error());
    const auto& nik = request.path_params.at("nik");
    Person person;
    auto events = read([&](store::Connection& c) -> Result<std::vector<registry::StoredEvent>> {
      auto loaded = registry::load_person(c, nik);
      if (!loaded) return std::unexpected(loaded.error());
      person = std::move(*loaded);
      return registry::person_history(c, nik);
    });
    if (!events) return error_response(events.error());
    if (auto released = release_read(*session, "read_history", person); !released) {
      return error_response(released.error());
    }
    boost::json::array list;
    for (const auto& e : *events) list.push_back(event_json(e));
    return json_response(object{{"events", list}});
  }

  HttpResponse get_family(const HttpRequest& request) {
    auto session = authenticate(request, can_read_persons);
    if (!session) return error_response(session.error());
    const auto& kk = request.path_params.at("kk");
    auto family = load_family_with_members(kk);
    if (!family) return error_response(family.error());
    if (auto released = release_reads(*session, "read_family", family->second, kk); !released) {
      return error_response(released.error());
    }
    return json_response(family_json(family->first, family->second, s_.regions, today()));
  }

  HttpResponse biodata_pdf(const HttpRequest& request) {
    auto session = authenticate(request, can_read_persons);
    if (!session) return error_response(session.error());
    const auto& nik = request.path_params.at("nik");
    auto person = read([&](store::Connection& c) { return registry::load_person(c, nik); });
    if (!person) return error_response(person.error());
    auto pdf = registry::render_biodata_pdf(*person, s_.regions, today());
    if (!pdf) return error_response(pdf.error());
    if (auto released = release_read(*session, "print_biodata", *person); !released) {
      return error_response(released.error());
    }
    return pdf_response(std::move(*pdf), fmt::format("biodata-{}.pdf", nik));
  }

  HttpResponse family_pdf(const HttpRequest& request) {
    auto session = authenticate(request, can_read_persons);
    if (!session) return error_response(session.error());
    const auto& kk = request.path_params.at("kk");
    auto family = load_family_with_members(kk);
    if (!family) return error_response(family.error());
    auto pdf = registry::render_family_card_pdf(family->first, family->second, s_.regions, today());
    if (!pdf) return error_response(pdf.error());
    if (auto released = release_reads(*session, "print_family_card", family->second, kk); !released) {
      return error_response(released.error());
    }
    return pdf_response(std::move(*pdf), fmt::format("kk-{}.pdf", kk));
  }

  HttpResponse coverage(const HttpRequest& request) {
    auto session = authenticate(request, can_read_persons);
    if (!session) return error_response(session.error());
    auto report = registry::coverage_for_regency(s_.db, s_.regions, request.path_params.at("code"), today());
    if (!report) return error_response(report.error());
    return json_response(coverage_json(*report));
  }

  HttpResponse region(const HttpRequest& request) {
    std::string code = request.path_params.at("code");
    if (code == "root") code.clear();
    const Region* region = code.empty() ? nullptr : s_.regions.find(code);
    if (!code.empty() && region == nullptr) return error_response(Error{ErrorCode::kNotFound, "no region " + code.substr(0, 12)});
    boost::json::array children;
    for (const auto& child : s_.regions.children(code)) {
      children.push_back(object{{"code", child.code}, {"name", child.name}, {"level", region_level_name(child.level)}});
    }
    return json_response(object{{"code", region ? region->code : "root"},
                                {"name", region ? region->name : "Indonesia"},
                                {"level", region ? region_level_name(region->level) : "country"},
                                {"children", children}});
  }

  HttpResponse list_corrections(const HttpRequest& request) {
    auto session = authenticate(request, can_record_events);
    if (!session) return error_response(session.error());
    auto status = request.query.contains("status") ? request.query.at("status") : std::string("pending");
    if (status != "pending" && status != "approved" && status != "rejected") {
      return error_response(Error{ErrorCode::kInvalidArgument, "status: one of pending, approved, rejected"});
    }
    auto records = s_.registry.list_corrections(status);
    if (!records) return error_response(records.error());
    std::vector<access::AuditEntry> reads;
    for (const auto& r : *records) reads.push_back({to_ms(s_.clock()), session->username, "read_correction", r.nik, ""});
    if (auto audited = s_.audit.record_all(std::move(reads)); !audited) return error_response(audited.error());
    boost::json::array list;
    for (const auto& r : *records) {
      boost::system::error_code ec;
      auto fields = boost::json::parse(r.fields_json, ec);
      list.push_back(object{{"id", r.id}, {"nik", r.nik}, {"fields", ec ? boost::json::value() : fields},
                            {"reason", r.reason}, {"requested_by", r.requested_by}, {"status", r.status},
                            {"decided_by", r.decided_by}});
    }
    return json_response(object{{"corrections", list}});
  }

  HttpResponse decide_correction(const HttpRequest& request, bool approve) {
    auto session = authenticate(request, can_approve_corrections);
    if (!session) return error_response(session.error());
    std::int64_t id = 0;
    const auto& text = request.path_params.at("id");
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0) {
      return error_response(Error{ErrorCode::kInvalidArgument, "correction id must be a positive number"});
    }
    std::string reason;
    if (!request.body.empty()) {
      auto body = parse_json_body(request.body);
      if (!body) return error_response(body.error());
      auto o = as_object(*body, "body");
      if (!o) return error_response(o.error());
      auto r = optional_string(**o, "reason");
      if (!r) return error_response(r.error());
      reason = r->value_or("");
    }
    registry::WriteContext ctx{{session->username, session->role}, s_.clock(),
                               fmt::format("correction-{}-decision", id),
                               approve ? "approve" : "reject"};
    auto outcome = s_.registry.decide_correction(ctx, id, approve, reason);
    if (!outcome) return error_response(outcome.error());
    object answer = outcome->outcome;
    answer["event_id"] = outcome->event_id;
    answer["replayed"] = outcome->replayed;
    return json_response(answer);
  }

  HttpResponse verify_audit(const HttpRequest& request) {
    auto session = authenticate(request, can_manage_users);
    if (!session) return error_response(session.error());
    if (auto s = s_.audit.flush(); !s) return error_response(s.error());
    // With an anchor, from its newest signed checkpoint on (the full walk is `ektp audit verify`).
    access::AnchoredVerification result;
    if (s_.audit_anchor != nullptr) {
      auto verified = access::verify_since_latest_checkpoint(s_.db, *s_.audit_anchor);
      if (!verified) return error_response(verified.error());
      result = std::move(*verified);
    } else {
      auto verified = access::verify_audit_chain(s_.db);
      if (!verified) return error_response(verified.error());
      result.chain = std::move(*verified);
    }
    object answer{{"valid", result.chain.valid},
                  {"entries_checked", result.chain.entries},
                  {"head_seq", result.chain.head.seq},
                  {"anchored", s_.audit_anchor != nullptr}};
    if (result.latest) {
      answer["checkpoint"] = object{{"seq", result.latest->seq}, {"at", iso_time_ms(result.latest->at_ms)}};
      answer["unanchored_entries"] = result.unanchored_entries;
    }
    if (!result.chain.valid) {
      answer["broken_at"] = result.chain.broken_at;
      answer["problem"] = result.chain.problem;
    }
    return json_response(answer);
  }

  CivilDate today() const { return jakarta_date_of(s_.clock()); }
  ApiServices& services() { return s_; }

 private:
  template <class Work>
  auto read(Work&& work) -> decltype(work(std::declval<store::Connection&>())) {
    using R = decltype(work(std::declval<store::Connection&>()));
    using T = typename R::value_type;
    return store::with_read_transaction<T>(s_.db, std::function<R(store::Connection&)>(work));
  }

  Result<std::pair<Family, std::vector<Person>>> load_family_with_members(const std::string& kk) {
    return read([&](store::Connection& c) -> Result<std::pair<Family, std::vector<Person>>> {
      auto family = registry::load_family(c, kk);
      if (!family) return std::unexpected(family.error());
      auto members = registry::family_members(c, kk);
      if (!members) return std::unexpected(members.error());
      return std::make_pair(std::move(*family), std::move(*members));
    });
  }

  static HttpResponse pdf_response(std::string pdf, std::string filename) {
    HttpResponse response{200, "application/pdf", std::move(pdf), {}, {}};
    response.headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"{}\"", filename));
    return response;
  }

  ApiServices& s_;
};

}  // namespace

void add_registry_routes(Router& router, ApiServices& services) {
  auto routes = std::make_shared<Routes>(services);
  auto& registry = services.registry;
  router.add("GET", "/api/v1/health", [](const HttpRequest&) {
    return HttpResponse{200, "application/json", R"({"status":"ok"})", {}, {}};
  });
  router.add("GET", "/api/v1/openapi.json", [](const HttpRequest&) { return openapi_response(); });
  router.add("GET", "/api/v1/service-standards", [](const HttpRequest&) { return json_response(service_standards_json()); });
  router.add("GET", "/api/v1/regions/{code}", [routes](const HttpRequest& r) { return routes->region(r); });
  router.add("POST", "/api/v1/auth/login", [routes](const HttpRequest& r) { return routes->login(r); });
  router.add("POST", "/api/v1/auth/logout", [routes](const HttpRequest& r) { return routes->logout(r); });
  router.add("GET", "/api/v1/persons", [routes](const HttpRequest& r) { return routes->search_persons(r); });
  router.add("GET", "/api/v1/persons/{nik}", [routes](const HttpRequest& r) { return routes->get_person(r); });
  router.add("GET", "/api/v1/persons/{nik}/history", [routes](const HttpRequest& r) { return routes->person_history(r); });
  router.add("GET", "/api/v1/persons/{nik}/biodata.pdf", [routes](const HttpRequest& r) { return routes->biodata_pdf(r); });
  router.add("GET", "/api/v1/families/{kk}", [routes](const HttpRequest& r) { return routes->get_family(r); });
  router.add("GET", "/api/v1/families/{kk}/kk.pdf", [routes](const HttpRequest& r) { return routes->family_pdf(r); });
  router.add("GET", "/api/v1/coverage/{code}", [routes](const HttpRequest& r) { return routes->coverage(r); });
  router.add("POST", "/api/v1/events/birth", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, parse_birth_request, [&](auto& ctx, auto& req) { return registry.register_birth(ctx, req); });
  });
  router.add("POST", "/api/v1/events/new-family", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, [](const auto& b) { return parse_new_family_request(b, false); },
                              [&](auto& ctx, auto& req) { return registry.create_family(ctx, req); });
  });
  router.add("POST", "/api/v1/events/family-split", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, [](const auto& b) { return parse_new_family_request(b, true); },
                              [&](auto& ctx, auto& req) { return registry.create_family(ctx, req); });
  });
  router.add("POST", "/api/v1/events/marriage", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, parse_marriage_request, [&](auto& ctx, auto& req) { return registry.register_marriage(ctx, req); });
  });
  router.add("POST", "/api/v1/events/divorce", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, parse_divorce_request, [&](auto& ctx, auto& req) { return registry.register_divorce(ctx, req); });
  });
  router.add("POST", "/api/v1/events/death", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, parse_death_request, [&](auto& ctx, auto& req) { return registry.register_death(ctx, req); });
  });
  router.add("POST", "/api/v1/events/move", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, parse_move_request, [&](auto& ctx, auto& req) { return registry.register_move(ctx, req); });
  });
  router.add("POST", "/api/v1/corrections", [routes, &registry](const HttpRequest& r) {
    return routes->event_post(r, parse_correction_request, [&](auto& ctx, auto& req) { return registry.request_correction(ctx, req); });
  });
  router.add("GET", "/api/v1/corrections", [routes](const HttpRequest& r) { return routes->list_corrections(r); });
  router.add("POST", "/api/v1/corrections/{id}/approve", [routes](const HttpRequest& r) { return routes->decide_correction(r, true); });
  router.add("POST", "/api/v1/corrections/{id}/reject", [routes](const HttpRequest& r) { return routes->decide_correction(r, false); });
  router.add("GET", "/api/v1/audit/verify", [routes](const HttpRequest& r) { return routes->verify_audit(r); });
  add_user_routes(router, services);
  add_totp_routes(router, services);
}

}  // namespace ektp::api
