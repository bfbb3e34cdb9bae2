// The blanko (blank card) ledger, without storage: what a movement is, and the replay that proves
// a sequence of movements consistent. Every blanko has a number; an office holds numbered blanko.
// Movements are append-only: received (a numbered range from an allocation), transferred out of
// one office and into another, used (exactly one per printed card), spoiled (with a reason), and
// returned (up the chain). A print that came out bad turns its used blanko into a spoiled one
// (print_spoiled: used − 1, spoiled + 1). For every office at every moment:
//   on hand = received + transferred in − transferred out − used − spoiled − returned,
// and each number is on hand at one office at most, used at most once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::card {

enum class MovementKind { kReceived, kTransferOut, kTransferIn, kUsed, kSpoiled, kReturned, kPrintSpoiled };

std::string_view movement_kind_id(MovementKind kind);  // "received", "transfer_out", …
Result<MovementKind> parse_movement_kind(std::string_view id);

// Blanko numbers are positive; one movement names at most this many.
inline constexpr std::int64_t kSerialMax = 999'999'999'999;
inline constexpr std::int64_t kRangeCountMax = 100'000;

struct SerialRange {
  std::int64_t first = 0;
  std::int64_t last = 0;  // inclusive
  std::int64_t count() const { return last - first + 1; }
};
// kInvalidArgument naming what is wrong: numbers out of 1..kSerialMax, last before first, too many.
Status validate_range(const SerialRange& range);

// An office that holds blanko: a regency/city Dinas (4-digit region code) or a kecamatan where
// cards are printed (6 digits).
Status validate_office_code(std::string_view office);

struct Movement {
  std::int64_t seq = 0;  // order in the ledger
  std::string office;
  MovementKind kind = MovementKind::kReceived;
  SerialRange serials;
  std::string counterpart;  // the other office of a transfer; the allocation of a receipt
  std::int64_t print_request = 0;  // for kUsed (and a spoiled print)
  std::string actor;
  std::string reason;  // required for kSpoiled
  std::int64_t at_ms = 0;
};

enum class SerialState { kOnHand, kInTransit, kUsed, kSpoiled, kReturned };
std::string_view serial_state_id(SerialState state);  // "on_hand", …

struct SerialHolding {
  std::string office;
  SerialState state = SerialState::kOnHand;
  std::int64_t print_request = 0;  // the request it was used for
  friend bool operator==(const SerialHolding&, const SerialHolding&) = default;
};

struct OfficeBalance {
  std::int64_t received = 0, transferred_in = 0, transferred_out = 0, used = 0, spoiled = 0, returned = 0;
  std::int64_t on_hand() const { return received + transferred_in - transferred_out - used - spoiled - returned; }
};

// The replay of a ledger: the balance of each office, where each number is, and the first
// movement that breaks a rule (none when the ledger is consistent).
struct LedgerReplay {
  std::map<std::string, OfficeBalance> offices;
  std::map<std::int64_t, SerialHolding> serials;
  std::int64_t movements = 0;
  std::optional<std::int64_t> broken_at_seq;
  std::string problem;
  bool consistent() const { return !broken_at_seq.has_value(); }
};

// Replays movements in seq order. Rules: a number is received once, ever; it leaves an office
// (transfer out, use, spoil, return) only while on hand there; a transfer in takes exactly the
// numbers of a transfer out still in transit; a spoil has a reason; a use names its print request,
// and a spoiled print names the request its blanko was used for.
LedgerReplay replay_ledger(const std::vector<Movement>& movements);

}  // namespace ektp::card
