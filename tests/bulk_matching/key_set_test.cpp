#include "bulk_matching/key_set.h"

#include <gtest/gtest.h>

#include "core/splitmix64.h"

namespace ektp::bulk {
namespace {

TEST(KeySet, InsertsAndFindsThroughManyGrowths) {
  KeySet set;
  SplitMix64 random(42);
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < 100'000; ++i) keys.push_back(random.next());
  keys.push_back(0);  // 0 is kept out of line
  for (const auto k : keys) {
    EXPECT_TRUE(set.insert(k));
  }
  EXPECT_EQ(set.size(), keys.size());
  for (const auto k : keys) {
    EXPECT_FALSE(set.insert(k));
  }
  for (const auto k : keys) {
    EXPECT_TRUE(set.contains(k));
  }
  SplitMix64 other(7);
  int false_hits = 0;
  for (int i = 0; i < 10'000; ++i) false_hits += set.contains(other.next()) ? 1 : 0;
  EXPECT_EQ(false_hits, 0);
  // At most 8 / 0.567 bytes a key after the last growth.
  EXPECT_LE(set.memory_bytes(), keys.size() * 15);
}

TEST(KeySet, ReserveAvoidsGrowingAndNiksAreSequentialKeys) {
  KeySet set;
  set.reserve(50'000);
  const std::size_t reserved = set.memory_bytes();
  for (std::uint64_t k = 3327015508900001; k < 3327015508950001; ++k) set.insert(k);
  EXPECT_EQ(set.memory_bytes(), reserved);
  EXPECT_LE(reserved, 50'000u * 10);
  EXPECT_TRUE(set.contains(3327015508900001));
  EXPECT_FALSE(set.contains(3327015508950001));
}

TEST(KeySet, ProbeThenInsertAt) {
  KeySet set;
  for (std::uint64_t k = 1; k <= 1000; ++k) set.insert(k * 7919);
  const auto absent = set.probe(5);
  EXPECT_FALSE(absent.found);
  set.insert_at(absent, 5);
  EXPECT_TRUE(set.contains(5));
  EXPECT_TRUE(set.probe(7919).found);
  const auto zero = set.probe(0);
  EXPECT_FALSE(zero.found);
  set.insert_at(zero, 0);
  EXPECT_TRUE(set.probe(0).found);
  EXPECT_EQ(set.size(), 1002u);
}

TEST(KeySet, TextHashSeparatesSimilarKeys) {
  EXPECT_NE(hash_text("A-001"), hash_text("A-002"));
  EXPECT_NE(hash_text(""), hash_text(std::string_view("\0", 1)));
  EXPECT_NE(hash_text("12345678"), hash_text("123456789"));
  EXPECT_EQ(hash_text("ROW-17"), hash_text("ROW-17"));
}

}  // namespace
}  // namespace ektp::bulk
