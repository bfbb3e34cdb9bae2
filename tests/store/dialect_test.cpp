// The SQL rewriting shared by the back ends (store/dialect.h, internal to src/store).
#include "store/dialect.h"

#include <gtest/gtest.h>

namespace ektp::store::detail {
namespace {

TEST(DialectTest, ExpandsTokensPerBackend) {
  std::string sql = "CREATE TABLE t (id {ID}, b {BLOB}, at BIGINT DEFAULT 0); SELECT {NOW_MS}";
  std::string sqlite = expand_tokens(sql, Backend::kSQLite);
  EXPECT_NE(sqlite.find("id INTEGER PRIMARY KEY AUTOINCREMENT"), std::string::npos);
  EXPECT_NE(sqlite.find("b BLOB"), std::string::npos);
  EXPECT_NE(sqlite.find("julianday"), std::string::npos);
  std::string postgres = expand_tokens(sql, Backend::kPostgreSQL);
  EXPECT_NE(postgres.find("id BIGSERIAL PRIMARY KEY"), std::string::npos);
  EXPECT_NE(postgres.find("b BYTEA"), std::string::npos);
  EXPECT_NE(postgres.find("clock_timestamp()"), std::string::npos);
}

TEST(DialectTest, LeavesOtherBracesAlone) {
  EXPECT_EQ(expand_tokens("SELECT '{\"a\":{1}}', '{ID'", Backend::kSQLite),
            "SELECT '{\"a\":{1}}', '{ID'");
}

TEST(DialectTest, StripsForUpdateOutsideQuotes) {
  EXPECT_EQ(strip_for_update("SELECT x FROM t WHERE id = $1 FOR UPDATE"),
            "SELECT x FROM t WHERE id = $1");
  EXPECT_EQ(strip_for_update("SELECT x FROM t\n  for update;"), "SELECT x FROM t;");
  EXPECT_EQ(strip_for_update("SELECT x FROM t FOR UPDATE SKIP LOCKED LIMIT 1"),
            "SELECT x FROM t LIMIT 1");
  EXPECT_EQ(strip_for_update("SELECT x FROM t FOR UPDATE NOWAIT"), "SELECT x FROM t");
  EXPECT_EQ(strip_for_update("SELECT ' FOR UPDATE' FROM t"), "SELECT ' FOR UPDATE' FROM t");
  EXPECT_EQ(strip_for_update("SELECT for_update FROM t"), "SELECT for_update FROM t");
}

TEST(DialectTest, Identifiers) {
  EXPECT_TRUE(is_identifier("persons"));
  EXPECT_TRUE(is_identifier("_x1"));
  EXPECT_FALSE(is_identifier(""));
  EXPECT_FALSE(is_identifier("1x"));
  EXPECT_FALSE(is_identifier("a b"));
  EXPECT_FALSE(is_identifier("t; DROP TABLE t"));
}

}  // namespace
}  // namespace ektp::store::detail

namespace ektp::store::detail {
namespace {

TEST(DialectTest, PlaceholdersMustBeOneToN) {
  EXPECT_TRUE(check_placeholders("SELECT $2, $1, $2", 2).has_value());
  EXPECT_TRUE(check_placeholders("SELECT '$3', $1", 1).has_value());  // quoted: not a placeholder
  EXPECT_FALSE(check_placeholders("SELECT $1", 2).has_value());
  EXPECT_FALSE(check_placeholders("SELECT $1, $3", 2).has_value());
  EXPECT_FALSE(check_placeholders("SELECT $0", 1).has_value());
  EXPECT_FALSE(check_placeholders("SELECT $99999999999999999999999", 1).has_value());
  EXPECT_TRUE(check_placeholders("SELECT 1", 0).has_value());
}

}  // namespace
}  // namespace ektp::store::detail
