// A civil event as an agency receives it: a CloudEvents 1.0 event in the structured JSON format
// (https://github.com/cloudevents/spec, JSON event format), sent as
// `Content-Type: application/cloudevents+json`:
//   {"specversion":"1.0", "id":"ektp-event-42", "source":"/ektp/central",
//    "type":"id.go.dukcapil.birth", "time":"2026-11-23T02:00:00.000Z", "subject":"<NIK>",
//    "datacontenttype":"application/json",
//    "data":{"event":"birth", "event_id":42, "occurred_on":"2026-11-21", "agreement":"<PKS>",
//            "persons":[{"role":"child", "fields":{"nik":…, "name":…}}, …]}}
// `id` names the civil event: the same in every attempt, every redelivery and every agency's copy,
// so a receiver keeps each event once by it. `data` holds, of each person the event concerns
// who lives within the agreement's regions, only the fields the agreement lets the agency
// retrieve (agency/profile_fields.h; the family grant is not sent), as they are once the event is
// applied; `subject` is the first such person's NIK when the agreement lets the agency have NIKs.
// A person who moved out of the agreement's regions is listed with "left_region": true and their
// NIK only (when agreed), no other value. Pure: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "agency/agency_registry.h"
#include "core/person.h"
#include "registry/event_log.h"

namespace ektp::agency {

inline constexpr std::string_view kCloudEventSource = "/ektp/central";
inline constexpr std::string_view kCloudEventTypePrefix = "id.go.dukcapil.";
inline constexpr std::string_view kCloudEventContentType = "application/cloudevents+json; charset=utf-8";

// The civil events an agency may subscribe to: birth, death, move, marriage, divorce.
bool is_subscribable(registry::EventType type);
// "birth" … "divorce" (registry::event_type_id); nullopt for anything else.
std::optional<registry::EventType> parse_subscribable_event(std::string_view id);

std::string cloud_event_type(registry::EventType type);  // "id.go.dukcapil.birth"
std::string cloud_event_id(std::int64_t event_id);        // "ektp-event-42"
// Milliseconds since the epoch as RFC 3339 UTC with milliseconds: "2026-11-23T02:00:00.000Z".
std::string rfc3339_utc(std::int64_t at_ms);

struct EventPerson {
  std::string role;         // the person's role in the event: "child", "mother", "deceased", "mover" …
  const Person* person = nullptr;  // as after the event
  bool left_region = false;        // moved out of the agreement's regions: no field but the NIK
};

// The CloudEvent JSON of `event` for an agency under `agreement`, with `persons` (at least one).
std::string cloud_event_json(const registry::RecordedEvent& event, const Agreement& agreement,
                             std::span<const EventPerson> persons);

}  // namespace ektp::agency
