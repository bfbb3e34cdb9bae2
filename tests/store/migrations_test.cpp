// migrate() and schema_version() on both back ends, including two migrators at once.
#include "store/migrations.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::store {
namespace {

const std::vector<Migration>& two_migrations() {
  static const std::vector<Migration> migrations = {
      {1, "towns",
       "CREATE TABLE towns (id {ID}, name TEXT NOT NULL); "
       "CREATE INDEX towns_name ON towns (name);"},
      {2, "photos",
       "CREATE TABLE photos (id {ID}, town_id BIGINT NOT NULL, image {BLOB} NOT NULL,"
       " taken_at_ms BIGINT NOT NULL DEFAULT 0);"},
  };
  return migrations;
}

class MigrationsTest : public test::BackendTest {};

TEST_P(MigrationsTest, EmptyDatabaseIsVersionZero) {
  auto version = schema_version(db());
  ASSERT_OK(version);
  EXPECT_EQ(*version, 0);
}

TEST_P(MigrationsTest, AppliesInOrderOnceAndRecordsThem) {
  auto applied = migrate(db(), two_migrations());
  ASSERT_OK(applied);
  EXPECT_EQ(*applied, (std::vector<int>{1, 2}));
  auto version = schema_version(db());
  ASSERT_OK(version);
  EXPECT_EQ(*version, 2);

  auto again = migrate(db(), two_migrations());
  ASSERT_OK(again);
  EXPECT_TRUE(again->empty());

  auto connection = db().connect();
  ASSERT_OK(connection);
  auto recorded =
      (*connection)
          ->execute("SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_OK(recorded);
  ASSERT_EQ(recorded->rows.size(), 2u);
  EXPECT_EQ(recorded->rows[1].text(1), "photos");
  EXPECT_GT(recorded->rows[1].integer(2), 1'700'000'000'000);
  ASSERT_OK((*connection)
                ->execute("INSERT INTO photos (town_id, image) VALUES ($1, $2)",
                          {std::int64_t{1}, Blob{{1, 0, 2}}}));
}

TEST_P(MigrationsTest, AppliesOnlyTheNewOnes) {
  std::vector<Migration> first = {two_migrations()[0]};
  ASSERT_OK(migrate(db(), first));
  auto applied = migrate(db(), two_migrations());
  ASSERT_OK(applied);
  EXPECT_EQ(*applied, (std::vector<int>{2}));
}

TEST_P(MigrationsTest, FailedMigrationIsNotRecordedAndKeepsEarlierOnes) {
  std::vector<Migration> migrations = two_migrations();
  migrations.push_back({3, "broken", "CREATE TABLE ok_before_error (x INTEGER); CREATE TABLE (;"});
  auto applied = migrate(db(), migrations);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code, ErrorCode::kInternal);
  EXPECT_NE(applied.error().message.find("migration 3 (broken)"), std::string::npos)
      << applied.error().message;
  auto version = schema_version(db());
  ASSERT_OK(version);
  EXPECT_EQ(*version, 2);
  auto connection = db().connect();
  ASSERT_OK(connection);
  EXPECT_FALSE((*connection)->execute("SELECT * FROM ok_before_error").has_value());
}

TEST_P(MigrationsTest, RejectsUnorderedVersions) {
  std::vector<Migration> migrations = {{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}};
  EXPECT_ERROR(migrate(db(), migrations), ErrorCode::kInvalidArgument, "increasing");
}

TEST_P(MigrationsTest, RefusesADatabaseNewerThanTheProgram) {
  ASSERT_OK(migrate(db(), two_migrations()));
  std::vector<Migration> older = {two_migrations()[0]};
  EXPECT_ERROR(migrate(db(), older), ErrorCode::kFailedPrecondition, "newer");
}

TEST_P(MigrationsTest, TwoMigratorsAtOnceApplyEachMigrationOnce) {
  // A second Database on the same data stands for a second process.
  auto other = Database::open(test_database().url());
  ASSERT_OK(other);
  Result<std::vector<int>> first_applied = std::vector<int>{};
  Result<std::vector<int>> second_applied = std::vector<int>{};
  std::thread first([&] { first_applied = migrate(db(), two_migrations()); });
  std::thread second([&] { second_applied = migrate(**other, two_migrations()); });
  first.join();
  second.join();
  ASSERT_OK(first_applied);
  ASSERT_OK(second_applied);
  std::vector<int> all = *first_applied;
  all.insert(all.end(), second_applied->begin(), second_applied->end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<int>{1, 2}));
  auto version = schema_version(**other);
  ASSERT_OK(version);
  EXPECT_EQ(*version, 2);
}

TEST_P(MigrationsTest, RegistryMigrationsApply) {
  auto applied = migrate(db(), registry_migrations());
  ASSERT_OK(applied);
  EXPECT_FALSE(applied->empty());
  auto version = schema_version(db());
  ASSERT_OK(version);
  EXPECT_EQ(*version, registry_migrations().back().version);
  auto connection = db().connect();
  ASSERT_OK(connection);
  ASSERT_OK(
      (*connection)
          ->execute("INSERT INTO audit_log (at_ms, actor, action, subject, detail, prev_hash, hash)"
                    " VALUES ({NOW_MS}, $1, $2, $3, $4, $5, $6)",
                    {std::string("admin"), std::string("login"), std::string(""), std::string("{}"),
                     std::string(""), std::string("h1")}));
  auto seq = (*connection)->execute("SELECT seq FROM audit_log");
  ASSERT_OK(seq);
  EXPECT_EQ(seq->rows.at(0).integer(0), 1);
  auto again = migrate(db(), registry_migrations());
  ASSERT_OK(again);
  EXPECT_TRUE(again->empty());
}

EKTP_INSTANTIATE_FOR_BACKENDS(MigrationsTest);

}  // namespace
}  // namespace ektp::store
