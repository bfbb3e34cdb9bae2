// The signed trust list and superseded list: their exact signing text (which the JavaScript
// verifier rebuilds), round trips, and every refusal — a bad signature, the wrong root, a
// malformed or oversized document — plus the Ed25519 keys behind them.
#include "card/suket_trust_list.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "card/byte_text.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kIssuedAt = 1'767'225'600;  // 2026-01-01T00:00:00Z

SigningKey key_of_byte(std::uint8_t first) {
  std::array<std::uint8_t, kEd25519SeedBytes> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(first + i);
  return SigningKey::from_seed(seed);
}

IssuerKey issuer_key(const SigningKey& key, std::string issuer) {
  return IssuerKey{key.key_id(), std::move(issuer), key.public_key(), kIssuedAt,
                   kIssuedAt + 31'536'000};
}

TrustList two_offices() {
  TrustList list;
  list.issued_at_s = kIssuedAt;
  list.keys = {issuer_key(key_of_byte(1), "ektp:3327"), issuer_key(key_of_byte(2), "ektp:3328")};
  return list;
}

bool same(const TrustList& a, const TrustList& b) {
  return a.issued_at_s == b.issued_at_s &&
         std::equal(a.keys.begin(), a.keys.end(), b.keys.begin(), b.keys.end(),
                    [](const IssuerKey& x, const IssuerKey& y) {
                      return x.kid == y.kid && x.issuer == y.issuer &&
                             x.public_key == y.public_key && x.not_before_s == y.not_before_s &&
                             x.not_after_s == y.not_after_s;
                    });
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

void expect_reason(const auto& result, ErrorCode code, std::string_view reason,
                   std::string_view substring) {
  ASSERT_FALSE(result.has_value()) << reason;
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_EQ(result.error().reason, reason) << result.error().message;
  EXPECT_NE(result.error().message.find(substring), std::string::npos) << result.error().message;
}

TEST(SuketKeys, MatchRfc8032AndNameThemselves) {
  // RFC 8032 §7.1, test 1.
  auto seed = bytes_of_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", 32);
  ASSERT_OK(seed);
  const SigningKey key = SigningKey::from_seed(std::span<const std::uint8_t, 32>(seed->data(), 32));
  EXPECT_EQ(hex_of(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(hex_of(key.sign({})),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46b"
            "d25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(verify_ed25519(key.public_key(), {}, key.sign({})));
  EXPECT_FALSE(verify_ed25519(key.public_key(), std::vector<std::uint8_t>{0}, key.sign({})));
  EXPECT_FALSE(verify_ed25519(key.public_key(), {}, std::vector<std::uint8_t>(63, 0)));
  EXPECT_EQ(key_id_hex(key.public_key()).size(), 16u);
  EXPECT_EQ(hex_of(key.key_id()), key_id_hex(key.public_key()));

  const SigningKey a = generate_signing_key();
  const SigningKey b = generate_signing_key();
  EXPECT_NE(a.public_key(), b.public_key());
  auto again = SigningKey::from_secret_key(a.secret_key());
  ASSERT_OK(again);
  EXPECT_EQ(again->public_key(), a.public_key());
  std::vector<std::uint8_t> mismatched(a.secret_key().begin(), a.secret_key().end());
  mismatched[40] ^= 1;  // the public half no longer belongs to the seed
  EXPECT_ERROR(SigningKey::from_secret_key(mismatched), ErrorCode::kInvalidArgument, "public half");
  EXPECT_ERROR(SigningKey::from_secret_key(std::vector<std::uint8_t>(32)),
               ErrorCode::kInvalidArgument, "32 bytes");

  // A moved-from key holds no secret any more.
  SigningKey moved = key_of_byte(9);
  const SigningKey taken = std::move(moved);
  EXPECT_TRUE(std::all_of(moved.secret_key().begin(), moved.secret_key().end(),
                          [](auto byte) { return byte == 0; }));
  EXPECT_FALSE(std::all_of(taken.secret_key().begin(), taken.secret_key().end(),
                           [](auto byte) { return byte == 0; }));
}

TEST(SuketTrustList, SigningTextIsTheDocumentedCanonicalJson) {
  const SigningKey office = key_of_byte(1);
  TrustList list;
  list.issued_at_s = kIssuedAt;
  list.keys = {issuer_key(office, "ektp:3327")};
  EXPECT_EQ(trust_list_signing_text(list, "0011223344556677"),
            "{\"issued_at\":1767225600,\"keys\":[{\"kid\":\"" + hex_of(office.key_id()) +
                "\",\"alg\":\"EdDSA\",\"issuer\":\"ektp:3327\",\"public_key\":\"" +
                base64url_of(office.public_key()) +
                "\",\"not_before\":1767225600,\"not_after\":1798761600}],\"signed_by\":"
                "\"0011223344556677\"}");
  const SigningKey root = key_of_byte(100);
  auto json = sign_trust_list(list, root);
  ASSERT_OK(json);
  // The published form is the signing text with the signature before signed_by.
  const std::string text = trust_list_signing_text(list, hex_of(root.key_id()));
  EXPECT_EQ(replaced(*json,
                     ",\"signature\":\"" +
                         base64url_of(root.sign(
                             {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()})) +
                         "\"",
                     ""),
            text);
}

// The lists of docs/suket-format.md §6: the worked example's office key (seed 00 01 … 1f)
// under a root key of seed 20 21 … 3f. Ed25519 is deterministic, so the texts are exact.
TEST(SuketTrustList, WorkedExample) {
  std::array<std::uint8_t, kEd25519SeedBytes> office_seed{}, root_seed{};
  for (std::size_t i = 0; i < office_seed.size(); ++i) {
    office_seed[i] = static_cast<std::uint8_t>(i);
    root_seed[i] = static_cast<std::uint8_t>(0x20 + i);
  }
  const SigningKey office = SigningKey::from_seed(office_seed);
  const SigningKey root = SigningKey::from_seed(root_seed);
  EXPECT_EQ(base64url_of(root.public_key()), "Kay64UG8yvCyLhqU000LxzYeUm0L_hLIl5S8kyKWbdc");
  TrustList list;
  list.issued_at_s = kIssuedAt;
  list.keys = {
      IssuerKey{office.key_id(), "ektp:3327", office.public_key(), kIssuedAt, 1'830'297'600}};
  const std::string trust_json =
      "{\"issued_at\":1767225600,\"keys\":[{\"kid\":\"56475aa75463474c\",\"alg\":\"EdDSA\","
      "\"issuer\":\"ektp:3327\",\"public_key\":\"A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg\","
      "\"not_before\":1767225600,\"not_after\":1830297600}],\"signature\":"
      "\"UyKuQwnO-Iu7DAOMoXcBvADnJQLHbay6-lkiDG68IsingzrxZA2l6sBej3koYp8C6dN0uej1JUQ4JI7CDvqRDQ\","
      "\"signed_by\":\"24f6ed6acbfe1009\"}";
  EXPECT_EQ(sign_trust_list(list, root).value_or(""), trust_json);
  EXPECT_OK(parse_trust_list(trust_json, root.public_key()));

  SupersededList superseded;
  superseded.issued_at_s = kIssuedAt;
  superseded.ids = {"799560ba5127f0f4cd241610bad1f7da"};  // the worked example's suket id
  const std::string superseded_json =
      "{\"issued_at\":1767225600,\"superseded\":[\"799560ba5127f0f4cd241610bad1f7da\"],"
      "\"signature\":"
      "\"zAGkHh3tZAa3ls3UlMPpfUgzkOyGA0OMVhjwCy5f9ZO_14DU8NQeH8QnQUNbg6i9Ol2YJ04HnOxll2-4npSjDg\","
      "\"signed_by\":\"24f6ed6acbfe1009\"}";
  EXPECT_EQ(sign_superseded_list(superseded, root).value_or(""), superseded_json);
  EXPECT_OK(parse_superseded_list(superseded_json, root.public_key()));
}

TEST(SuketTrustList, RoundTrips) {
  const SigningKey root = key_of_byte(100);
  const TrustList list = two_offices();
  auto json = sign_trust_list(list, root);
  ASSERT_OK(json);
  auto parsed = parse_trust_list(*json, root.public_key());
  ASSERT_OK(parsed);
  EXPECT_TRUE(same(*parsed, list));
  ASSERT_NE(parsed->find(key_of_byte(2).key_id()), nullptr);
  EXPECT_EQ(parsed->find(key_of_byte(2).key_id())->issuer, "ektp:3328");
  EXPECT_EQ(parsed->find(key_of_byte(3).key_id()), nullptr);
  EXPECT_EQ(parsed->find(std::vector<std::uint8_t>{1, 2, 3}), nullptr);
  // Whitespace and member order in the received text do not matter: the bytes are rebuilt.
  auto spaced =
      parse_trust_list(replaced(*json, "{\"issued_at\":", "{ \"issued_at\" : "), root.public_key());
  EXPECT_OK(spaced);
}

TEST(SuketTrustList, RefusesABadSignatureAndTheWrongRoot) {
  const SigningKey root = key_of_byte(100);
  const SigningKey impostor = key_of_byte(101);
  const std::string json = *sign_trust_list(two_offices(), root);
  // A changed value, a changed signature.
  expect_reason(parse_trust_list(replaced(json, "ektp:3328", "ektp:3329"), root.public_key()),
                ErrorCode::kUnauthenticated, "trust_list_bad_signature", "does not verify");
  expect_reason(
      parse_trust_list(replaced(json, "\"not_after\":1798761600}]", "\"not_after\":1798761601}]"),
                       root.public_key()),
      ErrorCode::kUnauthenticated, "trust_list_bad_signature", "does not verify");
  const std::size_t signature_at = json.find("\"signature\":\"") + 13;
  std::string bad_signature = json;
  bad_signature[signature_at] = bad_signature[signature_at] == 'A' ? 'B' : 'A';
  expect_reason(parse_trust_list(bad_signature, root.public_key()), ErrorCode::kUnauthenticated,
                "trust_list_bad_signature", "does not verify");
  // Signed by another root, read with ours; and the same, claiming to be signed by ours.
  const std::string foreign = *sign_trust_list(two_offices(), impostor);
  expect_reason(parse_trust_list(foreign, root.public_key()), ErrorCode::kUnauthenticated,
                "trust_list_wrong_root", "not by the root key " + hex_of(root.key_id()));
  expect_reason(
      parse_trust_list(replaced(foreign, hex_of(impostor.key_id()), hex_of(root.key_id())),
                       root.public_key()),
      ErrorCode::kUnauthenticated, "trust_list_bad_signature", "does not verify");
}

TEST(SuketTrustList, RefusesMalformedDocuments) {
  const SigningKey root = key_of_byte(100);
  const std::string json = *sign_trust_list(two_offices(), root);
  const auto malformed = [&](std::string_view text, std::string_view substring) {
    expect_reason(parse_trust_list(text, root.public_key()), ErrorCode::kInvalidArgument,
                  "trust_list_malformed", substring);
  };
  malformed("", "not JSON");
  malformed("{\"issued_at\":1,", "not JSON");
  malformed("[]", "not a JSON object");
  malformed(replaced(json, "\"issued_at\":1767225600,", ""), "has no \"issued_at\"");
  malformed(replaced(json, "{\"issued_at\"", "{\"extra\":1,\"issued_at\""),
            "unknown member \"extra\"");
  malformed(replaced(json, "\"alg\":\"EdDSA\",", "\"alg\":\"EdDSA\",\"x\":[[[[1]]]],"), "not JSON");
  malformed(replaced(json, "\"EdDSA\"", "\"ES256\""), "keys[0].alg is not \"EdDSA\"");
  malformed(replaced(json, "\"issued_at\":1767225600", "\"issued_at\":-1"),
            "issued_at is not an integer");
  malformed(replaced(json, "\"issued_at\":1767225600", "\"issued_at\":1.5"),
            "issued_at is not an integer");
  malformed(replaced(json, "\"issued_at\":1767225600", "\"issued_at\":9007199254740992"),
            "issued_at is not an integer");
  malformed(replaced(json, "\"issuer\":\"ektp:3327\"", "\"issuer\":\"ektp 3327\""),
            "keys[0].issuer");
  malformed(replaced(json, hex_of(key_of_byte(1).key_id()), hex_of(key_of_byte(2).key_id())),
            "keys[0].kid is not");
  malformed(replaced(json, base64url_of(key_of_byte(1).public_key()), "AAAA"),
            "keys[0].public_key");
  malformed(replaced(json, "\"not_before\":1767225600", "\"not_before\":1898761600"),
            "not_before is after not_after");
  malformed(replaced(json, "\"keys\":[", "\"keys\":{\"a\":["), "not JSON");
  malformed(replaced(json, "\"signed_by\":\"", "\"signed_by\":\"X"), "signed_by is not a kid");
  // The same key twice.
  TrustList twice = two_offices();
  twice.keys.push_back(twice.keys[0]);
  EXPECT_ERROR(sign_trust_list(twice, root), ErrorCode::kInvalidArgument, "repeats kid");
  TrustList wrong_kid = two_offices();
  wrong_kid.keys[0].kid = wrong_kid.keys[1].kid;
  EXPECT_ERROR(sign_trust_list(wrong_kid, root), ErrorCode::kInvalidArgument, "kid is not");
}

TEST(SuketTrustList, RefusesOversizedDocuments) {
  const SigningKey root = key_of_byte(100);
  expect_reason(parse_trust_list(std::string(kTrustListBytesMax + 1, ' '), root.public_key()),
                ErrorCode::kResourceExhausted, "trust_list_too_large", "262145 bytes");
  TrustList many;
  many.issued_at_s = kIssuedAt;
  for (std::size_t i = 0; i <= kTrustListKeysMax; ++i) {
    std::array<std::uint8_t, kEd25519SeedBytes> seed{};
    seed[0] = static_cast<std::uint8_t>(i);
    seed[1] = static_cast<std::uint8_t>(i >> 8);
    const SigningKey distinct = SigningKey::from_seed(seed);
    many.keys.push_back(issuer_key(distinct, "ektp:33"));
  }
  EXPECT_ERROR(sign_trust_list(many, root), ErrorCode::kResourceExhausted, "1025 keys");
  // Signed by hand, to see that the reader refuses it too, whatever a signer does.
  const std::string text = trust_list_signing_text(many, hex_of(root.key_id()));
  ASSERT_LE(text.size(), kTrustListBytesMax);
  const Signature signature =
      root.sign({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  const std::string json = replaced(
      text, ",\"signed_by\":", ",\"signature\":\"" + base64url_of(signature) + "\",\"signed_by\":");
  expect_reason(parse_trust_list(json, root.public_key()), ErrorCode::kResourceExhausted,
                "trust_list_too_large", "1025 entries in keys, more than 1024");
}

TEST(SuketSupersededList, RoundTripsAndRefusesWhatTheTrustListRefuses) {
  const SigningKey root = key_of_byte(100);
  SupersededList list;
  list.issued_at_s = kIssuedAt;
  list.ids = {std::string(32, 'a'), "0123456789abcdef0123456789abcdef"};
  EXPECT_EQ(superseded_list_signing_text(list, "0011223344556677"),
            "{\"issued_at\":1767225600,\"superseded\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
            "\"0123456789abcdef0123456789abcdef\"],\"signed_by\":\"0011223344556677\"}");
  auto json = sign_superseded_list(list, root);
  ASSERT_OK(json);
  auto parsed = parse_superseded_list(*json, root.public_key());
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->issued_at_s, kIssuedAt);
  EXPECT_EQ(parsed->ids, list.ids);
  EXPECT_TRUE(parsed->contains("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(parsed->contains(std::string(32, 'b')));

  expect_reason(parse_superseded_list(replaced(*json, std::string(32, 'a'), std::string(32, 'b')),
                                      root.public_key()),
                ErrorCode::kUnauthenticated, "superseded_list_bad_signature", "does not verify");
  expect_reason(parse_superseded_list(*json, key_of_byte(101).public_key()),
                ErrorCode::kUnauthenticated, "superseded_list_wrong_root", "not by the root key");
  expect_reason(parse_superseded_list(replaced(*json, std::string(32, 'a'), std::string(32, 'A')),
                                      root.public_key()),
                ErrorCode::kInvalidArgument, "superseded_list_malformed",
                "superseded[0] is not 32 lower-case hex");
  expect_reason(
      parse_superseded_list(replaced(*json, "\"superseded\"", "\"keys\""), root.public_key()),
      ErrorCode::kInvalidArgument, "superseded_list_malformed", "unknown member \"keys\"");
  expect_reason(
      parse_superseded_list(std::string(kSupersededListBytesMax + 1, '['), root.public_key()),
      ErrorCode::kResourceExhausted, "superseded_list_too_large", "more than");
  // A trust list is not a superseded list, though the same root signed it.
  expect_reason(parse_superseded_list(*sign_trust_list(two_offices(), root), root.public_key()),
                ErrorCode::kInvalidArgument, "superseded_list_malformed",
                "unknown member \"keys\"");

  SupersededList bad = list;
  bad.ids.push_back("xyz");
  EXPECT_ERROR(sign_superseded_list(bad, root), ErrorCode::kInvalidArgument,
               "id 3 is not 32 lower-case hex");
  bad.ids.assign(kSupersededListIdsMax + 1, std::string(32, 'c'));
  EXPECT_ERROR(sign_superseded_list(bad, root), ErrorCode::kResourceExhausted, "50001 ids");
}

}  // namespace
}  // namespace ektp::card
