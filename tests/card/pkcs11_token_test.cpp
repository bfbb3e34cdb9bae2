// Keys in a PKCS#11 token, against a throwaway SoftHSM2 token: ECDSA P-256 signatures that
// OpenSSL verifies with the public key the token gives out, HMAC with a token secret, private and
// secret keys that cannot be read out, and the refusals (wrong PIN, unknown token or key label,
// a label in use, a digest of the wrong size). Also where the PIN comes from (read_token_pin).
#include "card/pkcs11_token.h"
#include "card/token_pin.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "support/softhsm_token.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

constexpr std::string_view kTokenA = "ektp-test-a";
constexpr std::string_view kTokenB = "ektp-test-b";
constexpr std::string_view kPin = "246810";
constexpr std::string_view kSoPin = "13579111";

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

std::array<std::uint8_t, 32> sha256(std::string_view text) {
  std::array<std::uint8_t, 32> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return digest;
}

// 1 when `signature` (DER ECDSA-Sig-Value) verifies over `digest` with `spki` (DER).
int openssl_verify(const std::vector<std::uint8_t>& spki, std::span<const std::uint8_t> digest,
                   const std::vector<std::uint8_t>& signature) {
  const unsigned char* p = spki.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  if (key == nullptr) return -100;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  int verdict = -101;
  if (ctx != nullptr && EVP_PKEY_verify_init(ctx) == 1) {
    verdict = EVP_PKEY_verify(ctx, signature.data(), signature.size(), digest.data(), digest.size());
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(key);
  return verdict;
}

class Pkcs11TokenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test::softhsm_available()) return;
    ASSERT_TRUE(test::make_softhsm_token(kTokenA, kSoPin, kPin));
    ASSERT_TRUE(test::make_softhsm_token(kTokenB, kSoPin, kPin));
  }
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
  static Pkcs11Token open_a() {
    auto token = Pkcs11Token::open(test::kSoftHsmModule, kTokenA, kPin);
    if (!token) throw std::runtime_error(token.error().message);
    return std::move(*token);
  }
};

TEST_F(Pkcs11TokenTest, SignsADigestThatOpenSslVerifiesWithThePublicKey) {
  Pkcs11Token token = open_a();
  ASSERT_OK(token.generate_ec_key("csca-2025"));
  EXPECT_TRUE(token.has_key("csca-2025"));
  auto spki = token.public_key_der("csca-2025");
  ASSERT_OK(spki);
  EXPECT_EQ(spki->size(), 91u);  // SEQUENCE { P-256 AlgorithmIdentifier, BIT STRING of 65 bytes + 1 }

  const auto digest = sha256("the Document Signer certificate to be signed");
  auto signature = token.sign_digest("csca-2025", digest);
  ASSERT_OK(signature);
  EXPECT_EQ(signature->front(), 0x30);  // DER SEQUENCE { r, s }, not raw r ‖ s
  EXPECT_EQ(openssl_verify(*spki, digest, *signature), 1);

  const auto other = sha256("another certificate");
  EXPECT_NE(openssl_verify(*spki, other, *signature), 1);
  // ECDSA is randomised: a second signature differs and verifies too.
  auto again = token.sign_digest("csca-2025", digest);
  ASSERT_OK(again);
  EXPECT_NE(*again, *signature);
  EXPECT_EQ(openssl_verify(*spki, digest, *again), 1);
}

TEST_F(Pkcs11TokenTest, KeysOutliveTheSessionThatMadeThem) {
  std::vector<std::uint8_t> spki;
  {
    Pkcs11Token token = open_a();
    ASSERT_OK(token.generate_ec_key("ds-persist"));
    auto der = token.public_key_der("ds-persist");
    ASSERT_OK(der);
    spki = *der;
  }
  Pkcs11Token token = open_a();  // after C_Finalize and a fresh C_Initialize
  const auto digest = sha256("a chip's security object");
  auto signature = token.sign_digest("ds-persist", digest);
  ASSERT_OK(signature);
  EXPECT_EQ(openssl_verify(spki, digest, *signature), 1);
}

TEST_F(Pkcs11TokenTest, TheDocumentSignerPrivateKeyCannotBeReadOut) {
  Pkcs11Token token = open_a();
  ASSERT_OK(token.generate_ec_key("ds-2025"));
  auto value = token.read_secret_value("ds-2025");
  ASSERT_FALSE(value.has_value()) << "the token handed out " << value->size() << " bytes of the private key";
  EXPECT_EQ(value.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(value.error().reason, "key_not_extractable");
  EXPECT_NE(value.error().message.find("CKR_ATTRIBUTE_SENSITIVE"), std::string::npos) << value.error().message;

  auto flags = token.key_flags("ds-2025");
  ASSERT_OK(flags);
  EXPECT_TRUE(flags->sensitive);
  EXPECT_FALSE(flags->extractable);
  EXPECT_TRUE(flags->always_sensitive);
  EXPECT_TRUE(flags->never_extractable);
}

TEST_F(Pkcs11TokenTest, HmacWithATokenSecretIsDeterministicAndTheSecretStaysInside) {
  Pkcs11Token token = open_a();
  ASSERT_OK(token.generate_secret("kmac-master"));
  EXPECT_TRUE(token.has_key("kmac-master"));
  const auto serial = bytes_of("chip serial 0001");
  auto first = token.hmac_sha256("kmac-master", serial);
  auto second = token.hmac_sha256("kmac-master", serial);
  auto other = token.hmac_sha256("kmac-master", bytes_of("chip serial 0002"));
  ASSERT_OK(first);
  ASSERT_OK(second);
  ASSERT_OK(other);
  EXPECT_EQ(*first, *second);
  EXPECT_NE(*first, *other);

  // A second secret gives a different MAC over the same data.
  ASSERT_OK(token.generate_secret("kenc-master"));
  auto enc = token.hmac_sha256("kenc-master", serial);
  ASSERT_OK(enc);
  EXPECT_NE(*enc, *first);

  EXPECT_ERROR(token.read_secret_value("kmac-master"), ErrorCode::kPermissionDenied, "refuses to reveal");
  auto flags = token.key_flags("kmac-master");
  ASSERT_OK(flags);
  EXPECT_TRUE(flags->sensitive);
  EXPECT_FALSE(flags->extractable);
}

TEST_F(Pkcs11TokenTest, AWrongPinIsRefused) {
  auto refused = Pkcs11Token::open(test::kSoftHsmModule, kTokenB, "000000");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().reason, "token_pin_refused");
  EXPECT_NE(refused.error().message.find("CKR_PIN_INCORRECT"), std::string::npos) << refused.error().message;

  // While the token is logged in (PKCS#11 login is per process), a wrong PIN is still refused.
  auto open = Pkcs11Token::open(test::kSoftHsmModule, kTokenB, kPin);
  ASSERT_OK(open);
  auto second = Pkcs11Token::open(test::kSoftHsmModule, kTokenB, "000000");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().reason, "token_pin_refused");
}

TEST_F(Pkcs11TokenTest, TwoTokensOfOneModuleAndTwoOpensOfOneTokenLiveTogether) {
  Pkcs11Token a = open_a();
  auto b = Pkcs11Token::open(test::kSoftHsmModule, kTokenB, kPin);
  ASSERT_OK(b);
  ASSERT_OK(b->generate_secret("only-in-b"));
  EXPECT_FALSE(a.has_key("only-in-b"));
  {
    Pkcs11Token a_again = open_a();
    ASSERT_OK(a_again.generate_secret("shared-a"));
  }  // closing the second open does not log the first out
  EXPECT_OK(a.hmac_sha256("shared-a", bytes_of("x")));
  Pkcs11Token moved = std::move(a);
  EXPECT_OK(moved.hmac_sha256("shared-a", bytes_of("x")));
  EXPECT_EQ(moved.label(), kTokenA);
}

TEST_F(Pkcs11TokenTest, AnUnknownTokenLabelIsRefusedNamingTheTokensPresent) {
  auto missing = Pkcs11Token::open(test::kSoftHsmModule, "ektp-no-such-token", kPin);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("'ektp-test-a'"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("'ektp-test-b'"), std::string::npos) << missing.error().message;
}

TEST_F(Pkcs11TokenTest, AModuleThatDoesNotLoadIsUnavailable) {
  EXPECT_ERROR(Pkcs11Token::open("/nonexistent/libpkcs11.so", kTokenA, kPin), ErrorCode::kUnavailable,
               "cannot load PKCS#11 module");
}

TEST_F(Pkcs11TokenTest, ALabelInUseIsRefused) {
  Pkcs11Token token = open_a();
  ASSERT_OK(token.generate_ec_key("csca-dup"));
  auto again = token.generate_ec_key("csca-dup");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().reason, "key_label_taken");
  EXPECT_ERROR(token.generate_secret("csca-dup"), ErrorCode::kAlreadyExists, "csca-dup");
  EXPECT_ERROR(token.generate_ec_key(""), ErrorCode::kInvalidArgument, "empty");
}

TEST_F(Pkcs11TokenTest, AnUnknownKeyLabelIsNotFound) {
  Pkcs11Token token = open_a();
  EXPECT_FALSE(token.has_key("no-such-key"));
  const auto digest = sha256("x");
  EXPECT_ERROR(token.public_key_der("no-such-key"), ErrorCode::kNotFound, "no-such-key");
  EXPECT_ERROR(token.sign_digest("no-such-key", digest), ErrorCode::kNotFound, "no-such-key");
  EXPECT_ERROR(token.hmac_sha256("no-such-key", digest), ErrorCode::kNotFound, "no-such-key");
  EXPECT_ERROR(token.read_secret_value("no-such-key"), ErrorCode::kNotFound, "no-such-key");
  EXPECT_ERROR(token.key_flags("no-such-key"), ErrorCode::kNotFound, "no-such-key");
  // A key of the wrong kind is not found either: a secret has no public key, a pair no secret.
  ASSERT_OK(token.generate_secret("a-secret"));
  EXPECT_ERROR(token.sign_digest("a-secret", digest), ErrorCode::kNotFound, "private key");
  ASSERT_OK(token.generate_ec_key("a-pair"));
  EXPECT_ERROR(token.hmac_sha256("a-pair", digest), ErrorCode::kNotFound, "secret key");
}

TEST_F(Pkcs11TokenTest, ADigestOfTheWrongLengthIsRefused) {
  Pkcs11Token token = open_a();
  ASSERT_OK(token.generate_ec_key("csca-len"));
  const std::vector<std::uint8_t> short_digest(31, 0xAB);
  const std::vector<std::uint8_t> long_digest(64, 0xAB);
  EXPECT_ERROR(token.sign_digest("csca-len", short_digest), ErrorCode::kInvalidArgument, "got 31");
  EXPECT_ERROR(token.sign_digest("csca-len", long_digest), ErrorCode::kInvalidArgument, "got 64");
  EXPECT_ERROR(token.sign_digest("csca-len", {}), ErrorCode::kInvalidArgument, "got 0");
}

TEST(Pkcs11CkrNameTest, NamesCommonReturnValuesAndHexForTheRest) {
  EXPECT_EQ(ckr_name(0xA0), "CKR_PIN_INCORRECT");
  EXPECT_EQ(ckr_name(0x11), "CKR_ATTRIBUTE_SENSITIVE");
  EXPECT_EQ(ckr_name(0x191), "CKR_CRYPTOKI_ALREADY_INITIALIZED");
  EXPECT_EQ(ckr_name(0x8000ABCD), "CKR_0x8000ABCD");
}

class Pkcs11TokenPinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ektp-pin-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::filesystem::path write_pin(std::string_view content, mode_t mode) {
    const auto path = dir_ / "pin";
    std::ofstream(path, std::ios::trunc) << content;
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(Pkcs11TokenPinTest, AGroupOrOtherReadableFileIsRefused) {
  const auto path = write_pin("246810\n", 0644);
  auto pin = read_token_pin(path);
  ASSERT_FALSE(pin.has_value());
  EXPECT_EQ(pin.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(pin.error().reason, "pin_file_permissions");
  EXPECT_NE(pin.error().message.find("0644"), std::string::npos) << pin.error().message;
  EXPECT_NE(pin.error().message.find("chmod 600"), std::string::npos) << pin.error().message;
  write_pin("246810\n", 0640);
  EXPECT_ERROR(read_token_pin(path), ErrorCode::kFailedPrecondition, "0640");
}

TEST_F(Pkcs11TokenPinTest, AnOwnerOnlyFileGivesThePinWithoutItsFinalNewline) {
  auto path = write_pin("246810\n", 0600);
  auto pin = read_token_pin(path);
  ASSERT_OK(pin);
  EXPECT_EQ(*pin, "246810");
  write_pin("24 68 10", 0400);
  pin = read_token_pin(path);
  ASSERT_OK(pin);
  EXPECT_EQ(*pin, "24 68 10");
  write_pin("\n", 0600);
  EXPECT_ERROR(read_token_pin(path), ErrorCode::kInvalidArgument, "empty");
  EXPECT_ERROR(read_token_pin(dir_ / "absent"), ErrorCode::kNotFound, "cannot open PIN file");
}

TEST_F(Pkcs11TokenPinTest, WithoutAFileThePinComesFromTheEnvironment) {
  const char* saved = std::getenv("EKTP_TOKEN_PIN");
  const std::optional<std::string> restore = saved ? std::optional<std::string>(saved) : std::nullopt;
  ::setenv("EKTP_TOKEN_PIN", "112233", 1);
  auto pin = read_token_pin(std::nullopt);
  ASSERT_OK(pin);
  EXPECT_EQ(*pin, "112233");
  ::unsetenv("EKTP_TOKEN_PIN");
  EXPECT_ERROR(read_token_pin(std::nullopt), ErrorCode::kNotFound, "EKTP_TOKEN_PIN");
  if (restore) ::setenv("EKTP_TOKEN_PIN", restore->c_str(), 1);
}

}  // namespace
}  // namespace ektp::card
