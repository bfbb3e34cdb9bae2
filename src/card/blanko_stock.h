// The blanko stock of every office, kept in the database: each movement appends to the ledger
// (blanko_movements) and moves its numbers (blanko_serials) in the same write transaction, with an
// audit record. Numbers leave an office only with a compare-and-set on their state there, so two
// clerks (or two printers) never move the same blanko. verify_stock() replays the whole ledger
// (blanko_ledger.h) and checks it against where the numbers are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/blanko_ledger.h"
#include "store/database.h"

namespace ektp::card {

// The stable reasons of refusals (Error::reason), which the web UI says in Indonesian.
namespace stock_reason {
inline constexpr std::string_view kAlreadyReceived = "blanko_already_received";
inline constexpr std::string_view kNotOnHand = "blanko_not_on_hand";
inline constexpr std::string_view kNeverReceived = "blanko_never_received";
inline constexpr std::string_view kShort = "blanko_short";
inline constexpr std::string_view kReasonRequired = "reason_required";  // also an allocation, a spoil's why
inline constexpr std::string_view kNoBlanko = "no_blanko_on_hand";
inline constexpr std::string_view kQueueEmpty = "print_queue_empty";
inline constexpr std::string_view kAlreadyWaiting = "already_in_print_queue";
inline constexpr std::string_view kNoCardYet = "no_card_printed_yet";
}  // namespace stock_reason

struct StockChange {
  std::string office;
  std::string actor;      // username
  std::int64_t at_ms = 0;
};

// A numbered range arrives from an allocation (`allocation`: the delivery note or allocation id).
// kAlreadyExists naming the first number already in the ledger anywhere.
Status receive_blanko(store::Database& db, const StockChange& change, const SerialRange& serials,
                      std::string_view allocation);
// Moves `count` blanko (the lowest numbers on hand) to office `to`; answers the ranges moved.
// kFailedPrecondition when fewer are on hand.
Result<std::vector<SerialRange>> transfer_blanko(store::Database& db, const StockChange& change,
                                                 std::string_view to, std::int64_t count);
// One blanko spoiled before printing (damaged in the box, …): a reason is required.
Status spoil_blanko(store::Database& db, const StockChange& change, std::int64_t serial, std::string_view reason);
// A range sent back up the chain.
Status return_blanko(store::Database& db, const StockChange& change, const SerialRange& serials,
                     std::string_view reason);

// Within a write transaction: the lowest number on hand at `office` (none when out of stock), and
// taking one for a print request (a use), or turning a used one spoiled (a spoiled print).
Result<std::optional<std::int64_t>> lowest_on_hand(store::Connection& db, std::string_view office);
Status use_blanko(store::Connection& db, const StockChange& change, std::int64_t serial, std::int64_t print_request);
Status spoil_printed_blanko(store::Connection& db, const StockChange& change, std::int64_t serial,
                            std::int64_t print_request, std::string_view reason);

// The office's balance from its ledger, and how many numbers are on hand there now.
Result<OfficeBalance> office_balance(store::Connection& db, std::string_view office);
Result<std::int64_t> on_hand_count(store::Connection& db, std::string_view office);

Result<std::vector<Movement>> load_movements(store::Connection& db, std::string_view office = "",
                                             std::size_t limit = 0);

struct StockVerification {
  LedgerReplay replay;
  std::int64_t serials_checked = 0;
  std::vector<std::string> mismatches;  // where blanko_serials disagrees with the replay (first 20)
  bool ok() const { return replay.consistent() && mismatches.empty(); }
};
// Replays the whole ledger in one read snapshot and compares every number's place and state, and
// every office's on-hand count, with blanko_serials.
Result<StockVerification> verify_stock(store::Database& db);

}  // namespace ektp::card
