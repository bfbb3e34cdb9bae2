// 1:N evaluation on synthetic galleries: enrol N synthetic persons (10 fingers, one impression),
// search M mated probes (another impression of enrolled persons) and M non-mated probes (people
// not enrolled), then report FNIR at the threshold that gives the target FPIR, and search time.
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <vector>

#include "abis/gallery.h"
#include "abis/search.h"
#include "abis/synthetic.h"

namespace ektp::abis {

struct IdentifyEvalOptions {
  std::size_t persons = 10'000;
  std::size_t searches = 200;   // mated searches, and non-mated ones unless non_mated_searches is set
  std::size_t non_mated_searches = 0;  // 0 = as many as mated
  int fingers = 10;             // fingers per probe (positions 1..fingers)
  std::size_t shortlist_persons = 0;   // SearchOptions::shortlist_persons
  int threads = 0;
  std::uint64_t seed = 1;
};

// A mated search whose mate was not accepted at the threshold: was it dropped by stage one, or
// short-listed and scored low by the matcher?
struct MissedMate {
  std::uint64_t person = 0;
  bool shortlisted = false;
  std::size_t shortlist_rank = 0;  // 0-based, when short-listed
  float score = 0;                 // the mate's fused matcher score, computed outside the search
};

struct IdentifyEvalReport {
  std::size_t persons = 0;
  std::size_t searches = 0;     // mated
  std::size_t non_mated_searches = 0;
  double fpir_target = 0;
  float threshold = 0;          // lowest threshold whose FPIR <= the target
  double fnir = 1;              // at that threshold
  double rank1_identification_rate = 0;  // without a threshold
  double enroll_s = 0;
  double search_ms_mean = 0;
  double search_ms_max = 0;
  double search_cpu_ms_mean = 0;    // CPU time of all threads per search: wall time x cores when
                                    // the cores are not shared, and unaffected when they are
  double first_stage_ms_mean = 0;   // over all searches
  double second_stage_ms_mean = 0;
  std::size_t shortlist_persons = 0;  // of the last search
  double first_stage_miss_rate = 0;   // mated searches whose mate missed the short list
  std::size_t mate_shortlist_rank_p99 = 0;  // 0-based rank of short-listed mates in stage one
  std::size_t mate_shortlist_rank_max = 0;
  std::size_t gallery_bytes = 0;      // Gallery::memory_bytes()
  std::vector<MissedMate> misses;     // at most missed_mates_max, in search order
};

inline constexpr std::size_t missed_mates_max = 50;

// kInvalidArgument for zero persons or searches, persons past parameters::gallery_persons_max,
// fingers outside 1..10 or threads outside 0..parameters::search_threads_max.
Result<IdentifyEvalReport> identify_eval(const IdentifyEvalOptions& options, double fpir_target = 0.001);

// Builds a gallery of `persons` synthetic persons; finger templates come from impression 0.
Gallery synthetic_gallery(std::size_t persons, std::uint64_t seed, int threads);

// The synthetic finger of person p, finger f (deterministic for the seed).
SyntheticFinger synthetic_finger(std::uint64_t seed, std::uint64_t person, int finger);

}  // namespace ektp::abis
