// Row's conversions: never throw, NULL gives zero values, numeric text is parsed.
#include <gtest/gtest.h>

#include "store/database.h"

namespace ektp::store {
namespace {

Row make_row() {
  return Row({Null{}, std::int64_t{42}, 2.5, std::string("123"), std::string("4.75"),
              std::string("teks"), Blob{{'a', 0, 'b'}}});
}

TEST(RowTest, NullGivesEmptyValues) {
  Row row = make_row();
  EXPECT_TRUE(row.is_null(0));
  EXPECT_EQ(row.integer(0), 0);
  EXPECT_EQ(row.real(0), 0.0);
  EXPECT_EQ(row.text(0), "");
  EXPECT_TRUE(row.blob(0).empty());
}

TEST(RowTest, NumbersConvert) {
  Row row = make_row();
  EXPECT_FALSE(row.is_null(1));
  EXPECT_EQ(row.text(1), "42");
  EXPECT_EQ(row.real(1), 42.0);
  EXPECT_EQ(row.integer(2), 2);
  EXPECT_EQ(row.text(2), "2.5");
}

TEST(RowTest, NumericTextIsParsed) {
  Row row = make_row();
  EXPECT_EQ(row.integer(3), 123);
  EXPECT_EQ(row.real(4), 4.75);
  EXPECT_EQ(row.integer(4), 4);
  EXPECT_EQ(row.integer(5), 0);  // not a number
  EXPECT_EQ(row.real(5), 0.0);
}

TEST(RowTest, BlobsAndTextConvert) {
  Row row = make_row();
  EXPECT_EQ(row.blob(6), (std::vector<std::uint8_t>{'a', 0, 'b'}));
  EXPECT_EQ(row.text(6), std::string("a\0b", 3));
  EXPECT_EQ(row.blob(5), (std::vector<std::uint8_t>{'t', 'e', 'k', 's'}));
  EXPECT_EQ(row.size(), 7u);
}

}  // namespace
}  // namespace ektp::store
