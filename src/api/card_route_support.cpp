#include "api/card_route_support.h"

#include <boost/json.hpp>

#include "access/office_scope.h"
#include "api/route_support.h"
#include "core/civil_date.h"
#include "registry/person_store.h"

namespace ektp::api {

bool can_serve_card_desk(Role role) {
  return role == Role::kOperator || role == Role::kSupervisor || role == Role::kAdmin;
}


Status check_office_scope(ApiServices& s, const access::Session& session, std::string_view office,
                          std::string_view what) {
  EKTP_RETURN_IF_ERROR(card::validate_office_code(office));
  auto prefix = access::office_search_prefix(session);
  Status allowed = !prefix ? Status(std::unexpected(prefix.error()))
                   : office.starts_with(*prefix)
                       ? Status()
                       : Status(make_error(ErrorCode::kPermissionDenied,
                                           fmt::format("office {} lies outside office region '{}' of user {}", office,
                                                       *prefix, session.username)));
  if (!allowed) {
    EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "card.refused", std::string(office),
                                         std::string(what)}));
  }
  return allowed;
}

Status check_nik_text(std::string_view nik) {
  if (nik.size() != 16 || nik.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid_argument("nik: 16 digits");
  }
  return {};
}

Status check_resident_scope(ApiServices& s, const access::Session& session, std::string_view nik,
                            std::string_view what) {
  EKTP_ASSIGN_OR_RETURN(auto person, store::with_read_transaction<Person>(s.db, [&](store::Connection& c) {
                          return registry::load_person(c, nik);
                        }));
  Status covered = access::check_office_covers(session, person.address.village_code);
  if (!covered) {
    EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "card.refused", std::string(nik),
                                         std::string(what)}));
  }
  return covered;
}

boost::json::object request_json(const card::PrintRequest& r) {
  return boost::json::object{{"id", r.id},
          {"nik", r.nik},
          {"office", r.office},
          {"reason", card::print_reason_id(r.reason)},
          {"detail", r.detail},
          {"urgent_reason", r.urgent_reason},
          {"status", card::print_status_id(r.status)},
          {"requested_at_ms", r.requested_at_ms},
          {"blanko_serial", r.blanko_serial},
          {"printed_at_ms", r.printed_at_ms},
          {"printed_by", r.printed_by},
          {"collected_at_ms", r.collected_at_ms},
          {"collected_by", r.collected_by},
          {"collection_method", r.collection_method},
          {"revoked_at_ms", r.revoked_at_ms},
          {"revoked_reason", r.revoked_reason}};
}


Result<std::int64_t> request_id_of(const std::string& id_text) {
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid_argument("request id: a number");
  }
  return std::stoll(id_text);
}

Result<card::PrintRequest> load_request(ApiServices& s, const std::string& id_text) {
  EKTP_ASSIGN_OR_RETURN(auto id, request_id_of(id_text));
  return store::with_read_transaction<card::PrintRequest>(
      s.db, [&](store::Connection& c) { return card::load_print_request(c, id); });
}

boost::json::object ready_json(const card::ReadyAnswer& answer) {
  if (!answer.estimate) return {{"status", "no_date"}, {"reason", answer.no_date_reason}};
  const auto date = [](std::int64_t day) { return format_civil_date(card::civil_date_of_day(day)); };
  return {{"status", "date"},
          {"p10", date(answer.estimate->p10)},
          {"p50", date(answer.estimate->p50)},
          {"p90", date(answer.estimate->p90)}};
}

}  // namespace ektp::api
