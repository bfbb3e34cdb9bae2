// SQLite database files hold every resident's data and the secret signing keys: they are created
// 0600 whatever the umask, their -wal and -shm files too, and an existing world-readable file is
// tightened when opened.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/database.h"

namespace ektp::store {
namespace {

class FileModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "ektp_mode_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
    old_umask_ = ::umask(022);  // the usual default: files 0644
  }
  void TearDown() override {
    ::umask(old_umask_);
    std::filesystem::remove_all(directory_);
  }
  static unsigned mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  std::string directory_;
  mode_t old_umask_ = 0;
};

TEST_F(FileModeTest, ANewDatabaseAndItsWalAreReadableByTheOwnerOnly) {
  const std::string path = directory_ + "/central.db";
  auto db = Database::open("sqlite:" + path);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  auto conn = (*db)->connect();
  ASSERT_TRUE(conn.has_value());
  ASSERT_TRUE((*conn)->execute("CREATE TABLE secrets (k TEXT)", {}).has_value());
  ASSERT_TRUE((*conn)->execute("INSERT INTO secrets VALUES ('sk')", {}).has_value());
  EXPECT_EQ(mode_of(path), 0600u);
  ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
  EXPECT_EQ(mode_of(path + "-wal"), 0600u);
  EXPECT_EQ(mode_of(path + "-shm"), 0600u);
}

TEST_F(FileModeTest, AnExistingWorldReadableDatabaseIsTightened) {
  const std::string path = directory_ + "/station.db";
  {
    auto db = Database::open("sqlite:" + path);
    ASSERT_TRUE(db.has_value());
    auto conn = (*db)->connect();
    ASSERT_TRUE((*conn)->execute("CREATE TABLE t (x INTEGER)", {}).has_value());
  }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  if (std::filesystem::exists(path + "-wal")) {
    ASSERT_EQ(::chmod((path + "-wal").c_str(), 0644), 0);
  }
  auto db = Database::open("sqlite:" + path);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ(mode_of(path), 0600u);
  if (std::filesystem::exists(path + "-wal")) {
    EXPECT_EQ(mode_of(path + "-wal"), 0600u);
  }
}

}  // namespace
}  // namespace ektp::store
