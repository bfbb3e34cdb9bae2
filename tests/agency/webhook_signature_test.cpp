// Standard Webhooks signatures: what is signed ("{id}.{timestamp}.{body}"), the "v1a," Ed25519
// form checked with libsodium directly, a test vector computed outside this code base, the
// published key forms (base64, "whpk_"), and the key file (mode 0600, the same key when opened
// again, refused when cut or edited). A signature of other content, another timestamp or another
// key does not verify.
#include "agency/webhook_signature.h"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace ektp::agency {
namespace {

namespace fs = std::filesystem;

// RFC 8032 §7.1, test 1: the secret key (seed) and its public key.
constexpr std::array<std::uint8_t, 32> kRfc8032Seed{
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
constexpr std::string_view kRfc8032PublicBase64 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
constexpr std::string_view kBody = R"({"specversion":"1.0","id":"ektp-event-42"})";
// Computed with Python's `cryptography` (not this code base):
//   k = Ed25519PrivateKey.from_private_bytes(bytes.fromhex("9d61b1…7f60"))
//   base64.b64encode(k.sign(b'msg_42.1796300000.{"specversion":"1.0","id":"ektp-event-42"}'))
// (Ed25519 is deterministic: every correct implementation gives these bytes.)
constexpr std::string_view kVectorSignature =
    "v1a,Vn2LcVERd7mdpzJpYY50VMdVfCPtVrefSUCGxTViKRrTKVxJujSmoGyfpyzRDCajGCR+qKtynB+sUfWwJJV8Bw==";

std::vector<unsigned char> base64_bytes(std::string_view text) {
  std::vector<unsigned char> out(text.size());
  std::size_t length = 0;
  EXPECT_EQ(sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, nullptr,
                              sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(length);
  return out;
}

TEST(WebhookSignatureTest, TheSignedContentIsIdTimestampAndBodyJoinedByDots) {
  EXPECT_EQ(webhook_signed_content("msg_42", 1796300000, kBody), std::string("msg_42.1796300000.") + std::string(kBody));
}

TEST(WebhookSignatureTest, ASignatureVerifiesWithLibsodiumAgainstThePublishedKey) {
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  const auto key = WebhookSigningKey::from_seed(seed);
  const std::string header = key.sign("msg_7", 1796300123, kBody);
  ASSERT_TRUE(header.starts_with("v1a,"));
  const auto signature = base64_bytes(std::string_view(header).substr(4));
  ASSERT_EQ(signature.size(), crypto_sign_BYTES);
  const auto public_key = base64_bytes(key.public_key_base64());
  ASSERT_EQ(public_key.size(), crypto_sign_PUBLICKEYBYTES);
  const std::string content = webhook_signed_content("msg_7", 1796300123, kBody);
  EXPECT_EQ(crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(content.data()),
                                        content.size(), public_key.data()),
            0);
  // Another timestamp, id or body: not this signature.
  for (const std::string& other : {webhook_signed_content("msg_7", 1796300124, kBody),
                                   webhook_signed_content("msg_8", 1796300123, kBody),
                                   webhook_signed_content("msg_7", 1796300123, std::string(kBody) + " ")}) {
    EXPECT_NE(crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(other.data()),
                                          other.size(), public_key.data()),
              0);
  }
  EXPECT_TRUE(verify_webhook_signature(key.public_key_base64(), "msg_7", 1796300123, kBody, header));
  EXPECT_TRUE(verify_webhook_signature(key.public_key_whpk(), "msg_7", 1796300123, kBody, "v1a,AAAA " + header));
  EXPECT_FALSE(verify_webhook_signature(key.public_key_base64(), "msg_7", 1796300124, kBody, header));
  EXPECT_FALSE(verify_webhook_signature(key.public_key_base64(), "msg_7", 1796300123, kBody, "v1," + header.substr(4)));
  EXPECT_FALSE(verify_webhook_signature("not base64!", "msg_7", 1796300123, kBody, header));
}

TEST(WebhookSignatureTest, TheKeyOfAKnownSeedSignsTheIndependentlyComputedVector) {
  const auto key = WebhookSigningKey::from_seed(kRfc8032Seed);
  EXPECT_EQ(key.public_key_base64(), kRfc8032PublicBase64);
  EXPECT_EQ(key.public_key_whpk(), "whpk_" + std::string(kRfc8032PublicBase64));
  EXPECT_EQ(key.sign("msg_42", 1796300000, kBody), kVectorSignature);
  EXPECT_TRUE(verify_webhook_signature(kRfc8032PublicBase64, "msg_42", 1796300000, kBody, kVectorSignature));
}

class WebhookKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ektp_webhook_key_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(WebhookKeyFileTest, TheKeyIsMadeOnceInAPrivateFileAndReadBackTheSame) {
  const fs::path path = default_webhook_key_path(dir_);
  EXPECT_EQ(path.filename(), "webhook-signing.key");
  EXPECT_ERROR(WebhookSigningKey::open(path, false), ErrorCode::kNotFound, "");
  auto made = WebhookSigningKey::open(path, true);
  ASSERT_OK(made);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto again = WebhookSigningKey::open(path, true);
  ASSERT_OK(again);
  EXPECT_EQ(again->public_key_base64(), made->public_key_base64());
  const std::string signed_once = made->sign("msg_1", 1, "{}");
  EXPECT_TRUE(verify_webhook_signature(again->public_key_base64(), "msg_1", 1, "{}", signed_once));
}

TEST_F(WebhookKeyFileTest, AFileThatIsNotTheKeyIsRefused) {
  const fs::path path = dir_ / "webhook-signing.key";
  ASSERT_OK(WebhookSigningKey::open(path, true));
  std::string hex;
  std::ifstream(path) >> hex;
  ASSERT_EQ(hex.size(), 128u);
  hex[100] = hex[100] == 'a' ? 'b' : 'a';  // the public half no longer fits the seed
  fs::remove(path);
  std::ofstream(path) << hex << "\n";
  EXPECT_ERROR(WebhookSigningKey::open(path, true), ErrorCode::kDataLoss, "not a webhook signing key");
  std::ofstream(path, std::ios::trunc) << hex.substr(0, 60) << "\n";
  EXPECT_ERROR(WebhookSigningKey::open(path, true), ErrorCode::kDataLoss, "not a webhook signing key");
}

}  // namespace
}  // namespace ektp::agency
