// The delivery worker on SQLite and PostgreSQL, with a simulated clock and a simulated receiver
// that checks every signature with the published key and keeps each CloudEvent once by its id:
// a birth delivered signed; a receiver answering 500, 302 or nothing (a timeout) makes a failed
// attempt, stored with its status, error and duration; retries follow the schedule and the
// delivery is dead-lettered after more than three simulated days, then replayed by the agency; an
// answer lost after the receiver took the event brings it again with the same webhook-id and
// CloudEvent id; a receiver down for a while gets every event later, each once; a second worker
// on the same database (a restart) carries on, and a delivery leased by a worker that died is
// taken up once its lease runs out; an agreement no longer in force sends nothing.
#include "agency/webhook_delivery.h"

#include <map>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "agency/delivery_schedule.h"
#include "agency/webhook_deliveries.h"
#include "subscription_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::kAdmin;
using test_fixture::kDayMs;
using test_fixture::kNowMs;

constexpr std::array<std::uint8_t, 32> kSeed{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                             7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

// What the agency's receiver does: it checks the signature against the published key (a bad one
// would be refused with 401), then does as told; it keeps each event once by its CloudEvent id.
struct Receiver {
  std::string public_key;
  std::function<Result<int>(const WebhookMessage&)> answer = [](const WebhookMessage&) -> Result<int> { return 204; };
  std::vector<WebhookMessage> requests;       // everything that reached it
  std::map<std::string, std::string> events;  // CloudEvent id → body, each once
  std::vector<std::string> duplicates;        // ids it had already

  Result<int> operator()(const WebhookMessage& m) {
    requests.push_back(m);
    if (!verify_webhook_signature(public_key, m.webhook_id, m.timestamp_s, m.body, m.signature)) return 401;
    auto result = answer(m);
    if (result && *result >= 200 && *result < 300) keep(m);
    return result;
  }
  void keep(const WebhookMessage& m) {
    const std::string id(boost::json::parse(m.body).at("id").as_string());
    if (!events.emplace(id, m.body).second) duplicates.push_back(id);
  }
};

class WebhookDeliveryTest : public test_fixture::SubscriptionTest {
 protected:
  void SetUp() override {
    SubscriptionTest::SetUp();
    if (IsSkipped()) return;
    receiver.public_key = key.public_key_whpk();
    subscription = subscribe({"birth", "death"}, caller);
  }
  std::unique_ptr<WebhookDeliveryWorker> worker(store::Database& database) {
    DeliveryWorkerOptions options;
    options.batch_max = 8;
    return std::make_unique<WebhookDeliveryWorker>(
        database, key, [this](const WebhookMessage& m) { return receiver(m); }, [this] { return clock_ms; }, options);
  }
  DeliveryPass pass(WebhookDeliveryWorker& w) {
    auto done = w.run_once();
    EXPECT_OK(done);
    return done ? *done : DeliveryPass{};
  }
  Delivery only_delivery() {
    auto conn = db().connect();
    auto all = deliveries_of(**conn, "bpjs-kesehatan", "", kDeliveriesListedMax);
    EXPECT_OK(all);
    EXPECT_EQ(all->size(), 1u);
    return all->at(0);
  }
  std::int64_t next_due() {
    auto conn = db().connect();
    auto rows = (*conn)->execute("SELECT MIN(next_attempt_at_ms) FROM agency_deliveries WHERE state = 'pending'");
    return rows->rows.front().integer(0);
  }

  const WebhookSigningKey key = WebhookSigningKey::from_seed(kSeed);
  Receiver receiver;
  std::int64_t clock_ms = kNowMs;
  Subscription subscription;
};

TEST_P(WebhookDeliveryTest, ABirthIsDeliveredSignedAndTheDisclosureAudited) {
  const std::string child = record_birth("b-1");
  auto w = worker(db());
  clock_ms += 1500;
  const DeliveryPass done = pass(*w);
  EXPECT_EQ(done.delivered, 1u);
  ASSERT_EQ(receiver.requests.size(), 1u);
  const WebhookMessage& m = receiver.requests[0];
  const Delivery d = only_delivery();
  EXPECT_EQ(m.url, subscription.url);
  EXPECT_EQ(m.webhook_id, webhook_message_id(d.id));
  EXPECT_EQ(m.timestamp_s, clock_ms / 1000);
  EXPECT_TRUE(m.signature.starts_with("v1a,"));
  EXPECT_EQ(receiver.events.size(), 1u);
  EXPECT_EQ(receiver.events.begin()->first, d.cloud_event_id);
  EXPECT_NE(m.body.find(child), std::string::npos);
  EXPECT_EQ(d.state, delivery_state::kDelivered);
  EXPECT_EQ(d.delivered_at_ms, clock_ms);
  ASSERT_EQ(d.history.size(), 1u);
  EXPECT_EQ(d.history[0].status, 204);
  EXPECT_EQ(d.history[0].error, "");
  EXPECT_GE(d.history[0].duration_ms, 0);
  // The resident can see that BPJS received their data.
  const auto delivered = audited("agency.event_delivered");
  ASSERT_EQ(delivered.size(), 2u);  // the child and the mother
  EXPECT_TRUE(delivered[0].starts_with(child + "|"));
  // Nothing more to do.
  EXPECT_EQ(pass(*w).delivered, 0u);
  EXPECT_EQ(receiver.requests.size(), 1u);
}

TEST_P(WebhookDeliveryTest, FailedAnswersFollowTheScheduleUntilDeadAfterThreeDaysThenReplay) {
  record_birth("b-2");
  receiver.answer = [](const WebhookMessage&) -> Result<int> { return 500; };
  auto w = worker(db());
  std::vector<std::int64_t> tried_at;
  for (int i = 0; i < kDeliveryAttemptsMax + 5 && only_delivery().state == delivery_state::kPending; ++i) {
    clock_ms = std::max(clock_ms, next_due());
    tried_at.push_back(clock_ms);
    pass(*w);
  }
  const Delivery dead = only_delivery();
  EXPECT_EQ(dead.state, delivery_state::kDead);
  ASSERT_EQ(dead.attempts, kDeliveryAttemptsMax);
  ASSERT_EQ(tried_at.size(), static_cast<std::size_t>(kDeliveryAttemptsMax));
  for (std::size_t i = 1; i < tried_at.size(); ++i) EXPECT_EQ(tried_at[i] - tried_at[i - 1], kRetryDelaysMs[i - 1]);
  EXPECT_GE(tried_at.back() - tried_at.front(), 3 * kDayMs);
  EXPECT_EQ(dead.last_status, 500);
  EXPECT_EQ(dead.last_error, "answered 500");
  EXPECT_EQ(audited("agency.delivery_dead").size(), 1u);
  // Dead: the worker leaves it alone, however late it gets.
  clock_ms += 30 * kDayMs;
  EXPECT_EQ(pass(*w).failed, 0u);
  EXPECT_EQ(receiver.requests.size(), static_cast<std::size_t>(kDeliveryAttemptsMax));
  // The agency replays it from the dead-letter list once its receiver works again.
  receiver.answer = [](const WebhookMessage&) -> Result<int> { return 200; };
  auto replayed = replay_delivery(db(), caller, dead.id, clock_ms);
  ASSERT_OK(replayed);
  EXPECT_EQ(replayed->state, delivery_state::kPending);
  EXPECT_EQ(audited("agency.delivery_replay").size(), 1u);
  EXPECT_EQ(replay_delivery(db(), caller, dead.id, clock_ms).error().reason, webhook_reason::kDeliveryNotDead);
  EXPECT_EQ(pass(*w).delivered, 1u);
  const Delivery delivered = only_delivery();
  EXPECT_EQ(delivered.state, delivery_state::kDelivered);
  EXPECT_EQ(delivered.attempts, kDeliveryAttemptsMax + 1);
  // Every attempt carried the same message id and the same bytes.
  for (const auto& m : receiver.requests) {
    EXPECT_EQ(m.webhook_id, receiver.requests.front().webhook_id);
    EXPECT_EQ(m.body, receiver.requests.front().body);
  }
}

TEST_P(WebhookDeliveryTest, AnAnswerLostAfterTheReceiverTookTheEventBringsItAgainWithTheSameIds) {
  record_birth("b-3");
  int calls = 0;
  receiver.answer = [&](const WebhookMessage& m) -> Result<int> {
    if (++calls == 1) {
      receiver.keep(m);  // the receiver stored it, but its answer never came back
      return make_error(ErrorCode::kUnavailable, "reading the answer failed: timed out");
    }
    return 200;
  };
  auto w = worker(db());
  EXPECT_EQ(pass(*w).failed, 1u);
  Delivery d = only_delivery();
  EXPECT_EQ(d.history.at(0).status, 0);
  EXPECT_NE(d.history.at(0).error.find("timed out"), std::string::npos);
  clock_ms = next_due();
  EXPECT_EQ(clock_ms - kNowMs, kRetryDelaysMs[0]);
  EXPECT_EQ(pass(*w).delivered, 1u);
  ASSERT_EQ(receiver.requests.size(), 2u);
  EXPECT_EQ(receiver.requests[0].webhook_id, receiver.requests[1].webhook_id);
  EXPECT_EQ(receiver.requests[0].body, receiver.requests[1].body);
  EXPECT_NE(receiver.requests[0].signature, receiver.requests[1].signature);  // signed anew, at a later time
  // The receiver keeps it once by its id, and saw the repeat as one.
  EXPECT_EQ(receiver.events.size(), 1u);
  EXPECT_EQ(receiver.duplicates.size(), 1u);
}

TEST_P(WebhookDeliveryTest, AReceiverDownForAWhileGetsEveryEventLaterEachOnce) {
  bool down = true;
  receiver.answer = [&](const WebhookMessage&) -> Result<int> {
    if (down) return make_error(ErrorCode::kUnavailable, "cannot connect: Connection refused");
    return 200;
  };
  auto w = worker(db());
  std::set<std::string> children;
  for (int i = 0; i < 4; ++i) {
    children.insert(record_birth("b-down-" + std::to_string(i), "Anak " + std::string(1, static_cast<char>('A' + i))));
    const DeliveryPass done = pass(*w);
    EXPECT_EQ(done.delivered, 0u);
    clock_ms += 5 * kMinuteMs;
  }
  // Twenty minutes down: every one tried at least once, none delivered, none dead.
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE attempts = 0"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE state = 'pending'"), 4);
  down = false;
  for (int i = 0; i < 10 && count("SELECT COUNT(*) FROM agency_deliveries WHERE state = 'pending'") > 0; ++i) {
    clock_ms = std::max(clock_ms, next_due());
    pass(*w);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE state = 'delivered'"), 4);
  EXPECT_EQ(receiver.events.size(), 4u);
  EXPECT_TRUE(receiver.duplicates.empty());
  std::set<std::string> received;
  for (const auto& [id, body] : receiver.events) {
    received.insert(std::string(boost::json::parse(body).at("subject").as_string()));
  }
  EXPECT_EQ(received, children);
}

TEST_P(WebhookDeliveryTest, ASecondWorkerOnTheSameDatabaseCarriesOn) {
  record_birth("b-4");
  record_birth("b-5", "Ayu Lestari");
  receiver.answer = [](const WebhookMessage&) -> Result<int> { return 503; };
  {
    auto first = worker(db());
    EXPECT_EQ(pass(*first).failed, 1u);  // one tried and failed, the other deferred
  }
  // The server stops; a new one opens the same data.
  ASSERT_OK(test_database().reopen());
  receiver.answer = [](const WebhookMessage&) -> Result<int> { return 204; };
  // A worker that died holding a lease on one of them: it is not sent until the lease runs out.
  {
    auto conn = db().connect();
    ASSERT_OK((*conn)->execute("UPDATE agency_deliveries SET lease_until_ms = $1 WHERE attempts = 0",
                               {clock_ms + kDeliveryLeaseMs}));
  }
  auto second = worker(db());
  clock_ms = kNowMs + kRetryDelaysMs[0];  // the failed one is due again; the other is still leased
  EXPECT_EQ(pass(*second).delivered, 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE state = 'pending'"), 1);
  clock_ms = kNowMs + kDeliveryLeaseMs + 1;
  EXPECT_EQ(pass(*second).delivered, 1u);
  EXPECT_EQ(receiver.events.size(), 2u);
  EXPECT_TRUE(receiver.duplicates.empty());
}

TEST_P(WebhookDeliveryTest, FiveHundredARedirectAndATimeoutAreEachAFailedAttempt) {
  record_birth("b-6");
  std::vector<Result<int>> answers{500, 302, make_error(ErrorCode::kUnavailable, "timed out after 10000 ms"), 201};
  std::size_t next = 0;
  receiver.answer = [&](const WebhookMessage&) { return answers.at(next++); };
  auto w = worker(db());
  for (int i = 0; i < 4; ++i) {
    clock_ms = std::max(clock_ms, next_due());
    pass(*w);
  }
  const Delivery d = only_delivery();
  EXPECT_EQ(d.state, delivery_state::kDelivered);
  ASSERT_EQ(d.history.size(), 4u);  // newest first
  EXPECT_EQ(d.history[3].status, 500);
  EXPECT_EQ(d.history[3].error, "answered 500");
  EXPECT_EQ(d.history[2].status, 302);
  EXPECT_NE(d.history[2].error.find("redirect, which is never followed"), std::string::npos);
  EXPECT_EQ(d.history[1].status, 0);
  EXPECT_EQ(d.history[1].error, "timed out after 10000 ms");
  EXPECT_EQ(d.history[0].status, 201);
  EXPECT_EQ(d.history[0].attempt, 4);
}

TEST_P(WebhookDeliveryTest, NothingIsSentWithoutAnAgreementInForce) {
  record_birth("b-7");
  clock_ms = kNowMs + 400 * kDayMs;  // the agreement expired meanwhile
  auto w = worker(db());
  EXPECT_EQ(pass(*w).failed, 1u);
  EXPECT_TRUE(receiver.requests.empty());
  const Delivery d = only_delivery();
  EXPECT_NE(d.history.at(0).error.find("no agreement in force"), std::string::npos);
}

TEST_P(WebhookDeliveryTest, TheWorkersThreadDeliversAndStops) {
  record_birth("b-8");
  DeliveryWorkerOptions options;
  options.poll_interval = std::chrono::milliseconds(10);
  WebhookDeliveryWorker w(db(), key, [this](const WebhookMessage& m) { return receiver(m); },
                          [this] { return clock_ms; }, options);
  std::atomic<int> passes = 0;
  w.start([&](const Result<DeliveryPass>&) { ++passes; });
  for (int i = 0; i < 500 && count("SELECT COUNT(*) FROM agency_deliveries WHERE state = 'delivered'") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  w.stop();
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE state = 'delivered'"), 1);
  EXPECT_GE(passes.load(), 1);
}

EKTP_INSTANTIATE_FOR_BACKENDS(WebhookDeliveryTest);

}  // namespace
}  // namespace ektp::agency
