#include "agency/harvest_watch.h"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

namespace ektp::agency {

Status record_lookup(store::Connection& db, std::string_view key_id, std::string_view nik, bool found,
                     std::int64_t at_ms) {
  auto inserted = db.execute("INSERT INTO agency_lookups (key_id, nik, found, at_ms) VALUES ($1,$2,$3,$4)",
                             {std::string(key_id), std::string(nik), std::int64_t{found ? 1 : 0}, at_ms});
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

Result<std::optional<std::string>> harvest_signal(store::Connection& db, std::string_view key_id) {
  const std::size_t window = std::max(kSweepWindow, kUnknownWindow);
  auto rows = db.execute("SELECT nik, found FROM agency_lookups WHERE key_id = $1 ORDER BY id DESC LIMIT $2",
                         {std::string(key_id), static_cast<std::int64_t>(window)});
  if (!rows) return std::unexpected(rows.error());
  // A sweep: the longest run of consecutive serials under one 12-digit prefix.
  std::map<std::string, std::vector<int>> serials;
  for (std::size_t i = 0; i < rows->rows.size() && i < kSweepWindow; ++i) {
    const auto nik = rows->rows[i].text(0);
    if (nik.size() != 16) continue;
    serials[nik.substr(0, 12)].push_back(std::stoi(nik.substr(12)));
  }
  for (auto& [prefix, list] : serials) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    std::size_t run = 1;
    for (std::size_t i = 1; i < list.size(); ++i) {
      run = list[i] == list[i - 1] + 1 ? run + 1 : 1;
      if (run >= kSweepRun) {
        return std::optional<std::string>(
            fmt::format("a sweep of consecutive NIKs: {} in a row under {}…", run, prefix));
      }
    }
  }
  std::size_t seen = 0, unknown = 0;
  for (std::size_t i = 0; i < rows->rows.size() && i < kUnknownWindow; ++i) {
    ++seen;
    if (rows->rows[i].integer(1) == 0) ++unknown;
  }
  if (seen >= kUnknownMinLookups && static_cast<double>(unknown) > kUnknownShareMax * static_cast<double>(seen)) {
    return std::optional<std::string>(
        fmt::format("{} of its last {} lookups are NIKs not in the register", unknown, seen));
  }
  return std::optional<std::string>();
}

}  // namespace ektp::agency
