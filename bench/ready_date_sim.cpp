// How honest the ready date is (bench/README.md, "Ready date"): a seeded simulation of one printing
// office over a year. Requests arrive on working days (a few hundred a day, varying day to day, a
// share of replacements and urgent ones) and queue in the print order (urgent, then first-time,
// then replacements, each by request time). Blanko comes in boxes of 500, several boxes a delivery,
// at irregular gaps with now and then a long drought; each delivery is announced some days ahead and
// arrives slipping by a random few days. The printer prints up to its capacity each working day,
// breaks down on random runs of days, and spoils a few prints. Residents collect their cards late;
// collection is recorded but readiness is the day the card is printed.
//
// A sample of residents ask when they request and weekly while they wait. Each ask is estimated
// from only what the office had measured by that day (the last year of printing, the last three
// years of deliveries, the deliveries announced and not yet come), and scored against the day the card
// was actually printed. After the asked year the office runs on (without asks) until every sampled
// card is printed or two more years pass.
//
// Usage: ektp_ready_date_sim [--seed N] [--days N] [--scenario sragen|balanced] [--sample R]
//                            [--draws N] [--json]
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "card/ready_date.h"
#include "core/splitmix64.h"

namespace {

namespace card = ektp::card;
using Clock = std::chrono::steady_clock;

constexpr int kBoxSize = 500;
constexpr int kWarmupDays = 1095;        // the office runs this long before the first ask
constexpr int kTailDays = 730;           // and at most this long after the last
// What the estimate is given (ready_date.h, OfficeHistory): a year of printing days and three years
// of deliveries. With 180 days and two years the rates measured were too rough for long waits
// (pooled inside share 80 % for Sragen, bench/README.md).
constexpr int kPrintWindowDays = 365;
constexpr int kDeliveryWindowDays = 1095;

struct Scenario {
  const char* name;
  double demand_per_day;      // mean requests a working day
  double demand_sd;           // day-to-day variation (log-normal sigma)
  double urgent_share;
  double replacement_share;
  std::int64_t start_queue;   // waiting when the simulation starts (the office's backlog)
  std::int64_t start_stock;
  int boxes_min, boxes_max;   // boxes of 500 a delivery
  int gap_min, gap_max;       // calendar days from one delivery to the next expected one
  double drought_share;       // share of gaps that are droughts
  int drought_min, drought_max;
  int capacity_min, capacity_max;  // cards the printer can do on a working day
  double breakdown_start;     // chance a working day starts a breakdown
  double breakdown_continue;  // chance a breakdown lasts another day
  double half_day_share;      // days the printer works half the day
  double spoil_rate;
};

// Demand above supply: the backlog grows from Sragen's 11,361 waiting (3,750 blanko every 19 days
// or so, slips included: about 300 a working day against 350 requests).
constexpr Scenario kSragen{"sragen", 340, 0.2, 0.05, 0.15, 11361, 0, 6, 9, 8, 20, 0.08, 35, 55, 330, 420,
                           0.03, 0.5, 0.05, 0.015};
// Supply a little above demand (3,250 blanko every 14.5 days or so: about 335 a working day against
// 310 requests): a short queue, except after droughts.
constexpr Scenario kBalanced{"balanced", 300, 0.2, 0.05, 0.15, 400, 1500, 5, 8, 7, 15, 0.03, 35, 55, 330, 420,
                             0.03, 0.5, 0.05, 0.015};

class Rng : public ektp::SplitMix64 {
 public:
  using ektp::SplitMix64::SplitMix64;
  int between(int lo, int hi) { return lo + static_cast<int>(unit() * (hi - lo + 1)); }  // inclusive
  bool chance(double p) { return unit() < p; }
  double normal() {
    const double u = 1.0 - unit(), v = unit();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
};

struct Delivery {
  std::int64_t announce_day, expected_day, arrival_day, count;
};

// Print order ranks: urgent first-time, urgent replacement, first-time, replacement.
int rank_of(bool urgent, bool replacement) { return (urgent ? 0 : 2) + (replacement ? 1 : 0); }

struct Resident {
  std::int64_t request_day = 0;
  int rank = 0;
  std::int64_t seq = 0;  // place within its rank
  std::int64_t printed_day = -1;
  std::int64_t collected_day = -1;  // recorded to keep it apart from readiness; never scored
};

struct Ask {
  std::size_t resident;
  std::int64_t day;
  bool first_ask;
  card::ReadyAnswer answer;
};

struct Figures {
  std::size_t asks = 0, dated = 0, scored = 0, inside = 0, below = 0, above = 0, unresolved = 0;
  std::size_t no_stock_no_delivery = 0, no_history = 0, beyond_horizon = 0, no_date_with_stock = 0;
  std::size_t beyond_horizon_printed_within = 0;
  std::size_t below_p50 = 0, at_p50 = 0;
  double abs_error_sum = 0;
  std::size_t abs_error_n = 0;
  std::vector<std::int64_t> widths;
  std::array<std::size_t, 4> scored_by_rank{}, inside_by_rank{};
  std::size_t scored_first_ask = 0, inside_first_ask = 0;
  // By the estimated wait (p50 − the day asked): up to a week, a month, three months, longer.
  std::array<std::size_t, 4> scored_by_wait{}, inside_by_wait{}, above_by_wait{};
};

std::size_t wait_bucket(std::int64_t wait) { return wait <= 7 ? 0 : wait <= 30 ? 1 : wait <= 90 ? 2 : 3; }

double share(std::size_t a, std::size_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

struct Options {
  std::uint64_t seed = 20261203;
  int days = 365;
  const Scenario* scenario = &kSragen;
  double sample = 0.02;
  int draws = 400;
  bool json = false;
};

bool is_weekend(std::int64_t day) {
  const std::int64_t weekday = ((day % 7) + 7 + 4) % 7;
  return weekday == 0 || weekday == 6;
}

int run(const Options& opt) {
  const Scenario& sc = *opt.scenario;
  const auto t0 = Clock::now();
  Rng rng(opt.seed);
  const std::int64_t start = card::day_number_of(ektp::CivilDate{std::chrono::year{2025}, std::chrono::August, std::chrono::day{4}});
  const std::int64_t ask_from = start + kWarmupDays;
  const std::int64_t ask_to = ask_from + opt.days;  // exclusive
  const std::int64_t end = ask_to + kTailDays;

  // Public holidays: a dozen single weekdays a year and a week of Lebaran leave.
  std::vector<std::int64_t> closed;
  for (std::int64_t y = start; y < end; y += 365) {
    for (int i = 0; i < 12; ++i) closed.push_back(y + rng.between(0, 364));
    const std::int64_t lebaran = y + rng.between(0, 358);
    for (int i = 0; i < 7; ++i) closed.push_back(lebaran + i);
  }
  std::sort(closed.begin(), closed.end());
  closed.erase(std::unique(closed.begin(), closed.end()), closed.end());
  closed.erase(std::remove_if(closed.begin(), closed.end(), is_weekend), closed.end());
  auto working = [&](std::int64_t d) { return !is_weekend(d) && !std::binary_search(closed.begin(), closed.end(), d); };

  // The deliveries, each announced 3–10 days before its expected day and slipping.
  std::vector<Delivery> deliveries;
  for (std::int64_t prev = start; prev < end;) {
    const int gap = rng.chance(sc.drought_share) ? rng.between(sc.drought_min, sc.drought_max) : rng.between(sc.gap_min, sc.gap_max);
    const std::int64_t expected = prev + gap;
    const double r = rng.unit();
    const int slip = r < 0.05 ? -1 : r < 0.5 ? 0 : r < 0.82 ? rng.between(1, 4) : r < 0.96 ? rng.between(5, 10) : rng.between(11, 20);
    const std::int64_t count = static_cast<std::int64_t>(rng.between(sc.boxes_min, sc.boxes_max)) * kBoxSize;
    deliveries.push_back({expected - rng.between(3, 10), expected, expected + slip, count});
    prev = expected + slip;
  }

  std::array<std::deque<std::int32_t>, 4> queue;  // sampled resident index, or −1
  std::array<std::int64_t, 4> popped{}, pushed{};
  for (std::int64_t i = 0; i < sc.start_queue; ++i) {
    const int r = rank_of(false, rng.chance(sc.replacement_share));
    queue[static_cast<std::size_t>(r)].push_back(-1);
    ++pushed[static_cast<std::size_t>(r)];
  }
  std::int64_t stock = sc.start_stock;
  std::vector<card::PastDay> past_days;
  std::vector<card::PastDelivery> past_deliveries;
  std::vector<Resident> residents;
  std::vector<std::size_t> waiting_sampled;
  std::vector<Ask> asks;
  std::size_t next_delivery = 0;
  bool broken = false;
  double estimate_seconds = 0;
  std::size_t estimate_calls = 0;
  Figures fig;

  for (std::int64_t day = start; day < end; ++day) {
    const bool asking = day >= ask_from && day < ask_to;
    if (day >= ask_to && waiting_sampled.empty()) break;
    while (next_delivery < deliveries.size() && deliveries[next_delivery].arrival_day <= day) {
      const Delivery& d = deliveries[next_delivery++];
      stock += d.count;
      past_deliveries.push_back({d.arrival_day, d.count, d.announce_day, d.expected_day});
    }
    if (!working(day)) continue;

    card::PastDay today{};
    today.day = day;
    const double mean = sc.demand_per_day * (is_weekend(day - 1) ? 1.15 : 1.0);  // Mondays are busier
    const auto n = static_cast<std::int64_t>(std::llround(mean * std::exp(sc.demand_sd * rng.normal() - sc.demand_sd * sc.demand_sd / 2)));
    std::vector<std::size_t> asked_today;
    for (std::int64_t i = 0; i < n; ++i) {
      const bool urgent = rng.chance(sc.urgent_share);
      const bool replacement = rng.chance(sc.replacement_share);
      const int r = rank_of(urgent, replacement);
      (urgent ? (replacement ? today.new_urgent_replacement : today.new_urgent_first)
              : (replacement ? today.new_replacement : today.new_first)) += 1;
      std::int32_t id = -1;
      if (asking && rng.chance(opt.sample)) {
        id = static_cast<std::int32_t>(residents.size());
        residents.push_back({day, r, pushed[static_cast<std::size_t>(r)], -1, -1});
        waiting_sampled.push_back(static_cast<std::size_t>(id));
        asked_today.push_back(static_cast<std::size_t>(id));
      }
      queue[static_cast<std::size_t>(r)].push_back(id);
      ++pushed[static_cast<std::size_t>(r)];
    }

    if (asking) {
      for (std::size_t id : waiting_sampled) {
        const Resident& res = residents[id];
        if (res.request_day < day && (day - res.request_day) % 7 == 0) asked_today.push_back(id);
      }
      // What the office has measured by today.
      card::OfficeHistory history;
      for (const card::PastDay& p : past_days) {
        if (p.day >= day - kPrintWindowDays) history.days.push_back(p);
      }
      for (const card::PastDelivery& p : past_deliveries) {
        if (p.arrived_day >= day - kDeliveryWindowDays) history.deliveries.push_back(p);
      }
      history.closed_days = closed;
      card::OfficeNow now;
      now.today = day;
      now.on_hand = stock;
      // A later delivery is now and then announced before an earlier one comes: look a few ahead.
      for (std::size_t k = next_delivery; k < std::min(deliveries.size(), next_delivery + 4); ++k) {
        if (deliveries[k].announce_day <= day) now.announced.push_back({deliveries[k].expected_day, deliveries[k].count});
      }
      std::sort(now.announced.begin(), now.announced.end(),
                [](const card::ExpectedDelivery& a, const card::ExpectedDelivery& b) { return a.expected_day < b.expected_day; });
      std::vector<card::QueueEntry> entries;
      for (std::size_t id : asked_today) {
        const Resident& res = residents[id];
        std::int64_t ahead = res.seq - popped[static_cast<std::size_t>(res.rank)];
        for (int r = 0; r < res.rank; ++r) ahead += pushed[static_cast<std::size_t>(r)] - popped[static_cast<std::size_t>(r)];
        entries.push_back({ahead, res.rank < 2, res.rank % 2 == 1});
      }
      if (!entries.empty()) {
        card::EstimateOptions eo;
        eo.draws = opt.draws;
        const auto e0 = Clock::now();
        auto answers = card::estimate_ready_dates(history, now, entries, eo);
        estimate_seconds += std::chrono::duration<double>(Clock::now() - e0).count();
        ++estimate_calls;
        if (!answers) {
          std::fprintf(stderr, "estimate refused: %s\n", answers.error().message.c_str());
          return 1;
        }
        const bool nothing_coming = stock == 0 && now.announced.empty();
        for (std::size_t i = 0; i < entries.size(); ++i) {
          const card::ReadyAnswer& a = (*answers)[i];
          if (a.no_date_reason == card::ready_reason::kNoStockNoDelivery && !nothing_coming) ++fig.no_date_with_stock;
          asks.push_back({asked_today[i], day, residents[asked_today[i]].request_day == day, a});
        }
      }
    }

    // Printing.
    today.had_stock = stock > 0;
    broken = broken ? rng.chance(sc.breakdown_continue) : rng.chance(sc.breakdown_start);
    int capacity = broken ? 0 : rng.between(sc.capacity_min, sc.capacity_max);
    if (rng.chance(sc.half_day_share)) capacity /= 2;
    auto waiting_total = [&] {
      std::int64_t w = 0;
      for (std::size_t r = 0; r < 4; ++r) w += pushed[r] - popped[r];
      return w;
    };
    std::int64_t waiting = waiting_total();
    while (capacity > 0 && stock > 0 && waiting > 0) {
      --capacity;
      --stock;
      if (rng.chance(sc.spoil_rate)) {  // the blanko is spoiled; the request waits at its place
        ++today.spoiled;
        continue;
      }
      std::size_t r = 0;
      while (queue[r].empty()) ++r;
      const std::int32_t id = queue[r].front();
      queue[r].pop_front();
      ++popped[r];
      --waiting;
      ++today.printed;
      if (id >= 0) {
        Resident& res = residents[static_cast<std::size_t>(id)];
        res.printed_day = day;
        // Collection: many within a week, some months later. It does not make the card readier.
        res.collected_day = day + (rng.chance(0.5) ? rng.between(0, 7) : rng.between(8, 120));
        waiting_sampled.erase(std::find(waiting_sampled.begin(), waiting_sampled.end(), static_cast<std::size_t>(id)));
      }
    }
    today.ran_short = capacity > 0 && (stock == 0 || waiting == 0);
    past_days.push_back(today);
  }
  const std::int64_t last_day = std::min(end, past_days.empty() ? end : past_days.back().day + 1);

  double collect_delay_sum = 0;
  std::size_t collected = 0;
  for (const Resident& r : residents) {
    if (r.printed_day >= 0) {
      collect_delay_sum += static_cast<double>(r.collected_day - r.printed_day);
      ++collected;
    }
  }
  for (const Ask& a : asks) {
    ++fig.asks;
    const Resident& res = residents[a.resident];
    if (!a.answer.has_date()) {
      if (a.answer.no_date_reason == card::ready_reason::kNoStockNoDelivery) ++fig.no_stock_no_delivery;
      if (a.answer.no_date_reason == card::ready_reason::kNoHistory) ++fig.no_history;
      if (a.answer.no_date_reason == card::ready_reason::kBeyondHorizon) {
        ++fig.beyond_horizon;
        if (res.printed_day >= 0 && res.printed_day < a.day + card::EstimateOptions{}.horizon_days) ++fig.beyond_horizon_printed_within;
      }
      continue;
    }
    ++fig.dated;
    const card::ReadyEstimate& e = *a.answer.estimate;
    fig.widths.push_back(e.p90 - e.p10);
    const std::int64_t actual = res.printed_day;
    bool in = false;
    if (actual < 0) {
      if (e.p90 >= last_day) {
        ++fig.unresolved;
        continue;
      }
      ++fig.above;  // still waiting after p90 had passed
    } else {
      in = actual >= e.p10 && actual <= e.p90;
      if (actual < e.p10) ++fig.below;
      if (actual < e.p50) ++fig.below_p50;
      if (actual == e.p50) ++fig.at_p50;
      if (actual > e.p90) ++fig.above;
      fig.abs_error_sum += static_cast<double>(std::llabs(actual - e.p50));
      ++fig.abs_error_n;
    }
    ++fig.scored;
    fig.inside += in;
    const std::size_t wb = wait_bucket(e.p50 - a.day);
    ++fig.scored_by_wait[wb];
    fig.inside_by_wait[wb] += in;
    fig.above_by_wait[wb] += actual < 0 || actual > e.p90;
    ++fig.scored_by_rank[static_cast<std::size_t>(res.rank)];
    fig.inside_by_rank[static_cast<std::size_t>(res.rank)] += in;
    if (a.first_ask) {
      ++fig.scored_first_ask;
      fig.inside_first_ask += in;
    }
  }
  std::sort(fig.widths.begin(), fig.widths.end());
  const double median_width = fig.widths.empty() ? 0 : static_cast<double>(fig.widths[fig.widths.size() / 2]);
  const double mae = fig.abs_error_n == 0 ? 0 : fig.abs_error_sum / static_cast<double>(fig.abs_error_n);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::int64_t backlog = 0;
  for (std::size_t r = 0; r < 4; ++r) backlog += pushed[r] - popped[r];

  if (opt.json) {
    std::printf(
        "{\"bench\":\"ready_date_sim\",\"scenario\":\"%s\",\"seed\":%llu,\"days\":%d,\"draws\":%d,\"residents\":%zu,"
        "\"asks\":%zu,\"dated\":%zu,\"scored\":%zu,\"unresolved\":%zu,\"inside_p10_p90\":%.4f,\"below_p10\":%.4f,"
        "\"above_p90\":%.4f,\"below_p50\":%.4f,\"at_p50\":%.4f,\"p50_mean_abs_error_days\":%.2f,\"median_width_days\":%.1f,"
        "\"inside_by_class\":{\"urgent_first\":%.4f,\"urgent_replacement\":%.4f,\"first\":%.4f,\"replacement\":%.4f},"
        "\"scored_by_class\":{\"urgent_first\":%zu,\"urgent_replacement\":%zu,\"first\":%zu,\"replacement\":%zu},"
        "\"inside_at_request\":%.4f,\"no_stock_no_delivery\":%zu,\"no_stock_no_delivery_with_stock_or_announced\":%zu,"
        "\"no_history\":%zu,\"beyond_horizon\":%zu,\"beyond_horizon_printed_within_horizon\":%zu,"
        "\"backlog_at_end\":%lld,\"mean_days_printed_to_collected\":%.1f,\"estimate_calls\":%zu,"
        "\"estimate_ms_per_call\":%.2f,\"run_s\":%.2f}\n",
        sc.name, static_cast<unsigned long long>(opt.seed), opt.days, opt.draws, residents.size(), fig.asks, fig.dated,
        fig.scored, fig.unresolved, share(fig.inside, fig.scored), share(fig.below, fig.scored), share(fig.above, fig.scored),
        share(fig.below_p50, fig.scored), share(fig.at_p50, fig.scored), mae, median_width, share(fig.inside_by_rank[0], fig.scored_by_rank[0]), share(fig.inside_by_rank[1], fig.scored_by_rank[1]),
        share(fig.inside_by_rank[2], fig.scored_by_rank[2]), share(fig.inside_by_rank[3], fig.scored_by_rank[3]),
        fig.scored_by_rank[0], fig.scored_by_rank[1], fig.scored_by_rank[2], fig.scored_by_rank[3],
        share(fig.inside_first_ask, fig.scored_first_ask), fig.no_stock_no_delivery, fig.no_date_with_stock, fig.no_history,
        fig.beyond_horizon, fig.beyond_horizon_printed_within, static_cast<long long>(backlog),
        collected == 0 ? 0.0 : collect_delay_sum / static_cast<double>(collected), estimate_calls,
        estimate_calls == 0 ? 0.0 : 1000.0 * estimate_seconds / static_cast<double>(estimate_calls), seconds);
  } else {
    std::printf("scenario %s, seed %llu, %d days asked, %d draws\n", sc.name, static_cast<unsigned long long>(opt.seed),
                opt.days, opt.draws);
    std::printf("residents sampled %zu, asks %zu (dated %zu, scored %zu, unresolved at the end %zu)\n", residents.size(),
                fig.asks, fig.dated, fig.scored, fig.unresolved);
    std::printf("inside [p10, p90] %.1f %% (below p10 %.1f %%, above p90 %.1f %%); at request time %.1f %%\n",
                100 * share(fig.inside, fig.scored), 100 * share(fig.below, fig.scored), 100 * share(fig.above, fig.scored),
                100 * share(fig.inside_first_ask, fig.scored_first_ask));
    std::printf("inside by class: urgent first %.1f %% (%zu), urgent replacement %.1f %% (%zu), first %.1f %% (%zu), "
                "replacement %.1f %% (%zu)\n",
                100 * share(fig.inside_by_rank[0], fig.scored_by_rank[0]), fig.scored_by_rank[0],
                100 * share(fig.inside_by_rank[1], fig.scored_by_rank[1]), fig.scored_by_rank[1],
                100 * share(fig.inside_by_rank[2], fig.scored_by_rank[2]), fig.scored_by_rank[2],
                100 * share(fig.inside_by_rank[3], fig.scored_by_rank[3]), fig.scored_by_rank[3]);
    std::printf("inside by estimated wait: <=7 d %.1f %% (%zu, above %zu), 8-30 d %.1f %% (%zu, above %zu), "
                "31-90 d %.1f %% (%zu, above %zu), >90 d %.1f %% (%zu, above %zu)\n",
                100 * share(fig.inside_by_wait[0], fig.scored_by_wait[0]), fig.scored_by_wait[0], fig.above_by_wait[0],
                100 * share(fig.inside_by_wait[1], fig.scored_by_wait[1]), fig.scored_by_wait[1], fig.above_by_wait[1],
                100 * share(fig.inside_by_wait[2], fig.scored_by_wait[2]), fig.scored_by_wait[2], fig.above_by_wait[2],
                100 * share(fig.inside_by_wait[3], fig.scored_by_wait[3]), fig.scored_by_wait[3], fig.above_by_wait[3]);
    std::printf("p50 mean absolute error %.2f days, median interval width %.1f days\n", mae, median_width);
    std::printf("no date: no_stock_no_delivery %zu (with stock or announced: %zu), no_history %zu, beyond_horizon %zu "
                "(printed within the horizon after all: %zu)\n",
                fig.no_stock_no_delivery, fig.no_date_with_stock, fig.no_history, fig.beyond_horizon,
                fig.beyond_horizon_printed_within);
    std::printf("backlog at the end %lld, mean days from printed to collected %.1f\n", static_cast<long long>(backlog),
                collected == 0 ? 0.0 : collect_delay_sum / static_cast<double>(collected));
    std::printf("estimates: %zu calls, %.2f ms a call; run %.2f s\n", estimate_calls,
                estimate_calls == 0 ? 0.0 : 1000.0 * estimate_seconds / static_cast<double>(estimate_calls), seconds);
  }
  return 0;
}

bool parse_args(int argc, char** argv, Options& opt) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    const bool has_value = i + 1 < argc;
    if (std::strcmp(a, "--json") == 0) {
      opt.json = true;
    } else if (std::strcmp(a, "--seed") == 0 && has_value) {
      opt.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(a, "--days") == 0 && has_value) {
      opt.days = std::atoi(argv[++i]);
      if (opt.days < 1 || opt.days > 3650) return false;
    } else if (std::strcmp(a, "--draws") == 0 && has_value) {
      opt.draws = std::atoi(argv[++i]);
      if (opt.draws < 1 || opt.draws > 2000) return false;
    } else if (std::strcmp(a, "--sample") == 0 && has_value) {
      opt.sample = std::atof(argv[++i]);
      if (!(opt.sample > 0 && opt.sample <= 1)) return false;
    } else if (std::strcmp(a, "--scenario") == 0 && has_value) {
      const std::string s = argv[++i];
      if (s == "sragen") {
        opt.scenario = &kSragen;
      } else if (s == "balanced") {
        opt.scenario = &kBalanced;
      } else {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, opt)) {
    std::fprintf(stderr,
                 "usage: ektp_ready_date_sim [--seed N] [--days 1..3650] [--scenario sragen|balanced] "
                 "[--sample 0..1] [--draws 1..2000] [--json]\n");
    return 2;
  }
  return run(opt);
}
