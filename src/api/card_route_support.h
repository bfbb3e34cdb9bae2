// What the card route files share: who may act for an office (an admin for any, a supervisor or
// operator for the offices within their office's region, refusals audited `card.refused`), a
// print request's path id, and the JSON of a print request.
#pragma once

#include <boost/json/object.hpp>

#include "access/auth_service.h"
#include "api/api_services.h"
#include "api/http.h"
#include "card/print_queue.h"
#include "card/ready_date.h"

namespace ektp::api {

// The card desk, where cards are handed over and SUKETs issued: operators, supervisors, admins.
bool can_serve_card_desk(Role role);
inline bool is_supervisor_or_admin(Role role) { return role == Role::kSupervisor || role == Role::kAdmin; }

Status check_office_scope(ApiServices& s, const access::Session& session, std::string_view office,
                          std::string_view what);
// The resident must live within the caller's office region (national roles: anyone); a refusal is
// audited `card.refused`. kNotFound for an unknown NIK.
Status check_resident_scope(ApiServices& s, const access::Session& session, std::string_view nik,
                            std::string_view what);

// A NIK from a path or a body: 16 digits (kInvalidArgument "nik: 16 digits").
Status check_nik_text(std::string_view nik);

// The {id} of a request's path: digits only, at most 18.
Result<std::int64_t> request_id_of(const std::string& id_text);
Result<card::PrintRequest> load_request(ApiServices& s, const std::string& id_text);

boost::json::object request_json(const card::PrintRequest& r);

// A ready date as answers carry it: {"status": "date", "p10", "p50", "p90"} (YYYY-MM-DD: the card
// is printed between p10 and p90, most likely around p50), or {"status": "no_date", "reason"}.
boost::json::object ready_json(const card::ReadyAnswer& answer);

}  // namespace ektp::api
