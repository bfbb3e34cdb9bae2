// POST /api/v1/agency/marriages: a marriage office (KUA) records a marriage it performed — the
// certificate (akta nikah) number, both NIKs and the date — through its agreement. The registry
// applies it as the marriage event itself (both marked kawin, the wife onto the husband's card or
// a new card), so the next KUA that checks either of them sees it. Recording a married person
// again is refused with the reason (a wife recorded as married; a husband recorded as married
// without the court's permission attached). The same certificate sent again replays the first
// answer; with other details it is refused. The call is counted against the agreement's quota and
// audited with the event, in one transaction.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "access/audit_log.h"
#include "access/sha256.h"
#include "agency/agency_quota.h"
#include "api/agency_call.h"
#include "api/agency_routes.h"
#include "api/route_support.h"
#include "registry/event_json.h"
#include "registry/person_store.h"

namespace ektp::api {

namespace {

using boost::json::object;

constexpr std::size_t kCertificateBytesMax = 40;
constexpr std::string_view kCertificateDocument = "akta_nikah";
constexpr std::string_view kCertificateRecorded = "marriage_certificate_recorded";

struct KuaMarriage {
  std::string purpose;
  std::string certificate;
  registry::MarriageRequest marriage;
};

Result<KuaMarriage> parse_kua_marriage(ApiServices& s, const AgencyRequest& call) {
  KuaMarriage m;
  EKTP_ASSIGN_OR_RETURN(auto husband, agency_nik(s, call.body, "husband_nik"));
  EKTP_ASSIGN_OR_RETURN(auto wife, agency_nik(s, call.body, "wife_nik"));
  EKTP_ASSIGN_OR_RETURN(m.purpose, agreed_purpose(call.caller.agreement, call.body));
  EKTP_ASSIGN_OR_RETURN(m.certificate, bounded_text(call.body, "certificate_number", kCertificateBytesMax));
  object event = call.body;
  event.erase("purpose");
  event.erase("certificate_number");
  EKTP_ASSIGN_OR_RETURN(m.marriage, registry::parse_marriage_request(event));
  // The certificate is the marriage's own document.
  m.marriage.documents.insert(m.marriage.documents.begin(), {std::string(kCertificateDocument), m.certificate});
  return m;
}

Result<Person> resident_of(store::Connection& c, const std::string& nik, std::string_view field) {
  auto person = registry::load_person(c, nik);
  if (!person && person.error().code == ErrorCode::kNotFound) {
    return refusal(ErrorCode::kNotFound, "nik_unknown", fmt::format("{}: no resident has this NIK", field));
  }
  return person;
}

Result<HttpResponse> record_marriage(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto call, agency_request(s, request, agency::AgencyOperation::kRecordMarriage));
  EKTP_ASSIGN_OR_RETURN(auto kua, parse_kua_marriage(s, call));
  const auto& agreement = call.caller.agreement;
  const std::string actor = "agency:" + call.caller.agency.code;
  registry::WriteContext ctx{{actor, Role::kAgency}, s.clock(), fmt::format("akta-nikah:{}", kua.certificate),
                             access::sha256_hex(boost::json::serialize(call.body))};
  ctx.after_event = s.registry.event_hook();  // subscribed agencies hear of the marriage too
  const std::int64_t now = now_ms(s);
  struct Recorded {
    registry::EventOutcome event;
    agency::QuotaUse use;
  };
  auto done = store::with_write_transaction<Recorded>(s.db, [&](store::Connection& c) -> Result<Recorded> {
    EKTP_ASSIGN_OR_RETURN(auto husband, resident_of(c, kua.marriage.husband_nik, "husband_nik"));
    EKTP_ASSIGN_OR_RETURN(auto wife, resident_of(c, kua.marriage.wife_nik, "wife_nik"));
    EKTP_RETURN_IF_ERROR(within_agreed_region(agreement, husband));
    EKTP_RETURN_IF_ERROR(within_agreed_region(agreement, wife));
    EKTP_ASSIGN_OR_RETURN(auto use, agency::count_call(c, call.caller.agency.code, now, agreement.daily_quota));
    auto event = registry::apply_marriage(c, ctx, s.regions, kua.marriage);
    if (!event && event.error().code == ErrorCode::kAlreadyExists) {
      return refusal(ErrorCode::kAlreadyExists, std::string(kCertificateRecorded),
                     fmt::format("certificate_number: {} is already recorded with other details", kua.certificate));
    }
    if (!event) return std::unexpected(event.error());
    if (!event->replayed) {
      EKTP_RETURN_IF_ERROR(access::append_audit(
          c, {now, actor, "agency.marriage", kua.marriage.husband_nik,
              fmt::format("agreement {}; key {}; purpose {}; certificate {}; wife {}; event {}", agreement.number,
                          call.caller.key_id, kua.purpose, kua.certificate, kua.marriage.wife_nik, event->event_id)}));
    }
    return Recorded{std::move(*event), use};
  });
  if (!done) {
    if (auto refused = quota_refusal(done.error(), now)) return std::move(*refused);
  }
  if (!done) return std::unexpected(done.error());
  // Only what the office sent, and that it is now on the register.
  return json_response(object{{"event_id", done->event.event_id},
                              {"replayed", done->event.replayed},
                              {"certificate_number", kua.certificate},
                              {"husband_nik", kua.marriage.husband_nik},
                              {"wife_nik", kua.marriage.wife_nik},
                              {"marital_status", "kawin"},
                              {"quota", object{{"used_today", done->use.calls_today},
                                               {"daily_quota", done->use.quota},
                                               {"reset_at_ms", done->use.reset_at_ms}}}});
}

}  // namespace

void add_agency_marriage_routes(Router& router, ApiServices& s) {
  router.add("POST", "/api/v1/agency/marriages",
             guarded([&s](const HttpRequest& request) { return record_marriage(s, request); }));
}

}  // namespace ektp::api
