#include "api/station_request.h"

#include <charconv>

#include "access/sha256.h"
#include "api/route_support.h"
#include "sync/sync_ingest.h"
#include "sync/sync_protocol.h"

namespace ektp::api {

namespace {

std::string header(const HttpRequest& request, std::string_view name) {
  auto it = request.headers.find(std::string(name));
  return it == request.headers.end() ? std::string() : it->second;
}

}  // namespace

// Who is this station? Checks the signature over method, target, counter and body.
Result<sync::StationRecord> authenticate_station(ApiServices& s, const HttpRequest& request) {
  std::string station_id = header(request, "x-ektp-station");
  std::string counter_text = header(request, "x-ektp-counter");
  std::string signature = header(request, "x-ektp-signature");
  if (station_id.empty() || counter_text.empty() || signature.empty()) {
    return make_error(ErrorCode::kUnauthenticated, "station request without X-Ektp-Station/Counter/Signature");
  }
  std::int64_t counter = 0;
  auto [end, ec] = std::from_chars(counter_text.data(), counter_text.data() + counter_text.size(), counter);
  if (ec != std::errc() || end != counter_text.data() + counter_text.size() || counter < 1) {
    return make_error(ErrorCode::kUnauthenticated, "X-Ektp-Counter must be a positive integer");
  }
  std::string text = sync::request_signing_text(request.method, request.target, station_id, counter,
                                                access::sha256_hex(request.body));
  return sync::authenticate_station_request(s.db, station_id, counter, signature, text, now_ms(s));
}


// Central signs each answer to a signed station request (sync_protocol.h response_signing_text).
Result<HttpResponse> signed_answer(ApiServices& s, const HttpRequest& request, const sync::StationRecord& station,
                                   HttpResponse response) {
  if (s.sync_ingest == nullptr) return make_error(ErrorCode::kUnavailable, "this server takes no station requests");
  std::int64_t counter = 0;
  const std::string counter_text = header(request, "x-ektp-counter");
  std::from_chars(counter_text.data(), counter_text.data() + counter_text.size(), counter);
  EKTP_ASSIGN_OR_RETURN(auto signature, s.sync_ingest->sign_text(sync::response_signing_text(
                                            station.station_id, counter, access::sha256_hex(response.body))));
  response.headers.emplace_back(std::string(sync::kCentralSignatureHeader), signature);
  return response;
}

}  // namespace ektp::api
