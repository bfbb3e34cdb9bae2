// BAC mutual authentication and secure messaging, both sides, against ICAO 9303 Part 11 Appendix D
// (the MRZ L898902C<, 690806, 940623): the terminal's cryptogram, the card's answer, the session
// keys and counter, SELECT EF.COM and READ BINARY protected and their responses; then a round trip
// between our two sides, and tampered MACs, another challenge and cut data refused.
#include "card/bac_session.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "support/hex_bytes.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using test::bytes_of_hex;
const auto bytes = [](std::string_view h) { return bytes_of_hex(h); };
const auto hex = [](const auto& r) { return test::hex_of(r); };

Bytes8 b8(std::string_view h) {
  Bytes8 out{};
  auto v = bytes(h);
  std::copy(v.begin(), v.end(), out.begin());
  return out;
}

const Bytes8 kRndIcc = b8("4608F91988702212");
const Bytes8 kRndIfd = b8("781723860C06C226");
const auto kKifd = bytes("0B795240CB7049B01C19B33E32804F0B");
const auto kKicc = bytes("0B4F80323EB3191CB04970CB4052790B");

BacKeys keys() { return *derive_bac_keys("L898902C<369080619406236"); }

TEST(BacSessionTest, TheMutualAuthenticationOfAppendixD) {
  const auto k = keys();
  const auto cryptogram = terminal_cryptogram(k, kRndIfd, kRndIcc, std::span<const std::uint8_t, 16>(kKifd.data(), 16));
  EXPECT_EQ(hex(cryptogram), "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7");
  auto card = card_authenticate(k, cryptogram, kRndIcc, std::span<const std::uint8_t, 16>(kKicc.data(), 16));
  ASSERT_OK(card);
  EXPECT_EQ(hex(card->response), "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");
  auto session = terminal_session(k, card->response, kRndIfd, kRndIcc, std::span<const std::uint8_t, 16>(kKifd.data(), 16));
  ASSERT_OK(session);
  EXPECT_EQ(hex(session->ks_enc), "979EC13B1CBFE9DCD01AB0FED307EAE5");
  EXPECT_EQ(hex(session->ks_mac), "F1CB1F1FB5ADF208806B89DC579DC1F8");
  EXPECT_EQ(hex(session->ssc), "887022120C06C226");
  EXPECT_EQ(hex(card->session.ks_enc), hex(session->ks_enc));
  EXPECT_EQ(hex(card->session.ssc), hex(session->ssc));
}

TEST(BacSessionTest, SecureMessagingOfAppendixD) {
  SecureSession terminal;
  auto enc = bytes("979EC13B1CBFE9DCD01AB0FED307EAE5"), mac = bytes("F1CB1F1FB5ADF208806B89DC579DC1F8");
  std::copy(enc.begin(), enc.end(), terminal.ks_enc.begin());
  std::copy(mac.begin(), mac.end(), terminal.ks_mac.begin());
  terminal.ssc = b8("887022120C06C226");
  SecureSession card = terminal;

  // SELECT EF.COM (011E).
  auto select = protect_command(terminal, bytes("00A4020C02011E"));
  ASSERT_OK(select);
  EXPECT_EQ(hex(*select), "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800");
  auto plain = unprotect_command(card, *select);
  ASSERT_OK(plain);
  EXPECT_EQ(hex(*plain), "00A4020C02011E");
  const auto answer = protect_response(card, bytes("9000"));
  EXPECT_EQ(hex(answer), "990290008E08FA855A5D4C50A8ED9000");
  auto status = unprotect_response(terminal, answer);
  ASSERT_OK(status);
  EXPECT_EQ(hex(*status), "9000");

  // READ BINARY of the first four bytes.
  auto read = protect_command(terminal, bytes("00B0000004"));
  ASSERT_OK(read);
  EXPECT_EQ(hex(*read), "0CB000000D9701048E08ED6705417E96BA5500");
  ASSERT_OK(unprotect_command(card, *read));
  const auto data = protect_response(card, bytes("60145F019000"));
  EXPECT_EQ(hex(data), "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000");
  auto got = unprotect_response(terminal, data);
  ASSERT_OK(got);
  EXPECT_EQ(hex(*got), "60145F019000");
}

TEST(BacSessionTest, WhatDoesNotVerifyIsRefused) {
  const auto k = keys();
  auto cryptogram = terminal_cryptogram(k, kRndIfd, kRndIcc, std::span<const std::uint8_t, 16>(kKifd.data(), 16));
  // Another challenge than the card's; a flipped MAC; a cryptogram of the wrong size.
  auto other = card_authenticate(k, cryptogram, b8("0000000000000001"), std::span<const std::uint8_t, 16>(kKicc.data(), 16));
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().reason, bac_reason::kWrongNonce);
  cryptogram.back() ^= 1;
  auto flipped = card_authenticate(k, cryptogram, kRndIcc, std::span<const std::uint8_t, 16>(kKicc.data(), 16));
  ASSERT_FALSE(flipped.has_value());
  EXPECT_EQ(flipped.error().reason, bac_reason::kBadMac);
  EXPECT_ERROR(card_authenticate(k, std::vector<std::uint8_t>(39, 0), kRndIcc, std::span<const std::uint8_t, 16>(kKicc.data(), 16)),
               ErrorCode::kInvalidArgument, "40 bytes");
  // A key from another MRZ cannot open the card.
  auto wrong = derive_bac_keys("L898902C<369080619406237");
  ASSERT_OK(wrong);
  const auto guess = terminal_cryptogram(*wrong, kRndIfd, kRndIcc, std::span<const std::uint8_t, 16>(kKifd.data(), 16));
  EXPECT_FALSE(card_authenticate(k, guess, kRndIcc, std::span<const std::uint8_t, 16>(kKicc.data(), 16)).has_value());

  // A round trip, then every byte of a protected response tampered: never accepted.
  auto card = card_authenticate(k, terminal_cryptogram(k, kRndIfd, kRndIcc, std::span<const std::uint8_t, 16>(kKifd.data(), 16)),
                                kRndIcc, std::span<const std::uint8_t, 16>(kKicc.data(), 16));
  ASSERT_OK(card);
  auto terminal = terminal_session(k, card->response, kRndIfd, kRndIcc, std::span<const std::uint8_t, 16>(kKifd.data(), 16));
  ASSERT_OK(terminal);
  std::vector<std::uint8_t> long_data(200, 0x5A);
  long_data.push_back(0x90);
  long_data.push_back(0x00);
  for (std::size_t i = 0; i + 2 < 230; i += 7) {
    SecureSession t = *terminal, c = card->session;
    auto command = protect_command(t, bytes("00B00000C8"));
    ASSERT_OK(command);
    ASSERT_OK(unprotect_command(c, *command));
    auto response = protect_response(c, long_data);
    ASSERT_GT(response.size(), i);
    response[i] ^= 0x40;
    EXPECT_FALSE(unprotect_response(t, response).has_value()) << "byte " << i;
  }
  SecureSession t = *terminal, c = card->session;
  auto command = protect_command(t, bytes("00B00000C8"));
  ASSERT_OK(command);
  ASSERT_OK(unprotect_command(c, *command));
  auto fine = unprotect_response(t, protect_response(c, long_data));
  ASSERT_OK(fine);
  EXPECT_EQ(*fine, long_data);
  EXPECT_ERROR(unprotect_response(t, bytes("9000")), ErrorCode::kInvalidArgument, "too short");
  EXPECT_ERROR(protect_command(t, bytes("00B0")), ErrorCode::kInvalidArgument, "4 bytes");
  EXPECT_ERROR(protect_command(t, bytes("00A4020C05011E")), ErrorCode::kInvalidArgument, "Lc 5");
}

}  // namespace
}  // namespace ektp::card
