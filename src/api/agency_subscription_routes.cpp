// Agencies' event subscriptions over HTTP (docs/api.md, "Event subscriptions"): with its API key,
// an agency whose agreement in force includes "subscribe" creates, lists and deletes its
// subscriptions, reads its deliveries (pending, delivered, the dead-letter list) with every
// attempt, and replays a dead one; an admin reads any agency's deliveries; anyone reads the public
// key the webhooks are signed with. Changes are audited in their transaction (src/agency), reads
// through the audit writer before they are answered. Another agency's subscription or delivery
// reads as unknown (404), never as forbidden.
#include "api/agency_routes.h"

#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/agency_registry.h"
#include "agency/subscription_registry.h"
#include "agency/webhook_deliveries.h"
#include "agency/webhook_signature.h"
#include "api/agency_call.h"
#include "api/route_support.h"

namespace ektp::api {
namespace {

using boost::json::array;
using boost::json::object;

constexpr std::size_t kSubscriptionBodyBytesMax = 4 * 1024;
constexpr std::size_t kReplayBodyBytesMax = 256;
constexpr std::size_t kEventTypeBytesMax = 16;
constexpr std::size_t kDeliveriesListedDefault = 50;

bool is_admin(Role role) { return role == Role::kAdmin; }

array strings(const std::vector<std::string>& items) {
  array out;
  for (const auto& i : items) out.push_back(boost::json::string(i));
  return out;
}

object subscription_json(const agency::Subscription& s) {
  return object{{"id", s.id},
                {"url", s.url},
                {"event_types", strings(s.event_types)},
                {"created_at_ms", s.created_at_ms},
                {"active", s.deleted_at_ms == 0},
                {"deleted_at_ms", s.deleted_at_ms}};
}

object delivery_json(const agency::Delivery& d) {
  array history;
  for (const auto& a : d.history) {
    history.push_back(object{{"attempt", a.attempt}, {"at_ms", a.at_ms}, {"status", a.status}, {"error", a.error},
                             {"duration_ms", a.duration_ms}});
  }
  return object{{"id", d.id},
                {"subscription_id", d.subscription_id},
                {"webhook_id", agency::webhook_message_id(d.id)},
                {"event_id", d.event_id},
                {"event_type", d.event_type},
                {"cloud_event_id", d.cloud_event_id},
                {"state", d.state},
                {"attempts", d.attempts},
                {"next_attempt_at_ms", d.state == agency::delivery_state::kPending ? d.next_attempt_at_ms : 0},
                {"created_at_ms", d.created_at_ms},
                {"delivered_at_ms", d.delivered_at_ms},
                {"last_attempt_at_ms", d.last_attempt_at_ms},
                {"last_status", d.last_status},
                {"last_error", d.last_error},
                {"history", std::move(history)}};
}

// A path's numeric id: 1 to 18 digits.
Result<std::int64_t> id_param(const HttpRequest& request, std::string_view name) {
  const std::string& text = request.path_params.at(std::string(name));
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || text.size() > 18 || id < 1) {
    return invalid_argument(fmt::format("{}: '{}' is not an id (a positive number)", name, text.substr(0, 20)));
  }
  return id;
}

// The body of a subscription: {"url", "event_types": [...]}, nothing else.
struct SubscriptionBody {
  std::string url;
  std::vector<std::string> event_types;
};

Result<SubscriptionBody> subscription_body(const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kSubscriptionBodyBytesMax));
  for (const auto& member : body) {
    if (member.key() != "url" && member.key() != "event_types") {
      return invalid_argument(fmt::format("{}: not a field of a subscription (url, event_types)",
                                          std::string(member.key()).substr(0, 40)));
    }
  }
  SubscriptionBody out;
  EKTP_ASSIGN_OR_RETURN(out.url, bounded_text(body, "url", agency::kWebhookUrlBytesMax));
  const auto* types = body.if_contains("event_types");
  if (types == nullptr || !types->is_array() || types->as_array().size() > 5) {
    return refusal(ErrorCode::kInvalidArgument, std::string(agency::webhook_reason::kEventTypesInvalid),
                   "event_types: a list of 1 to 5 of birth, death, move, marriage, divorce");
  }
  for (const auto& t : types->as_array()) {
    if (!t.is_string() || t.as_string().size() > kEventTypeBytesMax) {
      return refusal(ErrorCode::kInvalidArgument, std::string(agency::webhook_reason::kEventTypesInvalid),
                     "event_types: each is a short text (birth, death, move, marriage, divorce)");
    }
    out.event_types.emplace_back(t.as_string());
  }
  return out;
}

// ?state=pending|delivered|dead (absent: all) and ?limit=1..100 (absent: 50).
struct DeliveryQuery {
  std::string state;
  std::size_t limit = kDeliveriesListedDefault;
};

Result<DeliveryQuery> delivery_query(const HttpRequest& request) {
  DeliveryQuery out;
  if (auto state = request.query.find("state"); state != request.query.end()) {
    if (!agency::is_delivery_state(state->second)) {
      return invalid_argument(fmt::format("state: '{}' is not one of pending, delivered, dead", state->second.substr(0, 20)));
    }
    out.state = state->second;
  }
  if (auto limit = request.query.find("limit"); limit != request.query.end()) {
    const std::string& text = limit->second;
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > agency::kDeliveriesListedMax) {
      return invalid_argument(fmt::format("limit: 1 to {}", agency::kDeliveriesListedMax));
    }
    out.limit = value;
  }
  return out;
}

Result<array> listed_deliveries(ApiServices& s, std::string_view agency_code, const DeliveryQuery& query) {
  EKTP_ASSIGN_OR_RETURN(auto deliveries, store::with_read_transaction<std::vector<agency::Delivery>>(
                                             s.db, [&](store::Connection& c) {
                                               return agency::deliveries_of(c, agency_code, query.state, query.limit);
                                             }));
  array out;
  for (const auto& d : deliveries) out.push_back(delivery_json(d));
  return out;
}

Result<HttpResponse> subscribe(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto caller, agency_caller_for(s, request, agency::AgencyOperation::kSubscribe));
  EKTP_ASSIGN_OR_RETURN(auto body, subscription_body(request));
  const agency::SubscriptionPolicy policy{s.allow_private_webhooks, {}};
  EKTP_ASSIGN_OR_RETURN(auto made, agency::create_subscription(s.db, caller, body.url, body.event_types, policy, now_ms(s)));
  return json_response(subscription_json(made), 201);
}

Result<HttpResponse> list_subscriptions(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto caller, agency_caller_for(s, request, agency::AgencyOperation::kSubscribe));
  EKTP_ASSIGN_OR_RETURN(auto subscriptions, store::with_read_transaction<std::vector<agency::Subscription>>(
                                                s.db, [&](store::Connection& c) {
                                                  return agency::active_subscriptions_of(c, caller.agency.code);
                                                }));
  array out;
  for (const auto& one : subscriptions) out.push_back(subscription_json(one));
  EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), "agency:" + caller.agency.code, "agency.subscriptions_read",
                                       caller.agency.code,
                                       fmt::format("{} subscriptions; key {}", out.size(), caller.key_id)}));
  return json_response(object{{"subscriptions", std::move(out)}});
}

Result<HttpResponse> unsubscribe(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto caller, agency_caller_for(s, request, agency::AgencyOperation::kSubscribe));
  EKTP_ASSIGN_OR_RETURN(const auto id, id_param(request, "id"));
  EKTP_ASSIGN_OR_RETURN(auto ended, agency::delete_subscription(s.db, caller, id, now_ms(s)));
  object answer = subscription_json(ended.subscription);
  answer["cancelled_deliveries"] = ended.cancelled_deliveries;
  return json_response(answer);
}

Result<HttpResponse> agency_deliveries(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto caller, agency_caller_for(s, request, agency::AgencyOperation::kSubscribe));
  EKTP_ASSIGN_OR_RETURN(const auto query, delivery_query(request));
  EKTP_ASSIGN_OR_RETURN(auto deliveries, listed_deliveries(s, caller.agency.code, query));
  EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), "agency:" + caller.agency.code, "agency.deliveries_read",
                                       caller.agency.code,
                                       fmt::format("{} deliveries ({}); key {}", deliveries.size(),
                                                   query.state.empty() ? "all" : query.state, caller.key_id)}));
  return json_response(object{{"agency", caller.agency.code}, {"deliveries", std::move(deliveries)}});
}

Result<HttpResponse> replay(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto caller, agency_caller_for(s, request, agency::AgencyOperation::kSubscribe));
  EKTP_ASSIGN_OR_RETURN(const auto id, id_param(request, "id"));
  if (!request.body.empty()) {
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kReplayBodyBytesMax));
    if (!body.empty()) return invalid_argument("body: a replay takes no fields (send {} or nothing)");
  }
  EKTP_ASSIGN_OR_RETURN(auto replayed, agency::replay_delivery(s.db, caller, id, now_ms(s)));
  return json_response(delivery_json(replayed));
}

Result<HttpResponse> admin_deliveries(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, is_admin));
  const std::string& code = request.path_params.at("code");
  EKTP_ASSIGN_OR_RETURN(const auto query, delivery_query(request));
  EKTP_RETURN_IF_ERROR(store::with_read_transaction<agency::Agency>(
      s.db, [&](store::Connection& c) { return agency::find_agency(c, code); }));
  EKTP_ASSIGN_OR_RETURN(auto deliveries, listed_deliveries(s, code, query));
  EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "agency.deliveries_read", code,
                                       fmt::format("{} deliveries ({})", deliveries.size(),
                                                   query.state.empty() ? "all" : query.state)}));
  return json_response(object{{"agency", code}, {"deliveries", std::move(deliveries)}});
}

// Public, no personal data: like the SUKET trust root, it is not audited.
Result<HttpResponse> webhook_key(ApiServices& s) {
  if (s.webhook_key == nullptr) {
    return refusal(ErrorCode::kUnavailable, "webhook_key_unavailable", "this server signs no webhooks");
  }
  HttpResponse response = json_response(object{{"alg", "Ed25519"},
                                               {"signature_scheme", agency::kWebhookSignatureVersion},
                                               {"public_key", s.webhook_key->public_key_base64()},
                                               {"whpk", s.webhook_key->public_key_whpk()},
                                               {"signed_content", "{webhook-id}.{webhook-timestamp}.{body}"}});
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  return response;
}

}  // namespace

void add_agency_subscription_routes(Router& router, ApiServices& s) {
  router.add("POST", "/api/v1/agency/subscriptions", guarded([&s](const HttpRequest& r) { return subscribe(s, r); }));
  router.add("GET", "/api/v1/agency/subscriptions",
             guarded([&s](const HttpRequest& r) { return list_subscriptions(s, r); }));
  router.add("DELETE", "/api/v1/agency/subscriptions/{id}",
             guarded([&s](const HttpRequest& r) { return unsubscribe(s, r); }));
  router.add("GET", "/api/v1/agency/deliveries", guarded([&s](const HttpRequest& r) { return agency_deliveries(s, r); }));
  router.add("POST", "/api/v1/agency/deliveries/{id}/replay", guarded([&s](const HttpRequest& r) { return replay(s, r); }));
  router.add("GET", "/api/v1/admin/agencies/{code}/deliveries",
             guarded([&s](const HttpRequest& r) { return admin_deliveries(s, r); }));
  router.add("GET", "/api/v1/agency/webhook-key", guarded([&s](const HttpRequest&) { return webhook_key(s); }));
}

}  // namespace ektp::api
