// The SUKET credential: Base45 against RFC 9285's vectors, a round trip, the worked example of
// docs/suket-format.md, and every kind of bad input — truncation at every length, a byte
// tampered at every position, another key's signature, expiry, the superseded list, a zlib
// bomb with memory bounded, and a seeded fuzz loop — none of which may ever read as valid.
#include "card/suket_credential.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <iostream>
#include <random>

#include "card/base45.h"
#include "card/byte_text.h"
#include "card/cbor_items.h"
#include "card/suket_cose.h"
#include "card/zlib_codec.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using namespace std::chrono;

constexpr std::int64_t kIssuedAt = 1'767'225'600;  // 2026-01-01T00:00:00Z
// The worked example's COSE_Sign1, as docs/suket-format.md shows it.
constexpr std::string_view kWorkedExampleCoseHex =
    "d2844da20127044856475aa75463474ca0589da50169656b74703a33333237027033333237303135353038393030"
    "303031041a6a445880061a6955b90018a9a6017033333237303135353038393030303031046b5349544920414d49"
    "4e41480868313939303038313509020a78374a4c2e204d455244454b41204e4f2e2031302c205254203030312f52"
    "57203030322c204d554c594f4841524a4f2c2050454d414c414e4718636832303236303231365840846a99c8100e"
    "8be6c61ee80ea6e8d3a066c8e5aa3be3a860f23ba68f66d7ab9909c529da4673c57614f83853b57b36e67a615fad"
    "ebc1646212194737bfb64202";

SigningKey key_of_byte(std::uint8_t first) {
  std::array<std::uint8_t, kEd25519SeedBytes> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(first + i);
  return SigningKey::from_seed(seed);
}

// The worked example's claims (docs/suket-format.md).
SuketClaims example_claims() {
  SuketClaims claims;
  claims.nik = "3327015508900001";
  claims.full_name = "SITI AMINAH";
  claims.birth_date = 1990y / August / 15d;
  claims.gender = SuketGender::kFemale;
  claims.address = "JL. MERDEKA NO. 10, RT 001/RW 002, MULYOHARJO, PEMALANG";
  claims.card_ready_estimate = 2026y / February / 16d;
  claims.issuer = "ektp:3327";
  claims.issued_at_s = kIssuedAt;
  claims.expires_at_s = suket_expiry(kIssuedAt);
  return claims;
}

TrustList trust_list_of(const SigningKey& key, std::string issuer = "ektp:3327") {
  TrustList list;
  list.issued_at_s = kIssuedAt;
  list.keys.push_back(IssuerKey{key.key_id(), std::move(issuer), key.public_key(),
                                kIssuedAt - 86'400, kIssuedAt + 2 * 365 * 86'400});
  return list;
}

std::string qr_of_cose(std::span<const std::uint8_t> cose) {
  return base45_encode(zlib_compress(cose));
}

std::vector<std::uint8_t> cose_of(std::string_view qr) {
  auto cose = suket_cose_bytes(qr);
  EXPECT_TRUE(cose.has_value()) << cose.error().message;
  return cose.value_or(std::vector<std::uint8_t>{});
}

// A grey, face-like photo of 120×150 pixels with the texture of a real one, as a JPEG of about
// `bytes_wanted` bytes.
std::vector<std::uint8_t> face_jpeg(std::size_t bytes_wanted) {
  cv::theRNG() = cv::RNG(20260101);  // the same photo whichever test runs first
  cv::Mat image(150, 120, CV_8UC3, cv::Scalar(200, 200, 200));
  cv::ellipse(image, {60, 70}, {38, 50}, 0, 0, 360, cv::Scalar(150, 170, 200), cv::FILLED);
  cv::circle(image, {46, 60}, 5, cv::Scalar(40, 40, 40), cv::FILLED);
  cv::circle(image, {74, 60}, 5, cv::Scalar(40, 40, 40), cv::FILLED);
  cv::ellipse(image, {60, 95}, {14, 6}, 0, 0, 180, cv::Scalar(60, 60, 140), 2);
  cv::Mat noise(image.size(), image.type());
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
  image += noise;
  std::vector<std::uint8_t> jpeg;
  for (int quality = 90; quality >= 5; quality -= 5) {
    cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality});
    if (jpeg.size() <= bytes_wanted) break;
  }
  return jpeg;
}

// Never valid, and never showing claims, whatever was done to it.
void expect_refused(const SuketVerdict& verdict, std::string_view what) {
  EXPECT_TRUE(verdict.status == SuketStatus::kMalformed || verdict.status == SuketStatus::kForged ||
              verdict.status == SuketStatus::kUnknownIssuer)
      << what << ": " << suket_status_name(verdict.status) << " " << verdict.reason;
  EXPECT_FALSE(verdict.claims.has_value()) << what;
  EXPECT_FALSE(verdict.reason.empty()) << what;
}

TEST(SuketBase45, MatchesTheRfc9285Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"base-45", "UJCLQE7W581"}, {"ietf!", "QED8WEX0"}};
  for (const auto& [plain, encoded] : vectors) {
    const std::vector<std::uint8_t> bytes(plain.begin(), plain.end());
    EXPECT_EQ(base45_encode(bytes), encoded);
    auto decoded = base45_decode(encoded);
    ASSERT_OK(decoded);
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
  EXPECT_EQ(base45_encode({}), "");
  auto empty = base45_decode("");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(SuketBase45, NamesWhatIsWrongAndWhere) {
  EXPECT_ERROR(base45_decode("QED8WEX0QED8WEX0a"), ErrorCode::kInvalidArgument,
               "base45: character 17 ('a') is not in the alphabet");
  EXPECT_ERROR(base45_decode("BB8\n"), ErrorCode::kInvalidArgument, "character 4 ('\\x0A')");
  EXPECT_ERROR(base45_decode("BB8B"), ErrorCode::kInvalidArgument, "4 characters leave 1 over");
  EXPECT_ERROR(base45_decode("BB8GGW"), ErrorCode::kInvalidArgument,
               "characters 4–6 (\"GGW\") are 65536, past two bytes");
  EXPECT_ERROR(base45_decode("::"), ErrorCode::kInvalidArgument, "past one byte");
  // The largest values that fit still decode.
  auto top = base45_decode("FGW");  // 15 + 16·45 + 32·45² = 65535
  ASSERT_OK(top);
  EXPECT_EQ(*top, (std::vector<std::uint8_t>{0xFF, 0xFF}));
}

TEST(SuketCredential, RoundTripsEveryClaim) {
  const SigningKey key = key_of_byte(1);
  SuketClaims claims = example_claims();
  claims.face = SuketFace{face_jpeg(1500), SuketImageFormat::kJpeg};
  auto qr = encode_suket(claims, key);
  ASSERT_OK(qr);
  const SuketVerdict verdict = verify_suket(*qr, trust_list_of(key), nullptr, kIssuedAt + 3600);
  EXPECT_EQ(verdict.status, SuketStatus::kValid) << verdict.reason;
  EXPECT_EQ(verdict.reason, "");
  ASSERT_TRUE(verdict.claims.has_value());
  EXPECT_EQ(*verdict.claims, claims);
  EXPECT_EQ(verdict.kid_hex, hex_of(key.key_id()));
  auto id = suket_id(*qr);
  ASSERT_OK(id);
  EXPECT_EQ(verdict.id, *id);
  EXPECT_EQ(id->size(), 32u);
  EXPECT_EQ(suket_status_name(verdict.status), "valid");
  // Only QR alphanumeric-mode characters.
  EXPECT_EQ(qr->find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
            std::string::npos);

  SuketClaims png_claims = example_claims();
  png_claims.card_ready_estimate.reset();
  png_claims.face =
      SuketFace{{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0}, SuketImageFormat::kPng};
  auto png_qr = encode_suket(png_claims, key);
  ASSERT_OK(png_qr);
  const SuketVerdict png = verify_suket(*png_qr, trust_list_of(key), nullptr, kIssuedAt);
  ASSERT_TRUE(png.claims.has_value()) << png.reason;
  EXPECT_EQ(*png.claims, png_claims);
}

// The example vector printed in docs/suket-format.md; the COSE bytes are fixed by the seed
// (Ed25519 signatures are deterministic), the QR text also by zlib's version.
TEST(SuketCredential, WorkedExample) {
  std::array<std::uint8_t, kEd25519SeedBytes> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i);
  const SigningKey key = SigningKey::from_seed(seed);
  auto qr = encode_suket(example_claims(), key);
  ASSERT_OK(qr);
  const std::vector<std::uint8_t> cose = cose_of(*qr);
  std::cout << "public key (base64url): " << base64url_of(key.public_key()) << "\n"
            << "kid: " << hex_of(key.key_id()) << "\n"
            << "exp: " << example_claims().expires_at_s << "\n"
            << "COSE_Sign1 (" << cose.size() << " bytes): " << hex_of(cose) << "\n"
            << "QR text (" << qr->size() << " characters): " << *qr << "\n"
            << "suket id: " << suket_id(*qr).value_or("?") << "\n";
  EXPECT_EQ(hex_of(cose), kWorkedExampleCoseHex);
  const SuketVerdict verdict = verify_suket(*qr, trust_list_of(key), nullptr, kIssuedAt);
  EXPECT_EQ(verdict.status, SuketStatus::kValid) << verdict.reason;
}

TEST(SuketCredential, ExpiryIsSixCalendarMonthsInJakarta) {
  EXPECT_EQ(suket_expiry(kIssuedAt), 1'782'864'000);  // 2026-07-01T00:00:00Z
  // 31 August 10:00 WIB → 28 February 10:00 WIB; in a leap year 29 February.
  const auto at = [](year_month_day day, int hour_utc) {
    return sys_days{day}.time_since_epoch().count() * 86'400 + hour_utc * 3600;
  };
  EXPECT_EQ(suket_expiry(at(2026y / August / 31d, 3)), at(2027y / February / 28d, 3));
  EXPECT_EQ(suket_expiry(at(2027y / August / 31d, 3)), at(2028y / February / 29d, 3));
  // 20:00 UTC on 31 January is already 1 February in Jakarta, so it ends on 1 August there.
  EXPECT_EQ(suket_expiry(at(2026y / January / 31d, 20)), at(2026y / July / 31d, 20));
  EXPECT_EQ(suket_expiry(at(2026y / December / 15d, 12)), at(2027y / June / 15d, 12));
}

TEST(SuketCredential, RefusesClaimsThatBreakTheRules) {
  const SigningKey key = key_of_byte(1);
  const auto refused = [&](auto change, std::string_view substring) {
    SuketClaims claims = example_claims();
    change(claims);
    auto qr = encode_suket(claims, key);
    ASSERT_FALSE(qr.has_value()) << substring;
    EXPECT_EQ(qr.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(qr.error().reason, "suket_claims");
    EXPECT_NE(qr.error().message.find(substring), std::string::npos) << qr.error().message;
  };
  refused([](SuketClaims& c) { c.nik = "332701550890000"; }, "nik is not 16 digits");
  refused([](SuketClaims& c) { c.nik = "33270155089000O1"; }, "nik is not 16 digits");
  refused([](SuketClaims& c) { c.full_name = ""; }, "full_name");
  refused([](SuketClaims& c) { c.full_name = "SITI\nAMINAH"; }, "full_name");
  refused([](SuketClaims& c) { c.full_name = std::string(121, 'A'); }, "full_name");
  refused([](SuketClaims& c) { c.address = std::string(201, 'A'); }, "address");
  refused([](SuketClaims& c) { c.birth_date = 1990y / February / 30d; }, "birth_date");
  refused([](SuketClaims& c) { c.gender = static_cast<SuketGender>(4); }, "gender");
  refused([](SuketClaims& c) { c.issuer = "ektp 3327"; }, "issuer");
  refused([](SuketClaims& c) { c.issuer = ""; }, "issuer");
  refused([](SuketClaims& c) { c.expires_at_s = c.issued_at_s; }, "issued_at < expires_at");
  refused(
      [](SuketClaims& c) {
        c.face = SuketFace{{1, 2, 3}, SuketImageFormat::kJpeg};
      },
      "JPEG signature");
  refused(
      [](SuketClaims& c) {
        c.face = SuketFace{{0xFF, 0xD8, 0xFF}, SuketImageFormat::kPng};
      },
      "PNG signature");
  refused(
      [](SuketClaims& c) {
        c.face = SuketFace{std::vector<std::uint8_t>(kSuketFaceBytesMax + 1, 0xFF),
                           SuketImageFormat::kJpeg};
      },
      "face image is 3073 bytes");

  // A face within the byte limit that does not compress cannot fit a QR.
  std::mt19937 random(7);
  SuketClaims claims = example_claims();
  claims.face = SuketFace{{0xFF, 0xD8, 0xFF}, SuketImageFormat::kJpeg};
  while (claims.face->image.size() < kSuketFaceBytesMax)
    claims.face->image.push_back(static_cast<std::uint8_t>(random()));
  EXPECT_ERROR(encode_suket(claims, key), ErrorCode::kResourceExhausted, "more than 4296");
}

// A realistic SUKET: a 16-digit NIK, a 40-character name, an address of about 80 characters
// and a face JPEG of about 2 KiB.
TEST(SuketCredential, ARealisticCredentialFitsOneQrCode) {
  const SigningKey key = key_of_byte(1);
  SuketClaims claims = example_claims();
  claims.full_name = "RADEN AJENG SRI WAHYUNINGSIH PURBANEGARA";
  claims.address =
      "JL. JENDERAL SUDIRMAN NO. 123, RT 004/RW 011, KEL. MULYOHARJO, KEC. PEMALANG, JATE";
  ASSERT_EQ(claims.full_name.size(), 40u);
  claims.face = SuketFace{face_jpeg(2048), SuketImageFormat::kJpeg};
  ASSERT_GT(claims.face->image.size(), 1800u);
  auto qr = encode_suket(claims, key);
  ASSERT_OK(qr);
  std::cout << "realistic SUKET: face " << claims.face->image.size() << " bytes, COSE "
            << cose_of(*qr).size() << " bytes, QR text " << qr->size() << " characters (max "
            << kSuketQrCharsMax << ")\n";
  RecordProperty("qr_chars", static_cast<int>(qr->size()));
  EXPECT_LE(qr->size(), kSuketQrCharsMax);
  EXPECT_EQ(verify_suket(*qr, trust_list_of(key), nullptr, kIssuedAt).status, SuketStatus::kValid);
}

TEST(SuketCredential, ExpiredAtExpAndStillShowsWhose) {
  const SigningKey key = key_of_byte(1);
  const SuketClaims claims = example_claims();
  auto qr = encode_suket(claims, key);
  ASSERT_OK(qr);
  EXPECT_EQ(verify_suket(*qr, trust_list_of(key), nullptr, claims.expires_at_s - 1).status,
            SuketStatus::kValid);
  const SuketVerdict expired = verify_suket(*qr, trust_list_of(key), nullptr, claims.expires_at_s);
  EXPECT_EQ(expired.status, SuketStatus::kExpired);
  EXPECT_EQ(expired.reason, "expired at 2026-07-01T00:00:00Z");
  ASSERT_TRUE(expired.claims.has_value());
  EXPECT_EQ(expired.claims->full_name, "SITI AMINAH");
}

TEST(SuketCredential, SupersededWhenListed) {
  const SigningKey key = key_of_byte(1);
  auto qr = encode_suket(example_claims(), key);
  ASSERT_OK(qr);
  auto id = suket_id(*qr);
  ASSERT_OK(id);
  SupersededList superseded;
  superseded.issued_at_s = kIssuedAt;
  superseded.ids = {std::string(32, '0'), *id};
  const SuketVerdict verdict = verify_suket(*qr, trust_list_of(key), &superseded, kIssuedAt);
  EXPECT_EQ(verdict.status, SuketStatus::kSuperseded);
  EXPECT_NE(verdict.reason.find(*id), std::string::npos) << verdict.reason;
  ASSERT_TRUE(verdict.claims.has_value());
  // Superseded says more than expired, so it wins when both hold.
  EXPECT_EQ(verify_suket(*qr, trust_list_of(key), &superseded, kIssuedAt + 400 * 86'400).status,
            SuketStatus::kSuperseded);
  superseded.ids = {std::string(32, '0')};
  EXPECT_EQ(verify_suket(*qr, trust_list_of(key), &superseded, kIssuedAt).status,
            SuketStatus::kValid);
}

TEST(SuketCredential, AnotherKeysSignature) {
  const SigningKey trusted = key_of_byte(1);
  const SigningKey other = key_of_byte(2);
  auto qr = encode_suket(example_claims(), other);
  ASSERT_OK(qr);
  // Signed by a key the trust list does not have.
  const SuketVerdict unknown = verify_suket(*qr, trust_list_of(trusted), nullptr, kIssuedAt);
  EXPECT_EQ(unknown.status, SuketStatus::kUnknownIssuer);
  EXPECT_NE(unknown.reason.find("kid " + hex_of(other.key_id()) + " is not in the trust list"),
            std::string::npos)
      << unknown.reason;
  EXPECT_FALSE(unknown.claims.has_value());

  // Naming the trusted key's kid but signed by another key.
  const std::vector<std::uint8_t> genuine = cose_of(*encode_suket(example_claims(), trusted));
  auto parts = parse_cose_sign1(genuine, kSuketInflatedBytesMax);
  ASSERT_OK(parts);
  CborWriter forged;
  forged.tag(kCoseSign1Tag);
  forged.array(4);
  forged.bytes(parts->protected_header);
  forged.map(0);
  forged.bytes(parts->payload);
  forged.bytes(other.sign(cose_sig_structure(parts->protected_header, parts->payload)));
  const SuketVerdict verdict =
      verify_suket(qr_of_cose(forged.data()), trust_list_of(trusted), nullptr, kIssuedAt);
  EXPECT_EQ(verdict.status, SuketStatus::kForged);
  EXPECT_NE(verdict.reason.find("does not verify with key " + hex_of(trusted.key_id())),
            std::string::npos)
      << verdict.reason;
  EXPECT_FALSE(verdict.claims.has_value());
}

TEST(SuketCredential, TheKeyMustBeTheIssuersAndInItsWindow) {
  const SigningKey key = key_of_byte(1);
  auto qr = encode_suket(example_claims(), key);
  ASSERT_OK(qr);
  const SuketVerdict other_office =
      verify_suket(*qr, trust_list_of(key, "ektp:3328"), nullptr, kIssuedAt);
  EXPECT_EQ(other_office.status, SuketStatus::kUnknownIssuer);
  EXPECT_NE(other_office.reason.find("is ektp:3328's, but the credential names ektp:3327"),
            std::string::npos)
      << other_office.reason;
  EXPECT_FALSE(other_office.claims.has_value());

  TrustList retired = trust_list_of(key);
  retired.keys[0].not_after_s = kIssuedAt - 1;
  const SuketVerdict late = verify_suket(*qr, retired, nullptr, kIssuedAt);
  EXPECT_EQ(late.status, SuketStatus::kUnknownIssuer);
  EXPECT_NE(late.reason.find("not at iat 2026-01-01T00:00:00Z"), std::string::npos) << late.reason;
}

TEST(SuketCredential, TruncatedAtEveryLengthIsRefused) {
  const SigningKey key = key_of_byte(1);
  const TrustList trust = trust_list_of(key);
  SuketClaims claims = example_claims();
  claims.face = SuketFace{face_jpeg(600), SuketImageFormat::kJpeg};
  auto qr = encode_suket(claims, key);
  ASSERT_OK(qr);
  for (std::size_t length = 0; length < qr->size(); ++length) {
    expect_refused(verify_suket(qr->substr(0, length), trust, nullptr, kIssuedAt),
                   "QR text cut to " + std::to_string(length));
  }
  const std::vector<std::uint8_t> cose = cose_of(*qr);
  for (std::size_t length = 0; length < cose.size(); ++length) {
    const SuketVerdict verdict =
        verify_suket(qr_of_cose(std::span(cose).first(length)), trust, nullptr, kIssuedAt);
    EXPECT_EQ(verdict.status, SuketStatus::kMalformed) << length << ": " << verdict.reason;
  }
  // The payload's head is at byte 17; all but the 64-byte signature and its 2-byte head are
  // needed from there, and 23 of them are present.
  EXPECT_EQ(verify_suket(qr_of_cose(std::span(cose).first(40)), trust, nullptr, kIssuedAt).reason,
            "cbor: COSE_Sign1 byte 17: truncated, the item needs " +
                std::to_string(cose.size() - 66 - 40) + " more bytes");
}

TEST(SuketCredential, OneByteTamperedAnywhereIsNeverValid) {
  const SigningKey key = key_of_byte(1);
  const TrustList trust = trust_list_of(key);
  SuketClaims claims = example_claims();
  claims.face = SuketFace{face_jpeg(400), SuketImageFormat::kJpeg};
  const std::vector<std::uint8_t> cose = cose_of(*encode_suket(claims, key));
  int forged = 0;
  for (std::size_t at = 0; at < cose.size(); ++at) {
    for (std::uint8_t mask : {0x01, 0x80, 0xFF}) {
      std::vector<std::uint8_t> tampered = cose;
      tampered[at] ^= mask;
      const SuketVerdict verdict = verify_suket(qr_of_cose(tampered), trust, nullptr, kIssuedAt);
      expect_refused(verdict, "byte " + std::to_string(at) + " ^ " + std::to_string(mask));
      forged += verdict.status == SuketStatus::kForged;
    }
  }
  EXPECT_GT(forged, static_cast<int>(cose.size()));  // the payload and signature bytes
  // A tampered character of the QR text itself.
  const std::string qr = qr_of_cose(cose);
  for (std::size_t at = 0; at < qr.size(); at += 7) {
    std::string tampered = qr;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    expect_refused(verify_suket(tampered, trust, nullptr, kIssuedAt),
                   "character " + std::to_string(at));
  }
}

TEST(SuketCredential, NamesWhatIsMalformed) {
  const SigningKey key = key_of_byte(1);
  const TrustList trust = trust_list_of(key);
  const auto reason = [&](std::string_view qr) {
    const SuketVerdict verdict = verify_suket(qr, trust, nullptr, kIssuedAt);
    EXPECT_EQ(verdict.status, SuketStatus::kMalformed) << verdict.reason;
    return verdict.reason;
  };
  EXPECT_EQ(reason(std::string(kSuketQrCharsMax + 1, '0')), "qr: 4297 characters, more than 4296");
  EXPECT_EQ(reason("BB8a"), "base45: character 4 ('a') is not in the alphabet");
  EXPECT_EQ(reason("BB8"), "zlib: byte 1 is not a zlib header (only zlib is read, not Brotli)");
  const std::vector<std::uint8_t> cose = cose_of(*encode_suket(example_claims(), key));
  std::vector<std::uint8_t> trailing = cose;
  trailing.push_back(0);
  EXPECT_EQ(reason(qr_of_cose(trailing)), "cbor: COSE_Sign1 byte " + std::to_string(cose.size()) +
                                              ": 1 bytes after the COSE_Sign1");
  std::vector<std::uint8_t> untagged(cose.begin() + 1, cose.end());
  EXPECT_EQ(reason(qr_of_cose(untagged)),
            "cbor: COSE_Sign1 byte 0: not tag 18 (COSE_Sign1) but an array");
  std::vector<std::uint8_t> zlib_junk = zlib_compress(cose);
  zlib_junk.push_back(0x42);
  EXPECT_EQ(reason(base45_encode(zlib_junk)), "zlib: 1 bytes after the stream's end");

  // A CWT tag 61 around the COSE_Sign1 is read as the same credential.
  std::vector<std::uint8_t> cwt_tagged{0xD8, 0x3D};
  cwt_tagged.insert(cwt_tagged.end(), cose.begin(), cose.end());
  EXPECT_EQ(verify_suket(qr_of_cose(cwt_tagged), trust, nullptr, kIssuedAt).status,
            SuketStatus::kValid);

  // Well signed, but alg ES256 or a payload that is not the claims.
  const auto signed_with = [&](std::span<const std::uint8_t> protected_header,
                               std::span<const std::uint8_t> payload) {
    CborWriter w;
    w.tag(kCoseSign1Tag);
    w.array(4);
    w.bytes(protected_header);
    w.map(0);
    w.bytes(payload);
    w.bytes(key.sign(cose_sig_structure(protected_header, payload)));
    return qr_of_cose(w.data());
  };
  CborWriter es256;
  es256.map(2);
  es256.unsigned_int(1);
  es256.signed_int(-7);
  es256.unsigned_int(4);
  es256.bytes(key.key_id());
  EXPECT_EQ(reason(signed_with(es256.data(), std::vector<std::uint8_t>{0xA0})),
            "cose: alg is -7, not -8 (EdDSA)");
  CborWriter header;
  header.map(2);
  header.unsigned_int(1);
  header.signed_int(-8);
  header.unsigned_int(4);
  header.bytes(key.key_id());
  EXPECT_EQ(reason(signed_with(header.data(), std::vector<std::uint8_t>{0xA0})),
            "claims: the CWT has no claim 1 (iss)");
  EXPECT_EQ(reason(signed_with(header.data(), std::vector<std::uint8_t>{0x9F, 0xFF})),
            "cbor: payload byte 0: the CWT claims is an item of another kind, not a map");
  // A map that claims 2^32 entries costs nothing: it ends at the bytes there are.
  EXPECT_EQ(reason(signed_with(header.data(),
                               std::vector<std::uint8_t>{0xBA, 0xFF, 0xFF, 0xFF, 0xFF, 0x01})),
            "cbor: payload byte 0: the CWT claims has 4294967295 entries, more than 32");
}

TEST(SuketCredential, AZlibBombIsRefusedWithMemoryBounded) {
  const SigningKey key = key_of_byte(1);
  const std::vector<std::uint8_t> zeros(1 << 20, 0);  // 1 MiB inflates from about 1 KiB
  const std::string bomb = base45_encode(zlib_compress(zeros));
  ASSERT_LE(bomb.size(), kSuketQrCharsMax);
  const SuketVerdict verdict = verify_suket(bomb, trust_list_of(key), nullptr, kIssuedAt);
  EXPECT_EQ(verdict.status, SuketStatus::kMalformed);
  EXPECT_EQ(verdict.reason, "zlib: inflates past 65536 bytes");

  // zlib's state and window plus the capped output buffer, however far the stream would go.
  const std::vector<std::uint8_t> big_zeros(16 << 20, 0);
  InflateMemory memory;
  EXPECT_ERROR(zlib_inflate_bounded(zlib_compress(big_zeros), kSuketInflatedBytesMax, &memory),
               ErrorCode::kInvalidArgument, "inflates past 65536 bytes");
  std::cout << "inflate of a 16 MiB bomb held at most " << memory.bytes_peak << " bytes\n";
  EXPECT_GT(memory.bytes_peak, kSuketInflatedBytesMax);
  EXPECT_LT(memory.bytes_peak, kSuketInflatedBytesMax + (64 << 10));
  // Just under the cap is fine.
  auto fits = zlib_inflate_bounded(
      zlib_compress(std::vector<std::uint8_t>(kSuketInflatedBytesMax, 7)), kSuketInflatedBytesMax);
  ASSERT_OK(fits);
  EXPECT_EQ(fits->size(), kSuketInflatedBytesMax);
}

// Random text, random bytes through each layer, and random damage to a real credential: a
// fixed seed so a failure replays. Nothing may crash or read as valid.
TEST(SuketCredential, FuzzedInputNeverCrashesOrVerifies) {
  const SigningKey key = key_of_byte(1);
  const TrustList trust = trust_list_of(key);
  SuketClaims claims = example_claims();
  claims.face = SuketFace{face_jpeg(300), SuketImageFormat::kJpeg};
  const std::vector<std::uint8_t> cose = cose_of(*encode_suket(claims, key));
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  std::mt19937_64 random(20260101);
  const auto below = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  for (int iteration = 0; iteration < 4000; ++iteration) {
    std::string qr;
    switch (iteration % 4) {
      case 0: {  // Base45 text of random length
        qr.resize(below(600));
        for (char& c : qr) c = alphabet[below(alphabet.size())];
        break;
      }
      case 1: {  // random bytes, compressed: exercises the CBOR reader
        std::vector<std::uint8_t> bytes(below(400));
        for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
        if (!bytes.empty() && iteration % 8 == 1) bytes[0] = 0xD2;  // tag 18, to get further
        qr = qr_of_cose(bytes);
        break;
      }
      case 2: {  // a real credential with a few random bytes changed, inserted or removed
        std::vector<std::uint8_t> damaged = cose;
        for (std::size_t k = 1 + below(4); k > 0 && !damaged.empty(); --k) {
          const std::size_t at = below(damaged.size());
          switch (below(3)) {
            case 0:
              damaged[at] = static_cast<std::uint8_t>(random());
              break;
            case 1:
              damaged.insert(damaged.begin() + static_cast<std::ptrdiff_t>(at),
                             static_cast<std::uint8_t>(random()));
              break;
            default:
              damaged.erase(damaged.begin() + static_cast<std::ptrdiff_t>(at));
              break;
          }
        }
        if (damaged == cose) continue;
        qr = qr_of_cose(damaged);
        break;
      }
      default: {  // any bytes at all as the text
        qr.resize(below(300));
        for (char& c : qr) c = static_cast<char>(random());
        break;
      }
    }
    const SuketVerdict verdict = verify_suket(qr, trust, nullptr, kIssuedAt);
    ASSERT_NE(verdict.status, SuketStatus::kValid) << "iteration " << iteration;
    ASSERT_FALSE(verdict.reason.empty()) << "iteration " << iteration;
  }
}

}  // namespace
}  // namespace ektp::card
