// Agencies' event subscriptions, validated and stored (agency/subscription_registry.h).
#include "agency/subscription_registry.h"

#include <algorithm>

#include <fmt/format.h>

#include "access/audit_log.h"
#include "agency/cloud_event.h"
#include "agency/webhook_deliveries.h"

namespace ektp::agency {
namespace {

constexpr std::string_view kColumns = "id, agency_code, url, event_types, created_by_key, created_at_ms, deleted_at_ms";
constexpr std::size_t kEventTypesMax = 5;

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

std::string join_commas(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

Subscription subscription_of_row(const store::Row& row) {
  return Subscription{row.integer(0), row.text(1), row.text(2), split_commas(row.text(3)),
                      row.text(4),    row.integer(5), row.integer(6)};
}

std::unexpected<Error> event_types_invalid(std::string message) {
  return refusal(ErrorCode::kInvalidArgument, std::string(webhook_reason::kEventTypesInvalid),
                 "event_types: " + std::move(message));
}

}  // namespace

bool Subscription::wants(std::string_view event_type) const {
  return std::ranges::find(event_types, event_type) != event_types.end();
}

Result<std::vector<std::string>> validate_event_types(const std::vector<std::string>& event_types) {
  if (event_types.empty() || event_types.size() > kEventTypesMax) {
    return event_types_invalid("name 1 to 5 of birth, death, move, marriage, divorce");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < event_types.size(); ++i) {
    if (!parse_subscribable_event(event_types[i])) {
      return event_types_invalid(fmt::format("[{}] '{}' is not one of birth, death, move, marriage, divorce", i,
                                             event_types[i].substr(0, 40)));
    }
    if (std::ranges::find(out, event_types[i]) != out.end()) {
      return event_types_invalid(fmt::format("[{}] {} is listed twice", i, event_types[i]));
    }
    out.push_back(event_types[i]);
  }
  return out;
}

Result<Subscription> create_subscription(store::Database& database, const AgencyCaller& caller, std::string_view url,
                                         const std::vector<std::string>& event_types,
                                         const SubscriptionPolicy& policy, std::int64_t now_ms) {
  EKTP_ASSIGN_OR_RETURN(const WebhookUrl parsed, parse_webhook_url(url));
  EKTP_ASSIGN_OR_RETURN(auto types, validate_event_types(event_types));
  // Resolved before the transaction: a slow resolver holds no write lock.
  if (!policy.allow_private_addresses) EKTP_RETURN_IF_ERROR(check_public_host(parsed.host, policy.resolve));
  const std::string& agency_code = caller.agency.code;
  return store::with_write_transaction<Subscription>(database, [&](store::Connection& db) -> Result<Subscription> {
    auto active = db.execute("SELECT COUNT(*) FROM agency_subscriptions WHERE agency_code = $1 AND deleted_at_ms = 0",
                             {agency_code});
    if (!active) return std::unexpected(active.error());
    if (active->rows.front().integer(0) >= static_cast<std::int64_t>(kSubscriptionsPerAgencyMax)) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(webhook_reason::kSubscriptionsTooMany),
                     fmt::format("agency {} has {} active subscriptions, the most it may; delete one first",
                                 agency_code, kSubscriptionsPerAgencyMax));
    }
    auto inserted = db.execute(
        "INSERT INTO agency_subscriptions (agency_code, url, event_types, created_by_key, created_at_ms) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        {agency_code, std::string(url), join_commas(types), caller.key_id, now_ms});
    if (!inserted) return std::unexpected(inserted.error());
    if (inserted->rows.empty()) return make_error(ErrorCode::kInternal, "subscription insert returned no id");
    Subscription made{inserted->rows.front().integer(0), agency_code, std::string(url), types, caller.key_id, now_ms, 0};
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {now_ms, "agency:" + agency_code, "agency.subscribe", agency_code,
             fmt::format("subscription {}: {} to {}; agreement {}; key {}", made.id, join_commas(types), made.url,
                         caller.agreement.number, caller.key_id)}));
    return made;
  });
}

Result<std::vector<Subscription>> active_subscriptions_of(store::Connection& db, std::string_view agency_code) {
  auto rows = db.execute(fmt::format("SELECT {} FROM agency_subscriptions WHERE agency_code = $1 AND deleted_at_ms = 0 "
                                     "ORDER BY id LIMIT {}",
                                     kColumns, kSubscriptionsPerAgencyMax),
                         {std::string(agency_code)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<Subscription> out;
  for (const store::Row& row : rows->rows) out.push_back(subscription_of_row(row));
  return out;
}

Result<std::vector<Subscription>> all_active_subscriptions(store::Connection& db) {
  auto rows = db.execute(fmt::format("SELECT {} FROM agency_subscriptions WHERE deleted_at_ms = 0 ORDER BY id LIMIT {}",
                                     kColumns, kSubscriptionsListedMax));
  if (!rows) return std::unexpected(rows.error());
  std::vector<Subscription> out;
  for (const store::Row& row : rows->rows) out.push_back(subscription_of_row(row));
  return out;
}

Result<Subscription> find_subscription(store::Connection& db, std::int64_t id) {
  auto rows = db.execute(fmt::format("SELECT {} FROM agency_subscriptions WHERE id = $1", kColumns), {id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) {
    return refusal(ErrorCode::kNotFound, std::string(webhook_reason::kSubscriptionUnknown),
                   fmt::format("no subscription {}", id));
  }
  return subscription_of_row(rows->rows.front());
}

Result<EndedSubscription> delete_subscription(store::Database& database, const AgencyCaller& caller, std::int64_t id,
                                              std::int64_t now_ms) {
  const std::string& agency_code = caller.agency.code;
  return store::with_write_transaction<EndedSubscription>(
      database, [&](store::Connection& db) -> Result<EndedSubscription> {
        auto found = find_subscription(db, id);
        // Another agency's subscription reads as none: its existence is not this caller's to know.
        if (!found || found->agency_code != agency_code || found->deleted_at_ms != 0) {
          if (!found && found.error().code != ErrorCode::kNotFound) return std::unexpected(found.error());
          return refusal(ErrorCode::kNotFound, std::string(webhook_reason::kSubscriptionUnknown),
                         fmt::format("agency {} has no active subscription {}", agency_code, id));
        }
        EKTP_RETURN_IF_ERROR(db.execute("UPDATE agency_subscriptions SET deleted_at_ms = $1 WHERE id = $2", {now_ms, id}));
        EKTP_ASSIGN_OR_RETURN(const std::int64_t cancelled,
                              cancel_pending_deliveries(db, id, "the subscription was deleted", now_ms));
        EKTP_RETURN_IF_ERROR(access::append_audit(
            db, {now_ms, "agency:" + agency_code, "agency.unsubscribe", agency_code,
                 fmt::format("subscription {} ({}); {} pending deliveries cancelled; key {}", id, found->url, cancelled,
                             caller.key_id)}));
        found->deleted_at_ms = now_ms;
        return EndedSubscription{std::move(*found), cancelled};
      });
}

}  // namespace ektp::agency
