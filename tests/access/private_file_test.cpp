// Small files beside the database: a secret written once (0600 whatever the umask, never
// overwritten), a file replaced whole by rename (the mode asked for, the old content until the
// new one is complete, nothing left behind when it cannot be written), read back with a limit.
#include "access/private_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace ektp::access {
namespace {

class PrivateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("ektp-private-file-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  static unsigned mode_of(const std::filesystem::path& p) {
    struct stat info {};
    EXPECT_EQ(::stat(p.c_str(), &info), 0);
    return info.st_mode & 0777;
  }
  std::filesystem::path dir;
};

TEST_F(PrivateFileTest, ASecretIsWrittenOnceWithMode0600) {
  const auto old_umask = ::umask(0);
  ASSERT_TRUE(write_new_private_file(dir / "key", "secret\n").has_value());
  ::umask(old_umask);
  EXPECT_EQ(mode_of(dir / "key"), 0600u);
  EXPECT_FALSE(write_new_private_file(dir / "key", "other").has_value()) << "never overwritten";
  EXPECT_EQ(*read_small_file(dir / "key", 64), "secret");
}

TEST_F(PrivateFileTest, AFileIsReplacedWholeWithTheModeAskedFor) {
  const auto old_umask = ::umask(0077);
  ASSERT_TRUE(replace_file(dir / "list.json", "first", 0644).has_value());
  EXPECT_EQ(mode_of(dir / "list.json"), 0644u) << "whatever the umask";
  ASSERT_TRUE(replace_file(dir / "list.json", "second", 0644).has_value());
  ::umask(old_umask);
  EXPECT_EQ(*read_small_file(dir / "list.json", 64), "second");
  EXPECT_FALSE(std::filesystem::exists(dir / "list.json.tmp"));
  ASSERT_TRUE(replace_file(dir / "card.state", "state", 0600).has_value());
  EXPECT_EQ(mode_of(dir / "card.state"), 0600u);
}

TEST_F(PrivateFileTest, AReplacementThatCannotBeWrittenLeavesNothing) {
  auto missing = replace_file(dir / "no-such-folder" / "x", "content", 0644);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
  // A folder where the file should be: the rename fails, the old one stays and no temporary is left.
  std::filesystem::create_directories(dir / "occupied");
  std::filesystem::create_directories(dir / "occupied" / "inside");
  EXPECT_FALSE(replace_file(dir / "occupied", "content", 0644).has_value());
  EXPECT_TRUE(std::filesystem::is_directory(dir / "occupied" / "inside"));
  EXPECT_FALSE(std::filesystem::exists(dir / "occupied.tmp"));
}

TEST_F(PrivateFileTest, ReadingIsBounded) {
  ASSERT_TRUE(replace_file(dir / "big", std::string(100, 'x'), 0600).has_value());
  EXPECT_EQ(read_small_file(dir / "big", 99).error().code, ErrorCode::kDataLoss);
  EXPECT_EQ(read_small_file(dir / "absent", 99).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ektp::access
