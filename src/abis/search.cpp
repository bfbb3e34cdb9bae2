#include "abis/search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "biometrics/matcher.h"

namespace ektp::abis {

namespace {

namespace bio = ektp::biometrics;
using Clock = std::chrono::steady_clock;
constexpr int kFingers = parameters::fingers_per_person;

struct Ranked {
  float score;
  std::size_t person_index;
  bool operator<(const Ranked& o) const { return score > o.score; }  // min-heap by score
};

int thread_count(int requested, std::size_t work) {
  const int hw = std::max(1u, std::thread::hardware_concurrency());
  int n = requested > 0 ? std::min(requested, parameters::search_threads_max) : hw;
  return std::max(1, std::min<int>(n, static_cast<int>(std::max<std::size_t>(work / 2048, 1))));
}

// Runs body(begin, end, thread) over [0, n) split across threads.
template <class Body>
void parallel_ranges(std::size_t n, int threads, Body&& body) {
  std::vector<std::thread> pool;
  const std::size_t chunk = (n + static_cast<std::size_t>(threads) - 1) / static_cast<std::size_t>(threads);
  for (int t = 0; t < threads; ++t) {
    const std::size_t begin = std::min(n, chunk * static_cast<std::size_t>(t)), end = std::min(n, begin + chunk);
    if (t == threads - 1) {
      body(begin, end, t);
    } else {
      pool.emplace_back([&body, begin, end, t] { body(begin, end, t); });
    }
  }
  for (auto& th : pool) th.join();
}

using ProbeHistograms = std::array<std::optional<CenteredProbe>, kFingers>;

std::vector<std::size_t> first_stage(const Gallery& g, const ProbeHistograms& probe, std::size_t keep, int threads) {
  std::vector<std::vector<Ranked>> heaps(static_cast<std::size_t>(threads));
  parallel_ranges(g.person_count(), threads, [&](std::size_t begin, std::size_t end, int t) {
    auto& heap = heaps[static_cast<std::size_t>(t)];
    for (std::size_t p = begin; p < end; ++p) {
      float score = 0;
      for (int f = 1; f <= kFingers; ++f) {
        const auto& h = probe[static_cast<std::size_t>(f - 1)];
        if (h && g.has_finger(p, f)) score += centered_similarity(*h, g.histogram(p, f), g.first_stage_terms(p, f));
      }
      if (heap.size() < keep) {
        heap.push_back({score, p});
        std::push_heap(heap.begin(), heap.end());
      } else if (score > heap.front().score) {
        std::pop_heap(heap.begin(), heap.end());
        heap.back() = {score, p};
        std::push_heap(heap.begin(), heap.end());
      }
    }
  });
  std::vector<Ranked> all;
  for (auto& h : heaps) all.insert(all.end(), h.begin(), h.end());
  std::sort(all.begin(), all.end());  // decreasing score
  if (all.size() > keep) all.resize(keep);
  std::vector<std::size_t> out;
  for (const Ranked& r : all) out.push_back(r.person_index);
  return out;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

}  // namespace

Result<std::vector<Candidate>> search(const Gallery& gallery, const SearchProbe& probe, const SearchOptions& options,
                                      SearchStats* stats) {
  if (options.candidates_max == 0 || options.candidates_max > parameters::search_candidates_max)
    return invalid_argument("candidates_max must be 1.." + std::to_string(parameters::search_candidates_max));
  if (options.shortlist_persons > 100'000) return invalid_argument("shortlist_persons must be 0..100000");
  const int probe_fingers = static_cast<int>(
      std::count_if(probe.fingers.begin(), probe.fingers.end(), [](const auto& t) { return t.has_value(); }));
  if (probe_fingers == 0) return invalid_argument("the probe has no fingers");
  if (stats) *stats = {};
  if (gallery.person_count() == 0) return std::vector<Candidate>{};

  const auto first_start = Clock::now();
  ProbeHistograms histograms;
  for (int f = 0; f < kFingers; ++f) {
    const auto& t = probe.fingers[static_cast<std::size_t>(f)];
    if (t) histograms[static_cast<std::size_t>(f)] = centered_probe(pair_histogram(*t), gallery.population_mean());
  }

  const int threads = thread_count(options.threads, gallery.person_count());
  const std::size_t shortlist_persons =
      options.shortlist_persons > 0 ? options.shortlist_persons
                                    : parameters::shortlist_finger_comparisons / static_cast<std::size_t>(probe_fingers);
  const auto shortlist = first_stage(gallery, histograms, shortlist_persons, threads);
  if (stats) {
    stats->first_stage_ms = ms_since(first_start);
    for (std::size_t p : shortlist) stats->shortlist.push_back(gallery.person_id(p));
  }

  const auto second_start = Clock::now();
  std::vector<std::optional<bio::Matcher>> matchers(kFingers);
  for (int f = 0; f < kFingers; ++f) {
    const auto& t = probe.fingers[static_cast<std::size_t>(f)];
    if (t) matchers[static_cast<std::size_t>(f)].emplace(bio::prepare(*t));
  }

  std::vector<Candidate> scored(shortlist.size());
  std::atomic<std::size_t> next{0};
  const int second_threads = std::max(1, std::min<int>(threads, static_cast<int>(shortlist.size())));
  parallel_ranges(static_cast<std::size_t>(second_threads), second_threads, [&](std::size_t, std::size_t, int) {
    for (std::size_t k = next++; k < shortlist.size(); k = next++) {
      const std::size_t p = shortlist[k];
      Candidate c{gallery.person_id(p), 0.0f, 0};
      for (int f = 1; f <= kFingers; ++f) {
        const auto& m = matchers[static_cast<std::size_t>(f - 1)];
        if (!m || !gallery.has_finger(p, f)) continue;
        auto t = gallery.finger_template(p, f);
        if (!t) continue;  // cannot happen for a validated gallery; score nothing rather than fail
        c.score += m->match(bio::prepare(*t));
        ++c.fingers_compared;
      }
      scored[k] = c;
    }
  });
  std::erase_if(scored, [&](const Candidate& c) { return c.score < options.score_threshold || c.fingers_compared == 0; });
  std::sort(scored.begin(), scored.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.person < b.person;
  });
  if (scored.size() > options.candidates_max) scored.resize(options.candidates_max);
  if (stats) stats->second_stage_ms = ms_since(second_start);
  return scored;
}

}  // namespace ektp::abis
