// Deliveries of agencies' events and their attempts (agency/webhook_deliveries.h).
#include "agency/webhook_deliveries.h"

#include <fmt/format.h>

#include "access/audit_log.h"
#include "agency/subscription_registry.h"

namespace ektp::agency {
namespace {

constexpr std::string_view kColumns =
    "id, subscription_id, agency_code, event_id, event_type, cloud_event_id, state, attempts, failures, "
    "next_attempt_at_ms, created_at_ms, delivered_at_ms, last_attempt_at_ms, last_status, last_error";
constexpr std::string_view kSubscriptionDeletedWhy = "the subscription was deleted";

Delivery delivery_of_row(const store::Row& row) {
  Delivery d;
  d.id = row.integer(0);
  d.subscription_id = row.integer(1);
  d.agency_code = row.text(2);
  d.event_id = row.integer(3);
  d.event_type = row.text(4);
  d.cloud_event_id = row.text(5);
  d.state = row.text(6);
  d.attempts = static_cast<int>(row.integer(7));
  d.failures = static_cast<int>(row.integer(8));
  d.next_attempt_at_ms = row.integer(9);
  d.created_at_ms = row.integer(10);
  d.delivered_at_ms = row.integer(11);
  d.last_attempt_at_ms = row.integer(12);
  d.last_status = static_cast<int>(row.integer(13));
  d.last_error = row.text(14);
  return d;
}

Status load_history(store::Connection& db, Delivery& delivery) {
  auto rows = db.execute(fmt::format("SELECT attempt, at_ms, status, error, duration_ms FROM agency_delivery_attempts "
                                     "WHERE delivery_id = $1 ORDER BY attempt DESC LIMIT {}",
                                     kAttemptsListedMax),
                         {delivery.id});
  if (!rows) return std::unexpected(rows.error());
  for (const store::Row& row : rows->rows) {
    delivery.history.push_back({static_cast<int>(row.integer(0)), row.integer(1), static_cast<int>(row.integer(2)),
                                row.text(3), row.integer(4)});
  }
  return {};
}

Result<Delivery> load_delivery(store::Connection& db, std::int64_t id) {
  auto rows = db.execute(fmt::format("SELECT {} FROM agency_deliveries WHERE id = $1", kColumns), {id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) {
    return refusal(ErrorCode::kNotFound, std::string(webhook_reason::kDeliveryUnknown), fmt::format("no delivery {}", id));
  }
  return delivery_of_row(rows->rows.front());
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// Why a claimed delivery may not be sent now: its agency has no agreement in force that
// includes "subscribe" (it is tried again later, on the schedule). Empty when it may.
Result<std::string> not_sendable_now(store::Connection& db, std::string_view agency_code, std::int64_t now_ms) {
  auto agreement = agreement_in_force(db, agency_code, now_ms);
  if (!agreement) {
    if (agreement.error().reason == agency_reason::kAgreementNotInForce) return agreement.error().message;
    return std::unexpected(agreement.error());
  }
  if (!agreement->allows(AgencyOperation::kSubscribe)) {
    return fmt::format("agreement {} in force does not include subscribe", agreement->number);
  }
  return std::string();
}

Status audit_delivered(store::Connection& db, const ClaimedDelivery& claimed, const DeliveryAttempt& attempt) {
  for (const std::string& nik : split_commas(claimed.subjects)) {
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {attempt.at_ms, "agency:" + claimed.agency_code, "agency.event_delivered", nik,
             fmt::format("delivery {} to subscription {}: {}", claimed.id, claimed.subscription_id, claimed.webhook_id)}));
  }
  return {};
}

}  // namespace

bool is_delivery_state(std::string_view state) {
  return state == delivery_state::kPending || state == delivery_state::kDelivered || state == delivery_state::kDead;
}

std::string webhook_message_id(std::int64_t delivery_id) { return fmt::format("msg_{}", delivery_id); }

Result<std::vector<Delivery>> deliveries_of(store::Connection& db, std::string_view agency_code, std::string_view state,
                                            std::size_t limit) {
  if (!state.empty() && !is_delivery_state(state)) {
    return invalid_argument(fmt::format("state: '{}' is not one of pending, delivered, dead", state.substr(0, 20)));
  }
  if (limit < 1 || limit > kDeliveriesListedMax) {
    return invalid_argument(fmt::format("limit: 1 to {}", kDeliveriesListedMax));
  }
  std::vector<store::Value> params{std::string(agency_code)};
  std::string where = "agency_code = $1";
  if (!state.empty()) {
    where += " AND state = $2";
    params.emplace_back(std::string(state));
  }
  auto rows = db.execute(
      fmt::format("SELECT {} FROM agency_deliveries WHERE {} ORDER BY id DESC LIMIT {}", kColumns, where, limit), params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<Delivery> out;
  for (const store::Row& row : rows->rows) {
    out.push_back(delivery_of_row(row));
    EKTP_RETURN_IF_ERROR(load_history(db, out.back()));
  }
  return out;
}

Result<Delivery> replay_delivery(store::Database& database, const AgencyCaller& caller, std::int64_t id,
                                 std::int64_t now_ms) {
  const std::string& agency_code = caller.agency.code;
  return store::with_write_transaction<Delivery>(database, [&](store::Connection& db) -> Result<Delivery> {
    auto delivery = load_delivery(db, id);
    if (!delivery && delivery.error().code != ErrorCode::kNotFound) return std::unexpected(delivery.error());
    // Another agency's delivery reads as none.
    if (!delivery || delivery->agency_code != agency_code) {
      return refusal(ErrorCode::kNotFound, std::string(webhook_reason::kDeliveryUnknown),
                     fmt::format("agency {} has no delivery {}", agency_code, id));
    }
    if (delivery->state != delivery_state::kDead) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(webhook_reason::kDeliveryNotDead),
                     fmt::format("delivery {} is {}: only a dead-lettered delivery is replayed", id, delivery->state));
    }
    EKTP_ASSIGN_OR_RETURN(const Subscription subscription, find_subscription(db, delivery->subscription_id));
    if (subscription.deleted_at_ms != 0) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(webhook_reason::kSubscriptionDeleted),
                     fmt::format("delivery {} belongs to subscription {}, which was deleted", id, subscription.id));
    }
    EKTP_RETURN_IF_ERROR(db.execute(
        "UPDATE agency_deliveries SET state = $1, failures = 0, next_attempt_at_ms = $2, lease_until_ms = 0 "
        "WHERE id = $3 AND state = $4",
        {std::string(delivery_state::kPending), now_ms, id, std::string(delivery_state::kDead)}));
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {now_ms, "agency:" + agency_code, "agency.delivery_replay", agency_code,
             fmt::format("delivery {} ({}, {}) after {} attempts; key {}", id, delivery->event_type,
                         delivery->cloud_event_id, delivery->attempts, caller.key_id)}));
    delivery->state = std::string(delivery_state::kPending);
    delivery->failures = 0;
    delivery->next_attempt_at_ms = now_ms;
    EKTP_RETURN_IF_ERROR(load_history(db, *delivery));
    return std::move(*delivery);
  });
}

Result<std::int64_t> cancel_pending_deliveries(store::Connection& db, std::int64_t subscription_id, std::string_view why,
                                               std::int64_t now_ms) {
  auto updated = db.execute(
      "UPDATE agency_deliveries SET state = $1, last_error = $2, lease_until_ms = 0, next_attempt_at_ms = $3 "
      "WHERE subscription_id = $4 AND state = $5",
      {std::string(delivery_state::kDead), std::string(why), now_ms, subscription_id,
       std::string(delivery_state::kPending)});
  if (!updated) return std::unexpected(updated.error());
  return updated->rows_affected;
}

Result<std::vector<DueDelivery>> due_deliveries(store::Database& database, std::int64_t now_ms, std::size_t limit) {
  return store::with_read_transaction<std::vector<DueDelivery>>(
      database, [&](store::Connection& db) -> Result<std::vector<DueDelivery>> {
        auto rows = db.execute(fmt::format("SELECT id, subscription_id FROM agency_deliveries WHERE state = $1 AND "
                                           "next_attempt_at_ms <= $2 AND lease_until_ms <= $2 "
                                           "ORDER BY next_attempt_at_ms, id LIMIT {}",
                                           limit),
                               {std::string(delivery_state::kPending), now_ms});
        if (!rows) return std::unexpected(rows.error());
        std::vector<DueDelivery> due;
        for (const store::Row& row : rows->rows) due.push_back({row.integer(0), row.integer(1)});
        return due;
      });
}

Result<std::optional<ClaimedDelivery>> claim_delivery(store::Database& database, std::int64_t id, std::int64_t now_ms,
                                                      std::int64_t lease_ms) {
  using Claim = std::optional<ClaimedDelivery>;
  return store::with_write_transaction<Claim>(database, [&](store::Connection& db) -> Result<Claim> {
    auto leased = db.execute(
        "UPDATE agency_deliveries SET lease_until_ms = $1 WHERE id = $2 AND state = $3 AND next_attempt_at_ms <= $4 "
        "AND lease_until_ms <= $4",
        {now_ms + lease_ms, id, std::string(delivery_state::kPending), now_ms});
    if (!leased) return std::unexpected(leased.error());
    if (leased->rows_affected != 1) return Claim{};
    auto rows = db.execute(
        "SELECT d.subscription_id, d.agency_code, d.body, d.subjects, d.attempts, d.failures, s.url, s.deleted_at_ms "
        "FROM agency_deliveries d JOIN agency_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1",
        {id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->rows.empty()) return make_error(ErrorCode::kDataLoss, fmt::format("delivery {} has no subscription", id));
    const store::Row& row = rows->rows.front();
    if (row.integer(7) != 0) {
      EKTP_RETURN_IF_ERROR(cancel_pending_deliveries(db, row.integer(0), kSubscriptionDeletedWhy, now_ms));
      return Claim{};
    }
    ClaimedDelivery claimed;
    claimed.id = id;
    claimed.subscription_id = row.integer(0);
    claimed.agency_code = row.text(1);
    claimed.url = row.text(6);
    claimed.webhook_id = webhook_message_id(id);
    claimed.body = row.text(2);
    claimed.subjects = row.text(3);
    claimed.attempts = static_cast<int>(row.integer(4));
    claimed.failures = static_cast<int>(row.integer(5));
    EKTP_ASSIGN_OR_RETURN(claimed.not_sendable, not_sendable_now(db, claimed.agency_code, now_ms));
    return Claim{std::move(claimed)};
  });
}

Result<std::string> record_attempt(store::Database& database, const ClaimedDelivery& claimed,
                                   const DeliveryAttempt& attempt, bool delivered,
                                   std::optional<std::int64_t> retry_at_ms) {
  return store::with_write_transaction<std::string>(database, [&](store::Connection& db) -> Result<std::string> {
    auto current = db.execute("SELECT attempts, state FROM agency_deliveries WHERE id = $1", {claimed.id});
    if (!current) return std::unexpected(current.error());
    if (current->rows.empty()) return make_error(ErrorCode::kDataLoss, fmt::format("delivery {} is gone", claimed.id));
    const std::int64_t number = current->rows.front().integer(0) + 1;
    const std::string state = current->rows.front().text(1);
    const std::string error = attempt.error.substr(0, kAttemptErrorBytesMax);
    EKTP_RETURN_IF_ERROR(db.execute(
        "INSERT INTO agency_delivery_attempts (delivery_id, attempt, at_ms, status, error, duration_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {claimed.id, number, attempt.at_ms, std::int64_t{attempt.status}, error, attempt.duration_ms}));
    if (state != delivery_state::kPending) {
      EKTP_RETURN_IF_ERROR(db.execute("UPDATE agency_deliveries SET attempts = $1 WHERE id = $2", {number, claimed.id}));
      return state;  // its subscription ended meanwhile: it stays as it is
    }
    std::string next_state(delivered ? delivery_state::kDelivered
                                     : (retry_at_ms ? delivery_state::kPending : delivery_state::kDead));
    EKTP_RETURN_IF_ERROR(db.execute(
        "UPDATE agency_deliveries SET state = $1, attempts = $2, failures = $3, next_attempt_at_ms = $4, "
        "lease_until_ms = 0, delivered_at_ms = $5, last_attempt_at_ms = $6, last_status = $7, last_error = $8 "
        "WHERE id = $9",
        {next_state, number, std::int64_t{delivered ? claimed.failures : claimed.failures + 1},
         retry_at_ms.value_or(attempt.at_ms), delivered ? attempt.at_ms : std::int64_t{0}, attempt.at_ms,
         std::int64_t{attempt.status}, error, claimed.id}));
    if (delivered) EKTP_RETURN_IF_ERROR(audit_delivered(db, claimed, attempt));
    if (next_state == delivery_state::kDead) {
      EKTP_RETURN_IF_ERROR(access::append_audit(
          db, {attempt.at_ms, "system", "agency.delivery_dead", claimed.agency_code,
               fmt::format("delivery {} to subscription {} dead-lettered after {} attempts: {}", claimed.id,
                           claimed.subscription_id, number, error)}));
    }
    return next_state;
  });
}

}  // namespace ektp::agency
