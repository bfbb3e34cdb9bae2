#include "sync/sync_protocol.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/limits.h"
#include "registry/json_fields.h"
#include "access/sha256.h"
#include "sync/signing.h"

namespace ektp::sync {

namespace {

using boost::json::object;
using namespace ektp::json;

object receipt_object(const Receipt& r) {
  return object{{"station_id", r.station_id}, {"seq", r.seq},       {"key", r.item_key},
                {"sha256", r.item_sha256},    {"outcome", r.outcome}, {"detail", r.detail},
                {"applied_at_ms", r.applied_at_ms}, {"signature", r.signature}};
}

Result<Receipt> receipt_from_object(const boost::json::value& value, std::string_view what) {
  auto o = as_object(value, what);
  if (!o) return std::unexpected(o.error());
  Receipt r;
  auto station = required_string(**o, "station_id", what);
  if (!station) return std::unexpected(station.error());
  auto seq = required_int(**o, "seq", what);
  if (!seq) return std::unexpected(seq.error());
  auto key = required_string(**o, "key", what);
  if (!key) return std::unexpected(key.error());
  auto sha = required_string(**o, "sha256", what);
  if (!sha) return std::unexpected(sha.error());
  auto outcome = required_string(**o, "outcome", what);
  if (!outcome) return std::unexpected(outcome.error());
  auto detail = optional_string(**o, "detail", what);
  if (!detail) return std::unexpected(detail.error());
  auto at = required_int(**o, "applied_at_ms", what);
  if (!at) return std::unexpected(at.error());
  auto signature = required_string(**o, "signature", what);
  if (!signature) return std::unexpected(signature.error());
  r.station_id = *station;
  r.seq = *seq;
  r.item_key = *key;
  r.item_sha256 = *sha;
  r.outcome = *outcome;
  r.detail = detail->value_or("");
  r.applied_at_ms = *at;
  r.signature = *signature;
  if (r.outcome != "applied" && r.outcome != "conflict" && r.outcome != "rejected") {
    return invalid_argument(fmt::format("{}.outcome: '{}' is not applied, conflict or rejected", what, r.outcome));
  }
  return r;
}

}  // namespace

std::string item_hash(std::string_view kind, std::string_view item_key, std::string_view payload) {
  std::string text;
  text.reserve(kind.size() + item_key.size() + payload.size() + 2);
  text.append(kind).append("\n").append(item_key).append("\n").append(payload);
  return access::sha256_hex(text);
}

std::string receipt_signing_text(const Receipt& r) {
  return fmt::format("ektp-receipt-v1\n{}\n{}\n{}\n{}\n{}\n{}\n{}", r.station_id, r.seq, r.item_key, r.item_sha256,
                     r.outcome, r.applied_at_ms, access::sha256_hex(r.detail));
}

std::string receipt_to_json(const Receipt& receipt) { return boost::json::serialize(receipt_object(receipt)); }

Result<Receipt> receipt_from_json(std::string_view json) {
  auto value = parse_json_text(json, 64 << 10, "receipt");
  if (!value) return std::unexpected(value.error());
  return receipt_from_object(*value, "receipt");
}

bool verify_receipt(const Receipt& receipt, std::string_view central_public_key_hex) {
  return verify_hex(central_public_key_hex, receipt_signing_text(receipt), receipt.signature);
}

std::string upload_request_to_json(const UploadRequest& request) {
  boost::json::array items;
  for (const auto& item : request.items) {
    items.push_back(object{{"seq", item.seq},           {"key", item.item_key},
                           {"kind", item.kind},         {"nik", item.nik},
                           {"sha256", item.item_sha256}, {"created_at_ms", item.created_at_ms},
                           {"payload", item.payload}});
  }
  return boost::json::serialize(object{{"station_id", request.station_id}, {"items", std::move(items)}});
}

Result<UploadRequest> upload_request_from_json(std::string_view json) {
  auto value = parse_json_text(json, limits::sync_batch_bytes_max, "upload");
  if (!value) return std::unexpected(value.error());
  auto o = as_object(*value, "upload");
  if (!o) return std::unexpected(o.error());
  if (auto s = only_fields(**o, {"station_id", "items"}); !s) return std::unexpected(s.error());
  UploadRequest request;
  auto station = required_string(**o, "station_id");
  if (!station) return std::unexpected(station.error());
  request.station_id = *station;
  auto items = optional_array(**o, "items", limits::sync_batch_items_max);
  if (!items) return std::unexpected(items.error());
  if ((*items)->empty()) return invalid_argument("items: at least one item");
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    std::string what = fmt::format("items[{}]", i);
    auto item = as_object((**items)[i], what);
    if (!item) return std::unexpected(item.error());
    if (auto s = only_fields(**item, {"seq", "key", "kind", "nik", "sha256", "created_at_ms", "payload"}, what); !s) {
      return std::unexpected(s.error());
    }
    OutboxItem out;
    auto seq = required_int(**item, "seq", what);
    if (!seq) return std::unexpected(seq.error());
    auto key = required_string(**item, "key", what);
    if (!key) return std::unexpected(key.error());
    auto kind = required_string(**item, "kind", what);
    if (!kind) return std::unexpected(kind.error());
    auto nik = required_string(**item, "nik", what);
    if (!nik) return std::unexpected(nik.error());
    auto sha = required_string(**item, "sha256", what);
    if (!sha) return std::unexpected(sha.error());
    auto created = optional_int(**item, "created_at_ms", what);
    if (!created) return std::unexpected(created.error());
    auto payload = required_string(**item, "payload", what);
    if (!payload) return std::unexpected(payload.error());
    if (*seq < 1) return invalid_argument(fmt::format("{}.seq: must be 1 or more", what));
    if (previous != 0 && *seq != previous + 1) {
      return invalid_argument(fmt::format("{}.seq: {} does not follow {}", what, *seq, previous));
    }
    previous = *seq;
    if (key->size() > limits::idempotency_key_bytes_max) return invalid_argument(fmt::format("{}.key: too long", what));
    out.seq = *seq;
    out.item_key = *key;
    out.kind = *kind;
    out.nik = *nik;
    out.item_sha256 = *sha;
    out.created_at_ms = created->value_or(0);
    out.payload = *payload;
    if (item_hash(out.kind, out.item_key, out.payload) != out.item_sha256) {
      return make_error(ErrorCode::kDataLoss, fmt::format("{}.sha256: does not match the item", what));
    }
    request.items.push_back(std::move(out));
  }
  return request;
}

std::string upload_response_to_json(const UploadResponse& response) {
  boost::json::array receipts;
  for (const auto& r : response.receipts) receipts.push_back(receipt_object(r));
  return boost::json::serialize(
      object{{"receipts", std::move(receipts)}, {"next_expected_seq", response.next_expected_seq}});
}

Result<UploadResponse> upload_response_from_json(std::string_view json) {
  auto value = parse_json_text(json, 16 << 20, "upload response");
  if (!value) return std::unexpected(value.error());
  auto o = as_object(*value, "upload response");
  if (!o) return std::unexpected(o.error());
  UploadResponse response;
  auto next = required_int(**o, "next_expected_seq");
  if (!next) return std::unexpected(next.error());
  response.next_expected_seq = *next;
  auto receipts = optional_array(**o, "receipts", limits::sync_batch_items_max);
  if (!receipts) return std::unexpected(receipts.error());
  for (std::size_t i = 0; i < (*receipts)->size(); ++i) {
    auto r = receipt_from_object((**receipts)[i], fmt::format("receipts[{}]", i));
    if (!r) return std::unexpected(r.error());
    response.receipts.push_back(std::move(*r));
  }
  return response;
}

std::string request_signing_text(std::string_view method, std::string_view target, std::string_view station_id,
                                 std::int64_t counter, std::string_view body_sha256_hex) {
  return fmt::format("ektp-station-request-v1\n{}\n{}\n{}\n{}\n{}", method, target, station_id, counter,
                     body_sha256_hex);
}

std::string response_signing_text(std::string_view station_id, std::int64_t counter, std::string_view body_sha256_hex) {
  return fmt::format("ektp-central-response-v1\n{}\n{}\n{}", station_id, counter, body_sha256_hex);
}

}  // namespace ektp::sync
