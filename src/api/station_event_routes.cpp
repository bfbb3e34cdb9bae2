// The station's own answers to POST /api/v1/events/{death,marriage,divorce}: the same requests and
// answers as central's registry routes, but each event also goes into the outbox in the same
// transaction (sync/civil_event_items.h), so that what the desk records reaches central.
#include "api/station_event_routes.h"

#include <boost/json.hpp>

#include "api/http.h"
#include "api/route_support.h"
#include "registry/event_json.h"
#include "sync/civil_event_items.h"

namespace ektp::api {

namespace {

using boost::json::object;

// The registry route's answer (the event's outcome, its id, replayed), plus the outbox seq.
template <class Parse, class Save>
Result<HttpResponse> station_event(StationServices& s, const HttpRequest& request, Parse parse, Save save) {
  auto event = event_request(s.api, request);
  if (!event) return std::unexpected(event.error());
  auto parsed = parse(event->body);
  if (!parsed) return std::unexpected(parsed.error());
  auto saved = save(event->ctx, *parsed);
  if (!saved) return std::unexpected(saved.error());
  if (s.loop && !saved->event.replayed) s.loop->wake();
  object answer = saved->event.outcome;
  answer["event_id"] = saved->event.event_id;
  answer["replayed"] = saved->event.replayed;
  answer["outbox_seq"] = saved->outbox_seq;
  return json_response(answer, saved->event.replayed ? 200 : 201);
}

}  // namespace

void add_station_event_routes(Router& router, StationServices& s) {
  // Events a station cannot send to central yet: refused here rather than recorded in the working
  // copy alone, where central would never hear of them and the next pull would not undo them.
  for (const char* path : {"/api/v1/events/new-family", "/api/v1/events/family-split", "/api/v1/events/move",
                           "/api/v1/corrections", "/api/v1/corrections/{id}/approve", "/api/v1/corrections/{id}/reject"}) {
    router.add("POST", path, guarded([&s, path = std::string(path)](const HttpRequest& request) -> Result<HttpResponse> {
      auto session = authenticate_bearer(s.api, request, can_read_persons);
      if (!session) return std::unexpected(session.error());
      return failed_precondition(path.substr(std::string_view("/api/v1").size()) +
                                 " is recorded at the Dinas (central), not at a station: a station sends births, "
                                 "move-ins, deaths, marriages, divorces and enrollments only");
    }));
  }
  const std::string station_id = s.identity.station_id;
  router.add("POST", "/api/v1/events/death", guarded([&s, station_id](const HttpRequest& r) {
               return station_event(s, r, registry::parse_death_request, [&](const auto& ctx, const auto& req) {
                 return sync::save_death_with_outbox(s.api.db, station_id, ctx, req);
               });
             }));
  router.add("POST", "/api/v1/events/divorce", guarded([&s, station_id](const HttpRequest& r) {
               return station_event(s, r, registry::parse_divorce_request, [&](const auto& ctx, const auto& req) {
                 return sync::save_divorce_with_outbox(s.api.db, station_id, ctx, req);
               });
             }));
  router.add("POST", "/api/v1/events/marriage", guarded([&s, station_id](const HttpRequest& r) {
               return station_event(s, r, registry::parse_marriage_request, [&](const auto& ctx, const auto& req) {
                 return sync::save_marriage_with_outbox(s.api.db, station_id, s.api.regions, ctx, req);
               });
             }));
}

}  // namespace ektp::api
