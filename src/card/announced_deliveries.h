// The blanko deliveries an office has been told are coming: the expected day and the count. The
// ready date counts on them (an honest date needs to know what is on its way); receiving blanko
// (or a transfer in) marks the earliest open announcement received, keeping the day it really came,
// so how late announced deliveries come can be measured. Days are days since 1970-01-01 in the
// Jakarta calendar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/blanko_stock.h"
#include "core/civil_date.h"  // jakarta_day_of_ms, jakarta_day_start_ms
#include "store/database.h"

namespace ektp::card {

enum class AnnouncementStatus { kAnnounced, kReceived, kCancelled };
std::string_view announcement_status_id(AnnouncementStatus status);  // "announced", "received", "cancelled"

struct AnnouncedDelivery {
  std::int64_t id = 0;
  std::string office;
  std::int64_t expected_day = 0;  // days since 1970-01-01 (Jakarta)
  std::int64_t count = 0;
  std::string note;               // the allocation letter, the sender
  AnnouncementStatus status = AnnouncementStatus::kAnnounced;
  std::string announced_by;
  std::int64_t announced_at_ms = 0;
  std::int64_t received_at_ms = 0;
};

inline constexpr std::int64_t kAnnouncedCountMax = 100'000;
inline constexpr std::int64_t kAnnouncedDaysAheadMax = 366;

// kInvalidArgument: count outside 1..100,000, a day more than a year ahead or already past, a note
// over 200 bytes.
Result<AnnouncedDelivery> announce_delivery(store::Database& db, const StockChange& change, std::int64_t expected_day,
                                            std::int64_t count, std::string_view note);
// Only an open announcement can be cancelled (kFailedPrecondition otherwise).
Status cancel_announced_delivery(store::Database& db, std::int64_t id, std::string_view office,
                                 std::string_view actor, std::int64_t at_ms);

// The office's announcements: the open ones by expected day, or (all) every one newest first.
Result<std::vector<AnnouncedDelivery>> announced_deliveries(store::Connection& db, std::string_view office,
                                                            bool open_only, std::size_t limit);
// Within the receiving transaction: the earliest open announcement of `office` becomes received.
Status mark_announcement_received(store::Connection& db, std::string_view office, std::int64_t at_ms);

}  // namespace ektp::card
