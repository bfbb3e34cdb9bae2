#include "api/card_desk_routes.h"

#include <boost/json.hpp>

#include "access/office_scope.h"
#include "api/card_route_support.h"
#include "api/person_reads.h"
#include "api/route_support.h"
#include "card/card_pickup.h"
#include "card/ready_date_source.h"
#include "core/limits.h"
#include "registry/person_store.h"
#include "sync/enrollment_payload.h"

namespace ektp::api {

namespace {

using boost::json::object;
using namespace ektp::json;

// A live fingerprint image in base64 and a few small fields, within the server's JSON body limit
// (a 500-ppi scan of one finger is 100–300 KB).
constexpr std::size_t kCollectImageBytesMax = 600u << 10;
constexpr std::size_t kCollectBodyBytesMax = limits::request_body_bytes_max;
static_assert((kCollectImageBytesMax / 3 + 1) * 4 + 4096 <= kCollectBodyBytesMax);
constexpr std::int64_t kUncollectedListMax = 500;

Result<card::PickupCheck> pickup_check_of(const object& body) {
  EKTP_RETURN_IF_ERROR(only_fields(body, {"method", "finger_position", "image", "dpi", "note"}));
  EKTP_ASSIGN_OR_RETURN(auto method_id, required_string(body, "method"));
  card::PickupCheck check;
  EKTP_ASSIGN_OR_RETURN(check.method, card::parse_pickup_method(method_id));
  if (check.method == card::PickupMethod::kFingerprint) {
    EKTP_ASSIGN_OR_RETURN(auto position, required_int(body, "finger_position"));
    if (position < 1 || position > 10) return invalid_argument(fmt::format("finger_position {}: 1 to 10", position));
    check.finger_position = static_cast<int>(position);
    EKTP_ASSIGN_OR_RETURN(auto image, required_string(body, "image"));
    EKTP_ASSIGN_OR_RETURN(check.live_image, sync::base64_decode(image, kCollectImageBytesMax, "image"));
    EKTP_ASSIGN_OR_RETURN(auto dpi, optional_int(body, "dpi"));
    if (dpi) {
      if (*dpi < 250 || *dpi > 1000) return invalid_argument(fmt::format("dpi {}: 250 to 1000", *dpi));
      check.live_dpi = static_cast<int>(*dpi);
    }
  } else {
    EKTP_ASSIGN_OR_RETURN(auto note, required_string(body, "note"));
    check.note = note;
  }
  return check;
}

}  // namespace

void add_card_desk_routes(Router& router, ApiServices& s) {
  // What the desk sees of one resident: their name and their print requests, newest first, each
  // with the checks tried at its hand-over. Audited as a read of the resident.
  router.add("GET", "/api/v1/card/persons/{nik}", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_serve_card_desk));
    const auto& nik = request.path_params.at("nik");
    EKTP_RETURN_IF_ERROR(check_nik_text(nik));
    EKTP_RETURN_IF_ERROR(check_resident_scope(s, session, nik, "card desk"));
    const auto at = now_ms(s);
    EKTP_RETURN_IF_ERROR(card::queue_ready_to_print(s.db, at));
    EKTP_ASSIGN_OR_RETURN(auto answer, store::with_read_transaction<object>(s.db, [&](store::Connection& c) -> Result<object> {
      EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(c, nik));
      EKTP_ASSIGN_OR_RETURN(auto requests, card::print_requests_of(c, nik));
      boost::json::array list;
      for (const auto& r : requests) {
        auto item = request_json(r);
        EKTP_ASSIGN_OR_RETURN(auto attempts, card::pickup_attempts(c, r.id));
        boost::json::array tried;
        for (const auto& a : attempts) {
          tried.push_back({{"method", a.method}, {"finger_position", a.finger_position}, {"score", a.score},
                           {"matched", a.matched}, {"actor", a.actor}, {"note", a.note}, {"at_ms", a.at_ms}});
        }
        item["pickup_attempts"] = std::move(tried);
        list.push_back(std::move(item));
      }
      EKTP_ASSIGN_OR_RETURN(auto ready, card::ready_date_of_person(c, nik, at));
      object out{{"nik", nik}, {"name", person.name}, {"requests", std::move(list)}};
      out["ready"] = ready ? boost::json::value(ready_json(ready->answer)) : boost::json::value(nullptr);
      if (ready) out["ahead"] = ready->ahead;
      return out;
    }));
    std::vector<access::AuditEntry> read{{at, session.username, "read_card_desk", nik, ""}};
    return audited_response(s, std::move(read), json_response(answer));
  }));

  // The hand-over: one check of the holder, recorded whatever its result. A finger that does not
  // match answers 409 fingerprint_no_match with the tries so far and the tries left.
  router.add("POST", "/api/v1/card/requests/{id}/collect",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_serve_card_desk));
               EKTP_ASSIGN_OR_RETURN(auto print_request, load_request(s, request.path_params.at("id")));
               EKTP_RETURN_IF_ERROR(check_resident_scope(s, session, print_request.nik, "collect card"));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCollectBodyBytesMax));
               EKTP_ASSIGN_OR_RETURN(auto check, pickup_check_of(body));
               check.request_id = print_request.id;
               check.actor = session.username;
               check.actor_is_supervisor = is_supervisor_or_admin(session.role);
               check.at_ms = now_ms(s);
               EKTP_ASSIGN_OR_RETURN(auto outcome, card::collect_card(s.db, check));
               object answer{{"collected", outcome.collected},
                             {"method", card::pickup_method_id(outcome.method)},
                             {"failed_tries", outcome.failed_tries},
                             {"tries_left", outcome.tries_left},
                             {"request", request_json(outcome.request)}};
               if (outcome.collected) return json_response(answer);
               object error{{"code", "failed_precondition"},
                            {"reason", "fingerprint_no_match"},
                            {"message", fmt::format("the finger does not match the enrolled print ({} tries failed, "
                                                    "{} left before a supervisor must step in)",
                                                    outcome.failed_tries, outcome.tries_left)},
                            {"params", object{{"failed_tries", outcome.failed_tries},
                                              {"tries_left", outcome.tries_left}}}};
               answer["error"] = std::move(error);
               return json_response(answer, 409);
             }));

  // Cards printed 30 days ago or more and still not collected: the office calls their holders.
  router.add("GET", "/api/v1/card/offices/{office}/uncollected",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_cards));
               const auto& office = request.path_params.at("office");
               EKTP_RETURN_IF_ERROR(check_office_scope(s, session, office, "read uncollected"));
               const auto at = now_ms(s);
               EKTP_ASSIGN_OR_RETURN(auto cards, store::with_read_transaction<std::vector<card::PrintRequest>>(
                                                     s.db, [&](store::Connection& c) {
                                                       return card::uncollected_cards(c, office, at,
                                                                                      card::kUncollectedAfterDays,
                                                                                      kUncollectedListMax);
                                                     }));
               boost::json::array list;
               std::vector<access::AuditEntry> reads;
               for (const auto& r : cards) {
                 list.push_back(request_json(r));
                 reads.push_back({at, session.username, "read_uncollected_cards", r.nik, "office " + office});
               }
               return audited_response(s, std::move(reads),
                                       json_response(object{{"office", office},
                                                            {"after_days", card::kUncollectedAfterDays},
                                                            {"cards", list}}));
             }));
}

}  // namespace ektp::api
