// Kecamatan that print their residents' cards, on SQLite and PostgreSQL: once registered, a
// resident's new request waits in the kecamatan's queue and is printed from its own stock, and
// while it has none (and none is announced) the ready date says so; requests queued before stay
// at the Dinas; a Dinas always prints and is not registered; a kecamatan is registered once.
#include "card/printing_offices.h"

#include <gtest/gtest.h>

#include "card/print_queue.h"
#include "card/ready_date_source.h"
#include "store/migrations.h"
#include "support/card_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kNowMs = 1'796'300'000'000;  // 2026-12-03
constexpr std::int64_t kDayMs = 86'400'000;

class PrintingOfficesTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    adults = test::demo_adults_without_card(db(), 200, 60);
    ASSERT_EQ(adults.size(), 60u);
    // Two residents of one kecamatan, one of another.
    kecamatan = adults[0].substr(0, 6);
    for (const auto& nik : adults) {
      if (nik.substr(0, 6) == kecamatan) same.push_back(nik); else if (other.empty()) other = nik;
    }
    ASSERT_GE(same.size(), 3u);
    ASSERT_FALSE(other.empty());
  }
  std::string office_of_request(const std::string& nik) {
    auto conn = db().connect();
    auto rows = (*conn)->execute("SELECT office_code FROM print_requests WHERE nik = $1 ORDER BY id DESC", {nik});
    EXPECT_TRUE(rows.has_value() && !rows->rows.empty());
    return rows && !rows->rows.empty() ? rows->rows.front().text(0) : "";
  }

  std::vector<std::string> adults, same;
  std::string kecamatan, other;
};

TEST_P(PrintingOfficesTest, ARegisteredKecamatanQueuesAndPrintsItsResidentsCards) {
  // Before: the Dinas prints everyone's.
  test::insert_ready_enrollment(db(), same[0], kNowMs - 3 * kDayMs, "");
  ASSERT_OK(queue_ready_to_print(db(), kNowMs - 3 * kDayMs));
  EXPECT_EQ(office_of_request(same[0]), "3327");

  ASSERT_OK(register_printing_office(db(), {kecamatan, "supervisor.dinas", kNowMs - 2 * kDayMs}));
  test::insert_ready_enrollment(db(), same[1], kNowMs - kDayMs, "");
  test::insert_ready_enrollment(db(), other, kNowMs - kDayMs, "");
  ASSERT_OK(queue_ready_to_print(db(), kNowMs - kDayMs));
  EXPECT_EQ(office_of_request(same[1]), kecamatan);
  EXPECT_EQ(office_of_request(other), "3327");
  EXPECT_EQ(office_of_request(same[0]), "3327");  // queued before: stays

  {
    auto conn = db().connect();
    ASSERT_OK(conn);
    EXPECT_EQ(*office_prints(**conn, kecamatan), true);
    EXPECT_EQ(*office_prints(**conn, "3327"), true);
    EXPECT_EQ(*office_prints(**conn, other.substr(0, 6) == kecamatan ? "332799" : other.substr(0, 6)), false);
    EXPECT_EQ(*printing_office_of(**conn, same[2].substr(0, 6) + "1001"), kecamatan);
    // Nothing on hand at the kecamatan, nothing announced: no date, and why.
    auto ready = ready_date_of_person(**conn, same[1], kNowMs);
    ASSERT_OK(ready);
    ASSERT_TRUE(ready->has_value());
    EXPECT_FALSE((*ready)->answer.estimate.has_value());
    EXPECT_EQ((*ready)->answer.no_date_reason, ready_reason::kNoStockNoDelivery);
  }
  // The Dinas's stock does not print the kecamatan's queue; its own does.
  ASSERT_OK(receive_blanko(db(), {"3327", "petugas.stok", kNowMs}, {1, 100}, "alokasi"));
  auto at_dinas = print_next(db(), {"3327", "petugas.cetak", kNowMs + 1000});
  ASSERT_OK(at_dinas);
  EXPECT_NE(at_dinas->nik, same[1]);
  EXPECT_ERROR(print_next(db(), {kecamatan, "petugas.cetak", kNowMs + 2000}), ErrorCode::kFailedPrecondition,
               "no blanko");
  ASSERT_OK(transfer_blanko(db(), {"3327", "petugas.stok", kNowMs + 3000}, kecamatan, 10));
  auto at_kecamatan = print_next(db(), {kecamatan, "petugas.cetak", kNowMs + 4000});
  ASSERT_OK(at_kecamatan);
  EXPECT_EQ(at_kecamatan->nik, same[1]);
  EXPECT_EQ(at_kecamatan->office, kecamatan);
}

TEST_P(PrintingOfficesTest, ADinasIsNotRegisteredAndAKecamatanOnlyOnce) {
  EXPECT_ERROR(register_printing_office(db(), {"3327", "supervisor.dinas", kNowMs}), ErrorCode::kInvalidArgument,
               "a Dinas always prints");
  EXPECT_ERROR(register_printing_office(db(), {"33270", "supervisor.dinas", kNowMs}), ErrorCode::kInvalidArgument, "");
  EXPECT_ERROR(register_printing_office(db(), {kecamatan, "", kNowMs}), ErrorCode::kInvalidArgument, "actor");
  ASSERT_OK(register_printing_office(db(), {kecamatan, "supervisor.dinas", kNowMs}));
  auto again = register_printing_office(db(), {kecamatan, "supervisor.dinas", kNowMs});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().reason, printing_reason::kAlreadyPrints);
}

EKTP_INSTANTIATE_FOR_BACKENDS(PrintingOfficesTest);

}  // namespace
}  // namespace ektp::card
