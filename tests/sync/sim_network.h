// The simulated network between one station and central, for the seeded sync simulation. Every
// fault is drawn from the simulation's PRNG, so a seed replays the same run:
//   partition      the station is cut off: nothing reaches central
//   lost request   central never sees it
//   lost response  central applies it; the station hears nothing
//   duplicate      the network delivers a second copy: the same signed request (central must
//                  refuse it as a replay) or the station's own body resent under a fresh counter
//                  (central must answer with the receipts it gave the first time)
//   held back      the request is delayed; the station times out and goes on; later, held
//                  requests reach central in shuffled order, after newer ones (reordering).
//                  A verbatim late copy whose counter is no longer the newest is refused as a
//                  replay; some are resent under a fresh counter so central's ingest sees stale
//                  batches after newer ones. Answers to late deliveries go nowhere.
// The link checks what central answers as it goes (a verbatim copy is refused, a resent one gets
// the first receipts) and counts every fault for the run's summary.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <random>
#include <string>

#include "sync_fixture.h"

namespace ektp::test {

struct FaultRates {
  double lose_request = 0;
  double lose_response = 0;
  double duplicate = 0;
  double hold = 0;
};

struct NetStats {
  int requests = 0;          // upload calls made by stations
  int partitioned = 0;       // refused: the station was cut off
  int lost_requests = 0;
  int lost_responses = 0;
  int duplicated = 0;        // second copies delivered
  int held = 0;              // requests held back
  int late_delivered = 0;    // held requests that reached central later
  int replays_refused = 0;   // copies central refused because their counter was not the newest
  int stale_resent = 0;      // copies resent under a fresh counter and answered from stored receipts
};

class SimLink : public sync::CentralLink {
 public:
  SimLink(Central& central, Station& station, std::mt19937_64& rng, NetStats& stats,
          std::function<std::int64_t()> central_clock)
      : central_(central), station_(station), rng_(rng), stats_(stats), clock_(std::move(central_clock)) {}

  bool partitioned = false;
  FaultRates rates;

  Result<sync::UploadResponse> upload(const sync::UploadRequest& request) override {
    ++stats_.requests;
    if (partitioned) {
      ++stats_.partitioned;
      return make_error(ErrorCode::kUnavailable, "no route to central");
    }
    if (roll(rates.lose_request)) {
      ++stats_.lost_requests;
      return make_error(ErrorCode::kUnavailable, "request lost");
    }
    auto signed_upload = sign_upload(station_.db(), station_.identity, sync::upload_request_to_json(request));
    if (!signed_upload) return std::unexpected(signed_upload.error());
    if (roll(rates.hold)) {
      ++stats_.held;
      held_.push_back(*signed_upload);
      return make_error(ErrorCode::kUnavailable, "timed out waiting for central");
    }
    auto response = deliver(*signed_upload);
    if (roll(rates.duplicate)) {
      ++stats_.duplicated;
      auto copy = deliver_copy(*signed_upload, roll(0.5), response);
      if (roll(0.5)) response = std::move(copy);  // the station hears the copy's answer
    }
    if (roll(rates.lose_response)) {
      ++stats_.lost_responses;
      return make_error(ErrorCode::kUnavailable, "connection reset before the answer");
    }
    return response;
  }

  // Delivers up to `count` held requests in random order; their answers go nowhere.
  void deliver_held(std::size_t count) {
    std::shuffle(held_.begin(), held_.end(), rng_);
    for (std::size_t i = 0; i < count && !held_.empty(); ++i) {
      SignedUpload late = std::move(held_.front());
      held_.pop_front();
      ++stats_.late_delivered;
      (void)deliver_copy(late, roll(0.5), std::nullopt);
    }
  }
  std::size_t held() const { return held_.size(); }

 private:
  bool roll(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  Result<sync::UploadResponse> deliver(const SignedUpload& request) {
    return central_upload_route(central_.db(), *central_.ingest, request, clock_());
  }

  // A second or late copy of `original`: verbatim (the same counter) or the same body under a
  // fresh counter. `first` is what the original got, when it was delivered just before.
  Result<sync::UploadResponse> deliver_copy(const SignedUpload& original, bool resend,
                                            const std::optional<Result<sync::UploadResponse>>& first) {
    SignedUpload copy = original;
    if (resend) {
      auto fresh = sign_upload(station_.db(), station_.identity, original.body);
      if (!fresh) return std::unexpected(fresh.error());
      copy = std::move(*fresh);
    }
    auto answer = deliver(copy);
    if (!answer) {
      // Only a verbatim copy may be refused, and only as a replay: the station has sent a newer
      // request since (or this is the same request again).
      EXPECT_FALSE(resend) << "a resent copy was refused: " << answer.error().message;
      EXPECT_EQ(answer.error().code, ErrorCode::kUnauthenticated) << answer.error().message;
      EXPECT_NE(answer.error().message.find("replayed"), std::string::npos) << answer.error().message;
      ++stats_.replays_refused;
      return answer;
    }
    if (resend) ++stats_.stale_resent;
    // Whatever central had applied from this body, it answers with the very receipts it gave first.
    if (first && *first) {
      EXPECT_EQ(answer->receipts.size(), (*first)->receipts.size());
      for (std::size_t i = 0; i < std::min(answer->receipts.size(), (*first)->receipts.size()); ++i) {
        EXPECT_EQ(answer->receipts[i].signature, (*first)->receipts[i].signature) << "seq " << answer->receipts[i].seq;
      }
    }
    for (const auto& r : answer->receipts) {
      EXPECT_TRUE(sync::verify_receipt(r, central_.ingest->public_key_hex())) << "seq " << r.seq;
    }
    return answer;
  }

  Central& central_;
  Station& station_;
  std::mt19937_64& rng_;
  NetStats& stats_;
  std::function<std::int64_t()> clock_;
  std::deque<SignedUpload> held_;
};

}  // namespace ektp::test
