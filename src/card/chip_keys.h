// The e-KTP chip's symmetric keys beyond BAC, and the one MAC that proves them: the issuer's
// personalisation key K_perso and the terminal key K_term are both diversified per chip from a
// master key held by the issuer (its HSM) or an authorised reader (its token) —
//   K_perso = HMAC-SHA256(perso_master, "EKTP-PERSO" ‖ serial)
//   K_term  = HMAC-SHA256(terminal_master, "EKTP-TERMINAL" ‖ serial)
// — and whoever holds one answers the card's 8-byte challenge with HMAC-SHA256(K, challenge ‖
// serial). The card (chip_card.h) and its readers (ChipReader, chip_personaliser.h) share this
// file so both compute the same bytes. OpenSSL's HMAC; pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace ektp::card {

inline constexpr std::size_t kChipSerialBytes = 8;
using ChipSerial = std::array<std::uint8_t, kChipSerialBytes>;
using Key32 = std::array<std::uint8_t, 32>;

inline constexpr std::string_view kPersoKeyLabel = "EKTP-PERSO";
inline constexpr std::string_view kTerminalKeyLabel = "EKTP-TERMINAL";

Key32 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message);
// HMAC-SHA256(master, label ‖ serial): the key of one chip.
Key32 diversify_chip_key(const Key32& master, std::string_view label, std::span<const std::uint8_t> serial);
// HMAC-SHA256(key, challenge ‖ serial): the answer to the card's GET CHALLENGE.
Key32 challenge_answer(const Key32& key, std::span<const std::uint8_t> challenge, std::span<const std::uint8_t> serial);
// Equal in constant time (CRYPTO_memcmp); false for different lengths.
bool same_mac(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace ektp::card
