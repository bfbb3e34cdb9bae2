#include "abis/enrollment_search.h"

#include <charconv>

#include <fmt/format.h>

#include "biometrics/matcher.h"
#include "biometrics/template_format.h"

namespace ektp::abis {

namespace {

namespace bio = ektp::biometrics;
constexpr int kFingers = parameters::fingers_per_person;

}  // namespace

Result<PersonId> person_id_of_nik(std::string_view nik) {
  PersonId id = 0;
  if (nik.size() != 16 || std::from_chars(nik.data(), nik.data() + nik.size(), id).ptr != nik.data() + nik.size()) {
    return invalid_argument(fmt::format("NIK must have 16 digits, got '{}'", nik.substr(0, 20)));
  }
  return id;
}

std::string nik_of_person(PersonId person) { return fmt::format("{:016d}", person); }

Result<SearchProbe> search_probe_of(const registry::Enrollment& e) {
  SearchProbe probe;
  int present = 0;
  for (const auto& f : e.fingers) {
    if (f.position < 1 || f.position > kFingers) {
      return invalid_argument(fmt::format("enrollment {}: finger position {} is not 1..10", e.enrollment_id, f.position));
    }
    if (f.template_bytes.empty()) continue;
    auto t = bio::decode_template(f.template_bytes);
    if (!t) {
      return make_error(ErrorCode::kDataLoss, fmt::format("enrollment {}: finger {} template: {}", e.enrollment_id,
                                                          f.position, t.error().message));
    }
    probe.fingers[static_cast<std::size_t>(f.position - 1)] = std::move(*t);
    ++present;
  }
  if (present == 0) {
    return invalid_argument(fmt::format("enrollment {}: no finger has a template to search with", e.enrollment_id));
  }
  return probe;
}

Result<bool> enroll_in_gallery(Gallery& gallery, const registry::Enrollment& e) {
  auto person = person_id_of_nik(e.nik);
  if (!person) return std::unexpected(person.error());
  if (gallery.person_index(*person)) return false;
  auto probe = search_probe_of(e);  // decodes and checks every template before anything is added
  if (!probe) return std::unexpected(probe.error());
  for (int f = 1; f <= kFingers; ++f) {
    const auto& t = probe->fingers[static_cast<std::size_t>(f - 1)];
    if (!t) continue;
    if (auto added = gallery.enroll(*person, f, *t); !added) return std::unexpected(added.error());
  }
  return true;
}

Result<std::vector<ScoredCandidate>> find_candidates(const Gallery& gallery, const SearchProbe& probe,
                                                     const CandidateQuery& query) {
  if (query.candidates_max == 0 || query.candidates_max >= parameters::search_candidates_max) {
    return invalid_argument(fmt::format("candidates_max must be 1..{}", parameters::search_candidates_max - 1));
  }
  SearchOptions options;
  options.candidates_max = query.candidates_max + 1;  // one slot may be the person's own NIK
  options.score_threshold = query.threshold;
  options.threads = query.threads;
  auto found = search(gallery, probe, options);
  if (!found) return std::unexpected(found.error());

  std::vector<std::optional<bio::Matcher>> matchers(kFingers);
  std::vector<ScoredCandidate> out;
  for (const Candidate& c : *found) {
    if (query.exclude && c.person == *query.exclude) continue;
    if (out.size() == query.candidates_max) break;
    ScoredCandidate scored{c.person, c.score, c.fingers_compared, {}};
    const auto index = gallery.person_index(c.person);
    for (int f = 1; index && f <= kFingers; ++f) {
      const auto& t = probe.fingers[static_cast<std::size_t>(f - 1)];
      if (!t || !gallery.has_finger(*index, f)) continue;
      auto stored = gallery.finger_template(*index, f);
      if (!stored) continue;  // search() scored nothing for it either
      auto& matcher = matchers[static_cast<std::size_t>(f - 1)];
      if (!matcher) matcher.emplace(bio::prepare(*t));
      scored.finger_scores.push_back({f, matcher->match(bio::prepare(*stored))});
    }
    out.push_back(std::move(scored));
  }
  return out;
}

}  // namespace ektp::abis
