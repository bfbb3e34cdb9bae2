#include "sync/uploader.h"

#include <chrono>

#include <fmt/format.h>

#include "sync/outbox.h"

namespace ektp::sync {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<UploadRound> Uploader::upload_once(std::size_t items_max, std::size_t bytes_max) {
  auto items = pending_outbox(db_, items_max, bytes_max);
  if (!items) return std::unexpected(items.error());
  UploadRound round;
  if (items->empty()) return round;
  UploadRequest request{identity_.station_id, std::move(*items)};
  round.sent = request.items.size();
  auto response = link_.upload(request);
  if (!response) {
    (void)record_attempt_failure(db_, request.items.front().seq, response.error().message, now_ms());
    return std::unexpected(response.error());
  }
  std::vector<Receipt> receipts;
  for (auto& r : response->receipts) {
    if (r.station_id != identity_.station_id) {
      return make_error(ErrorCode::kDataLoss, fmt::format("receipt names station {}", r.station_id));
    }
    receipts.push_back(std::move(r));
  }
  if (auto s = record_receipts(db_, receipts, identity_.central_public_key_hex, now_ms()); !s) {
    (void)record_attempt_failure(db_, request.items.front().seq, s.error().message, now_ms());
    return std::unexpected(s.error());
  }
  round.receipts = receipts.size();
  if (receipts.empty() && response->next_expected_seq < request.items.front().seq) {
    // Central expects items this station already holds receipts for: central lost data.
    std::string message = fmt::format(
        "central expects item {} but this station holds receipts up to {}: central's database was restored "
        "from an older backup; an operator must resend from the outbox",
        response->next_expected_seq, request.items.front().seq - 1);
    (void)record_attempt_failure(db_, request.items.front().seq, message, now_ms());
    return make_error(ErrorCode::kDataLoss, message);
  }
  auto summary = outbox_summary(db_);
  if (summary) round.pending_after = summary->pending;
  return round;
}

}  // namespace ektp::sync
