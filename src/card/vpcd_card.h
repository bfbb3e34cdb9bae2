// Our chip behind a real PC/SC stack: a virtual card that connects to vsmartcard's vpcd driver
// of pcscd (TCP, 127.0.0.1:35963) and answers its messages — each a 2-byte big-endian length and a
// payload: 0x00 power off, 0x01 power on, 0x02 reset, 0x04 "send the ATR", anything longer a
// command APDU for ChipCard (chip_card.h). Every PC/SC application then sees an inserted card.
// Power off, power on and reset reset the card (its sessions and authentications end).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "card/chip_card.h"

namespace ektp::card {

// The ATR the virtual card answers: T=1, historical bytes "EKTP".
std::vector<std::uint8_t> virtual_card_atr();

// Called after the card answered a command and before the answer is sent (to store the card's
// contents when they changed: what the reader is told is done, is); an error stops serving.
using AfterCommand = std::function<Status()>;

// Connects (retrying until `stop` or 10 s) and serves `card` until vpcd closes the connection or
// `stop` is set. kUnavailable when vpcd cannot be reached; the error of `after_command` as it is.
Status serve_vpcd(const std::string& host, std::uint16_t port, ChipCard& card, const std::atomic<bool>& stop,
                  const AfterCommand& after_command = {});

}  // namespace ektp::card
