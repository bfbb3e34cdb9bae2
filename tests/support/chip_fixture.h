// What the chip tests share: a seeded random source for cards and readers (so a failure replays),
// and a fresh SoftHSM2 token of this process's SoftHSM home, opened and logged in
// (support/softhsm_token.h; make it while no other token of the module is open).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "card/chip_card.h"
#include "card/pkcs11_token.h"
#include "support/softhsm_token.h"

namespace ektp::test {

inline card::ChipCard::Random seeded_chip_random(std::uint32_t seed) {
  auto rng = std::make_shared<std::mt19937>(seed);
  return [rng] {
    card::Bytes8 b{};
    for (auto& x : b) x = static_cast<std::uint8_t>((*rng)());
    return b;
  };
}

// A new token "<prefix>-<n>" with user PIN `pin`; nullopt (and a test failure) when it cannot be
// made or opened.
inline std::optional<card::Pkcs11Token> fresh_softhsm_token(const std::string& prefix, const std::string& pin) {
  static std::atomic<int> made{0};
  const auto label = prefix + "-" + std::to_string(made++);
  if (!make_softhsm_token(label, "314159", pin)) {
    ADD_FAILURE() << "softhsm2-util could not make token " << label;
    return std::nullopt;
  }
  auto opened = card::Pkcs11Token::open(kSoftHsmModule, label, pin);
  if (!opened) {
    ADD_FAILURE() << opened.error().message;
    return std::nullopt;
  }
  return std::move(*opened);
}

}  // namespace ektp::test
