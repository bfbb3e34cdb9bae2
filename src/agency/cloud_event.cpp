// Civil events as CloudEvents for agencies (agency/cloud_event.h).
#include "agency/cloud_event.h"

#include <array>
#include <chrono>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/profile_fields.h"
#include "core/civil_date.h"

namespace ektp::agency {
namespace {

constexpr std::array<registry::EventType, 5> kSubscribable{
    registry::EventType::kBirth, registry::EventType::kDeath, registry::EventType::kMove,
    registry::EventType::kMarriage, registry::EventType::kDivorce};

// The agreed fields of one person, in the order of the profile.
boost::json::object person_fields(const Person& person, const Agreement& agreement, bool nik_only) {
  boost::json::object fields;
  for (const ProfileField& field : profile_fields()) {
    if (!agreement.may_retrieve(field.id) || (nik_only && field.id != "nik")) continue;
    if (auto value = profile_field_value(person, field.id)) fields[field.id] = *value;
  }
  return fields;
}

}  // namespace

bool is_subscribable(registry::EventType type) {
  for (registry::EventType known : kSubscribable) {
    if (known == type) return true;
  }
  return false;
}

std::optional<registry::EventType> parse_subscribable_event(std::string_view id) {
  for (registry::EventType known : kSubscribable) {
    if (registry::event_type_id(known) == id) return known;
  }
  return std::nullopt;
}

std::string cloud_event_type(registry::EventType type) {
  return fmt::format("{}{}", kCloudEventTypePrefix, registry::event_type_id(type));
}

std::string cloud_event_id(std::int64_t event_id) { return fmt::format("ektp-event-{}", event_id); }

std::string rfc3339_utc(std::int64_t at_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> at{milliseconds(at_ms)};
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> time{at - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

std::string cloud_event_json(const registry::RecordedEvent& event, const Agreement& agreement,
                             std::span<const EventPerson> persons) {
  boost::json::array listed;
  std::string subject;
  for (const EventPerson& p : persons) {
    boost::json::object entry{{"role", p.role}};
    if (p.left_region) entry["left_region"] = true;
    entry["fields"] = person_fields(*p.person, agreement, p.left_region);
    if (subject.empty() && agreement.may_retrieve("nik")) subject = p.person->nik;
    listed.push_back(std::move(entry));
  }
  boost::json::object data{{"event", registry::event_type_id(event.type)},
                           {"event_id", event.event_id},
                           {"occurred_on", format_civil_date(event.occurred_on)},
                           {"agreement", agreement.number},
                           {"persons", std::move(listed)}};
  boost::json::object cloud_event{{"specversion", "1.0"},
                                  {"id", cloud_event_id(event.event_id)},
                                  {"source", kCloudEventSource},
                                  {"type", cloud_event_type(event.type)},
                                  {"time", rfc3339_utc(event.recorded_at_ms)}};
  if (!subject.empty()) cloud_event["subject"] = subject;
  cloud_event["datacontenttype"] = "application/json";
  cloud_event["data"] = std::move(data);
  return boost::json::serialize(cloud_event);
}

}  // namespace ektp::agency
