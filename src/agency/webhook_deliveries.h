// The deliveries of agencies' events, as the database keeps them: one row per subscription and
// civil event (written by agency/event_outbox.h in the event's transaction), its state —
// pending, delivered, dead (the dead-letter list) —, when it is next due, and every attempt with
// its HTTP status, error and duration. The delivery worker (agency/webhook_delivery.h) claims a
// due one under a lease, so that two servers on one database do not send it at once and one that
// died mid-attempt leaves it to the next; the agency and the admin read the state; the agency
// replays a dead one. Thread-safety: free functions over a Database or a caller's Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agency/agency_keys.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

namespace webhook_reason {
inline constexpr std::string_view kDeliveryUnknown = "webhook_delivery_unknown";
inline constexpr std::string_view kDeliveryNotDead = "webhook_delivery_not_dead";
inline constexpr std::string_view kSubscriptionDeleted = "webhook_subscription_deleted";
}  // namespace webhook_reason

namespace delivery_state {
inline constexpr std::string_view kPending = "pending";
inline constexpr std::string_view kDelivered = "delivered";
inline constexpr std::string_view kDead = "dead";
}  // namespace delivery_state
bool is_delivery_state(std::string_view state);

inline constexpr std::size_t kDeliveriesListedMax = 100;
inline constexpr std::size_t kAttemptsListedMax = 20;  // the newest of each delivery
inline constexpr std::size_t kAttemptErrorBytesMax = 300;

struct DeliveryAttempt {
  int attempt = 0;         // 1, 2, … over the delivery's whole life (replays go on counting)
  std::int64_t at_ms = 0;  // when it was sent
  int status = 0;          // the receiver's HTTP status; 0 when it gave none (refused, timed out, …)
  std::string error;       // why it failed; empty when delivered
  std::int64_t duration_ms = 0;
};

struct Delivery {
  std::int64_t id = 0;
  std::int64_t subscription_id = 0;
  std::string agency_code;
  std::int64_t event_id = 0;
  std::string event_type;      // "birth" …
  std::string cloud_event_id;  // the CloudEvent's id, the same in every attempt
  std::string state;           // delivery_state
  int attempts = 0;
  int failures = 0;  // failed attempts since it was made or replayed
  std::int64_t next_attempt_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t delivered_at_ms = 0;
  std::int64_t last_attempt_at_ms = 0;
  int last_status = 0;
  std::string last_error;
  std::vector<DeliveryAttempt> history;  // newest first, at most kAttemptsListedMax
};

// The agency's deliveries, newest first, in `state` (any when empty), at most `limit` (1 …
// kDeliveriesListedMax), each with its attempts. kInvalidArgument for an unknown state.
Result<std::vector<Delivery>> deliveries_of(store::Connection& db, std::string_view agency_code,
                                            std::string_view state, std::size_t limit);

// Puts a dead delivery of the caller's agency back to pending, due now, with a fresh schedule
// (audited "agency.delivery_replay"). kNotFound (webhook_delivery_unknown) for an id that is not
// one of this agency's deliveries; kFailedPrecondition: webhook_delivery_not_dead, or
// webhook_subscription_deleted when its subscription has ended.
Result<Delivery> replay_delivery(store::Database& database, const AgencyCaller& caller, std::int64_t id,
                                 std::int64_t now_ms);

// Inside the caller's transaction: every pending delivery of the subscription goes dead, saying
// why. Returns how many.
Result<std::int64_t> cancel_pending_deliveries(store::Connection& db, std::int64_t subscription_id,
                                               std::string_view why, std::int64_t now_ms);

// For the worker. The pending deliveries due at `now_ms` and not leased, soonest first.
struct DueDelivery {
  std::int64_t id = 0;
  std::int64_t subscription_id = 0;
};
Result<std::vector<DueDelivery>> due_deliveries(store::Database& database, std::int64_t now_ms, std::size_t limit);

struct ClaimedDelivery {
  std::int64_t id = 0;
  std::int64_t subscription_id = 0;
  std::string agency_code;
  std::string url;
  std::string webhook_id;  // the Standard Webhooks message id: "msg_<delivery id>", the same in every attempt
  std::string body;        // the CloudEvent, as written with the event
  std::string subjects;    // the NIKs it carries, comma-separated
  int attempts = 0;        // before this one
  int failures = 0;
  // Why it may not be sent now (no agreement in force with "subscribe"): a failed attempt
  // without a request. Empty when it may.
  std::string not_sendable;
};

// Leases a due delivery to this worker until `now_ms + lease_ms`; nullopt when it is no longer
// due or another worker holds it. A delivery whose subscription has ended goes dead here.
Result<std::optional<ClaimedDelivery>> claim_delivery(store::Database& database, std::int64_t id,
                                                      std::int64_t now_ms, std::int64_t lease_ms);

// Records an attempt and its consequence in one transaction: delivered (audited
// "agency.event_delivered" for each NIK the event carried, actor the agency: the resident sees who
// received their data), or failed and due again at `retry_at_ms`, or — when that is nullopt —
// dead (audited "agency.delivery_dead"). Does nothing when the delivery stopped being pending
// meanwhile (its subscription ended); returns the state it is left in.
Result<std::string> record_attempt(store::Database& database, const ClaimedDelivery& claimed,
                                   const DeliveryAttempt& attempt, bool delivered,
                                   std::optional<std::int64_t> retry_at_ms);

// The Standard Webhooks message id of a delivery.
std::string webhook_message_id(std::int64_t delivery_id);

}  // namespace ektp::agency
