// Basic Access Control's mutual authentication and the secure messaging that follows (ICAO 9303
// Part 11 §9.7 and §9.8, 3DES): the terminal's cryptogram E_IFD ‖ M_IFD, the card's answer, the
// session keys KS_enc, KS_mac and the send sequence counter, and every command and response
// protected with DO'87' (the encrypted data), DO'97' (Le), DO'99' (the status) and DO'8E' (the
// retail MAC, ISO/IEC 9797-1 MAC algorithm 3). Both sides are here: the reader, and the card (our
// emulator). Pure; the random numbers are passed in.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "card/bac_keys.h"
#include "core/error.h"

namespace ektp::card {

using Bytes8 = std::array<std::uint8_t, 8>;

namespace bac_reason {
inline constexpr std::string_view kBadMac = "bac_bad_mac";              // a cryptogram or response MAC
inline constexpr std::string_view kWrongNonce = "bac_wrong_nonce";      // the other side's challenge
inline constexpr std::string_view kMalformed = "secure_messaging_malformed";
}  // namespace bac_reason

// ISO/IEC 9797-1 padding method 2: 0x80, then zeros to a multiple of 8.
std::vector<std::uint8_t> pad_9797(std::span<const std::uint8_t> data);
// Two-key 3DES in CBC mode with a zero IV over whole blocks.
std::vector<std::uint8_t> tdes_cbc(const DesKey16& key, std::span<const std::uint8_t> data, bool encrypt);
// ISO/IEC 9797-1 MAC algorithm 3 (the retail MAC) over already padded data.
Bytes8 retail_mac(const DesKey16& key, std::span<const std::uint8_t> padded);

struct SecureSession {
  DesKey16 ks_enc{};
  DesKey16 ks_mac{};
  Bytes8 ssc{};  // incremented before every command and every response
};

// The terminal's EXTERNAL AUTHENTICATE data: E_IFD ‖ M_IFD (40 bytes).
std::vector<std::uint8_t> terminal_cryptogram(const BacKeys& keys, const Bytes8& rnd_ifd, const Bytes8& rnd_icc,
                                              std::span<const std::uint8_t, 16> k_ifd);
// The card's side: checks the terminal's cryptogram (its MAC, then RND.ICC), answers E_ICC ‖ M_ICC
// and sets up its session. kUnauthenticated with bac_reason when the terminal does not know the MRZ.
struct CardAnswer {
  std::vector<std::uint8_t> response;
  SecureSession session;
};
Result<CardAnswer> card_authenticate(const BacKeys& keys, std::span<const std::uint8_t> command_data,
                                     const Bytes8& rnd_icc, std::span<const std::uint8_t, 16> k_icc);
// The terminal's side of the card's answer: checks it (MAC, RND.IFD) and derives the session.
Result<SecureSession> terminal_session(const BacKeys& keys, std::span<const std::uint8_t> response,
                                       const Bytes8& rnd_ifd, const Bytes8& rnd_icc,
                                       std::span<const std::uint8_t, 16> k_ifd);

// A plain command APDU (CLA INS P1 P2 [Lc data] [Le]) protected for the card: CLA | 0x0C, the data
// in DO'87', Le in DO'97', the MAC in DO'8E', and Le 00.
Result<std::vector<std::uint8_t>> protect_command(SecureSession& session, std::span<const std::uint8_t> apdu);
// The card's side: the plain command from a protected one (MAC checked first).
Result<std::vector<std::uint8_t>> unprotect_command(SecureSession& session, std::span<const std::uint8_t> apdu);
// The card's side: a response (data ‖ SW1 SW2) protected with DO'87', DO'99' and DO'8E'.
std::vector<std::uint8_t> protect_response(SecureSession& session, std::span<const std::uint8_t> response);
// The terminal's side: the plain response (data ‖ SW1 SW2) from a protected one, MAC checked.
Result<std::vector<std::uint8_t>> unprotect_response(SecureSession& session, std::span<const std::uint8_t> response);

}  // namespace ektp::card
