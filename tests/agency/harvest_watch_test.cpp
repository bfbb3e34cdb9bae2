// Harvest watching on SQLite and PostgreSQL: ten consecutive serials under one prefix are a sweep
// and nine are not; more than 30 % unknown NIKs over at least 20 lookups is guessing, fewer is not;
// each key is watched on its own.
#include "agency/harvest_watch.h"

#include <fmt/format.h>

#include "agency_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::AgencyTest;
using test_fixture::kNowMs;

class HarvestWatchTest : public AgencyTest {
 protected:
  void lookup(const std::string& key, const std::string& nik, bool found) {
    auto conn = db().connect();
    ASSERT_TRUE(conn.has_value());
    ASSERT_TRUE(record_lookup(**conn, key, nik, found, kNowMs).has_value());
  }
  std::optional<std::string> signal(const std::string& key) {
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    auto s = harvest_signal(**conn, key);
    EXPECT_TRUE(s.has_value());
    return s ? *s : std::nullopt;
  }
};

TEST_P(HarvestWatchTest, TenConsecutiveSerialsAreASweep) {
  for (int serial = 1; serial <= 9; ++serial) lookup("key-a", fmt::format("332701410190{:04}", serial * 1), true);
  EXPECT_FALSE(signal("key-a").has_value()) << "nine in a row";
  lookup("key-a", "3327014101900010", true);
  auto found = signal("key-a");
  ASSERT_TRUE(found.has_value());
  EXPECT_NE(found->find("consecutive"), std::string::npos) << *found;
  EXPECT_FALSE(signal("key-b").has_value()) << "another key is watched on its own";
  // Spread serials (a member check now and then) are no sweep.
  for (int serial = 1; serial <= 12; ++serial) lookup("key-c", fmt::format("332701410190{:04}", serial * 7), true);
  EXPECT_FALSE(signal("key-c").has_value());
}

TEST_P(HarvestWatchTest, ManyUnknownNiksAreGuessing) {
  for (int i = 0; i < 20; ++i) lookup("key-d", fmt::format("3327{:012}", 100000000000LL + i * 97), i % 5 != 0);
  EXPECT_FALSE(signal("key-d").has_value()) << "4 of 20 unknown";
  for (int i = 0; i < 20; ++i) lookup("key-e", fmt::format("3327{:012}", 200000000000LL + i * 97), i % 3 != 0);
  auto guessing = signal("key-e");
  ASSERT_TRUE(guessing.has_value()) << "7 of 20 unknown";
  EXPECT_NE(guessing->find("not in the register"), std::string::npos);
  for (int i = 0; i < 10; ++i) lookup("key-f", fmt::format("3327{:012}", 300000000000LL + i * 97), false);
  EXPECT_FALSE(signal("key-f").has_value()) << "too few lookups to judge";
}

EKTP_INSTANTIATE_FOR_BACKENDS(HarvestWatchTest);

}  // namespace
}  // namespace ektp::agency
