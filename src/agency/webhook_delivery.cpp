// The delivery worker (agency/webhook_delivery.h).
#include "agency/webhook_delivery.h"

#include <set>

#include <fmt/format.h>

#include "agency/delivery_schedule.h"
#include "agency/webhook_deliveries.h"
#include "core/assert.h"

namespace ektp::agency {
namespace {

constexpr std::size_t kFailuresReportedMax = 10;

bool is_success(int status) { return status >= 200 && status <= 299; }

std::string status_error(int status) {
  if (status >= 300 && status <= 399) return fmt::format("answered {}: a redirect, which is never followed", status);
  return fmt::format("answered {}", status);
}

}  // namespace

WebhookDeliveryWorker::WebhookDeliveryWorker(store::Database& database, const WebhookSigningKey& key,
                                             WebhookSender send, DeliveryClock clock, DeliveryWorkerOptions options)
    : db_(database), key_(key), send_(std::move(send)), clock_(std::move(clock)), options_(options) {
  EKTP_ASSERT(send_ && clock_);
  EKTP_ASSERT(options_.retry_scale >= kRetryScaleMin && options_.retry_scale <= 1.0);
  EKTP_ASSERT(options_.batch_max > 0 && options_.lease_ms > 0);
}

WebhookDeliveryWorker::~WebhookDeliveryWorker() { stop(); }

Result<DeliveryPass> WebhookDeliveryWorker::run_once() {
  DeliveryPass pass;
  EKTP_ASSIGN_OR_RETURN(const auto due, due_deliveries(db_, clock_(), options_.batch_max));
  std::set<std::int64_t> failed_subscriptions;
  for (const DueDelivery& d : due) {
    if (stopping_) break;
    // A receiver that just failed would most likely fail again: its other deliveries wait for a
    // later pass instead of holding this one up.
    if (failed_subscriptions.contains(d.subscription_id)) {
      ++pass.deferred;
      continue;
    }
    EKTP_ASSIGN_OR_RETURN(const bool delivered, attempt(d.id, pass));
    if (!delivered) failed_subscriptions.insert(d.subscription_id);
  }
  // Deferred ones wait for the poll interval: a receiver that is down is not hammered.
  pass.more = due.size() == options_.batch_max && pass.deferred == 0;
  return pass;
}

Result<bool> WebhookDeliveryWorker::attempt(std::int64_t id, DeliveryPass& pass) {
  const std::int64_t now = clock_();
  EKTP_ASSIGN_OR_RETURN(const auto claimed, claim_delivery(db_, id, now, options_.lease_ms));
  if (!claimed) return true;  // taken by another worker, or no longer due: nothing failed here
  DeliveryAttempt attempt;
  attempt.at_ms = now;
  bool delivered = false;
  if (!claimed->not_sendable.empty()) {
    attempt.error = claimed->not_sendable;
  } else {
    WebhookMessage message{claimed->url, claimed->webhook_id, now / 1000, {}, claimed->body};
    message.signature = key_.sign(message.webhook_id, message.timestamp_s, message.body);
    const auto started = std::chrono::steady_clock::now();
    const auto answer = send_(message);
    attempt.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    if (!answer) {
      attempt.error = answer.error().message;
    } else {
      attempt.status = *answer;
      delivered = is_success(*answer);
      if (!delivered) attempt.error = status_error(*answer);
    }
  }
  const auto retry_at = delivered ? std::nullopt : next_attempt_at_ms(claimed->failures + 1, clock_(), options_.retry_scale);
  EKTP_ASSIGN_OR_RETURN(const std::string state, record_attempt(db_, *claimed, attempt, delivered, retry_at));
  if (state == delivery_state::kDelivered) {
    ++pass.delivered;
  } else {
    ++(state == delivery_state::kDead ? pass.dead : pass.failed);
    if (pass.failures.size() < kFailuresReportedMax) {
      pass.failures.push_back(fmt::format("delivery {} ({}) to {}: {}", claimed->id, claimed->webhook_id,
                                          claimed->url, attempt.error));
    }
  }
  return delivered;
}

void WebhookDeliveryWorker::start(PassReport report) {
  EKTP_ASSERT(!thread_.joinable());
  stopping_ = false;
  thread_ = std::thread([this, report = std::move(report)] { loop(report); });
}

void WebhookDeliveryWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookDeliveryWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void WebhookDeliveryWorker::loop(const PassReport& report) {
  while (!stopping_) {
    const auto pass = run_once();
    if (report) report(pass);
    std::unique_lock lock(mutex_);
    if (pass && pass->more) continue;  // a full batch: more may be due now
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_.load() || woken_; });
    woken_ = false;
  }
}

}  // namespace ektp::agency
