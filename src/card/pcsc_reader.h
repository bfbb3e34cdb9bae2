// A card in a PC/SC reader (pcsc-lite): connect by reader name (T=1 or T=0), and transmit APDUs —
// what ChipReader needs to read any e-KTP chip, ours behind vpcd or a real card in a real reader.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"

namespace ektp::card {

class PcscCard {
 public:
  // The readers pcscd knows. kUnavailable when pcscd is not running.
  static Result<std::vector<std::string>> readers();
  // The card in `reader` (empty: the first reader with a card). kNotFound with no card present.
  static Result<std::unique_ptr<PcscCard>> connect(const std::string& reader);
  ~PcscCard();

  Result<std::vector<std::uint8_t>> transmit(std::span<const std::uint8_t> apdu);
  const std::string& reader() const { return reader_; }

 private:
  PcscCard() = default;
  std::intptr_t context_ = 0;
  std::intptr_t card_ = 0;
  unsigned long protocol_ = 0;
  std::string reader_;
};

}  // namespace ektp::card
