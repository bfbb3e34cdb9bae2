#include "api/central_client.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/http.h"
#include "api/http_client.h"
#include "api/sync_json.h"
#include "registry/json_fields.h"
#include "access/sha256.h"
#include "core/role.h"

namespace ektp::api {

namespace {

// An error answer of central as an ektp error (its code and message), else the status.
Error error_of(const ClientResponse& response) {
  boost::system::error_code ec;
  auto value = boost::json::parse(response.body, ec);
  std::string message = fmt::format("central answered HTTP {}", response.status);
  std::string reason;
  if (!ec && value.is_object()) {
    if (const auto* error = value.as_object().if_contains("error"); error && error->is_object()) {
      if (const auto* m = error->as_object().if_contains("message"); m && m->is_string()) {
        message = fmt::format("central: {}", std::string_view(m->as_string()));
      }
      if (const auto* r = error->as_object().if_contains("reason"); r && r->is_string() && r->as_string().size() <= 64) {
        reason = std::string(r->as_string());
      }
    }
  }
  ErrorCode code = ErrorCode::kUnavailable;
  if (response.status == 401) code = ErrorCode::kUnauthenticated;
  else if (response.status == 403) code = ErrorCode::kPermissionDenied;
  else if (response.status == 400 || response.status == 422) code = ErrorCode::kInvalidArgument;
  else if (response.status == 404) code = ErrorCode::kNotFound;
  else if (response.status == 409) code = ErrorCode::kFailedPrecondition;
  else if (response.status == 413) code = ErrorCode::kResourceExhausted;
  return Error{code, message, reason};
}

}  // namespace

Result<ProvisioningCode> parse_provisioning_code(std::string_view code) {
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r' || code.back() == ' ')) code.remove_suffix(1);
  if (code.size() > 512) return invalid_argument("provisioning code: too long");
  const auto first = code.find('~');
  const auto second = first == std::string_view::npos ? first : code.find('~', first + 1);
  if (second == std::string_view::npos || code.find('~', second + 1) != std::string_view::npos) {
    return invalid_argument(
        "provisioning code: expected TOKEN~CENTRAL_KEY~TLS_PIN (the provisioning_code central gave when the station "
        "was registered)");
  }
  ProvisioningCode out{std::string(code.substr(0, first)), std::string(code.substr(first + 1, second - first - 1)),
                       std::string(code.substr(second + 1))};
  if (out.central_tls_pin == "-") out.central_tls_pin.clear();
  if (out.token.empty()) return invalid_argument("provisioning code: the token is empty");
  if (!is_spki_pin(out.central_public_key_hex)) return invalid_argument("provisioning code: central's key must be 64 hex digits");
  if (!out.central_tls_pin.empty() && !is_spki_pin(out.central_tls_pin)) {
    return invalid_argument("provisioning code: the TLS pin must be 64 hex digits or -");
  }
  return out;
}

std::string format_provisioning_code(const ProvisioningCode& code) {
  return fmt::format("{}~{}~{}", code.token, code.central_public_key_hex,
                     code.central_tls_pin.empty() ? "-" : code.central_tls_pin);
}

TlsTrust central_trust(const sync::StationIdentity& identity) {
  return TlsTrust{identity.central_ca_file, identity.central_tls_pin};
}

Result<sync::Provisioning> request_provisioning(std::string_view central_url, std::string_view station_id,
                                                const ProvisioningCode& code, std::string_view public_key_hex,
                                                const TlsTrust& trust_in) {
  if (central_url.starts_with("https://") && code.central_tls_pin.empty() && trust_in.ca_file.empty()) {
    return invalid_argument("central is https but the provisioning code pins no TLS key and no CA file is given");
  }
  TlsTrust trust = trust_in;
  if (!code.central_tls_pin.empty()) trust.spki_sha256 = code.central_tls_pin;
  ClientRequest request;
  request.method = "POST";
  request.target = fmt::format("/api/v1/stations/{}/provision", station_id);
  request.body = boost::json::serialize(
      boost::json::object{{"provisioning_token", code.token}, {"public_key", public_key_hex}});
  auto response = http_exchange(central_url, request, std::chrono::seconds(60), 64 << 20, trust);
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) return std::unexpected(error_of(*response));
  auto value = json::parse_json_text(response->body, 16 << 20, "provisioning");
  if (!value) return std::unexpected(value.error());
  auto provisioning = provisioning_from_json(*value);
  if (!provisioning) return provisioning;
  if (provisioning->central_public_key_hex != code.central_public_key_hex) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("{} answered with signing key {}…, not the {}… of the provisioning code: not "
                                  "central, or a man in the middle; nothing was stored",
                                  central_url, provisioning->central_public_key_hex.substr(0, 16),
                                  code.central_public_key_hex.substr(0, 16)));
  }
  return provisioning;
}

Result<std::string> CentralClient::signed_request(std::string method, std::string target, std::string body) {
  auto counter = sync::next_request_counter(db_);
  if (!counter) return std::unexpected(counter.error());
  std::string text = sync::request_signing_text(method, target, identity_.station_id, *counter,
                                                access::sha256_hex(body));
  auto signature = sync::sign_hex(identity_.secret_key_hex, text);
  if (!signature) return std::unexpected(signature.error());
  ClientRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  request.headers = {{"X-Ektp-Station", identity_.station_id},
                     {"X-Ektp-Counter", std::to_string(*counter)},
                     {"X-Ektp-Signature", *signature}};
  auto response = http_exchange(identity_.central_url, request, timeout_, 64 << 20, central_trust(identity_));
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) return std::unexpected(error_of(*response));
  // Mutual authentication: only an answer signed with central's key, for this very request, counts.
  auto answer_signature = response->headers.find("x-ektp-central-signature");
  if (answer_signature == response->headers.end() ||
      !sync::verify_hex(identity_.central_public_key_hex,
                        sync::response_signing_text(identity_.station_id, *counter,
                                                    access::sha256_hex(response->body)),
                        answer_signature->second)) {
    return make_error(ErrorCode::kUnauthenticated,
                      fmt::format("the answer from {} is not signed by central's key: ignored", identity_.central_url));
  }
  return std::move(response->body);
}

Result<sync::UploadResponse> CentralClient::upload(const sync::UploadRequest& request) {
  auto body = signed_request("POST", "/api/v1/sync/upload", sync::upload_request_to_json(request));
  if (!body) return std::unexpected(body.error());
  return sync::upload_response_from_json(*body);
}

Result<sync::ChangesPage> CentralClient::changes(std::string_view table, std::int64_t after_ms,
                                                 std::string_view after_key) {
  // Keys are NIK / KK numbers: digits, safe in a query string as they are.
  std::string key;
  for (char c : after_key) {
    if (c >= '0' && c <= '9') key.push_back(c);
  }
  auto body = signed_request("GET", fmt::format("/api/v1/sync/changes?table={}&after_ms={}&after_key={}", table,
                                                after_ms, key),
                             "");
  if (!body) return std::unexpected(body.error());
  return sync::changes_page_from_json(*body);
}

Result<std::vector<sync::SerialLease>> CentralClient::renew_leases() {
  auto body = signed_request("POST", "/api/v1/sync/leases", "{}");
  if (!body) return std::unexpected(body.error());
  auto value = json::parse_json_text(*body, 1 << 20, "leases");
  if (!value) return std::unexpected(value.error());
  const auto* leases = value->is_object() ? value->as_object().if_contains("leases") : nullptr;
  if (!leases) return invalid_argument("central's lease answer has no leases");
  return leases_from_json(*leases);
}

Result<Role> CentralClient::redeem_operator_code(std::string_view username, std::string_view code) {
  auto body = signed_request("POST", "/api/v1/sync/operators/redeem",
                             boost::json::serialize(boost::json::object{{"username", username}, {"code", code}}));
  if (!body) return std::unexpected(body.error());
  auto value = json::parse_json_text(*body, 1 << 16, "redeem");
  if (!value) return std::unexpected(value.error());
  const auto* o = value->is_object() ? &value->as_object() : nullptr;
  const auto* role = o ? o->if_contains("role") : nullptr;
  if (!role || !role->is_string()) return invalid_argument("central's activation answer has no role");
  auto parsed = parse_role(std::string_view(role->as_string()));
  if (!parsed || !can_record_events(*parsed)) return invalid_argument("central's activation answer has no operator role");
  return *parsed;
}

Result<std::vector<sync::OperatorCredential>> CentralClient::operator_roster() {
  auto body = signed_request("GET", "/api/v1/sync/operators", "");
  if (!body) return std::unexpected(body.error());
  auto value = json::parse_json_text(*body, 1 << 20, "operators");
  if (!value) return std::unexpected(value.error());
  const auto* list = value->is_object() ? value->as_object().if_contains("operators") : nullptr;
  if (!list) return invalid_argument("central's operator answer has no operators");
  return operators_from_json(*list);
}

Result<std::size_t> pull_working_copy(store::Database& station_db, CentralClient& client) {
  auto identity = sync::load_station_identity(station_db);
  if (!identity) return std::unexpected(identity.error());
  if (!*identity) return failed_precondition("this station is not provisioned");
  std::size_t applied = 0;
  std::int64_t cursors[2] = {(*identity)->persons_cursor_ms, (*identity)->families_cursor_ms};
  const char* tables[2] = {"families", "persons"};
  for (int t = 0; t < 2; ++t) {
    std::int64_t& cursor = cursors[t == 0 ? 1 : 0];
    std::int64_t after_ms = std::max<std::int64_t>(0, cursor - sync::pull_overlap_ms);
    std::string after_key;
    for (;;) {
      auto page = client.changes(tables[t], after_ms, after_key);
      if (!page) return std::unexpected(page.error());
      if (auto s = sync::apply_changes(station_db, *page); !s) return std::unexpected(s.error());
      applied += page->rows.size();
      after_ms = page->next_after_ms;
      after_key = page->next_after_key;
      cursor = std::max(cursor, after_ms);
      if (!page->more) break;
    }
  }
  if (auto s = sync::save_pull_cursors(station_db, cursors[0], cursors[1]); !s) return std::unexpected(s.error());
  return applied;
}

}  // namespace ektp::api
