#include "card/blanko_ledger.h"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace ektp::card {

namespace {

constexpr std::array<std::pair<MovementKind, std::string_view>, 7> kKinds = {{
    {MovementKind::kReceived, "received"},
    {MovementKind::kTransferOut, "transfer_out"},
    {MovementKind::kTransferIn, "transfer_in"},
    {MovementKind::kUsed, "used"},
    {MovementKind::kSpoiled, "spoiled"},
    {MovementKind::kReturned, "returned"},
    {MovementKind::kPrintSpoiled, "print_spoiled"},
}};

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string_view movement_kind_id(MovementKind kind) {
  for (const auto& [k, id] : kKinds) {
    if (k == kind) return id;
  }
  return "unknown";
}

Result<MovementKind> parse_movement_kind(std::string_view id) {
  for (const auto& [k, name] : kKinds) {
    if (name == id) return k;
  }
  return invalid_argument(fmt::format("unknown blanko movement '{}'", id.substr(0, 40)));
}

std::string_view serial_state_id(SerialState state) {
  switch (state) {
    case SerialState::kOnHand: return "on_hand";
    case SerialState::kInTransit: return "in_transit";
    case SerialState::kUsed: return "used";
    case SerialState::kSpoiled: return "spoiled";
    case SerialState::kReturned: return "returned";
  }
  return "unknown";
}

Status validate_range(const SerialRange& range) {
  if (range.first < 1 || range.first > kSerialMax || range.last < 1 || range.last > kSerialMax) {
    return invalid_argument(fmt::format("blanko numbers run from 1 to {}; got {}–{}", kSerialMax, range.first, range.last));
  }
  if (range.last < range.first) {
    return invalid_argument(fmt::format("blanko range {}–{}: the last number comes before the first", range.first, range.last));
  }
  if (range.count() > kRangeCountMax) {
    return invalid_argument(fmt::format("blanko range {}–{} holds {} numbers; at most {} in one movement", range.first,
                                        range.last, range.count(), kRangeCountMax));
  }
  return {};
}

Status validate_office_code(std::string_view office) {
  if ((office.size() != 4 && office.size() != 6) || !all_digits(office)) {
    return invalid_argument(fmt::format(
        "office '{}': a regency/city (4 digits) or kecamatan (6 digits) region code", office.substr(0, 20)));
  }
  return {};
}

LedgerReplay replay_ledger(const std::vector<Movement>& movements) {
  LedgerReplay replay;
  // Transfers out waiting for their transfer in, by range (concurrent transfers may interleave).
  std::map<std::pair<std::int64_t, std::int64_t>, const Movement*> pending_out;
  const auto fail = [&](const Movement& m, std::string problem) {
    replay.broken_at_seq = m.seq;
    replay.problem = fmt::format("movement {} ({} {} {}–{}): {}", m.seq, m.office, movement_kind_id(m.kind),
                                 m.serials.first, m.serials.last, std::move(problem));
  };
  for (const Movement& m : movements) {
    replay.movements += 1;
    if (auto valid = validate_range(m.serials); !valid) {
      fail(m, valid.error().message);
      return replay;
    }
    OfficeBalance& balance = replay.offices[m.office];
    const std::int64_t n = m.serials.count();
    // Each number must be on hand here to leave; returns the first that is not.
    const auto leave = [&](SerialState to) -> std::optional<std::int64_t> {
      for (std::int64_t s = m.serials.first; s <= m.serials.last; ++s) {
        auto it = replay.serials.find(s);
        if (it == replay.serials.end() || it->second.office != m.office || it->second.state != SerialState::kOnHand) {
          return s;
        }
      }
      for (std::int64_t s = m.serials.first; s <= m.serials.last; ++s) replay.serials[s].state = to;
      return std::nullopt;
    };
    const auto where = [&](std::int64_t s) -> std::string {
      auto it = replay.serials.find(s);
      if (it == replay.serials.end()) return "never received";
      return fmt::format("{} at {}", serial_state_id(it->second.state), it->second.office);
    };
    switch (m.kind) {
      case MovementKind::kReceived:
        for (std::int64_t s = m.serials.first; s <= m.serials.last; ++s) {
          if (replay.serials.contains(s)) {
            fail(m, fmt::format("blanko {} was received before ({})", s, where(s)));
            return replay;
          }
        }
        for (std::int64_t s = m.serials.first; s <= m.serials.last; ++s) {
          replay.serials.emplace(s, SerialHolding{m.office, SerialState::kOnHand});
        }
        balance.received += n;
        break;
      case MovementKind::kTransferOut:
        if (auto bad = leave(SerialState::kInTransit)) {
          fail(m, fmt::format("blanko {} is not on hand here ({})", *bad, where(*bad)));
          return replay;
        }
        if (m.counterpart == m.office) {
          fail(m, "a transfer to the same office");
          return replay;
        }
        balance.transferred_out += n;
        pending_out[{m.serials.first, m.serials.last}] = &m;
        break;
      case MovementKind::kTransferIn: {
        auto out = pending_out.find({m.serials.first, m.serials.last});
        if (out == pending_out.end() || out->second->counterpart != m.office || m.counterpart != out->second->office) {
          fail(m, "a transfer in without its transfer out");
          return replay;
        }
        pending_out.erase(out);
        for (std::int64_t s = m.serials.first; s <= m.serials.last; ++s) {
          replay.serials[s] = SerialHolding{m.office, SerialState::kOnHand};
        }
        balance.transferred_in += n;
        break;
      }
      case MovementKind::kUsed:
        if (n != 1 || m.print_request <= 0) {
          fail(m, "a use is of exactly one blanko, for a print request");
          return replay;
        }
        if (auto bad = leave(SerialState::kUsed)) {
          fail(m, fmt::format("blanko {} is not on hand here ({})", *bad, where(*bad)));
          return replay;
        }
        replay.serials[m.serials.first].print_request = m.print_request;
        balance.used += 1;
        break;
      case MovementKind::kPrintSpoiled: {
        auto it = replay.serials.find(m.serials.first);
        if (n != 1 || m.reason.empty() || it == replay.serials.end() || it->second.office != m.office ||
            it->second.state != SerialState::kUsed || it->second.print_request != m.print_request) {
          fail(m, "a spoiled print is of one blanko used here for that print request, with a reason");
          return replay;
        }
        it->second.state = SerialState::kSpoiled;
        balance.used -= 1;
        balance.spoiled += 1;
        break;
      }
      case MovementKind::kSpoiled:
        if (m.reason.empty()) {
          fail(m, "a spoiled blanko needs a reason");
          return replay;
        }
        if (auto bad = leave(SerialState::kSpoiled)) {
          fail(m, fmt::format("blanko {} is not on hand here ({})", *bad, where(*bad)));
          return replay;
        }
        balance.spoiled += n;
        break;
      case MovementKind::kReturned:
        if (auto bad = leave(SerialState::kReturned)) {
          fail(m, fmt::format("blanko {} is not on hand here ({})", *bad, where(*bad)));
          return replay;
        }
        balance.returned += n;
        break;
    }
  }
  if (!pending_out.empty()) {
    const Movement& m = *pending_out.begin()->second;
    replay.broken_at_seq = m.seq;
    replay.problem = fmt::format("movement {}: a transfer out without its transfer in", m.seq);
  }
  return replay;
}

}  // namespace ektp::card
