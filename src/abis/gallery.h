// In-memory gallery for 1:N search, keyed by person and finger position (ISO 1..10). Each finger
// keeps its stored template (encoded, ~330 bytes, decoded only when a search short-lists it) and
// its first-stage pair histogram. Galleries serialise to bytes with a CRC-32 over the whole image
// and each template's own CRC. Thread-safety: enroll() needs exclusive access; const members may
// be called from many threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "abis/pair_histogram.h"
#include "biometrics/minutia.h"
#include "core/error.h"

namespace ektp::abis {

using PersonId = std::uint64_t;

// A finger ready to enter a gallery: its encoded template and first-stage histogram. Preparing
// is the costly part of enrolment (the histogram), so bulk loads prepare on many threads and then
// enrol sequentially. kInvalidArgument for an invalid template.
class PreparedFinger {
 public:
  const PairHistogram& histogram() const { return histogram_; }

 private:
  friend Result<PreparedFinger> prepare_finger(const biometrics::FeatureTemplate& t);
  friend class Gallery;
  std::vector<std::uint8_t> encoded_;  // validated by encode_template()
  PairHistogram histogram_;
};
Result<PreparedFinger> prepare_finger(const biometrics::FeatureTemplate& t);

class Gallery {
 public:
  // kInvalidArgument for a bad finger position or template; kAlreadyExists if that person's
  // finger is enrolled; kResourceExhausted past parameters::gallery_persons_max.
  Status enroll(PersonId person, int finger_position, const biometrics::FeatureTemplate& t);
  // The same for a finger from prepare_finger().
  Status enroll(PersonId person, int finger_position, const PreparedFinger& finger);

  // Room for `persons` persons of ten fingers, so a bulk load does not copy its vectors while
  // they grow (a copy briefly holds the old and the new buffer).
  void reserve(std::size_t persons);
  // Bytes this gallery holds in memory: its vectors' capacity and an estimate for the person map.
  std::size_t memory_bytes() const;

  std::size_t person_count() const { return person_ids_.size(); }
  std::size_t finger_count() const { return finger_count_; }
  PersonId person_id(std::size_t person_index) const { return person_ids_[person_index]; }
  std::optional<std::size_t> person_index(PersonId person) const;

  // Finger slots are person_index * 10 + (position - 1).
  bool has_finger(std::size_t person_index, int finger_position) const;
  const PairHistogram& histogram(std::size_t person_index, int finger_position) const;

  // The first stage's population-centred comparison (pair_histogram.h): the mean of the enrolled
  // fingers' histograms, and each finger's terms against it. recenter() computes the mean anew
  // and every finger's terms (a bulk load calls it once at the end; deserialize() does); enroll()
  // computes a new finger's terms against the mean as it stands, and recentres by itself each
  // time the gallery has doubled since the last time.
  void recenter();
  const PopulationMean& population_mean() const { return mean_; }
  const CenteredTerms& first_stage_terms(std::size_t person_index, int finger_position) const;
  // Decodes the stored template. kNotFound if the finger is not enrolled.
  Result<biometrics::FeatureTemplate> finger_template(std::size_t person_index, int finger_position) const;

  std::vector<std::uint8_t> serialize() const;
  // kDataLoss for a checksum mismatch, truncation or any invalid content; kResourceExhausted
  // past the limits.
  static Result<Gallery> deserialize(std::span<const std::uint8_t> bytes);

 private:
  std::size_t add_person(PersonId person);

  std::vector<PersonId> person_ids_;
  std::unordered_map<PersonId, std::size_t> index_;
  std::vector<std::uint16_t> finger_masks_;      // bit (position - 1) set when enrolled
  std::vector<PairHistogram> histograms_;        // 10 per person
  std::vector<CenteredTerms> centered_;          // 10 per person, against mean_
  PopulationMean mean_;
  std::size_t fingers_at_recenter_ = 0;
  static constexpr std::size_t kRecenterFingersMin = 64;  // fewer give a noisy mean
  std::vector<std::uint32_t> template_offsets_;  // 10 per person, into arena_
  std::vector<std::uint16_t> template_sizes_;
  std::vector<std::uint8_t> arena_;
  std::size_t finger_count_ = 0;
};

}  // namespace ektp::abis
