// The blanko stock and the print queue in the database, on SQLite and PostgreSQL: movements and
// their refusals, the print order, printing and spoiled prints, and a random run of receipts,
// transfers, prints, spoils and returns with two printers at once after which the ledger still
// reconciles and no blanko was used twice.
#include "card/print_queue.h"
#include "card/demo_stock.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <thread>

#include "registry/demo/demo_loader.h"
#include "registry/enrollment_store.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using namespace std::chrono;

constexpr std::int64_t kNowMs = 1'796'300'000'000;  // 2026-12-03

class PrintQueueTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    registry::demo::DemoOptions demo;
    demo.regency_code = "3327";
    demo.persons = 200;
    demo.today = CivilDate{year{2026}, December, day{3}};
    ASSERT_OK(registry::demo::load_demo_population(db(), demo));
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto rows = (*conn)->execute(
        "SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT 40");
    ASSERT_OK(rows);
    for (const auto& r : rows->rows) adults.push_back(r.text(0));
    ASSERT_GE(adults.size(), 40u);
    // They start without a card (the demo gives many residents one).
    for (const auto& nik : adults) ASSERT_OK((*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {nik}));
  }

  // An enrollment of `nik` that reached siap cetak at `ready_ms`.
  void ready(const std::string& nik, std::int64_t ready_ms) {
    registry::Enrollment e;
    e.enrollment_id = "enr-" + nik;
    e.nik = nik;
    e.station_id = "st-332701";
    e.operator_name = "operator";
    e.captured_at_ms = ready_ms - 1000;
    e.modalities = {"fingerprint", "face"};
    e.photo = {0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3};
    e.photo_mime = "image/jpeg";
    e.photo_sha256 = registry::bytes_sha256(e.photo);
    e.signature = {0x89, 'P', 'N', 'G', 1};
    e.signature_sha256 = registry::bytes_sha256(e.signature);
    ASSERT_OK(store::with_write_transaction<bool>(db(), [&](store::Connection& c) -> Result<bool> {
      EKTP_RETURN_IF_ERROR(registry::insert_enrollment(c, e));
      EKTP_RETURN_IF_ERROR(
          registry::set_enrollment_status(c, e.enrollment_id, registry::EnrollmentStatus::kReadyToPrint, ready_ms, ""));
      return true;
    }));
  }
  StockChange at(std::string office, std::int64_t ms = kNowMs, std::string actor = "petugas.stok") {
    return {std::move(office), std::move(actor), ms};
  }
  std::int64_t count(const std::string& sql, std::vector<store::Value> params = {}) {
    auto conn = db().connect();
    auto rows = (*conn)->execute(sql, params);
    EXPECT_TRUE(rows.has_value());
    return rows ? rows->rows.front().integer(0) : -1;
  }
  void expect_reconciles() {
    auto verified = verify_stock(db());
    ASSERT_OK(verified);
    EXPECT_TRUE(verified->ok()) << verified->replay.problem
                                << (verified->mismatches.empty() ? "" : verified->mismatches.front());
  }

  std::vector<std::string> adults;
};

TEST_P(PrintQueueTest, StockMovesAndEveryRefusalChangesNothing) {
  ASSERT_OK(receive_blanko(db(), at("3327"), {5001, 5500}, "alokasi-2026-12"));
  auto moved = transfer_blanko(db(), at("3327"), "332709", 120);
  ASSERT_OK(moved);
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ((*moved)[0].first, 5001);
  EXPECT_EQ((*moved)[0].last, 5120);
  ASSERT_OK(spoil_blanko(db(), at("3327"), 5121, "retak di kotak"));
  ASSERT_OK(return_blanko(db(), at("3327"), {5401, 5500}, "kelebihan alokasi"));
  {
    auto conn = db().connect();
    EXPECT_EQ(*on_hand_count(**conn, "3327"), 500 - 120 - 1 - 100);
    EXPECT_EQ(*on_hand_count(**conn, "332709"), 120);
    EXPECT_EQ(office_balance(**conn, "3327")->on_hand(), 279);
  }
  const auto movements = count("SELECT COUNT(*) FROM blanko_movements");

  // Refusals: nothing moves.
  EXPECT_ERROR(receive_blanko(db(), at("3328"), {5400, 5600}, "lain"), ErrorCode::kAlreadyExists, "blanko 5400");
  EXPECT_ERROR(receive_blanko(db(), at("3327"), {6000, 5999}, "x"), ErrorCode::kInvalidArgument, "before the first");
  EXPECT_ERROR(receive_blanko(db(), at("3327"), {7000, 7010}, ""), ErrorCode::kInvalidArgument, "allocation");
  EXPECT_ERROR(transfer_blanko(db(), at("3327"), "332709", 280), ErrorCode::kFailedPrecondition, "holds 279");
  EXPECT_ERROR(transfer_blanko(db(), at("3327"), "3327", 1), ErrorCode::kInvalidArgument, "another office");
  EXPECT_ERROR(transfer_blanko(db(), at("3327"), "33a7", 1), ErrorCode::kInvalidArgument, "office");
  EXPECT_ERROR(spoil_blanko(db(), at("3327"), 5122, ""), ErrorCode::kInvalidArgument, "reason");
  EXPECT_ERROR(spoil_blanko(db(), at("3327"), 5121, "lagi"), ErrorCode::kFailedPrecondition, "spoiled at 3327");
  EXPECT_ERROR(spoil_blanko(db(), at("3327"), 5050, "rusak"), ErrorCode::kFailedPrecondition, "on_hand at 332709");
  EXPECT_ERROR(return_blanko(db(), at("3327"), {9000, 9001}, ""), ErrorCode::kFailedPrecondition, "never received");
  EXPECT_ERROR(return_blanko(db(), at("3327"), {5390, 5410}, ""), ErrorCode::kFailedPrecondition, "blanko 5401");
  EXPECT_EQ(count("SELECT COUNT(*) FROM blanko_movements"), movements);
  // Each refusal has its stable reason, which the web UI says in Indonesian.
  EXPECT_EQ(receive_blanko(db(), at("3328"), {5400, 5600}, "lain").error().reason, "blanko_already_received");
  EXPECT_EQ(transfer_blanko(db(), at("3327"), "332709", 280).error().reason, "blanko_short");
  EXPECT_EQ(spoil_blanko(db(), at("3327"), 5050, "rusak").error().reason, "blanko_not_on_hand");
  EXPECT_EQ(return_blanko(db(), at("3327"), {9000, 9001}, "").error().reason, "blanko_never_received");
  EXPECT_EQ(spoil_blanko(db(), at("3327"), 5122, "").error().reason, "reason_required");
  EXPECT_EQ(print_next(db(), at("3328")).error().reason, "no_blanko_on_hand");
  expect_reconciles();
  // Each movement is in the audit chain too.
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'blanko.%'"), movements);
}

TEST_P(PrintQueueTest, FirstCardsAndUrgentOnesGoFirstAndPrintingTakesTheLowestBlanko) {
  // Three residents ready in this order; the third is marked urgent.
  ready(adults[0], kNowMs - 30'000);
  ready(adults[1], kNowMs - 20'000);
  ready(adults[2], kNowMs - 10'000);
  auto queued = queue_ready_to_print(db(), kNowMs);
  ASSERT_OK(queued);
  EXPECT_EQ(*queued, 3);
  EXPECT_EQ(*queue_ready_to_print(db(), kNowMs), 0);  // once per person
  auto conn = db().connect();
  auto waiting = waiting_requests(**conn, "3327", 10);
  ASSERT_OK(waiting);
  ASSERT_EQ(waiting->size(), 3u);
  EXPECT_EQ((*waiting)[0].nik, adults[0]);
  ASSERT_OK(mark_urgent(db(), (*waiting)[2].id, "elderly", "supervisor", kNowMs));
  EXPECT_ERROR(mark_urgent(db(), (*waiting)[1].id, "vip", "supervisor", kNowMs), ErrorCode::kInvalidArgument, "hajj");

  // No stock: nothing is printed, and the refusal says so.
  EXPECT_ERROR(print_next(db(), at("3327")), ErrorCode::kFailedPrecondition, "no blanko on hand");
  ASSERT_OK(receive_blanko(db(), at("3327"), {8001, 8002}, "alokasi"));
  auto first = print_next(db(), at("3327", kNowMs + 1, "petugas.cetak"));
  ASSERT_OK(first);
  EXPECT_EQ(first->nik, adults[2]) << "the urgent request goes first";
  EXPECT_EQ(first->blanko_serial, 8001);
  EXPECT_EQ(first->status, PrintStatus::kPrinted);
  auto timeline = registry::timeline_of(**conn, adults[2]);
  ASSERT_OK(timeline);
  EXPECT_EQ(timeline->back().status, registry::EnrollmentStatus::kPrinted);
  EXPECT_EQ(count("SELECT card_printed FROM persons WHERE nik = $1", {adults[2]}), 1);

  // A replacement asked now waits behind first cards asked later.
  EXPECT_ERROR(request_replacement(db(), {adults[0], PrintReason::kLost, "LP/123/XII/2026", ""}, "petugas", kNowMs),
               ErrorCode::kFailedPrecondition, "already waits");
  auto replacement = request_replacement(db(), {adults[2], PrintReason::kLost, "LP/124/XII/2026", ""}, "petugas", kNowMs);
  ASSERT_OK(replacement);
  EXPECT_ERROR(request_replacement(db(), {adults[3], PrintReason::kDamaged, "retak", ""}, "petugas", kNowMs),
               ErrorCode::kFailedPrecondition, "never had a card");
  EXPECT_ERROR(request_replacement(db(), {adults[3], PrintReason::kLost, "", ""}, "petugas", kNowMs),
               ErrorCode::kInvalidArgument, "police report");
  ready(adults[4], kNowMs + 5'000);
  ASSERT_OK(queue_ready_to_print(db(), kNowMs + 6'000));
  waiting = waiting_requests(**conn, "3327", 10);
  ASSERT_OK(waiting);
  ASSERT_EQ(waiting->size(), 4u);
  EXPECT_EQ((*waiting)[0].nik, adults[0]);
  EXPECT_EQ((*waiting)[1].nik, adults[1]);
  EXPECT_EQ((*waiting)[2].nik, adults[4]);
  EXPECT_EQ((*waiting)[3].id, replacement->id);

  // A spoiled print: its blanko is spoiled, the request is back at its place, the timeline does
  // not say dicetak.
  auto second = print_next(db(), at("3327", kNowMs + 7'000, "petugas.cetak"));
  ASSERT_OK(second);
  EXPECT_EQ(second->nik, adults[0]);
  EXPECT_ERROR(spoil_print(db(), second->id, "", "petugas.cetak", kNowMs + 8'000), ErrorCode::kInvalidArgument, "reason");
  ASSERT_OK(spoil_print(db(), second->id, "tinta luntur", "petugas.cetak", kNowMs + 8'000));
  EXPECT_ERROR(spoil_print(db(), second->id, "lagi", "petugas.cetak", kNowMs + 8'000), ErrorCode::kFailedPrecondition,
               "waiting");
  waiting = waiting_requests(**conn, "3327", 10);
  ASSERT_OK(waiting);
  EXPECT_EQ((*waiting)[0].id, second->id);
  timeline = registry::timeline_of(**conn, adults[0]);
  ASSERT_OK(timeline);
  EXPECT_EQ(timeline->back().status, registry::EnrollmentStatus::kReadyToPrint);
  EXPECT_EQ(count("SELECT card_printed FROM persons WHERE nik = $1", {adults[0]}), 0);
  EXPECT_ERROR(print_next(db(), at("3327")), ErrorCode::kFailedPrecondition, "no blanko on hand");
  expect_reconciles();
  auto balance = office_balance(**conn, "3327");
  ASSERT_OK(balance);
  EXPECT_EQ(balance->used, 1);
  EXPECT_EQ(balance->spoiled, 1);
}

// Random receipts, transfers, spoils and returns beside two printers working at once.
TEST_P(PrintQueueTest, RandomMovementsWithTwoPrintersAlwaysReconcile) {
  for (std::size_t i = 0; i < adults.size(); ++i) ready(adults[i], kNowMs - 100'000 + static_cast<std::int64_t>(i));
  ASSERT_OK(queue_ready_to_print(db(), kNowMs));
  std::atomic<bool> stop{false};
  std::atomic<int> printed{0};
  std::vector<std::int64_t> used[2];
  auto printer = [&](int which) {
    while (!stop.load()) {
      auto card = print_next(db(), at("3327", kNowMs, which == 0 ? "printer.a" : "printer.b"));
      if (card) {
        used[which].push_back(card->blanko_serial);
        printed.fetch_add(1);
      } else if (card.error().code != ErrorCode::kFailedPrecondition) {
        ADD_FAILURE() << "printer " << which << ": " << card.error().message;
        return;
      } else {
        std::this_thread::sleep_for(milliseconds(2));
      }
    }
  };
  std::thread a(printer, 0), b(printer, 1);
  std::mt19937 random(20261203);
  std::int64_t next_serial = 10'001;
  const std::vector<std::string> offices = {"3327", "332709", "332701"};
  for (int step = 0; step < 60; ++step) {
    const std::string office = offices[random() % offices.size()];
    const std::string other = offices[(random() % 2 + 1 + (office == "3327" ? 0 : office == "332709" ? 1 : 2)) % 3];
    switch (random() % 5) {
      case 0:
      case 1: {
        const std::int64_t n = 1 + static_cast<std::int64_t>(random() % 5);
        ASSERT_OK(receive_blanko(db(), at(office), {next_serial, next_serial + n - 1}, "alokasi"));
        next_serial += n + static_cast<std::int64_t>(random() % 3);  // gaps between deliveries
        break;
      }
      case 2: {
        auto moved = transfer_blanko(db(), at(office), other, 1 + static_cast<std::int64_t>(random() % 3));
        if (!moved) {
          EXPECT_EQ(moved.error().code, ErrorCode::kFailedPrecondition) << moved.error().message;
        }
        break;
      }
      case 3: {
        auto conn = db().connect();
        auto lowest = lowest_on_hand(**conn, office);
        ASSERT_OK(lowest);
        if (*lowest) {
          auto spoiled = spoil_blanko(db(), at(office), **lowest, "rusak");
          // A printer may have taken it meanwhile.
          if (!spoiled) {
          EXPECT_EQ(spoiled.error().code, ErrorCode::kFailedPrecondition) << spoiled.error().message;
        }
        }
        break;
      }
      default: {
        auto returned = return_blanko(db(), at(office), {next_serial - 1, next_serial - 1}, "");
        if (!returned) {
          EXPECT_EQ(returned.error().code, ErrorCode::kFailedPrecondition) << returned.error().message;
        }
        break;
      }
    }
  }
  // Enough stock for the rest, then wait until the printers run dry.
  ASSERT_OK(receive_blanko(db(), at("3327"), {next_serial, next_serial + 50}, "alokasi-akhir"));
  for (int i = 0; i < 500 && count("SELECT COUNT(*) FROM print_requests WHERE status = 'waiting'") > 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  stop = true;
  a.join();
  b.join();
  EXPECT_EQ(printed.load(), static_cast<int>(adults.size()));
  std::set<std::int64_t> all;
  for (const auto& list : used) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), used[0].size() + used[1].size()) << "a blanko was used twice";
  EXPECT_EQ(count("SELECT COUNT(DISTINCT blanko_serial) FROM print_requests WHERE status = 'printed'"),
            static_cast<std::int64_t>(adults.size()));
  expect_reconciles();
}

TEST_P(PrintQueueTest, TheDemoStockIsSeededOnceAndReconciles) {
  auto seeded = seed_demo_stock(db(), "3327", kNowMs);
  ASSERT_OK(seeded);
  EXPECT_TRUE(*seeded);
  EXPECT_FALSE(*seed_demo_stock(db(), "3327", kNowMs));  // never twice
  auto conn = db().connect();
  EXPECT_EQ(*on_hand_count(**conn, "3327"), 2000 - 100 - 3);
  EXPECT_EQ(*on_hand_count(**conn, "332701"), 100);
  expect_reconciles();
  EXPECT_ERROR(seed_demo_stock(db(), "33", kNowMs), ErrorCode::kInvalidArgument, "office");
}

EKTP_INSTANTIATE_FOR_BACKENDS(PrintQueueTest);

}  // namespace
}  // namespace ektp::card
