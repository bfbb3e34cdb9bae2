// 1:N evaluation on synthetic galleries: enrol N synthetic persons (10 fingers, one impression),
// search M mated probes (another impression of enrolled persons) and M non-mated probes (people
// not enrolled), then report FNIR at the threshold that gives the target FPIR, and search time.
// Thread-safety: reentrant.
#pragma once

#include <cstdint>

#include "abis/gallery.h"
#include "abis/search.h"
#include "abis/synthetic.h"

namespace ektp::abis {

struct IdentifyEvalOptions {
  std::size_t persons = 10'000;
  std::size_t searches = 200;   // of each kind, mated and non-mated
  int fingers = 10;             // fingers per probe (positions 1..fingers)
  int threads = 0;
  std::uint64_t seed = 1;
};

struct IdentifyEvalReport {
  std::size_t persons = 0;
  std::size_t searches = 0;
  double fpir_target = 0;
  float threshold = 0;          // lowest threshold whose FPIR <= the target
  double fnir = 1;              // at that threshold
  double rank1_identification_rate = 0;  // without a threshold
  double enroll_s = 0;
  double search_ms_mean = 0;
  double search_ms_max = 0;
};

// kInvalidArgument for zero persons or searches, persons past parameters::gallery_persons_max,
// fingers outside 1..10 or threads outside 0..parameters::search_threads_max.
Result<IdentifyEvalReport> identify_eval(const IdentifyEvalOptions& options, double fpir_target = 0.001);

// Builds a gallery of `persons` synthetic persons; finger templates come from impression 0.
Gallery synthetic_gallery(std::size_t persons, std::uint64_t seed, int threads);

// The synthetic finger of person p, finger f (deterministic for the seed).
SyntheticFinger synthetic_finger(std::uint64_t seed, std::uint64_t person, int finger);

}  // namespace ektp::abis
