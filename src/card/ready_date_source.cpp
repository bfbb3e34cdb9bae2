#include "card/ready_date_source.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "card/announced_deliveries.h"
#include "card/blanko_stock.h"

namespace ektp::card {

namespace {

constexpr std::size_t kWaitingMax = 200'000;

struct DayLedger {
  std::int64_t net = 0;  // change of the stock on hand
  std::int64_t used = 0;
  std::int64_t print_spoiled = 0;
  std::int64_t received = 0;
};

Result<std::map<std::int64_t, DayLedger>> ledger_by_day(store::Connection& db, std::string_view office,
                                                        std::int64_t since_ms) {
  auto rows = db.execute(
      "SELECT kind, last_serial - first_serial + 1, at_ms FROM blanko_movements WHERE office_code = $1 AND "
      "at_ms >= $2 ORDER BY seq",
      {std::string(office), since_ms});
  if (!rows) return std::unexpected(rows.error());
  std::map<std::int64_t, DayLedger> days;
  for (const auto& r : rows->rows) {
    EKTP_ASSIGN_OR_RETURN(auto kind, parse_movement_kind(r.text(0)));
    const std::int64_t n = r.integer(1);
    auto& d = days[jakarta_day_of_ms(r.integer(2))];
    switch (kind) {
      case MovementKind::kReceived:
      case MovementKind::kTransferIn:
        d.net += n;
        d.received += n;
        break;
      case MovementKind::kTransferOut:
      case MovementKind::kSpoiled:
      case MovementKind::kReturned: d.net -= n; break;
      case MovementKind::kUsed:
        d.net -= n;
        d.used += n;
        break;
      case MovementKind::kPrintSpoiled: d.print_spoiled += n; break;  // a used blanko, now spoiled
    }
  }
  return days;
}

// Receipts of the last year, one delivery per moment of receipt, with the announcement each
// fulfilled (if any).
Result<std::vector<PastDelivery>> past_deliveries(store::Connection& db, std::string_view office,
                                                  std::int64_t since_ms, std::int64_t today) {
  auto rows = db.execute(
      "SELECT at_ms, SUM(last_serial - first_serial + 1) FROM blanko_movements WHERE office_code = $1 AND "
      "kind IN ('received', 'transfer_in') AND at_ms >= $2 GROUP BY at_ms ORDER BY at_ms",
      {std::string(office), since_ms});
  if (!rows) return std::unexpected(rows.error());
  auto announced = db.execute(
      "SELECT received_at_ms, announced_at_ms, expected_day FROM blanko_announced_deliveries WHERE office_code = $1 "
      "AND status = 'received' AND received_at_ms >= $2",
      {std::string(office), since_ms});
  if (!announced) return std::unexpected(announced.error());
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> by_receipt;
  for (const auto& a : announced->rows) by_receipt[a.integer(0)] = {jakarta_day_of_ms(a.integer(1)), a.integer(2)};
  std::vector<PastDelivery> out;
  for (const auto& r : rows->rows) {
    PastDelivery d;
    d.arrived_day = std::min(jakarta_day_of_ms(r.integer(0)), today);
    d.count = r.integer(1);
    if (auto it = by_receipt.find(r.integer(0)); it != by_receipt.end()) {
      d.announced_on = it->second.first;
      d.announced_for = it->second.second;
    }
    out.push_back(d);
  }
  return out;
}

struct QueueHistory {
  std::map<std::int64_t, PastDay> arrivals;       // the new_* counts by day
  std::vector<std::int64_t> waiting_at_day_end;   // per day of the window
};

// Requests queued each day of the window by class, and how many waited at the end of each day.
Result<QueueHistory> queue_history(store::Connection& db, std::string_view office, std::int64_t first_day,
                                   std::int64_t today) {
  const std::int64_t since = jakarta_day_start_ms(first_day);
  auto rows = db.execute(
      "SELECT reason, urgent_reason, requested_at_ms, status, printed_at_ms FROM print_requests WHERE "
      "office_code = $1 AND status <> 'cancelled' AND (requested_at_ms >= $2 OR status = 'waiting' OR "
      "printed_at_ms >= $2)",
      {std::string(office), since});
  if (!rows) return std::unexpected(rows.error());
  QueueHistory q;
  const auto days = static_cast<std::size_t>(today - first_day);
  // +1 on the day a request came (or the window's first), −1 on the day it was printed.
  std::vector<std::int64_t> delta(days + 1, 0);
  for (const auto& r : rows->rows) {
    const std::int64_t requested = r.integer(2);
    const std::int64_t day = jakarta_day_of_ms(requested);
    if (requested >= since && day < today) {
      auto& d = q.arrivals[day];
      const bool urgent = !r.text(1).empty();
      const bool first = r.text(0) == "first";
      (urgent ? (first ? d.new_urgent_first : d.new_urgent_replacement) : (first ? d.new_first : d.new_replacement)) += 1;
    }
    const std::int64_t from = std::max(day, first_day);
    if (from >= today) continue;
    std::int64_t until = today;  // still waiting
    if (r.text(3) != "waiting" && r.integer(4) > 0) until = std::clamp(jakarta_day_of_ms(r.integer(4)), from, today);
    delta[static_cast<std::size_t>(from - first_day)] += 1;
    delta[static_cast<std::size_t>(until - first_day)] -= 1;
  }
  // Waiting at the end of day i: came on or before i, printed after i (or not yet).
  q.waiting_at_day_end.resize(days, 0);
  std::int64_t running = 0;
  for (std::size_t i = 0; i < days; ++i) {
    running += delta[i];
    q.waiting_at_day_end[i] = running;
  }
  return q;
}

}  // namespace

Result<OfficeReadyInputs> office_ready_inputs(store::Connection& db, std::string_view office, std::int64_t now_ms) {
  EKTP_RETURN_IF_ERROR(validate_office_code(office));
  OfficeReadyInputs in;
  const std::int64_t today = jakarta_day_of_ms(now_ms);
  const std::int64_t first_day = today - kReadyHistoryDays;
  EKTP_ASSIGN_OR_RETURN(auto on_hand, on_hand_count(db, office));
  EKTP_ASSIGN_OR_RETURN(auto ledger, ledger_by_day(db, office, jakarta_day_start_ms(first_day)));
  EKTP_ASSIGN_OR_RETURN(auto queue, queue_history(db, office, first_day, today));

  // Walk back from the stock on hand now to each past day's stock at its start and end.
  std::int64_t end_of_day = on_hand;
  if (auto t = ledger.find(today); t != ledger.end()) end_of_day -= t->second.net;
  std::vector<PastDay> days(static_cast<std::size_t>(kReadyHistoryDays));
  for (std::int64_t day = today - 1; day >= first_day; --day) {
    const auto i = static_cast<std::size_t>(day - first_day);
    PastDay& p = days[i];
    if (auto a = queue.arrivals.find(day); a != queue.arrivals.end()) p = a->second;
    p.day = day;
    DayLedger l;
    if (auto it = ledger.find(day); it != ledger.end()) l = it->second;
    const std::int64_t start_of_day = end_of_day - l.net;
    p.spoiled = l.print_spoiled;
    p.printed = std::max<std::int64_t>(0, l.used - l.print_spoiled);
    p.had_stock = start_of_day > 0 || l.used > 0;
    p.ran_short = p.had_stock && (end_of_day <= 0 || queue.waiting_at_day_end[i] <= 0);
    end_of_day = start_of_day;
  }
  in.history.days = std::move(days);
  EKTP_ASSIGN_OR_RETURN(in.history.deliveries,
                        past_deliveries(db, office, jakarta_day_start_ms(today - kReadyDeliveryHistoryDays), today));

  in.now.today = today;
  in.now.on_hand = on_hand;
  EKTP_ASSIGN_OR_RETURN(auto announced, announced_deliveries(db, office, /*open_only=*/true, kMaxAnnounced));
  for (const auto& a : announced) in.now.announced.push_back({a.expected_day, a.count});

  EKTP_ASSIGN_OR_RETURN(in.waiting, waiting_requests(db, office, kWaitingMax));
  for (std::size_t i = 0; i < in.waiting.size(); ++i) {
    in.entries.push_back({static_cast<std::int64_t>(i), !in.waiting[i].urgent_reason.empty(),
                          in.waiting[i].reason != PrintReason::kFirst});
  }
  return in;
}

Result<std::vector<RequestReadyDate>> office_ready_dates(store::Connection& db, std::string_view office,
                                                         std::int64_t now_ms, std::size_t limit) {
  EKTP_ASSIGN_OR_RETURN(auto in, office_ready_inputs(db, office, now_ms));
  if (in.entries.size() > limit) {
    in.entries.resize(limit);
    in.waiting.resize(limit);
  }
  EKTP_ASSIGN_OR_RETURN(auto answers, estimate_ready_dates(in.history, in.now, in.entries));
  std::vector<RequestReadyDate> out;
  for (std::size_t i = 0; i < answers.size(); ++i) out.push_back({std::move(in.waiting[i]), in.entries[i].ahead, answers[i]});
  return out;
}

Result<std::optional<RequestReadyDate>> ready_date_of_person(store::Connection& db, std::string_view nik,
                                                             std::int64_t now_ms) {
  auto rows = db.execute("SELECT id, office_code FROM print_requests WHERE nik = $1 AND status = 'waiting'",
                         {std::string(nik)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<RequestReadyDate>();
  const std::int64_t id = rows->rows.front().integer(0);
  EKTP_ASSIGN_OR_RETURN(auto in, office_ready_inputs(db, rows->rows.front().text(1), now_ms));
  auto at = std::ranges::find(in.waiting, id, &PrintRequest::id);
  if (at == in.waiting.end()) {
    return make_error(ErrorCode::kInternal, fmt::format("waiting request {} is not in its office's queue", id));
  }
  const auto i = static_cast<std::size_t>(at - in.waiting.begin());
  EKTP_ASSIGN_OR_RETURN(auto answer, estimate_ready_date(in.history, in.now, in.entries[i]));
  return std::optional<RequestReadyDate>(RequestReadyDate{std::move(*at), in.entries[i].ahead, answer});
}

}  // namespace ektp::card
