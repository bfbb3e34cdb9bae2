#include "abis/identify_eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <optional>
#include <string>

#include "biometrics/matcher.h"
#include "core/parallel_for.h"
#include "core/assert.h"

namespace ektp::abis {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kFingers = parameters::fingers_per_person;

Rng rng_for(std::uint64_t seed, std::uint64_t person, int finger, int impression) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(person), static_cast<std::uint32_t>(person >> 32),
                    static_cast<std::uint32_t>(finger), static_cast<std::uint32_t>(impression)};
  return Rng(seq);
}

biometrics::FeatureTemplate impression_of(std::uint64_t seed, std::uint64_t person, int finger, int impression) {
  const SyntheticFinger f = synthetic_finger(seed, person, finger);
  Rng rng = rng_for(seed, person, finger, impression + 1);
  return make_impression(f, rng);
}

}  // namespace

SyntheticFinger synthetic_finger(std::uint64_t seed, std::uint64_t person, int finger) {
  Rng rng = rng_for(seed, person, finger, 0);
  return make_synthetic_finger(rng);
}

Gallery synthetic_gallery(std::size_t persons, std::uint64_t seed, int threads) {
  const std::size_t n = threads > 0 ? static_cast<std::size_t>(threads) : hardware_threads();
  // Templates are made in parallel, in fixed-size batches so memory stays bounded; enrolment
  // (which appends to the gallery) is sequential and in person order, so the result is
  // deterministic.
  Gallery g;
  g.reserve(persons);  // no reallocation copies: they would double the peak memory of a big gallery
  constexpr std::size_t kBatch = 4096;
  std::vector<biometrics::FeatureTemplate> batch(kBatch * kFingers);
  for (std::size_t start = 0; start < persons; start += kBatch) {
    const std::size_t count = std::min(kBatch, persons - start);
    parallel_for(count * kFingers, n, [&](std::size_t k) {
      batch[k] = impression_of(seed, start + k / kFingers, static_cast<int>(k % kFingers) + 1, 0);
    });
    for (std::size_t k = 0; k < count * kFingers; ++k) {
      const auto ok = g.enroll(start + k / kFingers, static_cast<int>(k % kFingers) + 1, batch[k]);
      EKTP_ASSERT(ok.has_value());
    }
  }
  g.recenter();
  return g;
}

namespace {

// The mate's fused matcher score, the way stage two would have computed it.
float mate_score(const Gallery& gallery, std::uint64_t person, const SearchProbe& probe) {
  const auto p = gallery.person_index(person);
  if (!p) return 0;
  float score = 0;
  for (int f = 1; f <= kFingers; ++f) {
    const auto& t = probe.fingers[static_cast<std::size_t>(f - 1)];
    if (!t || !gallery.has_finger(*p, f)) continue;
    auto stored = gallery.finger_template(*p, f);
    if (stored) score += biometrics::Matcher(biometrics::prepare(*t)).match(biometrics::prepare(*stored));
  }
  return score;
}

}  // namespace

Result<IdentifyEvalReport> identify_eval(const IdentifyEvalOptions& o, double fpir_target) {
  if (o.persons == 0 || o.searches == 0) return invalid_argument("persons and searches must be positive");
  if (o.fingers < 1 || o.fingers > kFingers) return invalid_argument("fingers must be 1..10");
  // Past the gallery limit enrolment would fail inside synthetic_gallery(), which asserts.
  if (o.persons > parameters::gallery_persons_max)
    return invalid_argument("persons must be at most " + std::to_string(parameters::gallery_persons_max));
  if (o.threads < 0 || o.threads > parameters::search_threads_max)
    return invalid_argument("threads must be 0.." + std::to_string(parameters::search_threads_max) +
                            " (0 = all cores)");
  IdentifyEvalReport r;
  r.persons = o.persons;
  r.searches = o.searches;
  r.non_mated_searches = o.non_mated_searches > 0 ? o.non_mated_searches : o.searches;
  r.fpir_target = fpir_target;
  auto start = Clock::now();
  const Gallery gallery = synthetic_gallery(o.persons, o.seed, o.threads);
  r.enroll_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.gallery_bytes = gallery.memory_bytes();

  SearchOptions so;
  so.threads = o.threads;
  so.candidates_max = 10;
  so.shortlist_persons = o.shortlist_persons;
  struct Mated {
    std::uint64_t person;
    float score;  // -1 when not in the candidate list
    std::optional<std::size_t> shortlist_rank;
  };
  std::vector<Mated> mated;
  std::vector<float> nonmated_top;
  std::size_t rank1 = 0;
  double total_ms = 0, first_ms = 0, second_ms = 0, cpu_s = 0;
  SearchStats stats;
  auto probe_of = [&](std::uint64_t person) {
    SearchProbe probe;
    for (int f = 1; f <= o.fingers; ++f) probe.fingers[static_cast<std::size_t>(f - 1)] = impression_of(o.seed, person, f, 1);
    return probe;
  };
  auto run = [&](std::uint64_t person, bool is_mated) {
    const SearchProbe probe = probe_of(person);
    const auto t0 = Clock::now();
    const std::clock_t cpu0 = std::clock();
    auto found = search(gallery, probe, so, &stats);
    cpu_s += static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    total_ms += ms;
    r.search_ms_max = std::max(r.search_ms_max, ms);
    if (!found) return;
    first_ms += stats.first_stage_ms;
    second_ms += stats.second_stage_ms;
    r.shortlist_persons = stats.shortlist.size();
    if (is_mated) {
      Mated m{person, -1.0f, std::nullopt};
      for (const Candidate& c : *found) if (c.person == person) m.score = c.score;
      const auto at = std::find(stats.shortlist.begin(), stats.shortlist.end(), person);
      if (at != stats.shortlist.end()) m.shortlist_rank = static_cast<std::size_t>(at - stats.shortlist.begin());
      mated.push_back(m);
      rank1 += !found->empty() && found->front().person == person;
    } else {
      nonmated_top.push_back(found->empty() ? 0.0f : found->front().score);
    }
  };
  for (std::size_t k = 0; k < o.searches; ++k) run((k * 7919) % o.persons, true);
  for (std::size_t k = 0; k < r.non_mated_searches; ++k) run(o.persons + k, false);  // never enrolled
  const auto total_searches = static_cast<double>(o.searches + r.non_mated_searches);
  r.search_ms_mean = total_ms / total_searches;
  r.search_cpu_ms_mean = 1000.0 * cpu_s / total_searches;
  r.first_stage_ms_mean = first_ms / total_searches;
  r.second_stage_ms_mean = second_ms / total_searches;
  r.rank1_identification_rate = static_cast<double>(rank1) / static_cast<double>(o.searches);
  // Threshold: just above the non-mated top score that would exceed the FPIR target.
  std::sort(nonmated_top.begin(), nonmated_top.end());
  const auto allowed = static_cast<std::size_t>(fpir_target * static_cast<double>(nonmated_top.size()));
  r.threshold = nonmated_top.empty() ? 0.0f
                                     : std::nextafter(nonmated_top[nonmated_top.size() - 1 - std::min(allowed, nonmated_top.size() - 1)], 1e9f);
  std::size_t misses = o.searches - mated.size(), dropped = 0;
  for (const Mated& m : mated) {
    dropped += !m.shortlist_rank.has_value();
    if (m.score >= r.threshold) continue;
    ++misses;
    if (r.misses.size() < missed_mates_max)
      r.misses.push_back({m.person, m.shortlist_rank.has_value(), m.shortlist_rank.value_or(0),
                          mate_score(gallery, m.person, probe_of(m.person))});
  }
  std::vector<std::size_t> ranks;
  for (const Mated& m : mated)
    if (m.shortlist_rank) ranks.push_back(*m.shortlist_rank);
  if (!ranks.empty()) {
    std::sort(ranks.begin(), ranks.end());
    r.mate_shortlist_rank_p99 = ranks[(ranks.size() - 1) * 99 / 100];
    r.mate_shortlist_rank_max = ranks.back();
  }
  r.fnir = static_cast<double>(misses) / static_cast<double>(o.searches);
  r.first_stage_miss_rate = static_cast<double>(dropped) / static_cast<double>(o.searches);
  return r;
}

}  // namespace ektp::abis
