// What central's HTTP upload route does, without HTTP, and what the station's HTTP client does
// before sending: the station signs the body with its key and a counter that only grows; central
// authenticates the request, parses the body strictly and ingests it, and its answer goes back
// through JSON as over the wire. Signing and delivery are separate so that a simulated network
// can hold a signed request back and deliver it later. No test framework here: the crash-loop
// child process (station_crash_child.cpp) uses it too.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "access/sha256.h"
#include "store/database.h"
#include "sync/birth_items.h"
#include "sync/civil_event_items.h"
#include "sync/move_in_items.h"
#include "sync/enrollment_items.h"
#include "sync/enrollment_payload.h"
#include "sync/station_directory.h"
#include "sync/station_identity.h"
#include "sync/sync_ingest.h"
#include "sync/sync_protocol.h"

namespace ektp::test {

inline constexpr std::string_view kUploadTarget = "/api/v1/sync/upload";

// A request as it leaves the station: the body and the headers that authenticate it.
struct SignedUpload {
  std::string station_id;
  std::string body;
  std::int64_t counter = 0;
  std::string signature;
};

// The station's side: takes the next request counter (committed before it is used) and signs.
inline Result<SignedUpload> sign_upload(store::Database& station_db, const sync::StationIdentity& identity,
                                        std::string body) {
  auto counter = sync::next_request_counter(station_db);
  if (!counter) return std::unexpected(counter.error());
  std::string text = sync::request_signing_text("POST", kUploadTarget, identity.station_id, *counter,
                                                access::sha256_hex(body));
  auto signature = sync::sign_hex(identity.secret_key_hex, text);
  if (!signature) return std::unexpected(signature.error());
  return SignedUpload{identity.station_id, std::move(body), *counter, std::move(*signature)};
}

// Central's side: authenticate (signature over what arrived, counter above the last), parse, ingest.
inline Result<sync::UploadResponse> central_upload_route(store::Database& central_db, sync::SyncIngest& ingest,
                                                         const SignedUpload& request, std::int64_t central_now_ms) {
  std::string text = sync::request_signing_text("POST", kUploadTarget, request.station_id, request.counter,
                                                access::sha256_hex(request.body));
  auto station = sync::authenticate_station_request(central_db, request.station_id, request.counter,
                                                    request.signature, text, central_now_ms);
  if (!station) return std::unexpected(station.error());
  auto parsed = sync::upload_request_from_json(request.body);
  if (!parsed) return std::unexpected(parsed.error());
  auto response = ingest.ingest(*station, *parsed, central_now_ms);
  if (!response) return std::unexpected(response.error());
  return sync::upload_response_from_json(sync::upload_response_to_json(*response));
}

// Central's ingest as the server sets it up: its signing key from its database, enrollments
// (no dedup hook) and births handled.
inline Result<std::unique_ptr<sync::SyncIngest>> make_central_ingest(store::Database& central_db,
                                                                     std::int64_t now_ms) {
  auto key = sync::central_signing_key(central_db, now_ms);
  if (!key) return std::unexpected(key.error());
  auto ingest = std::make_unique<sync::SyncIngest>(central_db, std::move(*key));
  ingest->set_handler(std::string(sync::kEnrollmentKind), sync::make_enrollment_handler(nullptr));
  ingest->set_handler(std::string(sync::kBirthKind), sync::make_birth_handler());
  ingest->set_handler(std::string(sync::kMoveInKind), sync::make_move_in_handler(RegionDirectory::builtin()));
  ingest->set_handler(std::string(sync::kDeathKind), sync::make_death_handler());
  ingest->set_handler(std::string(sync::kDivorceKind), sync::make_divorce_handler());
  ingest->set_handler(std::string(sync::kMarriageKind), sync::make_marriage_handler(RegionDirectory::builtin()));
  return ingest;
}

}  // namespace ektp::test
