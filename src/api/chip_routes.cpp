#include "api/chip_routes.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/ranges.h>

#include "api/person_reads.h"
#include "api/rate_limiter.h"
#include "api/route_support.h"
#include "card/byte_text.h"
#include "card/chip_certificates.h"
#include "card/chip_inspection.h"
#include "card/chip_register.h"
#include "card/chip_revocation.h"
#include "sync/enrollment_payload.h"

namespace ektp::api {

namespace {

using boost::json::object;
using Der = std::vector<std::uint8_t>;

static_assert(kChipEfSodBytesMax <= card::kEfSodBytesMax, "no EF.SOD the chip code would refuse");
// Sixteen groups at their largest do not fit the body: the body bounds what one call costs.
static_assert(kChipVerifyBodyBytesMax < kChipVerifyGroupsMax * kChipGroupBytesMax);

std::unexpected<Error> bad_request(std::string_view reason, std::string message) {
  return refusal(ErrorCode::kInvalidArgument, std::string(reason), std::move(message));
}

// Standard base64 (RFC 4648 §4, padded), as every binary field of this API's bodies: a non-empty
// file of at most `max` bytes.
Result<std::vector<std::uint8_t>> file_of_base64(const boost::json::value& value, std::size_t max,
                                                 const std::string& field, std::string_view base64_reason,
                                                 std::string_view size_reason) {
  if (!value.is_string()) return bad_request(base64_reason, field + ": must be a base64 string");
  const std::string_view text(value.as_string().data(), value.as_string().size());
  // Base64 of `max` bytes is at most this long; a longer text is refused before it is decoded.
  if (text.size() > (max + 2) / 3 * 4) {
    return bad_request(size_reason, fmt::format("{}: more than {} bytes", field, max));
  }
  auto bytes = sync::base64_decode(text, max + 2, field);
  if (!bytes) return bad_request(base64_reason, field + ": not valid base64 (RFC 4648, padded)");
  if (bytes->empty()) return bad_request(base64_reason, field + ": empty");
  if (bytes->size() > max) {
    return bad_request(size_reason, fmt::format("{}: {} bytes, at most {}", field, bytes->size(), max));
  }
  return std::move(*bytes);
}

// A group number as a JSON key: 1..16 in decimal, without leading zeros (one spelling each).
std::optional<int> group_number_of(std::string_view key) {
  if (key.empty() || key.size() > 2 || key.front() == '0') return std::nullopt;
  int number = 0;
  for (const char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  if (number < 1 || number > kChipGroupNumberMax) return std::nullopt;
  return number;
}

struct VerifyRequest {
  std::map<int, std::vector<std::uint8_t>> groups;
  std::vector<std::uint8_t> ef_sod;
  std::string chip_serial;  // 16 lower-case hex, or empty when not sent
};

Result<VerifyRequest> verify_request_of(const HttpRequest& request) {
  auto parsed = json_object_body(request, kChipVerifyBodyBytesMax);
  if (!parsed) {
    const auto& e = parsed.error();
    if (e.code == ErrorCode::kResourceExhausted) {
      return refusal(ErrorCode::kResourceExhausted, std::string(chip_reason::kBodyTooLarge), e.message);
    }
    return bad_request(chip_reason::kBodyInvalid, e.message);
  }
  const object& body = *parsed;
  if (auto known = json::only_fields(body, {"groups", "ef_sod", "chip_serial"}); !known) {
    return bad_request(chip_reason::kBodyInvalid, known.error().message);
  }
  VerifyRequest out;
  const auto* groups = body.if_contains("groups");
  if (groups == nullptr || !groups->is_object() || groups->as_object().empty()) {
    return bad_request(chip_reason::kGroupsRequired,
                       "groups: an object of data group number → base64 file, at least one");
  }
  if (groups->as_object().size() > kChipVerifyGroupsMax) {
    return bad_request(chip_reason::kGroupCount, fmt::format("groups: {} data groups, at most {}",
                                                             groups->as_object().size(), kChipVerifyGroupsMax));
  }
  for (const auto& [key, value] : groups->as_object()) {
    const auto number = group_number_of(std::string_view(key.data(), key.size()));
    if (!number) {
      return bad_request(chip_reason::kGroupNumber,
                         fmt::format("groups: '{}' is not a data group number 1 to {}",
                                     std::string_view(key.data(), std::min<std::size_t>(key.size(), 20)),
                                     kChipGroupNumberMax));
    }
    if (out.groups.contains(*number)) {
      return bad_request(chip_reason::kGroupNumber, fmt::format("groups: data group {} twice", *number));
    }
    EKTP_ASSIGN_OR_RETURN(out.groups[*number], file_of_base64(value, kChipGroupBytesMax, fmt::format("groups.{}", *number),
                                                              chip_reason::kGroupBase64, chip_reason::kGroupTooLarge));
  }
  const auto* sod = body.if_contains("ef_sod");
  if (sod == nullptr || sod->is_null()) return bad_request(chip_reason::kEfSodRequired, "ef_sod: required");
  EKTP_ASSIGN_OR_RETURN(out.ef_sod, file_of_base64(*sod, kChipEfSodBytesMax, "ef_sod", chip_reason::kEfSodBase64,
                                                   chip_reason::kEfSodTooLarge));
  if (const auto* serial = body.if_contains("chip_serial"); serial != nullptr && !serial->is_null()) {
    const std::string_view text = serial->is_string()
                                      ? std::string_view(serial->as_string().data(), serial->as_string().size())
                                      : std::string_view();
    if (!serial->is_string() || !card::bytes_of_hex(text, 8)) {
      return bad_request(chip_reason::kChipSerialFormat, "chip_serial: 16 lower-case hex digits (GET UID)");
    }
    out.chip_serial = std::string(text);
  }
  return out;
}

// The newest revocation list, verified with the CSCA certificates it is checked against; kept
// while neither the list's number nor the CSCA list changes, so a large list is read and its
// signature checked once, not on every verification.
class RevocationCache {
 public:
  // nullptr when no list was issued yet; kDataLoss (chip_revocation_list_invalid) when central's
  // own newest list does not verify with its own CSCA: then nothing is verified against it.
  Result<std::shared_ptr<const card::RevocationList>> current(ApiServices& s, const std::vector<Der>& cscas,
                                                              std::optional<std::uint64_t> newest) {
    if (!newest) return std::shared_ptr<const card::RevocationList>();
    {
      std::lock_guard lock(mutex_);
      if (list_ != nullptr && list_->number == *newest && cscas_ == cscas) return list_;
    }
    EKTP_ASSIGN_OR_RETURN(auto text, store::with_read_transaction<std::optional<std::string>>(
                                         s.db, [](store::Connection& c) { return card::newest_revocation_list(c); }));
    if (!text) return std::shared_ptr<const card::RevocationList>();
    auto verified = card::verify_revocation_list(*text, cscas);
    if (!verified) {
      return refusal(ErrorCode::kDataLoss, std::string(chip_reason::kRevocationListInvalid),
                     "central's newest chip revocation list does not verify with its CSCA: " + verified.error().message);
    }
    auto list = std::make_shared<const card::RevocationList>(std::move(*verified));
    std::lock_guard lock(mutex_);
    if (list_ == nullptr || list->number >= list_->number || cscas_ != cscas) {
      list_ = list;
      cscas_ = cscas;
    }
    return list;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const card::RevocationList> list_;  // mutex_
  std::vector<Der> cscas_;                            // mutex_: what list_ was verified with
};

boost::json::value text_or_null(const std::string& text) {
  return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
}

// The verdicts, and nothing the chip holds: no NIK, name or photo (not even the revocation
// entry's NIK).
object verdict_json(const card::ChipVerdict& verdict, const card::RevocationList* list, bool serial_known) {
  const auto& pa = verdict.passive_authentication;
  object groups;
  for (const auto& [number, result] : pa.groups) groups[std::to_string(number)] = card::group_hash_id(result);
  object passive{{"groups", std::move(groups)},
                 {"sod_error", text_or_null(pa.sod_error)},
                 {"signature_valid", pa.signature_valid},
                 {"chain_valid", pa.chain_valid},
                 {"signature_error", text_or_null(pa.signature_error)},
                 {"chain_error", text_or_null(pa.chain_error)},
                 {"document_signer", text_or_null(pa.document_signer)},
                 {"csca", text_or_null(pa.csca)}};
  const bool checked = verdict.revocation_checked && serial_known;
  object revocation{{"checked", checked},
                    {"revoked", verdict.revoked.has_value()},
                    {"reason", verdict.revoked ? boost::json::value(verdict.revoked->reason) : boost::json::value(nullptr)},
                    {"list_number", list != nullptr ? boost::json::value(list->number) : boost::json::value(nullptr)},
                    {"stale", verdict.revocation_list_stale}};
  return object{{"passed", verdict.passed()},
                {"passive_authentication", std::move(passive)},
                {"revocation", std::move(revocation)}};
}

// The audit detail: "passed", or "failed: " and the checks that failed.
std::string audit_detail(const card::ChipVerdict& verdict, bool revocation_checked) {
  const auto& pa = verdict.passive_authentication;
  std::vector<std::string> failed;
  if (!pa.sod_error.empty()) failed.emplace_back("ef_sod unreadable");
  for (const auto& [number, result] : pa.groups) {
    if (result == card::GroupHash::kMismatch || result == card::GroupHash::kNotSigned) {
      failed.push_back(fmt::format("dg{} {}", number, card::group_hash_id(result)));
    }
  }
  if (pa.sod_error.empty() && !pa.signature_valid) failed.emplace_back("signature");
  if (pa.sod_error.empty() && !pa.chain_valid) failed.emplace_back("chain");
  if (verdict.revoked) failed.push_back("revoked (" + verdict.revoked->reason + ")");
  std::string detail = verdict.passed() ? "passed" : "failed: " + fmt::format("{}", fmt::join(failed, ", "));
  if (!revocation_checked) detail += "; revocation not checked";
  return detail;
}

HttpResponse public_file(std::string body, std::string content_type, int max_age_s) {
  HttpResponse response;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", fmt::format("public, max-age={}", max_age_s));
  return response;
}

Result<std::vector<card::ChipCertificate>> cscas_of(ApiServices& s) {
  return store::with_read_transaction<std::vector<card::ChipCertificate>>(
      s.db, [](store::Connection& c) { return card::csca_certificates(c); });
}

}  // namespace

bool can_verify_chips(Role role) {
  return role == Role::kOperator || role == Role::kSupervisor || role == Role::kAdmin || role == Role::kAgency;
}

void add_chip_routes(Router& router, ApiServices& s, ChipRouteOptions options) {
  // Public: every CSCA certificate (newest first) as PEM, for a verifier's own trusted list.
  router.add("GET", "/api/v1/chip/csca", guarded([&s](const HttpRequest&) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto cscas, cscas_of(s));
    if (cscas.empty()) {
      return refusal(ErrorCode::kNotFound, std::string(chip_reason::kNoCsca),
                     "the chip issuer has no CSCA yet (ektp card issuer init)");
    }
    std::string pem;
    for (const auto& csca : cscas) pem += card::pem_of_certificate(csca.certificate);
    return public_file(std::move(pem), "application/x-pem-file", 3600);
  }));

  // Public: the newest signed revocation list, byte for byte as issued; readers check its
  // signature with the CSCA themselves.
  router.add("GET", "/api/v1/chip/revocations", guarded([&s](const HttpRequest&) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto text, store::with_read_transaction<std::optional<std::string>>(
                                         s.db, [](store::Connection& c) { return card::newest_revocation_list(c); }));
    if (!text) {
      return refusal(ErrorCode::kNotFound, std::string(chip_reason::kNoRevocationList),
                     "no chip revocation list was issued yet (ektp card issuer revocations)");
    }
    return public_file(std::move(*text), "application/json", 60);
  }));

  auto limiter = std::make_shared<RateLimiter>(options.verifications_per_s, options.verification_burst);
  auto revocations = std::make_shared<RevocationCache>();
  router.add("POST", "/api/v1/chip/verify",
             guarded([&s, limiter, revocations, options](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_verify_chips));
               if (const auto decision = limiter->acquire(session.username); !decision.allowed) {
                 const auto retry_s = std::max<std::int64_t>(1, (decision.retry_after.count() + 999) / 1000);
                 auto response = error_response(Error{
                     ErrorCode::kResourceExhausted,
                     fmt::format("at most {} chip verifications per second per user; retry after {} s",
                                 options.verifications_per_s, retry_s),
                     std::string(chip_reason::kVerifyRate)});
                 response.headers.emplace_back("Retry-After", std::to_string(retry_s));
                 return response;
               }
               EKTP_ASSIGN_OR_RETURN(auto input, verify_request_of(request));
               struct Trust {
                 std::vector<Der> cscas;
                 std::optional<std::uint64_t> newest_list;
               };
               EKTP_ASSIGN_OR_RETURN(auto trust, store::with_read_transaction<Trust>(s.db, [](store::Connection& c) -> Result<Trust> {
                 EKTP_ASSIGN_OR_RETURN(auto certificates, card::csca_certificates(c));
                 Trust t;
                 for (auto& certificate : certificates) t.cscas.push_back(std::move(certificate.certificate));
                 EKTP_ASSIGN_OR_RETURN(t.newest_list, card::newest_revocation_list_number(c));
                 return t;
               }));
               if (trust.cscas.empty()) {
                 return refusal(ErrorCode::kFailedPrecondition, std::string(chip_reason::kNoCsca),
                                "central has no CSCA yet: it cannot verify chips");
               }
               EKTP_ASSIGN_OR_RETURN(auto list, revocations->current(s, trust.cscas, trust.newest_list));
               const auto at_ms = now_ms(s);
               const auto verdict = card::verify_data_groups(input.groups, input.ef_sod, input.chip_serial, trust.cscas,
                                                             list.get(), at_ms / 1000);
               const bool revocation_checked = verdict.revocation_checked && !input.chip_serial.empty();
               std::vector<access::AuditEntry> entries{
                   {at_ms, session.username, "chip.verify", input.chip_serial.empty() ? "unknown" : input.chip_serial,
                    audit_detail(verdict, revocation_checked)}};
               return audited_response(s, std::move(entries),
                                       json_response(verdict_json(verdict, list.get(), !input.chip_serial.empty())));
             }));
}

}  // namespace ektp::api
