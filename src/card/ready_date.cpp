#include "card/ready_date.h"

#include "core/splitmix64.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace ektp::card {

namespace {

constexpr std::string_view kInvalidInput = "invalid_ready_date_input";
constexpr int kMaxDraws = 2000;        // the stored futures are draws × days × 4 classes of int32
constexpr int kMaxHorizon = 3650;
constexpr int kBlockDays = 5;          // a week of working days: breakdown runs stay runs
constexpr double kGapJitter = 0.2;     // resampled gaps are smoothed by ±20 %: few gaps are measured
constexpr int kOverdueFloorDays = 7;   // a delivery later than every measured slip: up to a week more, or
                                       // as long again as it is already overdue
constexpr int kClasses = 4;            // urgent first, urgent replacement, first, replacement

class Rng : public SplitMix64 {
 public:
  using SplitMix64::SplitMix64;
  // Uniform in [0, n), n > 0.
  std::size_t below(std::size_t n) {
    return std::min(n - 1, static_cast<std::size_t>(unit() * static_cast<double>(n)));
  }
};

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t draw, std::uint64_t stream) {
  Rng mix(seed ^ (draw * 0xd1b54a32d192ed03ull) ^ (stream * 0x8cb92ba72f3d8dd7ull));
  return mix.next();
}

std::unexpected<Error> bad_input(std::string message) {
  return refusal(ErrorCode::kInvalidArgument, std::string(kInvalidInput), std::move(message));
}

bool is_working_day(std::int64_t day, const std::vector<std::int64_t>& closed) {
  const std::int64_t weekday = ((day % 7) + 7 + 4) % 7;  // day 0 was a Thursday; 0 = Sunday
  if (weekday == 0 || weekday == 6) return false;
  return !std::binary_search(closed.begin(), closed.end(), day);
}

bool day_in_range(std::int64_t day) { return day >= -kMaxDayNumber && day <= kMaxDayNumber; }

Status validate(const OfficeHistory& h, const OfficeNow& now, const std::vector<QueueEntry>& entries,
                const EstimateOptions& o) {
  if (o.draws < 1 || o.draws > kMaxDraws) return bad_input("draws must be 1.." + std::to_string(kMaxDraws));
  if (o.horizon_days < 1 || o.horizon_days > kMaxHorizon) {
    return bad_input("horizon_days must be 1.." + std::to_string(kMaxHorizon));
  }
  if (!day_in_range(now.today)) return bad_input("today is not a day number (days since 1970-01-01)");
  if (now.on_hand < 0 || now.on_hand > kMaxOnHand) return bad_input("on_hand must be 0.." + std::to_string(kMaxOnHand));
  if (h.days.size() > kMaxHistoryDays) return bad_input("history has more than " + std::to_string(kMaxHistoryDays) + " days");
  if (h.deliveries.size() > kMaxPastDeliveries) return bad_input("too many past deliveries");
  if (h.closed_days.size() > kMaxClosedDays) return bad_input("too many closed days");
  if (now.announced.size() > kMaxAnnounced) return bad_input("too many announced deliveries");
  if (entries.size() > kMaxEntries) return bad_input("too many queue entries");
  for (std::size_t i = 0; i < h.closed_days.size(); ++i) {
    if (!day_in_range(h.closed_days[i])) return bad_input("closed_days holds a value that is not a day number");
    if (i > 0 && h.closed_days[i] <= h.closed_days[i - 1]) return bad_input("closed_days must be strictly increasing");
  }
  auto count_ok = [](std::int64_t v) { return v >= 0 && v <= kMaxDailyCount; };
  for (std::size_t i = 0; i < h.days.size(); ++i) {
    const PastDay& d = h.days[i];
    const std::string at = "history day " + std::to_string(d.day);
    if (!day_in_range(d.day)) return bad_input("history holds a day that is not a day number");
    if (i > 0 && d.day <= h.days[i - 1].day) return bad_input("history days must be strictly increasing (" + at + ")");
    if (d.day >= now.today) return bad_input("history days must be before today (" + at + ")");
    if (!count_ok(d.printed) || !count_ok(d.spoiled) || !count_ok(d.new_urgent_first) ||
        !count_ok(d.new_urgent_replacement) || !count_ok(d.new_first) || !count_ok(d.new_replacement)) {
      return bad_input("counts must be 0.." + std::to_string(kMaxDailyCount) + " (" + at + ")");
    }
    if (!d.had_stock && (d.printed > 0 || d.spoiled > 0)) return bad_input("printing without stock (" + at + ")");
  }
  for (std::size_t i = 0; i < h.deliveries.size(); ++i) {
    const PastDelivery& d = h.deliveries[i];
    const std::string at = "delivery of " + std::to_string(d.arrived_day);
    if (!day_in_range(d.arrived_day)) return bad_input("a delivery's arrived_day is not a day number");
    if (i > 0 && d.arrived_day < h.deliveries[i - 1].arrived_day) return bad_input("deliveries must be in arrival order");
    if (d.arrived_day > now.today) return bad_input("a past delivery arrives after today (" + at + ")");
    if (d.count <= 0 || d.count > kMaxDeliveryCount) return bad_input("delivery counts must be 1..10,000,000 (" + at + ")");
    if (d.announced_on && (!day_in_range(*d.announced_on) || *d.announced_on > d.arrived_day)) {
      return bad_input("announced_on must be a day number not after the arrival (" + at + ")");
    }
    if (d.announced_for && !day_in_range(*d.announced_for)) return bad_input("announced_for is not a day number (" + at + ")");
  }
  for (std::size_t i = 0; i < now.announced.size(); ++i) {
    const ExpectedDelivery& a = now.announced[i];
    if (!day_in_range(a.expected_day)) return bad_input("an announced expected_day is not a day number");
    if (i > 0 && a.expected_day < now.announced[i - 1].expected_day) {
      return bad_input("announced deliveries must be in order of expected_day");
    }
    if (a.count <= 0 || a.count > kMaxDeliveryCount) return bad_input("announced counts must be 1..10,000,000");
  }
  for (const QueueEntry& e : entries) {
    if (e.ahead < 0 || e.ahead > kMaxAhead) return bad_input("ahead must be 0.." + std::to_string(kMaxAhead));
  }
  return {};
}

struct DaySample {
  std::int32_t printed = 0;
  std::int32_t spoiled = 0;
};

struct Arrivals {
  std::int32_t urgent_first = 0;
  std::int32_t urgent_replacement = 0;
  std::int32_t first = 0;
};

// What the measured past says, arranged for drawing.
struct Model {
  std::vector<DaySample> stock_days;  // working days with stock, in order (blocks are drawn from it)
  std::vector<bool> censored;         // stock_days[i] ran short: impute from the uncensored ones above it
  std::vector<DaySample> uncensored;  // sorted by printed
  std::vector<Arrivals> arrivals;     // every working day
  std::vector<std::int64_t> gaps;     // days between deliveries (same-day receipts merged)
  std::vector<std::int64_t> sizes;
  std::vector<std::int64_t> slips;    // arrived − announced_for, sorted
  std::vector<std::int64_t> notices;  // arrived − announced_on
  std::optional<std::int64_t> last_arrival;
};

Model build_model(const OfficeHistory& h) {
  Model m;
  for (const PastDay& d : h.days) {
    if (!is_working_day(d.day, h.closed_days)) continue;
    m.arrivals.push_back({static_cast<std::int32_t>(d.new_urgent_first), static_cast<std::int32_t>(d.new_urgent_replacement),
                          static_cast<std::int32_t>(d.new_first)});
    if (!d.had_stock) continue;
    const DaySample s{static_cast<std::int32_t>(d.printed), static_cast<std::int32_t>(d.spoiled)};
    m.stock_days.push_back(s);
    m.censored.push_back(d.ran_short);
    if (!d.ran_short) m.uncensored.push_back(s);
  }
  std::sort(m.uncensored.begin(), m.uncensored.end(),
            [](const DaySample& a, const DaySample& b) { return a.printed < b.printed; });
  std::vector<std::pair<std::int64_t, std::int64_t>> merged;  // a delivery in several ranges is one
  for (const PastDelivery& d : h.deliveries) {
    if (!merged.empty() && merged.back().first == d.arrived_day) {
      merged.back().second += d.count;
    } else {
      merged.emplace_back(d.arrived_day, d.count);
    }
    if (d.announced_for) m.slips.push_back(d.arrived_day - *d.announced_for);
    if (d.announced_on) m.notices.push_back(d.arrived_day - *d.announced_on);
  }
  for (std::size_t i = 0; i < merged.size(); ++i) {
    m.sizes.push_back(merged[i].second);
    if (i > 0) m.gaps.push_back(merged[i].first - merged[i - 1].first);
  }
  std::sort(m.gaps.begin(), m.gaps.end());
  std::sort(m.slips.begin(), m.slips.end());
  if (!merged.empty()) m.last_arrival = merged.back().first;
  return m;
}

// One draw's own version of the measured past: every sample resampled with replacement (and the
// printing days as blocks). Drawing the future from it, not from the past itself, carries the
// uncertainty of the measured rates into the answer: twenty gaps or sixty days say what the mean
// pace is only roughly, and over a long wait that error outweighs the day-to-day noise, which
// averages out.
struct Replica {
  std::vector<std::int64_t> gaps, sizes, slips, notices;  // gaps and slips sorted
  std::vector<std::uint32_t> arrival_days;                // indices into Model::arrivals
  std::vector<std::uint32_t> block_starts;                // indices into Model::stock_days
};

template <class T>
std::vector<T> resampled(const std::vector<T>& from, Rng& rng, bool sort) {
  std::vector<T> out(from.size());
  for (T& v : out) v = from[rng.below(from.size())];
  if (sort) std::sort(out.begin(), out.end());
  return out;
}

Replica replica_of(const Model& m, Rng& rng) {
  Replica r;
  r.gaps = resampled(m.gaps, rng, true);
  r.sizes = resampled(m.sizes, rng, false);
  r.slips = resampled(m.slips, rng, true);
  r.notices = resampled(m.notices, rng, false);
  r.arrival_days.resize(m.arrivals.size());
  for (auto& i : r.arrival_days) i = static_cast<std::uint32_t>(rng.below(m.arrivals.size()));
  r.block_starts.resize((m.stock_days.size() + kBlockDays - 1) / kBlockDays);
  for (auto& i : r.block_starts) i = static_cast<std::uint32_t>(rng.below(m.stock_days.size()));
  return r;
}

std::int64_t jittered(std::int64_t gap, Rng& rng) {
  const double f = 1.0 + kGapJitter * (2.0 * rng.unit() - 1.0);
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(gap) * f));
}

// The deliveries of one future: announced ones with a resampled slip (never before today), then
// unannounced ones after resampled gaps, the first conditioned on the drought so far and on not
// having been announced by today.
std::vector<std::pair<std::int64_t, std::int64_t>> draw_deliveries(const Model& m, const Replica& r, const OfficeNow& now,
                                                                   std::int64_t end_day, Rng& rng) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  std::optional<std::int64_t> base = m.last_arrival;
  for (const ExpectedDelivery& a : now.announced) {
    std::int64_t arrival = std::max(a.expected_day, now.today);
    if (!r.slips.empty()) {
      const std::int64_t overdue = now.today - a.expected_day;
      auto it = std::lower_bound(r.slips.begin(), r.slips.end(), overdue);
      if (it != r.slips.end()) {
        const auto first = static_cast<std::size_t>(it - r.slips.begin());
        arrival = a.expected_day + r.slips[first + rng.below(r.slips.size() - first)];
      } else {
        arrival = now.today + static_cast<std::int64_t>(
                                  rng.below(static_cast<std::size_t>(std::max<std::int64_t>(kOverdueFloorDays, overdue)) + 1));
      }
    }
    out.emplace_back(arrival, a.count);
    base = base ? std::max(*base, arrival) : arrival;
  }
  if (r.gaps.empty() || !base) return out;
  std::int64_t next;
  const std::int64_t since = now.today - *base;  // > 0: a drought already this long
  auto it = std::upper_bound(r.gaps.begin(), r.gaps.end(), since);
  if (since > 0 && it == r.gaps.end()) {
    // Longer than every measured gap: the wait so far says nothing more; start afresh from today.
    next = now.today + jittered(r.gaps[rng.below(r.gaps.size())], rng);
  } else {
    const auto first = since > 0 ? static_cast<std::size_t>(it - r.gaps.begin()) : 0;
    next = *base + jittered(r.gaps[first + rng.below(r.gaps.size() - first)], rng);
  }
  // Not announced by today: it comes at least one notice after tomorrow.
  const std::int64_t notice = r.notices.empty() ? 0 : r.notices[rng.below(r.notices.size())];
  next = std::max(next, now.today + 1 + notice);
  while (next <= end_day) {
    out.emplace_back(next, r.sizes[rng.below(r.sizes.size())]);
    next += jittered(r.gaps[rng.below(r.gaps.size())], rng);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Draws working days of printing: blocks of kBlockDays consecutive measured stock days, starting
// where the draw's replica starts its blocks; a day that ran short is replaced by an uncensored day that printed at least as many.
class PrintDays {
 public:
  PrintDays(const Model& m, const Replica& r, Rng& rng) : m_(m), r_(r), rng_(rng) {}
  DaySample next() {
    if (left_ == 0) {
      pos_ = r_.block_starts[rng_.below(r_.block_starts.size())];
      left_ = kBlockDays;
    } else {
      pos_ = (pos_ + 1) % m_.stock_days.size();
    }
    --left_;
    const DaySample s = m_.stock_days[pos_];
    if (!m_.censored[pos_]) return s;
    auto it = std::lower_bound(m_.uncensored.begin(), m_.uncensored.end(), s.printed,
                               [](const DaySample& a, std::int32_t v) { return a.printed < v; });
    if (it == m_.uncensored.end()) return s;
    const auto first = static_cast<std::size_t>(it - m_.uncensored.begin());
    return m_.uncensored[first + rng_.below(m_.uncensored.size() - first)];
  }

 private:
  const Model& m_;
  const Replica& r_;
  Rng& rng_;
  std::size_t pos_ = 0;
  int left_ = 0;
};

int class_of(const QueueEntry& e) { return (e.urgent ? 0 : 2) + (e.replacement ? 1 : 0); }

// One future per draw: for each class and day offset, the running maximum of cards printed minus
// requests of that class's overtakers queued since today. An entry `ahead` is printed on the first
// day that value reaches ahead + 1.
struct Futures {
  int draws = 0;
  std::vector<std::int32_t> values;       // per draw: kClasses rows of `length[draw]` days
  std::vector<std::size_t> offset;        // where each draw's rows start
  std::vector<std::int32_t> length;
  std::vector<bool> stalled_without_model;  // the draw ran out of known blanko with no gap to go by
};

Futures simulate(const Model& m, const OfficeNow& now, const std::vector<QueueEntry>& entries,
                 const std::vector<std::int64_t>& closed, const EstimateOptions& o) {
  std::array<std::int64_t, kClasses> need{};
  for (const QueueEntry& e : entries) need[class_of(e)] = std::max(need[class_of(e)], e.ahead + 1);
  const int horizon = o.horizon_days;
  std::vector<bool> working(static_cast<std::size_t>(horizon));
  for (int t = 0; t < horizon; ++t) working[static_cast<std::size_t>(t)] = is_working_day(now.today + t, closed);

  Futures f;
  f.draws = o.draws;
  f.offset.reserve(static_cast<std::size_t>(o.draws));
  std::array<std::vector<std::int32_t>, kClasses> rows;
  for (auto& r : rows) r.reserve(static_cast<std::size_t>(horizon));
  for (int draw = 0; draw < o.draws; ++draw) {
    Rng delivery_rng(stream_seed(o.seed, static_cast<std::uint64_t>(draw), 1));
    Rng print_rng(stream_seed(o.seed, static_cast<std::uint64_t>(draw), 2));
    Rng arrival_rng(stream_seed(o.seed, static_cast<std::uint64_t>(draw), 3));
    Rng replica_rng(stream_seed(o.seed, static_cast<std::uint64_t>(draw), 0));
    const Replica replica = replica_of(m, replica_rng);
    const auto deliveries = draw_deliveries(m, replica, now, now.today + horizon - 1, delivery_rng);
    PrintDays print_days(m, replica, print_rng);
    for (auto& r : rows) r.clear();
    std::int64_t stock = now.on_hand, printed = 0;
    std::array<std::int64_t, kClasses> overtakers{}, best{};
    std::size_t next_delivery = 0;
    bool stalled = false;
    for (int t = 0; t < horizon; ++t) {
      const std::int64_t day = now.today + t;
      while (next_delivery < deliveries.size() && deliveries[next_delivery].first <= day) {
        stock += deliveries[next_delivery++].second;
      }
      if (working[static_cast<std::size_t>(t)]) {
        if (t > 0) {  // today's arrivals are in the queue already
          const Arrivals& a = m.arrivals[replica.arrival_days[arrival_rng.below(replica.arrival_days.size())]];
          overtakers[1] += a.urgent_first;
          overtakers[2] += a.urgent_first + a.urgent_replacement;
          overtakers[3] += a.urgent_first + a.urgent_replacement + a.first;
        }
        if (stock > 0) {
          const DaySample s = print_days.next();
          std::int64_t good = s.printed;
          const std::int64_t use = static_cast<std::int64_t>(s.printed) + s.spoiled;
          if (use > stock) good = good * stock / use;  // the stock runs out during the day
          stock -= std::min(use, stock);
          printed += good;
        }
        if (stock == 0 && next_delivery == deliveries.size() && m.gaps.empty()) stalled = true;
      }
      bool all_reached = true;
      for (int c = 0; c < kClasses; ++c) {
        best[c] = std::max(best[c], printed - overtakers[c]);
        rows[c].push_back(static_cast<std::int32_t>(std::min<std::int64_t>(best[c], std::numeric_limits<std::int32_t>::max())));
        all_reached = all_reached && best[c] >= need[c];
      }
      if (all_reached) break;
    }
    f.offset.push_back(f.values.size());
    f.length.push_back(static_cast<std::int32_t>(rows[0].size()));
    for (const auto& r : rows) f.values.insert(f.values.end(), r.begin(), r.end());
    f.stalled_without_model.push_back(stalled);
  }
  return f;
}

ReadyAnswer no_date(std::string_view reason) { return ReadyAnswer{std::nullopt, reason}; }

}  // namespace

Result<std::vector<ReadyAnswer>> estimate_ready_dates(const OfficeHistory& history, const OfficeNow& now,
                                                      const std::vector<QueueEntry>& entries,
                                                      const EstimateOptions& options) {
  EKTP_RETURN_IF_ERROR(validate(history, now, entries, options));
  if (now.on_hand == 0 && now.announced.empty()) {
    return std::vector<ReadyAnswer>(entries.size(), no_date(ready_reason::kNoStockNoDelivery));
  }
  const Model model = build_model(history);
  if (model.stock_days.size() < kMinStockDays) {
    return std::vector<ReadyAnswer>(entries.size(), no_date(ready_reason::kNoHistory));
  }
  if (entries.empty()) return std::vector<ReadyAnswer>{};
  const Futures f = simulate(model, now, entries, history.closed_days, options);

  constexpr std::int32_t kNever = std::numeric_limits<std::int32_t>::max();
  const auto n = static_cast<std::size_t>(f.draws);
  auto rank = [n](double q) { return static_cast<std::size_t>(std::max(0.0, std::ceil(q * static_cast<double>(n)) - 1)); };
  const std::size_t i10 = rank(0.1), i50 = rank(0.5), i90 = rank(0.9);
  std::vector<std::int32_t> days(n);
  std::vector<ReadyAnswer> answers;
  answers.reserve(entries.size());
  for (const QueueEntry& e : entries) {
    const int c = class_of(e);
    const std::int64_t target = e.ahead + 1;
    std::size_t unreached_without_model = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const auto len = static_cast<std::size_t>(f.length[k]);
      const std::int32_t* row = f.values.data() + f.offset[k] + static_cast<std::size_t>(c) * len;
      const std::int32_t* hit = std::lower_bound(row, row + len, target,
                                                 [](std::int32_t v, std::int64_t t) { return v < t; });
      days[k] = hit == row + len ? kNever : static_cast<std::int32_t>(hit - row);
      if (days[k] == kNever && f.stalled_without_model[k]) ++unreached_without_model;
    }
    std::nth_element(days.begin(), days.begin() + static_cast<std::ptrdiff_t>(i90), days.end());
    const std::int32_t d90 = days[i90];
    if (d90 == kNever) {
      // Waiting for deliveries past the announced ones with no measured gap: history is what lacks.
      answers.push_back(no_date(unreached_without_model > 0 ? ready_reason::kNoHistory : ready_reason::kBeyondHorizon));
      continue;
    }
    std::nth_element(days.begin(), days.begin() + static_cast<std::ptrdiff_t>(i50), days.begin() + static_cast<std::ptrdiff_t>(i90));
    const std::int32_t d50 = days[i50];
    std::nth_element(days.begin(), days.begin() + static_cast<std::ptrdiff_t>(i10), days.begin() + static_cast<std::ptrdiff_t>(i50));
    const std::int32_t d10 = days[i10];
    answers.push_back(ReadyAnswer{ReadyEstimate{now.today + d10, now.today + d50, now.today + d90}, {}});
  }
  return answers;
}

Result<ReadyAnswer> estimate_ready_date(const OfficeHistory& history, const OfficeNow& now, const QueueEntry& entry,
                                        const EstimateOptions& options) {
  EKTP_ASSIGN_OR_RETURN(auto answers, estimate_ready_dates(history, now, {entry}, options));
  return answers.front();
}

}  // namespace ektp::card
