// Deliveries written with each civil event (agency/event_outbox.h).
#include "agency/event_outbox.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/cloud_event.h"
#include "agency/subscription_registry.h"
#include "agency/webhook_deliveries.h"
#include "registry/person_store.h"

namespace ektp::agency {
namespace {

struct Concerned {
  std::string role;
  Person person;
};

// What one agency gets of the event: the CloudEvent and the NIKs it carries; nullopt when its
// agreement in force does not let it have this event.
struct AgencyCopy {
  std::string body;
  std::string subjects;
};

// Each person the event names, once, as they are after it.
Result<std::vector<Concerned>> concerned_persons(store::Connection& db, const registry::RecordedEvent& event) {
  std::vector<Concerned> out;
  for (const registry::EventSubject& subject : event.subjects) {
    bool seen = false;
    for (const Concerned& c : out) seen = seen || c.person.nik == subject.nik;
    if (seen) continue;
    auto person = registry::load_person(db, subject.nik);
    if (!person) return std::unexpected(person.error());
    out.push_back({subject.role, std::move(*person)});
  }
  return out;
}

std::string from_village_of(const registry::RecordedEvent& event) {
  const auto* from = event.payload.if_contains("from_village_code");
  return from != nullptr && from->is_string() ? std::string(from->as_string()) : std::string();
}

Result<std::optional<AgencyCopy>> copy_for(store::Connection& db, std::string_view agency_code,
                                           const registry::RecordedEvent& event,
                                           const std::vector<Concerned>& persons) {
  auto agreement = agreement_in_force(db, agency_code, event.recorded_at_ms);
  if (!agreement) {
    if (agreement.error().reason == agency_reason::kAgreementNotInForce) return std::optional<AgencyCopy>{};
    return std::unexpected(agreement.error());
  }
  if (!agreement->allows(AgencyOperation::kSubscribe)) return std::optional<AgencyCopy>{};
  const std::string left_from = event.type == registry::EventType::kMove ? from_village_of(event) : std::string();
  std::vector<EventPerson> shown;
  AgencyCopy copy;
  for (const Concerned& c : persons) {
    const bool within = agreement->covers_region(c.person.address.village_code);
    const bool left = !within && !left_from.empty() && agreement->covers_region(left_from);
    if (!within && !left) continue;
    shown.push_back({c.role, &c.person, left});
    copy.subjects += (copy.subjects.empty() ? "" : ",") + c.person.nik;
  }
  if (shown.empty()) return std::optional<AgencyCopy>{};
  copy.body = cloud_event_json(event, *agreement, shown);
  return std::optional<AgencyCopy>{std::move(copy)};
}

}  // namespace

Result<std::size_t> enqueue_event_deliveries(store::Connection& db, const registry::RecordedEvent& event) {
  if (!is_subscribable(event.type)) return 0;
  const std::string type_id(registry::event_type_id(event.type));
  EKTP_ASSIGN_OR_RETURN(auto subscriptions, all_active_subscriptions(db));
  std::erase_if(subscriptions, [&](const Subscription& s) { return !s.wants(type_id); });
  if (subscriptions.empty()) return 0;
  EKTP_ASSIGN_OR_RETURN(const auto persons, concerned_persons(db, event));
  std::map<std::string, std::optional<AgencyCopy>> copies;  // by agency: one agreement check each
  std::size_t written = 0;
  for (const Subscription& subscription : subscriptions) {
    auto known = copies.find(subscription.agency_code);
    if (known == copies.end()) {
      EKTP_ASSIGN_OR_RETURN(auto copy, copy_for(db, subscription.agency_code, event, persons));
      known = copies.emplace(subscription.agency_code, std::move(copy)).first;
    }
    if (!known->second) continue;
    EKTP_RETURN_IF_ERROR(db.execute(
        "INSERT INTO agency_deliveries (subscription_id, agency_code, event_id, event_type, cloud_event_id, subjects, "
        "body, state, next_attempt_at_ms, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {subscription.id, subscription.agency_code, event.event_id, type_id, cloud_event_id(event.event_id),
         known->second->subjects, known->second->body, std::string(delivery_state::kPending), event.recorded_at_ms,
         event.recorded_at_ms}));
    ++written;
  }
  return written;
}

registry::EventHook event_outbox_hook(std::function<void()> after_commit) {
  return [after_commit = std::move(after_commit)](store::Connection& db, const registry::RecordedEvent& event) -> Status {
    EKTP_ASSIGN_OR_RETURN(const std::size_t deliveries, enqueue_event_deliveries(db, event));
    if (deliveries > 0 && after_commit) db.after_commit(after_commit);
    return {};
  };
}

}  // namespace ektp::agency
