// The station's working copy of its kecamatan: pages of persons and families changed at central
// since a cursor, read at central and applied at the station. Pages go by (updated_at_ms, key);
// a station re-reads a short overlap before its cursor each time, because rows committed late
// can carry an earlier timestamp, and applying is idempotent: a row is written only when its
// version is not older than the station's. Biodata is never edited in the working copy at the
// station: desk corrections travel inside the enrollment and come back down once central has
// them, so the copy can always take central's truth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/database.h"

namespace ektp::sync {

inline constexpr std::int64_t pull_overlap_ms = 10'000;
inline constexpr std::size_t pull_page_rows_max = 2'000;

struct ChangesPage {
  std::string table;  // persons or families
  std::vector<std::string> columns;
  std::vector<std::vector<store::Value>> rows;
  std::int64_t next_after_ms = 0;
  std::string next_after_key;
  bool more = false;
};

// Central. kInvalidArgument for an unknown table or a bad district.
Result<ChangesPage> read_changes(store::Database& central, std::string_view table, std::string_view district,
                                 std::int64_t after_ms, std::string_view after_key, std::size_t limit);
std::string changes_page_to_json(const ChangesPage& page);
Result<ChangesPage> changes_page_from_json(std::string_view json);
// Station: applies a page in one transaction (upsert where the incoming version is not older).
Status apply_changes(store::Database& station, const ChangesPage& page);

}  // namespace ektp::sync
