// Hex text ↔ bytes for test vectors (upper-case hex, as the standards print them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace ektp::test {

inline std::vector<std::uint8_t> bytes_of_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

template <class Range>
std::string hex_of(const Range& bytes) {
  std::string out;
  for (auto b : bytes) out += fmt::format("{:02X}", static_cast<unsigned>(b));
  return out;
}

}  // namespace ektp::test
