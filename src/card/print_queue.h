// The print queue of each office (the regency/city Dinas of the resident's village): a request
// for every resident whose enrollment reached siap cetak, and for replacements (lost — with the
// police report number —, damaged, changed data after a correction, a move or a marriage).
// Order (the Dukcapil circular of 2019, for when blanko is short): urgent requests (elderly,
// disabled, medical, hajj — with the reason recorded) first, then first-time cards before
// replacements, then request time. Printing takes the first request and the lowest blanko on
// hand in one transaction, with a compare-and-set on both: two printers never take the same
// request or the same blanko. A spoiled print spoils its blanko and puts the request back at its
// place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/blanko_stock.h"
#include "store/database.h"

namespace ektp::card {

enum class PrintReason { kFirst, kLost, kDamaged, kChangedData };
std::string_view print_reason_id(PrintReason reason);  // "first", "lost", "damaged", "changed_data"
Result<PrintReason> parse_print_reason(std::string_view id);

enum class PrintStatus { kWaiting, kPrinted, kCollected, kCancelled };
std::string_view print_status_id(PrintStatus status);  // "waiting", "printed", "collected", "cancelled"

// Why a request may jump the queue; empty = not urgent.
Status validate_urgent_reason(std::string_view reason);  // elderly, disabled, medical, hajj

struct PrintRequest {
  std::int64_t id = 0;
  std::string nik;
  std::string office;
  PrintReason reason = PrintReason::kFirst;
  std::string detail;         // the police report number of a lost card; what changed
  std::string urgent_reason;  // empty, or elderly / disabled / medical / hajj
  PrintStatus status = PrintStatus::kWaiting;
  std::int64_t requested_at_ms = 0;
  std::string requested_by;
  std::string enrollment_id;
  std::int64_t blanko_serial = 0;
  std::int64_t printed_at_ms = 0;
  std::string printed_by;
  std::int64_t collected_at_ms = 0;  // handed over (card_pickup.h)
  std::string collected_by;
  std::string collection_method;     // fingerprint, assisted
  std::int64_t revoked_at_ms = 0;    // the card was reported lost or damaged
  std::string revoked_reason;
};

// The office that prints a resident's card: their kecamatan when it prints cards itself
// (printing_offices.h), else the Dinas of their regency/city.
Result<std::string> printing_office_of(store::Connection& db, std::string_view village_code);

// Queues a first-card request for every enrollment at siap cetak whose person has none yet, at
// the time it became ready (so the queue keeps that order). Answers how many were queued.
Result<std::int64_t> queue_ready_to_print(store::Database& db, std::int64_t now_ms);

struct ReplacementRequest {
  std::string nik;
  PrintReason reason = PrintReason::kLost;
  std::string detail;         // required: the police report number (lost), or what changed
  std::string urgent_reason;  // optional
};
// kFailedPrecondition when the person has a waiting request already, or never had a card printed
// (a first card comes from enrollment); kNotFound for an unknown NIK. A card reported lost or
// damaged is revoked in the same transaction (it may not be used again, even when found).
Result<PrintRequest> request_replacement(store::Database& db, const ReplacementRequest& request,
                                         std::string_view actor, std::int64_t now_ms);
// Marks a waiting request urgent, with its reason.
Status mark_urgent(store::Database& db, std::int64_t request_id, std::string_view urgent_reason,
                   std::string_view actor, std::int64_t now_ms);

// Waiting requests of an office in print order (at most `limit`).
Result<std::vector<PrintRequest>> waiting_requests(store::Connection& db, std::string_view office,
                                                   std::size_t limit);
Result<PrintRequest> load_print_request(store::Connection& db, std::int64_t id);
// Every request of one resident, newest first (at most 50).
Result<std::vector<PrintRequest>> print_requests_of(store::Connection& db, std::string_view nik);

// Takes the office's next request and its lowest blanko: the request becomes printed with that
// blanko, the blanko is used, the enrollment's timeline gets dicetak and the person card_printed.
// kFailedPrecondition (nothing printed) when no blanko is on hand or nothing waits.
Result<PrintRequest> print_next(store::Database& db, const StockChange& printer);
// The card of a printed request came out bad: its blanko is spoiled (with the reason) and the
// request waits again at its place.
Status spoil_print(store::Database& db, std::int64_t request_id, std::string_view reason, std::string_view actor,
                   std::int64_t now_ms);

}  // namespace ektp::card
