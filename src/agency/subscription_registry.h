// Agencies' event subscriptions (SPEC §8): an agency whose agreement in force includes the
// "subscribe" operation names an https:// address and the civil events it wants (birth, death,
// move, marriage, divorce); every such event within its agreement's regions is then delivered
// there (agency/event_outbox.h, agency/webhook_delivery.h). At most 5 active subscriptions per
// agency. In production the address must resolve to public addresses only
// (agency/webhook_url.h); `ektp serve --allow-private-webhooks` lifts that for development and
// tests. Creating and deleting are audited in their transaction. Thread-safety: free functions
// over a Database or a caller's Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agency/agency_keys.h"
#include "agency/webhook_url.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

namespace webhook_reason {
inline constexpr std::string_view kEventTypesInvalid = "webhook_event_types_invalid";
inline constexpr std::string_view kSubscriptionsTooMany = "webhook_subscriptions_too_many";
inline constexpr std::string_view kSubscriptionUnknown = "webhook_subscription_unknown";
}  // namespace webhook_reason

inline constexpr std::size_t kSubscriptionsPerAgencyMax = 5;
inline constexpr std::size_t kSubscriptionsListedMax = 1'000;  // every agency's, for the outbox

struct Subscription {
  std::int64_t id = 0;
  std::string agency_code;
  std::string url;
  std::vector<std::string> event_types;  // "birth" …, in the order of cloud_event.h
  std::string created_by_key;            // the API key that made it
  std::int64_t created_at_ms = 0;
  std::int64_t deleted_at_ms = 0;  // 0 while active

  bool wants(std::string_view event_type) const;
};

struct SubscriptionPolicy {
  bool allow_private_addresses = false;  // development and tests only
  HostResolver resolve = {};             // empty: the system resolver (resolve_host)
};

// The event types asked for: 1 to 5 distinct ids of subscribable events. kInvalidArgument
// (webhook_event_types_invalid) naming the one at fault.
Result<std::vector<std::string>> validate_event_types(const std::vector<std::string>& event_types);

// Subscribes the caller's agency. Checks, in order: the URL (webhook_url_not_https,
// webhook_url_invalid), the event types, the address policy (webhook_url_private,
// webhook_host_unresolved), then kFailedPrecondition (webhook_subscriptions_too_many) when the
// agency has kSubscriptionsPerAgencyMax active. Audited "agency.subscribe".
Result<Subscription> create_subscription(store::Database& database, const AgencyCaller& caller, std::string_view url,
                                         const std::vector<std::string>& event_types,
                                         const SubscriptionPolicy& policy, std::int64_t now_ms);

// The agency's active subscriptions, oldest first.
Result<std::vector<Subscription>> active_subscriptions_of(store::Connection& db, std::string_view agency_code);
// Every agency's active subscriptions (at most kSubscriptionsListedMax), by id.
Result<std::vector<Subscription>> all_active_subscriptions(store::Connection& db);
// One subscription, deleted or not; kNotFound (webhook_subscription_unknown) when there is none.
Result<Subscription> find_subscription(store::Connection& db, std::int64_t id);

// Ends one of the caller's agency's subscriptions: its pending deliveries go to the dead-letter
// list (and are not replayed). kNotFound (webhook_subscription_unknown) for an id that is not an
// active subscription of this agency (another agency's included). Audited "agency.unsubscribe".
// Returns the subscription as it is now, and how many deliveries it cancelled.
struct EndedSubscription {
  Subscription subscription;
  std::int64_t cancelled_deliveries = 0;
};
Result<EndedSubscription> delete_subscription(store::Database& database, const AgencyCaller& caller,
                                              std::int64_t id, std::int64_t now_ms);

}  // namespace ektp::agency
