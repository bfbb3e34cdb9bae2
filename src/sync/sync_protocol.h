// What a station and central say to each other, as data: outbox items, signed receipts, the
// upload batch and its answer, and the text a station signs for each request. JSON on the wire.
//
//   station → POST /api/v1/sync/upload  {station_id, items:[{seq,key,kind,nik,sha256,created_at_ms,payload}]}
//   central → {receipts:[…], next_expected_seq}
//
// Items are applied in seq order, each exactly once: an item whose seq central already holds is
// answered with the receipt it was given the first time (same sha256) or refused (other content).
// A receipt is signed by central over receipt_signing_text(); both sides keep it as proof.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::sync {

struct OutboxItem {
  std::int64_t seq = 0;          // 1, 2, 3 … per station, no gaps
  std::string item_key;          // globally unique idempotency key ("<station>/<uuid>")
  std::string kind;              // "enrollment"
  std::string nik;               // whom it concerns
  std::string payload;           // JSON text of the record
  std::string item_sha256;       // item_hash(kind, item_key, payload)
  std::int64_t created_at_ms = 0;  // the station's clock: informational
};

std::string item_hash(std::string_view kind, std::string_view item_key, std::string_view payload);

// Outcomes: applied (the record is in), conflict (kept, but a supervisor must resolve an edit
// that crossed a central change), rejected (invalid; detail says why; nothing stored).
struct Receipt {
  std::string station_id;
  std::int64_t seq = 0;
  std::string item_key;
  std::string item_sha256;
  std::string outcome;
  std::string detail;
  std::int64_t applied_at_ms = 0;  // central's clock
  std::string signature;           // hex Ed25519 by central over receipt_signing_text
};

std::string receipt_signing_text(const Receipt& receipt);
std::string receipt_to_json(const Receipt& receipt);
Result<Receipt> receipt_from_json(std::string_view json);
bool verify_receipt(const Receipt& receipt, std::string_view central_public_key_hex);

struct UploadRequest {
  std::string station_id;
  std::vector<OutboxItem> items;
};

struct UploadResponse {
  std::vector<Receipt> receipts;
  std::int64_t next_expected_seq = 1;
};

std::string upload_request_to_json(const UploadRequest& request);
// kInvalidArgument naming the field; limits from core/limits.h (items, bytes).
Result<UploadRequest> upload_request_from_json(std::string_view json);
std::string upload_response_to_json(const UploadResponse& response);
Result<UploadResponse> upload_response_from_json(std::string_view json);

// The text a station signs for one request: method, target (path + query), station id, a
// counter that only grows (so a captured request cannot be replayed) and the body's SHA-256.
// No clock: a station whose clock is hours wrong still authenticates.
std::string request_signing_text(std::string_view method, std::string_view target, std::string_view station_id,
                                 std::int64_t counter, std::string_view body_sha256_hex);

// The text central signs for its answer to one signed station request: binding the body to that
// request's station and counter, so the station knows the answer comes from central (mutual
// authentication) and is not an old answer replayed to it.
std::string response_signing_text(std::string_view station_id, std::int64_t counter, std::string_view body_sha256_hex);

inline constexpr std::string_view kStationHeader = "X-Ektp-Station";
inline constexpr std::string_view kCentralSignatureHeader = "X-Ektp-Central-Signature";
inline constexpr std::string_view kCounterHeader = "X-Ektp-Counter";
inline constexpr std::string_view kSignatureHeader = "X-Ektp-Signature";

}  // namespace ektp::sync
