// Short command APDUs (ISO/IEC 7816-3 §12.1, cases 1 to 4: CLA INS P1 P2 [Lc data] [Le]) taken
// apart without trusting their lengths, and responses (data ‖ SW1 SW2) put together and read back.
// Shared by the chip (chip_card.h) and the readers that drive it. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ektp::card {

struct CommandApdu {
  std::uint8_t cla = 0, ins = 0, p1 = 0, p2 = 0;
  std::span<const std::uint8_t> data;  // empty for cases 1 and 2
  std::optional<std::size_t> le;       // cases 2 and 4; Le 00 is 256
};

// nullopt for fewer than 4 bytes, Lc 00, or an Lc that does not match the command's length.
std::optional<CommandApdu> parse_command(std::span<const std::uint8_t> apdu);

std::vector<std::uint8_t> status_response(std::uint16_t word);
std::vector<std::uint8_t> with_status(std::vector<std::uint8_t> data, std::uint16_t word);
// SW1 SW2 of a response; 0 for one shorter than 2 bytes.
std::uint16_t status_of(std::span<const std::uint8_t> response);

}  // namespace ektp::card
