// Handing cards over, on SQLite and PostgreSQL, with real fingerprint images (FVC2002 DB1_B, in
// tests/data/fingerprints/fvc2002-db1b): the holder's other impression of the enrolled finger collects
// the card, another finger does not and is counted, four failed tries hand over to a supervisor,
// and every refusal leaves the card where it was. Also the 30-day uncollected list, revocation of
// a card reported lost, and the announced deliveries the ready date counts on.
#include "card/card_pickup.h"

#include <gtest/gtest.h>

#include "card/announced_deliveries.h"
#include "registry/demo/demo_loader.h"
#include "registry/enrollment_store.h"
#include "store/migrations.h"
#include "support/card_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using namespace std::chrono;

constexpr std::int64_t kNowMs = 1'796'300'000'000;  // 2026-12-03
constexpr std::int64_t kDayMs = 86'400'000;
constexpr int kRightIndex = 2;

std::vector<std::uint8_t> fingerprint(const std::string& name) { return test::card_test_fingerprint(name); }

class CardPickupTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    adults = test::demo_adults_without_card(db(), 60, 4);
    ASSERT_EQ(adults.size(), 4u);
    ASSERT_OK(receive_blanko(db(), {"3327", "petugas.stok", kNowMs - 40 * kDayMs}, {9001, 9100}, "alokasi-uji"));
  }

  void enroll(const std::string& nik, bool with_finger = true) {
    test::insert_ready_enrollment(db(), nik, kNowMs - 40 * kDayMs, with_finger ? "101_1.tif" : "");
  }

  // Enrolls and prints the card of `nik` `days_ago`; answers its request id.
  std::int64_t printed(const std::string& nik, std::int64_t days_ago = 1, bool with_finger = true) {
    enroll(nik, with_finger);
    EXPECT_TRUE(queue_ready_to_print(db(), kNowMs - 40 * kDayMs).has_value());
    auto done = print_next(db(), {"3327", "petugas.cetak", kNowMs - days_ago * kDayMs});
    EXPECT_TRUE(done.has_value()) << (done ? "" : done.error().message);
    return done ? done->id : 0;
  }

  PickupCheck finger(std::int64_t request, const std::string& image, bool supervisor = false) {
    PickupCheck c;
    c.request_id = request;
    c.finger_position = kRightIndex;
    c.live_image = fingerprint(image);
    c.actor = supervisor ? "supervisor.dinas" : "petugas.loket";
    c.actor_is_supervisor = supervisor;
    c.at_ms = kNowMs;
    return c;
  }
  PickupCheck assisted(std::int64_t request, bool supervisor, std::string note = "wajah cocok dengan foto perekaman") {
    PickupCheck c;
    c.request_id = request;
    c.method = PickupMethod::kAssisted;
    c.note = std::move(note);
    c.actor = supervisor ? "supervisor.dinas" : "petugas.loket";
    c.actor_is_supervisor = supervisor;
    c.at_ms = kNowMs;
    return c;
  }
  PrintRequest request(std::int64_t id) {
    auto conn = db().connect();
    auto r = load_print_request(**conn, id);
    EXPECT_TRUE(r.has_value());
    return r ? *r : PrintRequest{};
  }
  std::vector<registry::TimelineEntry> timeline(const std::string& nik) {
    auto conn = db().connect();
    auto t = registry::timeline_of(**conn, nik);
    EXPECT_TRUE(t.has_value());
    return t ? *t : std::vector<registry::TimelineEntry>{};
  }

  std::vector<std::string> adults;
};

TEST_P(CardPickupTest, TheHoldersOwnFingerCollectsTheCard) {
  const auto id = printed(adults[0]);
  auto out = collect_card(db(), finger(id, "101_2.tif"));
  ASSERT_OK(out);
  EXPECT_TRUE(out->collected);
  EXPECT_GE(out->score, kPickupMatchThreshold);
  EXPECT_EQ(out->request.status, PrintStatus::kCollected);
  EXPECT_EQ(out->request.collected_by, "petugas.loket");
  EXPECT_EQ(out->request.collection_method, "fingerprint");
  EXPECT_EQ(out->request.collected_at_ms, kNowMs);
  auto entries = timeline(adults[0]);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().status, registry::EnrollmentStatus::kCollected);
  // Collected once: a second hand-over is refused.
  EXPECT_ERROR(collect_card(db(), finger(id, "101_3.tif")), ErrorCode::kFailedPrecondition, "collected already");
  auto conn = db().connect();
  auto attempts = pickup_attempts(**conn, id);
  ASSERT_OK(attempts);
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_TRUE((*attempts)[0].matched);
}

TEST_P(CardPickupTest, AnotherFingerIsCountedAndAfterFourTriesASupervisorStepsIn) {
  const auto id = printed(adults[0]);
  for (int attempt = 1; attempt <= kPickupTriesBeforeSupervisor; ++attempt) {
    auto out = collect_card(db(), finger(id, "102_1.tif"));
    ASSERT_OK(out);
    EXPECT_FALSE(out->collected);
    EXPECT_LT(out->score, kPickupMatchThreshold);
    EXPECT_EQ(out->failed_tries, attempt);
    EXPECT_EQ(out->tries_left, kPickupTriesBeforeSupervisor - attempt);
    EXPECT_EQ(request(id).status, PrintStatus::kPrinted);
  }
  // A fifth try by the operator, even with the right finger, is refused and not recorded.
  auto fifth = collect_card(db(), finger(id, "101_2.tif"));
  ASSERT_FALSE(fifth.has_value());
  EXPECT_EQ(fifth.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(fifth.error().reason, pickup_reason::kSupervisorRequired);
  // The operator cannot assist either; the supervisor can, with a note.
  auto by_operator = collect_card(db(), assisted(id, false));
  ASSERT_FALSE(by_operator.has_value());
  EXPECT_EQ(by_operator.error().reason, pickup_reason::kSupervisorRequired);
  EXPECT_ERROR(collect_card(db(), assisted(id, true, "")), ErrorCode::kInvalidArgument, "note");
  auto out = collect_card(db(), assisted(id, true));
  ASSERT_OK(out);
  EXPECT_TRUE(out->collected);
  EXPECT_EQ(out->request.collection_method, "assisted");
  EXPECT_EQ(out->request.collected_by, "supervisor.dinas");
  auto conn = db().connect();
  auto attempts = pickup_attempts(**conn, id);
  ASSERT_OK(attempts);
  EXPECT_EQ(attempts->size(), 5u);  // four failed fingers and the assisted check
}

TEST_P(CardPickupTest, ASupervisorMayTryTheFingerAgainAfterFourFailures) {
  const auto id = printed(adults[0]);
  for (int attempt = 0; attempt < kPickupTriesBeforeSupervisor; ++attempt) {
    ASSERT_OK(collect_card(db(), finger(id, "102_1.tif")));
  }
  auto out = collect_card(db(), finger(id, "101_3.tif", /*supervisor=*/true));
  ASSERT_OK(out);
  EXPECT_TRUE(out->collected) << "score " << out->score;
}

TEST_P(CardPickupTest, TheAssistedCheckIsTheFallbackNotAShortcut) {
  const auto with_prints = printed(adults[0]);
  auto shortcut = collect_card(db(), assisted(with_prints, true));
  ASSERT_FALSE(shortcut.has_value());
  EXPECT_EQ(shortcut.error().reason, pickup_reason::kFingerprintFirst);
  EXPECT_EQ(request(with_prints).status, PrintStatus::kPrinted);

  // A person whose prints do not work (recorded at enrollment) is checked by a supervisor at once.
  const auto without_prints = printed(adults[1], 1, /*with_finger=*/false);
  auto no_finger = collect_card(db(), finger(without_prints, "101_2.tif"));
  ASSERT_FALSE(no_finger.has_value());
  EXPECT_EQ(no_finger.error().reason, pickup_reason::kNoEnrolledFinger);
  auto out = collect_card(db(), assisted(without_prints, true));
  ASSERT_OK(out);
  EXPECT_TRUE(out->collected);
}

TEST_P(CardPickupTest, BadChecksAreRefusedAndChangeNothing) {
  const auto id = printed(adults[0]);
  auto check = finger(id, "101_2.tif");
  check.finger_position = 11;
  EXPECT_ERROR(collect_card(db(), check), ErrorCode::kInvalidArgument, "finger_position 11");
  check = finger(id, "101_2.tif");
  check.live_image = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  auto garbage = collect_card(db(), check);
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().reason, pickup_reason::kNotAFingerprint);
  check.live_image.clear();
  EXPECT_ERROR(collect_card(db(), check), ErrorCode::kInvalidArgument, "image");
  check = finger(id, "101_2.tif");
  check.finger_position = 7;  // not enrolled
  auto unenrolled = collect_card(db(), check);
  ASSERT_FALSE(unenrolled.has_value());
  EXPECT_EQ(unenrolled.error().reason, pickup_reason::kNoEnrolledFinger);
  EXPECT_NE(unenrolled.error().message.find("enrolled: 2"), std::string::npos) << unenrolled.error().message;
  EXPECT_ERROR(collect_card(db(), finger(999'999, "101_2.tif")), ErrorCode::kNotFound, "999999");
  // None of it counted as a try.
  auto conn = db().connect();
  EXPECT_TRUE(pickup_attempts(**conn, id)->empty());
  EXPECT_EQ(request(id).status, PrintStatus::kPrinted);

  // A request still waiting has no card to hand over.
  enroll(adults[1]);
  ASSERT_OK(queue_ready_to_print(db(), kNowMs));
  auto waiting = waiting_requests(**conn, "3327", 10);
  ASSERT_OK(waiting);
  ASSERT_EQ(waiting->size(), 1u);
  auto not_printed = collect_card(db(), finger(waiting->front().id, "101_2.tif"));
  ASSERT_FALSE(not_printed.has_value());
  EXPECT_EQ(not_printed.error().reason, pickup_reason::kNotPrinted);
}

TEST_P(CardPickupTest, CardsLeftFor30DaysAreListedForTheOffice) {
  const auto old_card = printed(adults[0], 31);
  const auto new_card = printed(adults[1], 29);
  auto conn = db().connect();
  auto list = uncollected_cards(**conn, "3327", kNowMs, kUncollectedAfterDays, 50);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().id, old_card);
  ASSERT_OK(collect_card(db(), finger(old_card, "101_2.tif")));
  list = uncollected_cards(**conn, "3327", kNowMs + 2 * kDayMs, kUncollectedAfterDays, 50);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().id, new_card);
  EXPECT_TRUE(uncollected_cards(**conn, "3328", kNowMs, kUncollectedAfterDays, 50)->empty());
}

TEST_P(CardPickupTest, ACardReportedLostIsRevokedAndAReplacementQueued) {
  const auto id = printed(adults[0]);
  ASSERT_OK(collect_card(db(), finger(id, "101_2.tif")));
  auto replacement =
      request_replacement(db(), {adults[0], PrintReason::kLost, "LP/123/XII/2026/Polres Demak", ""}, "petugas.loket", kNowMs);
  ASSERT_OK(replacement);
  EXPECT_EQ(replacement->status, PrintStatus::kWaiting);
  auto old = request(id);
  EXPECT_EQ(old.revoked_at_ms, kNowMs);
  EXPECT_EQ(old.revoked_reason, "lost");

  // A printed card reported damaged before it was collected cannot be handed over.
  const auto other = printed(adults[1]);
  ASSERT_OK(request_replacement(db(), {adults[1], PrintReason::kDamaged, "chip retak", ""}, "petugas.loket", kNowMs));
  auto revoked = collect_card(db(), finger(other, "101_2.tif"));
  ASSERT_FALSE(revoked.has_value());
  EXPECT_EQ(revoked.error().reason, pickup_reason::kRevoked);
  auto conn = db().connect();
  EXPECT_TRUE(uncollected_cards(**conn, "3327", kNowMs + 60 * kDayMs, kUncollectedAfterDays, 50)->empty());
}

TEST_P(CardPickupTest, AnnouncedDeliveriesAreReceivedInTheOrderExpected) {
  const std::int64_t today = jakarta_day_of_ms(kNowMs);
  const StockChange clerk{"3327", "petugas.stok", kNowMs};
  auto second = announce_delivery(db(), clerk, today + 20, 500, "surat alokasi 2");
  auto first = announce_delivery(db(), clerk, today + 6, 500, "surat alokasi 1");
  ASSERT_OK(first);
  ASSERT_OK(second);
  EXPECT_ERROR(announce_delivery(db(), clerk, today - 1, 500, ""), ErrorCode::kInvalidArgument, "expected_date");
  EXPECT_ERROR(announce_delivery(db(), clerk, today + 400, 500, ""), ErrorCode::kInvalidArgument, "expected_date");
  EXPECT_ERROR(announce_delivery(db(), clerk, today + 3, 0, ""), ErrorCode::kInvalidArgument, "count 0");
  EXPECT_ERROR(announce_delivery(db(), clerk, today + 3, kAnnouncedCountMax + 1, ""), ErrorCode::kInvalidArgument,
               "count");
  EXPECT_ERROR(announce_delivery(db(), {"33X7", "petugas.stok", kNowMs}, today + 3, 5, ""), ErrorCode::kInvalidArgument,
               "");
  auto conn = db().connect();
  auto open = announced_deliveries(**conn, "3327", true, 10);
  ASSERT_OK(open);
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ(open->front().id, first->id);

  // The delivery comes two days late: the earliest announcement is the one received.
  ASSERT_OK(receive_blanko(db(), {"3327", "petugas.stok", kNowMs + 8 * kDayMs}, {20001, 20500}, "surat alokasi 1"));
  open = announced_deliveries(**conn, "3327", true, 10);
  ASSERT_OK(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().id, second->id);
  auto all = announced_deliveries(**conn, "3327", false, 10);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().id, first->id);  // newest first
  EXPECT_EQ(all->front().status, AnnouncementStatus::kReceived);
  EXPECT_EQ(all->front().received_at_ms, kNowMs + 8 * kDayMs);
  EXPECT_EQ(all->back().status, AnnouncementStatus::kAnnounced);

  ASSERT_OK(cancel_announced_delivery(db(), second->id, "3327", "petugas.stok", kNowMs));
  EXPECT_ERROR(cancel_announced_delivery(db(), second->id, "3327", "petugas.stok", kNowMs),
               ErrorCode::kFailedPrecondition, "not open");
  EXPECT_ERROR(cancel_announced_delivery(db(), first->id, "3328", "petugas.stok", kNowMs),
               ErrorCode::kFailedPrecondition, "not open");
  EXPECT_TRUE(announced_deliveries(**conn, "3327", true, 10)->empty());
}

EKTP_INSTANTIATE_FOR_BACKENDS(CardPickupTest);

}  // namespace
}  // namespace ektp::card
