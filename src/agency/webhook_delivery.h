// The delivery worker of agencies' events (SPEC §8): it takes the deliveries that are due
// (agency/webhook_deliveries.h), signs each by the Standard Webhooks scheme
// (agency/webhook_signature.h) and POSTs it to its subscription's address. A 2xx answer delivers
// it; anything else — another status (a 3xx too: redirects are never followed), no answer, a
// timeout — is a failed attempt, tried again on the growing schedule of agency/delivery_schedule.h
// and dead-lettered after the last. Delivery is at least once: an answer lost after the receiver
// took the event makes it come again, with the same webhook-id and the same CloudEvent id, so the
// receiver keeps each event once by its id. All state is in the database, so a restarted server
// (or another on the same database) carries on where this one stopped; a delivery leased to a
// worker that died is taken up again when its lease runs out.
//
// The clock and the sender are injected: tests simulate days of retries and a receiver that is
// down, answers late, 500 or redirects, without a network. One attempt at a time: a slow
// receiver holds the worker for at most the sender's timeout per attempt, and a subscription that
// failed is not tried again within the same pass. Thread-safety: run_once from one thread at a
// time; start/stop/wake from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agency/webhook_signature.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

struct WebhookMessage {
  std::string url;          // the subscription's https:// address
  std::string webhook_id;   // "msg_<delivery id>": the same in every attempt
  std::int64_t timestamp_s = 0;
  std::string signature;    // "v1a,<base64>"
  std::string body;         // the CloudEvent, sent as application/cloudevents+json
};

// Sends one message and gives the receiver's HTTP status; an error when no answer came (refused,
// timed out, TLS failure, a private address), whose message is kept with the attempt.
using WebhookSender = std::function<Result<int>(const WebhookMessage&)>;
// Milliseconds since the epoch.
using DeliveryClock = std::function<std::int64_t()>;

// One attempt may take this long (the sender's timeout, ektp's HTTPS sender).
inline constexpr std::chrono::seconds kWebhookAttemptTimeout{10};
// A claimed delivery is the worker's for this long: longer than one attempt can take.
inline constexpr std::int64_t kDeliveryLeaseMs = 60'000;
static_assert(kDeliveryLeaseMs > std::chrono::milliseconds(kWebhookAttemptTimeout).count() * 2);

struct DeliveryWorkerOptions {
  double retry_scale = 1.0;  // in [kRetryScaleMin, 1]: shrinks the retry schedule (tests only)
  std::size_t batch_max = 32;  // deliveries a pass takes
  std::chrono::milliseconds poll_interval{1000};
  std::int64_t lease_ms = kDeliveryLeaseMs;
};

struct DeliveryPass {
  std::size_t delivered = 0;
  std::size_t failed = 0;    // due again later
  std::size_t dead = 0;      // dead-lettered in this pass
  std::size_t deferred = 0;  // not tried: their subscription failed already in this pass
  bool more = false;         // the pass took a full batch: more may be due
  std::vector<std::string> failures;  // "delivery 7 (msg_7) to https://…: answered 500", at most 10
};

class WebhookDeliveryWorker {
 public:
  // `database`, `key` and what the sender uses must outlive the worker.
  WebhookDeliveryWorker(store::Database& database, const WebhookSigningKey& key, WebhookSender send,
                        DeliveryClock clock, DeliveryWorkerOptions options = {});
  ~WebhookDeliveryWorker();  // stops the thread
  WebhookDeliveryWorker(const WebhookDeliveryWorker&) = delete;
  WebhookDeliveryWorker& operator=(const WebhookDeliveryWorker&) = delete;

  // One pass: every delivery due now (up to batch_max) is tried once. Errors are the database's.
  Result<DeliveryPass> run_once();

  // A thread that runs a pass every poll interval (at once again after a full batch) and hands
  // each pass's result to `report` (for the log), until stop(). Stopping waits for the attempt
  // in flight, at most the sender's timeout.
  using PassReport = std::function<void(const Result<DeliveryPass>&)>;
  void start(PassReport report = {});
  void stop();
  // Runs the next pass now (a new event was recorded).
  void wake();

 private:
  // One delivery; counts it in `pass`. Returns whether it was delivered.
  Result<bool> attempt(std::int64_t id, DeliveryPass& pass);
  void loop(const PassReport& report);

  store::Database& db_;
  const WebhookSigningKey& key_;
  const WebhookSender send_;
  const DeliveryClock clock_;
  const DeliveryWorkerOptions options_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace ektp::agency
