#include "api/public_status_routes.h"

#include <memory>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/http.h"
#include "api/route_support.h"
#include "api/card_route_support.h"
#include "card/print_queue.h"
#include "card/ready_date_source.h"
#include "registry/enrollment_store.h"
#include "registry/receipt_number.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;
using registry::EnrollmentStatus;

constexpr std::size_t kBodyBytesMax = 512;
// Same digest work for an unknown NIK as for a known one (a fixed dummy key when none exists yet).
constexpr std::string_view kDummyKey = "ektp-no-receipt-key-yet-00000000";

// What a resident is told. A pending duplicate review reads as the ordinary check: suspicion is
// not for an unauthenticated page. A decided duplicate asks the person to come to the office.
struct PublicStep {
  std::string_view id;
  std::string_view label;
};

PublicStep public_step(EnrollmentStatus status) {
  switch (status) {
    case EnrollmentStatus::kRecorded: return {"direkam", "Direkam"};
    case EnrollmentStatus::kSent: return {"terkirim", "Terkirim ke pusat"};
    case EnrollmentStatus::kDedup:
    case EnrollmentStatus::kAdjudication: return {"verifikasi", "Dalam verifikasi"};
    case EnrollmentStatus::kReadyToPrint: return {"siap_cetak", "Siap cetak"};
    case EnrollmentStatus::kDuplicate: return {"ke_kantor", "Silakan datang ke kantor Dukcapil"};
    case EnrollmentStatus::kPrinted: return {"dicetak", "Dicetak"};
    case EnrollmentStatus::kCollected: return {"diambil", "Diambil"};
  }
  return {"direkam", "Direkam"};
}

struct Match {
  std::string enrollment_id;
  EnrollmentStatus status = EnrollmentStatus::kRecorded;
};

// The person's enrollment whose receipt digest matches, compared in constant time over every
// candidate (no early exit).
Result<std::optional<Match>> find_enrollment(store::Connection& c, const std::string& nik,
                                             const std::string& canonical) {
  EKTP_ASSIGN_OR_RETURN(auto key, registry::receipt_key(c));
  const std::string digest = registry::receipt_digest(key ? *key : std::string(kDummyKey), canonical);
  EKTP_ASSIGN_OR_RETURN(auto rows, c.execute("SELECT enrollment_id, status, receipt_digest FROM enrollments "
                                             "WHERE nik = $1 AND receipt_digest <> ''",
                                             {nik}));
  std::optional<Match> found;
  bool matched = false;
  for (const auto& row : rows.rows) {
    const bool equal = registry::digests_equal(digest, row.text(2));
    if (equal && !matched && key) {
      matched = true;
      EKTP_ASSIGN_OR_RETURN(auto status, registry::parse_enrollment_status(row.text(1)));
      found = Match{row.text(0), status};
    }
  }
  return found;
}

Result<object> public_status_json(store::Connection& c, const std::string& nik, const Match& match,
                                  std::int64_t now) {
  EKTP_ASSIGN_OR_RETURN(auto timeline, registry::timeline_of(c, nik));
  array steps;
  std::vector<std::string_view> seen;
  for (const auto& t : timeline) {
    if (t.enrollment_id != match.enrollment_id) continue;
    PublicStep step = public_step(t.status);
    if (std::find(seen.begin(), seen.end(), step.id) != seen.end()) continue;
    seen.push_back(step.id);
    steps.push_back(object{{"status", step.id}, {"label", step.label}, {"at_ms", t.at_ms}});
  }
  PublicStep current = public_step(match.status);
  object answer{{"status", current.id}, {"label", current.label}, {"timeline", std::move(steps)}};
  // Waiting to be printed: when the card will be ready, or that no date can be given yet.
  if (match.status == EnrollmentStatus::kReadyToPrint) {
    EKTP_ASSIGN_OR_RETURN(auto ready, card::ready_date_of_person(c, nik, now));
    if (ready) answer["ready"] = ready_json(ready->answer);
  }
  return answer;
}

HttpResponse too_many(std::int64_t retry_after_ms) {
  const std::int64_t seconds = std::max<std::int64_t>(1, (retry_after_ms + 999) / 1000);
  HttpResponse response = error_response(
      Error{ErrorCode::kResourceExhausted, fmt::format("too many status lookups; retry after {} s", seconds)});
  response.headers.emplace_back("Retry-After", std::to_string(seconds));
  return response;
}

}  // namespace

void add_public_status_routes(Router& router, ApiServices& s, PublicStatusThrottleOptions options) {
  auto throttle = std::make_shared<PublicStatusThrottle>(options);
  router.add("POST", "/api/v1/public/enrollment-status",
             guarded([&s, throttle](const HttpRequest& request) -> Result<HttpResponse> {
               if (request.body.size() > kBodyBytesMax) return invalid_argument("body: too large");
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kBodyBytesMax));
               EKTP_RETURN_IF_ERROR(json::only_fields(body, {"nik", "receipt_number"}));
               EKTP_ASSIGN_OR_RETURN(auto nik, json::required_string(body, "nik"));
               EKTP_ASSIGN_OR_RETURN(auto receipt, json::required_string(body, "receipt_number"));
               if (nik.size() != 16 || nik.find_first_not_of("0123456789") != std::string::npos) {
                 return invalid_argument("nik: must have 16 digits");
               }
               auto canonical = registry::normalize_receipt_number(receipt);
               if (!canonical) return invalid_argument("receipt_number: must look like 7KQ4-M9XD-2P");

               const std::int64_t now = now_ms(s);
               const std::string& address = request.client_address;
               if (auto admitted = throttle->admit(address, nik, now); !admitted.allowed) {
                 return too_many(admitted.retry_after_ms);
               }
               const auto look_up = [&] {
                 return store::with_read_transaction<std::optional<object>>(
                     s.db, [&](store::Connection& c) -> Result<std::optional<object>> {
                       EKTP_ASSIGN_OR_RETURN(auto match, find_enrollment(c, nik, *canonical));
                       if (!match) return std::optional<object>();
                       EKTP_ASSIGN_OR_RETURN(auto status, public_status_json(c, nik, *match, now));
                       return std::optional<object>(std::move(status));
                     });
               };
               EKTP_ASSIGN_OR_RETURN(auto answer, look_up());
               // Ready to print but not queued yet (the queue is swept when it is read): queue it, so
               // the resident is told their date now.
               if (answer && answer->at("status").as_string() == "siap_cetak" && !answer->contains("ready")) {
                 EKTP_RETURN_IF_ERROR(card::queue_ready_to_print(s.db, now));
                 EKTP_ASSIGN_OR_RETURN(answer, look_up());
               }
               if (!answer) {
                 auto report = throttle->record_miss(address, nik, now);
                 EKTP_RETURN_IF_ERROR(
                     s.audit.record({now, "public", "public_status_miss", nik, fmt::format("client {}", address)}));
                 if (report.address_walk || report.overall_walk) {
                   const std::string subject = report.address_walk ? address : std::string("*");
                   spdlog::warn("enrollment-status walk: {} misses over distinct NIKs from {} (alert.enumeration)",
                                report.address_walk ? "many" : "many overall", subject);
                   EKTP_RETURN_IF_ERROR(s.audit.record(
                       {now, "public", "alert.enumeration", subject,
                        report.address_walk ? fmt::format("client {}: misses on many NIKs", address)
                                            : std::string("misses on many NIKs from all clients")}));
                 }
                 return not_found("no enrollment with this NIK and receipt number");
               }
               throttle->record_hit(nik);
               EKTP_RETURN_IF_ERROR(
                   s.audit.record({now, "public", "read_enrollment_status", nik, fmt::format("client {}", address)}));
               return json_response(*answer);
             }));
}

}  // namespace ektp::api
