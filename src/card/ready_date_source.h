// The honest ready date of waiting print requests, from what the database shows of the printing
// office: its blanko ledger (prints, spoiled prints and stock on hand each day of the last 90, and
// the deliveries of the last year with how late announced ones came), its queue (the requests
// that arrived each day, by class, and each waiting request's place in the print order) and the
// deliveries announced to it. It is computed when asked, so it is always re-estimated from the
// stock, queue and rates as they are now; card/ready_date.h does the estimate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/print_queue.h"
#include "card/ready_date.h"
#include "store/database.h"

namespace ektp::card {

inline constexpr std::int64_t kReadyHistoryDays = 365;
inline constexpr std::int64_t kReadyDeliveryHistoryDays = 3 * 365;

// What the estimator is given for one office now, and the waiting requests in print order.
struct OfficeReadyInputs {
  OfficeHistory history;
  OfficeNow now;
  std::vector<PrintRequest> waiting;  // print order
  std::vector<QueueEntry> entries;    // entries[i] describes waiting[i]
};
Result<OfficeReadyInputs> office_ready_inputs(store::Connection& db, std::string_view office, std::int64_t now_ms);

struct RequestReadyDate {
  PrintRequest request;
  std::int64_t ahead = 0;  // requests printed before it in the current order
  ReadyAnswer answer;
};

// The office's waiting requests in print order (at most `limit`), each with its estimate.
Result<std::vector<RequestReadyDate>> office_ready_dates(store::Connection& db, std::string_view office,
                                                         std::int64_t now_ms, std::size_t limit);
// The ready date of one resident's waiting request; none when nothing of theirs waits.
Result<std::optional<RequestReadyDate>> ready_date_of_person(store::Connection& db, std::string_view nik,
                                                             std::int64_t now_ms);

}  // namespace ektp::card
