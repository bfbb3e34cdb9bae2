#include "access/totp_secret_key.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace ektp::access {
namespace {

TEST(TotpSecretKeyTest, ASealedSecretOpensOnlyForItsUserWithItsKey) {
  const TotpSecretKey key = TotpSecretKey::random();
  const TotpSecret secret = new_totp_secret();
  const std::string sealed = key.seal("admin.dinas", secret);
  EXPECT_EQ(sealed.find(base32_encode(secret)), std::string::npos);
  auto opened = key.open_box("admin.dinas", sealed);
  ASSERT_OK(opened);
  EXPECT_EQ(*opened, secret);
  // Moved to another account, or opened with another server's key: refused.
  EXPECT_ERROR(key.open_box("budi.adj", sealed), ErrorCode::kDataLoss, "does not open");
  EXPECT_ERROR(TotpSecretKey::random().open_box("admin.dinas", sealed), ErrorCode::kDataLoss, "does not open");
  std::string tampered = sealed;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_ERROR(key.open_box("admin.dinas", tampered), ErrorCode::kDataLoss, "does not open");
  EXPECT_ERROR(key.open_box("admin.dinas", "abc"), ErrorCode::kDataLoss, "malformed");
  EXPECT_ERROR(key.open_box("admin.dinas", ""), ErrorCode::kDataLoss, "malformed");
}

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ektp-totp-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(TotpSecretKeyTest, TheKeyFileIsPrivateAndReadBack) {
  TempFolder dir;
  ASSERT_FALSE(dir.path().empty());
  const auto path = dir.path() / "totp.key";
  EXPECT_ERROR(TotpSecretKey::open(path, false), ErrorCode::kNotFound, "cannot be read");
  auto created = TotpSecretKey::open(path, true);
  ASSERT_OK(created);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string sealed = created->seal("admin.dinas", new_totp_secret());
  auto reopened = TotpSecretKey::open(path, true);  // an existing key is kept, not replaced
  ASSERT_OK(reopened);
  EXPECT_OK(reopened->open_box("admin.dinas", sealed));

  std::ofstream(dir.path() / "bad.key") << "not hex\n";
  EXPECT_ERROR(TotpSecretKey::open(dir.path() / "bad.key", false), ErrorCode::kDataLoss, "not a TOTP secret key");
}

}  // namespace
}  // namespace ektp::access
