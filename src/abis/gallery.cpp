#include "abis/gallery.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "abis/abis_parameters.h"
#include "biometrics/byte_io.h"
#include "biometrics/checksum.h"
#include "biometrics/template_format.h"
#include "core/assert.h"

namespace ektp::abis {

namespace {

namespace bio = ektp::biometrics;
constexpr int kFingers = parameters::fingers_per_person;
constexpr std::uint8_t kMagic[4] = {'E', 'K', 'G', 'L'};
constexpr std::uint8_t kVersion = 1;

// Templates are addressed by 32-bit offsets into the arena, so it may not grow past 4 GiB even
// where parameters::gallery_bytes_max allows more.
constexpr std::size_t kArenaBytesMax =
    std::min<std::size_t>(parameters::gallery_bytes_max, std::numeric_limits<std::uint32_t>::max());
constexpr std::size_t kTemplateBytesTypical = 340;  // a synthetic finger of ~48 minutiae

std::size_t slot(std::size_t person_index, int position) {
  return person_index * kFingers + static_cast<std::size_t>(position - 1);
}

std::unexpected<Error> corrupt(const std::string& what) {
  return make_error(ErrorCode::kDataLoss, "gallery: " + what);
}

}  // namespace

std::optional<std::size_t> Gallery::person_index(PersonId person) const {
  const auto it = index_.find(person);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::size_t Gallery::add_person(PersonId person) {
  const std::size_t i = person_ids_.size();
  person_ids_.push_back(person);
  index_.emplace(person, i);
  finger_masks_.push_back(0);
  histograms_.resize(histograms_.size() + kFingers);
  centered_.resize(centered_.size() + kFingers);
  template_offsets_.resize(template_offsets_.size() + kFingers, 0);
  template_sizes_.resize(template_sizes_.size() + kFingers, 0);
  return i;
}

void Gallery::reserve(std::size_t persons) {
  persons = std::min(persons, parameters::gallery_persons_max);
  person_ids_.reserve(persons);
  index_.reserve(persons);
  finger_masks_.reserve(persons);
  histograms_.reserve(persons * kFingers);
  centered_.reserve(persons * kFingers);
  template_offsets_.reserve(persons * kFingers);
  template_sizes_.reserve(persons * kFingers);
  arena_.reserve(std::min(persons * kFingers * kTemplateBytesTypical, kArenaBytesMax));
}

std::size_t Gallery::memory_bytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  // libstdc++ unordered_map: one bucket pointer each, one node (next pointer, key, value, and
  // the cached hash) per entry.
  const std::size_t map = index_.bucket_count() * sizeof(void*) +
                          index_.size() * (sizeof(void*) + sizeof(PersonId) + 2 * sizeof(std::size_t));
  return bytes(person_ids_) + map + bytes(finger_masks_) + bytes(histograms_) + bytes(centered_) +
         bytes(template_offsets_) +
         bytes(template_sizes_) + bytes(arena_);
}

Result<PreparedFinger> prepare_finger(const bio::FeatureTemplate& t) {
  auto encoded = bio::encode_template(t);
  if (!encoded) return std::unexpected(encoded.error());
  PreparedFinger prepared;
  prepared.encoded_ = std::move(*encoded);
  prepared.histogram_ = pair_histogram(t);
  return prepared;
}

Status Gallery::enroll(PersonId person, int finger_position, const bio::FeatureTemplate& t) {
  if (finger_position < 1 || finger_position > kFingers)
    return invalid_argument("finger position must be 1..10, got " + std::to_string(finger_position));
  auto prepared = prepare_finger(t);
  if (!prepared) return std::unexpected(prepared.error());
  return enroll(person, finger_position, *prepared);
}

Status Gallery::enroll(PersonId person, int finger_position, const PreparedFinger& finger) {
  if (finger_position < 1 || finger_position > kFingers)
    return invalid_argument("finger position must be 1..10, got " + std::to_string(finger_position));
  if (finger.encoded_.empty()) return invalid_argument("the prepared finger is empty (moved from)");
  auto existing = person_index(person);
  if (existing && has_finger(*existing, finger_position))
    return make_error(ErrorCode::kAlreadyExists, "person " + std::to_string(person) + " finger " +
                                                     std::to_string(finger_position) + " is already enrolled");
  if (!existing && person_ids_.size() >= parameters::gallery_persons_max)
    return make_error(ErrorCode::kResourceExhausted, "gallery is full");
  if (arena_.size() + finger.encoded_.size() > kArenaBytesMax)
    return make_error(ErrorCode::kResourceExhausted, "gallery template storage is full");
  const std::size_t p = existing ? *existing : add_person(person);
  const std::size_t s = slot(p, finger_position);
  template_offsets_[s] = static_cast<std::uint32_t>(arena_.size());
  template_sizes_[s] = static_cast<std::uint16_t>(finger.encoded_.size());
  arena_.insert(arena_.end(), finger.encoded_.begin(), finger.encoded_.end());
  histograms_[s] = finger.histogram_;
  centered_[s] = centered_terms(finger.histogram_, mean_);
  finger_masks_[p] = static_cast<std::uint16_t>(finger_masks_[p] | (1u << (finger_position - 1)));
  ++finger_count_;
  // A gallery that grows one finger at a time recentres each time it has doubled: the mean
  // follows the population at an amortised cost of a few histogram passes per finger.
  if (finger_count_ >= kRecenterFingersMin && finger_count_ >= 2 * fingers_at_recenter_) recenter();
  return {};
}

bool Gallery::has_finger(std::size_t person_index, int finger_position) const {
  EKTP_ASSERT(person_index < person_ids_.size());
  return finger_position >= 1 && finger_position <= kFingers &&
         (finger_masks_[person_index] >> (finger_position - 1)) & 1u;
}

const PairHistogram& Gallery::histogram(std::size_t person_index, int finger_position) const {
  return histograms_[slot(person_index, finger_position)];
}

const CenteredTerms& Gallery::first_stage_terms(std::size_t person_index, int finger_position) const {
  return centered_[slot(person_index, finger_position)];
}

void Gallery::recenter() {
  // Empty slots hold empty histograms, which population_mean() skips.
  mean_ = abis::population_mean(histograms_);
  fingers_at_recenter_ = finger_count_;
  for (std::size_t s = 0; s < histograms_.size(); ++s) centered_[s] = abis::centered_terms(histograms_[s], mean_);
}

Result<bio::FeatureTemplate> Gallery::finger_template(std::size_t person_index, int finger_position) const {
  if (person_index >= person_ids_.size() || !has_finger(person_index, finger_position))
    return not_found("finger not enrolled");
  const std::size_t s = slot(person_index, finger_position);
  return bio::decode_template(std::span(arena_).subspan(template_offsets_[s], template_sizes_[s]));
}

std::vector<std::uint8_t> Gallery::serialize() const {
  bio::detail::ByteWriter w;
  for (auto c : kMagic) w.u8(c);
  w.u8(kVersion);
  w.u32(static_cast<std::uint32_t>(person_ids_.size()));
  for (std::size_t p = 0; p < person_ids_.size(); ++p) {
    w.u32(static_cast<std::uint32_t>(person_ids_[p] >> 32));
    w.u32(static_cast<std::uint32_t>(person_ids_[p]));
    w.u16(finger_masks_[p]);
    for (int f = 1; f <= kFingers; ++f) {
      if (!has_finger(p, f)) continue;
      const std::size_t s = slot(p, f);
      w.u16(template_sizes_[s]);
      for (std::size_t k = 0; k < template_sizes_[s]; ++k) w.u8(arena_[template_offsets_[s] + k]);
      for (auto b : histograms_[s].bins) w.u8(b);
    }
  }
  w.u32(bio::crc32(w.bytes()));
  return std::move(w.bytes());
}

Result<Gallery> Gallery::deserialize(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > parameters::gallery_bytes_max * 2)
    return make_error(ErrorCode::kResourceExhausted, "gallery file is larger than the limit");
  if (bytes.size() < 13 || std::memcmp(bytes.data(), kMagic, 4) != 0) return corrupt("bad magic or truncated");
  const std::size_t body = bytes.size() - 4;
  const std::uint32_t stored = (std::uint32_t{bytes[body]} << 24) | (std::uint32_t{bytes[body + 1]} << 16) |
                               (std::uint32_t{bytes[body + 2]} << 8) | bytes[body + 3];
  if (bio::crc32(bytes.first(body)) != stored) return corrupt("checksum mismatch");
  bio::detail::ByteReader r(bytes.first(body));
  r.skip(4);
  std::uint8_t version = 0;
  std::uint32_t persons = 0;
  if (!r.u8(version) || !r.u32(persons)) return corrupt("truncated header");
  if (version != kVersion) return corrupt("unsupported version " + std::to_string(version));
  if (persons > parameters::gallery_persons_max) return make_error(ErrorCode::kResourceExhausted, "too many persons");
  Gallery g;
  for (std::uint32_t p = 0; p < persons; ++p) {
    std::uint32_t hi = 0, lo = 0;
    std::uint16_t mask = 0;
    if (!r.u32(hi) || !r.u32(lo) || !r.u16(mask)) return corrupt("truncated person record");
    const PersonId id = (std::uint64_t{hi} << 32) | lo;
    if (g.index_.contains(id)) return corrupt("person " + std::to_string(id) + " appears twice");
    if (mask == 0 || mask >= (1u << kFingers)) return corrupt("bad finger mask");
    const std::size_t pi = g.add_person(id);
    for (int f = 1; f <= kFingers; ++f) {
      if (!((mask >> (f - 1)) & 1u)) continue;
      std::uint16_t size = 0;
      if (!r.u16(size) || r.remaining() < std::size_t{size} + parameters::histogram_bins)
        return corrupt("truncated finger record");
      const std::size_t at = r.position();
      auto t = bio::decode_template(bytes.subspan(at, size));
      if (!t) return corrupt("template of person " + std::to_string(id) + ": " + t.error().message);
      r.skip(size);
      if (g.arena_.size() + size > kArenaBytesMax)
        return make_error(ErrorCode::kResourceExhausted, "gallery template storage is full");
      const std::size_t s = slot(pi, f);
      g.template_offsets_[s] = static_cast<std::uint32_t>(g.arena_.size());
      g.template_sizes_[s] = size;
      g.arena_.insert(g.arena_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                      bytes.begin() + static_cast<std::ptrdiff_t>(at + size));
      std::uint32_t mass = 0;
      for (auto& b : g.histograms_[s].bins) {
        r.u8(b);
        mass += b;
      }
      g.histograms_[s].mass_sqrt = std::sqrt(static_cast<float>(mass));
      ++g.finger_count_;
    }
    g.finger_masks_[pi] = mask;
  }
  if (r.remaining() != 0) return corrupt("trailing bytes after the last person");
  g.recenter();
  return g;
}

}  // namespace ektp::abis
