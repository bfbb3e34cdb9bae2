// The ledger replay on its own: balances, where each number is, and each rule a movement can break.
#include "card/blanko_ledger.h"

#include <gtest/gtest.h>

namespace ektp::card {
namespace {

Movement mv(std::int64_t seq, std::string office, MovementKind kind, SerialRange serials, std::string counterpart = "",
            std::int64_t request = 0, std::string reason = "") {
  return {seq, std::move(office), kind, serials, std::move(counterpart), request, "petugas", std::move(reason), seq};
}

TEST(BlankoLedgerTest, BalancesFollowEveryKindOfMovement) {
  std::vector<Movement> ledger = {
      mv(1, "3327", MovementKind::kReceived, {1001, 1500}, "alokasi-2026-11"),
      mv(2, "3327", MovementKind::kTransferOut, {1001, 1100}, "332709"),
      mv(3, "332709", MovementKind::kTransferIn, {1001, 1100}, "3327"),
      mv(4, "332709", MovementKind::kUsed, {1001, 1001}, "", 7),
      mv(5, "332709", MovementKind::kUsed, {1002, 1002}, "", 8),
      mv(6, "332709", MovementKind::kPrintSpoiled, {1002, 1002}, "", 8, "tinta luntur"),
      mv(7, "3327", MovementKind::kSpoiled, {1101, 1101}, "", 0, "kartu retak"),
      mv(8, "3327", MovementKind::kReturned, {1401, 1500}, "", 0, "kelebihan"),
  };
  auto replay = replay_ledger(ledger);
  ASSERT_TRUE(replay.consistent()) << replay.problem;
  EXPECT_EQ(replay.offices["3327"].on_hand(), 500 - 100 - 1 - 100);
  EXPECT_EQ(replay.offices["332709"].on_hand(), 100 - 2);
  EXPECT_EQ(replay.offices["332709"].used, 1);
  EXPECT_EQ(replay.offices["332709"].spoiled, 1);
  EXPECT_EQ(replay.serials.at(1001), (SerialHolding{"332709", SerialState::kUsed, 7}));
  EXPECT_EQ(replay.serials.at(1002).state, SerialState::kSpoiled);
  EXPECT_EQ(replay.serials.at(1500).state, SerialState::kReturned);
  EXPECT_EQ(replay.serials.size(), 500u);
}

TEST(BlankoLedgerTest, EachBrokenRuleIsFoundAtItsMovement) {
  const Movement received = mv(1, "3327", MovementKind::kReceived, {1, 10}, "alokasi");
  struct Case {
    const char* what;
    Movement bad;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"received twice", mv(2, "3328", MovementKind::kReceived, {10, 12}, "lain"), "received before"},
      {"used twice", mv(3, "3327", MovementKind::kUsed, {1, 1}, "", 9), "not on hand"},
      {"used elsewhere", mv(2, "3328", MovementKind::kUsed, {2, 2}, "", 9), "not on hand"},
      {"used without a request", mv(2, "3327", MovementKind::kUsed, {2, 2}), "print request"},
      {"a use of two", mv(2, "3327", MovementKind::kUsed, {2, 3}, "", 9), "exactly one"},
      {"spoiled without a reason", mv(2, "3327", MovementKind::kSpoiled, {2, 2}), "reason"},
      {"never received", mv(2, "3327", MovementKind::kSpoiled, {50, 50}, "", 0, "rusak"), "never received"},
      {"in without out", mv(2, "332709", MovementKind::kTransferIn, {2, 3}, "3327"), "without its transfer out"},
      {"a bad range", mv(2, "3327", MovementKind::kReturned, {5, 4}), "before the first"},
      {"a spoiled print not used", mv(2, "3327", MovementKind::kPrintSpoiled, {2, 2}, "", 9, "x"), "spoiled print"},
  };
  for (const auto& c : cases) {
    std::vector<Movement> ledger = {received};
    if (std::string(c.what) == "used twice") ledger.push_back(mv(2, "3327", MovementKind::kUsed, {1, 1}, "", 8));
    ledger.push_back(c.bad);
    auto replay = replay_ledger(ledger);
    ASSERT_FALSE(replay.consistent()) << c.what;
    EXPECT_EQ(*replay.broken_at_seq, c.bad.seq) << c.what;
    EXPECT_NE(replay.problem.find(c.says), std::string::npos) << c.what << ": " << replay.problem;
  }
  // A transfer out that never arrives.
  auto open = replay_ledger({received, mv(2, "3327", MovementKind::kTransferOut, {1, 5}, "332709")});
  ASSERT_FALSE(open.consistent());
  EXPECT_NE(open.problem.find("without its transfer in"), std::string::npos);
}

TEST(BlankoLedgerTest, OfficesAndRangesAreChecked) {
  EXPECT_TRUE(validate_office_code("3327"));
  EXPECT_TRUE(validate_office_code("332709"));
  EXPECT_FALSE(validate_office_code("33"));
  EXPECT_FALSE(validate_office_code("33270a"));
  EXPECT_FALSE(validate_office_code("3327091001"));
  EXPECT_TRUE(validate_range({1, kRangeCountMax}));
  EXPECT_FALSE(validate_range({1, kRangeCountMax + 1}));
  EXPECT_FALSE(validate_range({0, 5}));
  EXPECT_FALSE(validate_range({kSerialMax, kSerialMax + 1}));
  EXPECT_FALSE(parse_movement_kind("stolen"));
  for (auto kind : {MovementKind::kReceived, MovementKind::kTransferOut, MovementKind::kTransferIn, MovementKind::kUsed,
                    MovementKind::kSpoiled, MovementKind::kReturned, MovementKind::kPrintSpoiled}) {
    EXPECT_EQ(*parse_movement_kind(movement_kind_id(kind)), kind);
  }
}

}  // namespace
}  // namespace ektp::card
