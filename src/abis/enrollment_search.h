// Searching one enrollment's ten fingers against a Gallery, as deduplication does it at central
// (DedupService) and at a station (find_local_duplicates): the probe from the stored templates,
// persons keyed by NIK, candidates above the decision threshold with per-finger scores, and the
// person's own NIK left out (a re-enrollment is not a duplicate of itself). Thread-safety:
// reentrant; the Gallery must not change during a call.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abis/adjudication.h"
#include "abis/gallery.h"
#include "abis/search.h"
#include "registry/enrollment_store.h"

namespace ektp::abis {

// A NIK (16 digits) as a gallery person id and back. kInvalidArgument for anything else.
Result<PersonId> person_id_of_nik(std::string_view nik);
std::string nik_of_person(PersonId person);

// The probe from the enrollment's stored templates (missing fingers left out). kDataLoss naming
// the finger position for a template that does not decode; kInvalidArgument when no finger has a
// template (nothing to search with).
Result<SearchProbe> search_probe_of(const registry::Enrollment& enrollment);

// Adds the enrollment's fingers to the gallery under its NIK. Returns false (and adds nothing)
// when that person is already in the gallery. kDataLoss for a template that does not decode.
Result<bool> enroll_in_gallery(Gallery& gallery, const registry::Enrollment& enrollment);

struct ScoredCandidate {
  PersonId person = 0;
  float score = 0;  // fused: sum of finger_scores
  int fingers_compared = 0;
  std::vector<FingerScore> finger_scores;  // positions compared, ascending
};

struct CandidateQuery {
  float threshold = 0;                     // candidates scoring below are dropped
  std::size_t candidates_max = 5;          // 1..parameters::search_candidates_max - 1
  std::optional<PersonId> exclude;         // the enrollment's own person
  int threads = 0;                         // 0 = all cores
};

// Best first. Errors as search().
Result<std::vector<ScoredCandidate>> find_candidates(const Gallery& gallery, const SearchProbe& probe,
                                                     const CandidateQuery& query);

}  // namespace ektp::abis
