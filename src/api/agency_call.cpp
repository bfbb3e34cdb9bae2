#include "api/agency_call.h"

#include <algorithm>

#include <fmt/format.h>

#include "agency/agency_quota.h"
#include "api/route_support.h"
#include "core/nik.h"

namespace ektp::api {

namespace {

constexpr std::size_t kAgencyBodyBytesMax = 16 * 1024;
constexpr std::string_view kApiKeyScheme = "ApiKey ";

}  // namespace

Result<agency::AgencyCaller> agency_caller_for(ApiServices& s, const HttpRequest& request,
                                               agency::AgencyOperation operation) {
  if (!request.authorization.starts_with(kApiKeyScheme)) {
    return refusal(ErrorCode::kUnauthenticated, "agency_key_invalid", "missing agency key: Authorization: ApiKey <key>");
  }
  EKTP_ASSIGN_OR_RETURN(auto caller, store::with_read_transaction<agency::AgencyCaller>(s.db, [&](store::Connection& c) {
                          return agency::authenticate_agency_key(c, request.authorization.substr(kApiKeyScheme.size()),
                                                                 now_ms(s));
                        }));
  if (!caller.agreement.allows(operation)) {
    return refusal(ErrorCode::kPermissionDenied, "agency_operation_not_agreed",
                   fmt::format("agreement {} does not include {}", caller.agreement.number,
                               agency::agency_operation_id(operation)));
  }
  return caller;
}

Result<AgencyRequest> agency_request(ApiServices& s, const HttpRequest& request, agency::AgencyOperation operation) {
  EKTP_ASSIGN_OR_RETURN(auto caller, agency_caller_for(s, request, operation));
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kAgencyBodyBytesMax));
  return AgencyRequest{std::move(caller), std::move(body)};
}

Result<std::string> agency_nik(ApiServices& s, const boost::json::object& body, std::string_view field) {
  EKTP_ASSIGN_OR_RETURN(auto nik, bounded_text(body, field, 16));
  if (auto parts = parse_nik(nik, s.regions, jakarta_date_of(s.clock())); !parts) {
    return refusal(ErrorCode::kInvalidArgument, "nik_invalid", fmt::format("{}: {}", field, parts.error().message));
  }
  return nik;
}

Result<std::string> agreed_purpose(const agency::Agreement& agreement, const boost::json::object& body) {
  EKTP_ASSIGN_OR_RETURN(auto purpose, bounded_text(body, "purpose", agency::agency_limits::purpose_bytes_max));
  if (std::find(agreement.purposes.begin(), agreement.purposes.end(), purpose) == agreement.purposes.end()) {
    return refusal(ErrorCode::kPermissionDenied, "agency_purpose_not_agreed",
                   fmt::format("purpose '{}' is not one of agreement {}'s", purpose.substr(0, 60), agreement.number));
  }
  return purpose;
}

Status within_agreed_region(const agency::Agreement& agreement, const Person& person) {
  if (agreement.covers_region(person.address.village_code)) return {};
  return refusal(ErrorCode::kPermissionDenied, "agency_region_not_agreed",
                 fmt::format("the resident lives outside the regions of agreement {}", agreement.number));
}

std::optional<HttpResponse> quota_refusal(const Error& error, std::int64_t now_ms) {
  if (error.reason != agency::agency_reason::kQuotaExceeded) return std::nullopt;
  auto response = error_response(error);
  const std::int64_t wait_s = std::max<std::int64_t>(1, (agency::quota_reset_ms(now_ms) - now_ms + 999) / 1000);
  response.headers.emplace_back("Retry-After", std::to_string(wait_s));
  return response;
}

}  // namespace ektp::api
