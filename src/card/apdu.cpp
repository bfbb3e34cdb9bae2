#include "card/apdu.h"

namespace ektp::card {

std::optional<CommandApdu> parse_command(std::span<const std::uint8_t> apdu) {
  if (apdu.size() < 4) return std::nullopt;
  CommandApdu c{apdu[0], apdu[1], apdu[2], apdu[3], {}, std::nullopt};
  if (apdu.size() == 4) return c;
  if (apdu.size() == 5) {
    c.le = apdu[4] == 0 ? 256 : apdu[4];
    return c;
  }
  const std::size_t lc = apdu[4];
  if (lc == 0 || (apdu.size() != 5 + lc && apdu.size() != 6 + lc)) return std::nullopt;
  c.data = apdu.subspan(5, lc);
  if (apdu.size() == 6 + lc) c.le = apdu[5 + lc] == 0 ? 256 : apdu[5 + lc];
  return c;
}

std::vector<std::uint8_t> status_response(std::uint16_t word) {
  return {static_cast<std::uint8_t>(word >> 8), static_cast<std::uint8_t>(word)};
}

std::vector<std::uint8_t> with_status(std::vector<std::uint8_t> data, std::uint16_t word) {
  data.push_back(static_cast<std::uint8_t>(word >> 8));
  data.push_back(static_cast<std::uint8_t>(word));
  return data;
}

std::uint16_t status_of(std::span<const std::uint8_t> response) {
  return response.size() < 2 ? 0 : static_cast<std::uint16_t>(response[response.size() - 2] << 8 | response.back());
}

}  // namespace ektp::card
