#include "abis/local_dedup.h"

#include <unordered_map>

#include <fmt/format.h>

#include "abis/enrollment_search.h"

namespace ektp::abis {

Result<std::vector<LocalHit>> find_local_duplicates(store::Connection& db, const registry::Enrollment& enrollment,
                                                    const LocalCheckOptions& options) {
  if (options.hits_max == 0 || options.hits_max >= parameters::search_candidates_max) {
    return invalid_argument(fmt::format("local dedup: hits_max must be 1..{}", parameters::search_candidates_max - 1));
  }
  auto self = person_id_of_nik(enrollment.nik);
  if (!self) return std::unexpected(self.error());
  auto probe = search_probe_of(enrollment);
  if (!probe) return std::unexpected(probe.error());

  auto count = db.execute("SELECT COUNT(*) FROM enrollments WHERE enrollment_id <> $1 AND nik <> $2",
                          {enrollment.enrollment_id, enrollment.nik});
  if (!count) return std::unexpected(count.error());
  if (!count->rows.empty() && static_cast<std::size_t>(count->rows[0].integer(0)) > options.enrollments_max) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("local dedup: {} enrollments stored, more than the {} a station check searches",
                                  count->rows[0].integer(0), options.enrollments_max));
  }
  auto rows = db.execute(
      "SELECT e.enrollment_id, e.nik, f.position, f.template FROM enrollments e "
      "JOIN enrollment_fingers f ON f.enrollment_id = e.enrollment_id "
      "WHERE e.enrollment_id <> $1 AND e.nik <> $2 AND e.status <> 'duplikat' AND f.template IS NOT NULL "
      "ORDER BY e.enrollment_id, f.position",
      {enrollment.enrollment_id, enrollment.nik});
  if (!rows) return std::unexpected(rows.error());

  Gallery gallery;
  std::unordered_map<PersonId, std::string> enrollment_of;
  auto add = [&](registry::Enrollment& stored) {
    if (stored.enrollment_id.empty()) return;
    auto added = enroll_in_gallery(gallery, stored);  // false: another enrollment of that NIK is in
    if (added && *added) enrollment_of.emplace(*person_id_of_nik(stored.nik), stored.enrollment_id);
  };
  registry::Enrollment current;
  for (const auto& row : rows->rows) {
    if (row.text(0) != current.enrollment_id) {
      add(current);
      current = registry::Enrollment{};
      current.enrollment_id = row.text(0);
      current.nik = row.text(1);
    }
    registry::FingerCapture f;
    f.position = static_cast<int>(row.integer(2));
    f.template_bytes = row.blob(3);
    current.fingers.push_back(std::move(f));
  }
  add(current);

  auto found = find_candidates(gallery, *probe,
                               {.threshold = options.threshold, .candidates_max = options.hits_max,
                                .exclude = *self, .threads = options.threads});
  if (!found) return std::unexpected(found.error());
  std::vector<LocalHit> hits;
  for (auto& c : *found) {
    hits.push_back({enrollment_of[c.person], nik_of_person(c.person), c.score, c.fingers_compared,
                    std::move(c.finger_scores)});
  }
  return hits;
}

}  // namespace ektp::abis
