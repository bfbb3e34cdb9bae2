#include "core/region.h"

#include <algorithm>

#include <fmt/format.h>

namespace ektp {

namespace region_data {
// Defined in region_data.cpp: the CSV files of data/wilayah/, embedded at build time.
std::string_view provinces_csv();
std::string_view regencies_csv();
std::string_view districts_csv();
std::string_view villages_csv();
}  // namespace region_data

namespace {

constexpr std::size_t kRegionNameBytesMax = 200;

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

const Region* find_in(const std::vector<Region>& table, std::string_view code) {
  auto it = std::lower_bound(table.begin(), table.end(), code,
                             [](const Region& r, std::string_view c) { return r.code < c; });
  if (it == table.end() || it->code != code) return nullptr;
  return &*it;
}

// Parses one table; `parents` is the level above (nullptr for provinces).
Status parse_table(std::string_view csv, RegionLevel level, const std::vector<Region>* parents,
                   std::vector<Region>& out) {
  std::size_t line_number = 0;
  bool header_seen = false;
  while (!csv.empty()) {
    auto end = csv.find('\n');
    auto line = trim_cr(csv.substr(0, end));
    csv = end == std::string_view::npos ? std::string_view{} : csv.substr(end + 1);
    line_number += 1;
    if (line.empty()) continue;
    if (!header_seen) {
      header_seen = true;
      if (line != "code,parent_code,name") {
        return invalid_argument(fmt::format("{} table: header must be code,parent_code,name",
                                            region_level_name(level)));
      }
      continue;
    }
    auto first = line.find(',');
    auto second = first == std::string_view::npos ? first : line.find(',', first + 1);
    if (second == std::string_view::npos) {
      return invalid_argument(fmt::format("{} table line {}: expected 3 fields",
                                          region_level_name(level), line_number));
    }
    auto code = line.substr(0, first);
    auto parent = line.substr(first + 1, second - first - 1);
    auto name = line.substr(second + 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    if (!all_digits(code) || code.size() != region_code_digits(level)) {
      return invalid_argument(fmt::format("{} table line {}: code '{}' must have {} digits",
                                          region_level_name(level), line_number, code,
                                          region_code_digits(level)));
    }
    if (name.empty() || name.size() > kRegionNameBytesMax) {
      return invalid_argument(fmt::format("{} table line {}: bad name",
                                          region_level_name(level), line_number));
    }
    if (parents != nullptr && (!code.starts_with(parent) || find_in(*parents, parent) == nullptr)) {
      return invalid_argument(fmt::format("{} table line {}: parent '{}' of {} does not exist",
                                          region_level_name(level), line_number, parent, code));
    }
    out.push_back(Region{std::string(code), std::string(name), level});
  }
  std::sort(out.begin(), out.end(), [](const Region& a, const Region& b) { return a.code < b.code; });
  auto duplicate = std::adjacent_find(out.begin(), out.end(), [](const Region& a, const Region& b) {
    return a.code == b.code;
  });
  if (duplicate != out.end()) {
    return invalid_argument(fmt::format("{} table: code {} appears twice",
                                        region_level_name(level), duplicate->code));
  }
  return {};
}

}  // namespace

std::string_view region_level_name(RegionLevel level) {
  switch (level) {
    case RegionLevel::kProvince: return "province";
    case RegionLevel::kRegency: return "regency";
    case RegionLevel::kDistrict: return "district";
    case RegionLevel::kVillage: return "village";
  }
  return "region";
}

std::size_t region_code_digits(RegionLevel level) {
  switch (level) {
    case RegionLevel::kProvince: return 2;
    case RegionLevel::kRegency: return 4;
    case RegionLevel::kDistrict: return 6;
    case RegionLevel::kVillage: return 10;
  }
  return 0;
}

Result<RegionDirectory> RegionDirectory::from_csv(std::string_view provinces,
                                                  std::string_view regencies,
                                                  std::string_view districts,
                                                  std::string_view villages) {
  RegionDirectory directory;
  auto& t = directory.tables_;
  if (auto s = parse_table(provinces, RegionLevel::kProvince, nullptr, t[0]); !s) return std::unexpected(s.error());
  if (auto s = parse_table(regencies, RegionLevel::kRegency, &t[0], t[1]); !s) return std::unexpected(s.error());
  if (auto s = parse_table(districts, RegionLevel::kDistrict, &t[1], t[2]); !s) return std::unexpected(s.error());
  if (auto s = parse_table(villages, RegionLevel::kVillage, &t[2], t[3]); !s) return std::unexpected(s.error());
  return directory;
}

const RegionDirectory& RegionDirectory::builtin() {
  static const RegionDirectory directory = [] {
    auto parsed = from_csv(region_data::provinces_csv(), region_data::regencies_csv(),
                           region_data::districts_csv(), region_data::villages_csv());
    if (!parsed) {
      std::fprintf(stderr, "built-in region data is corrupt: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::move(*parsed);
  }();
  return directory;
}

const Region* RegionDirectory::find(std::string_view code) const {
  for (auto level : {RegionLevel::kProvince, RegionLevel::kRegency, RegionLevel::kDistrict,
                     RegionLevel::kVillage}) {
    if (code.size() == region_code_digits(level)) return find_in(table(level), code);
  }
  return nullptr;
}

std::span<const Region> RegionDirectory::children(std::string_view code) const {
  const std::vector<Region>* below = nullptr;
  if (code.empty()) return table(RegionLevel::kProvince);
  if (code.size() == 2) below = &table(RegionLevel::kRegency);
  if (code.size() == 4) below = &table(RegionLevel::kDistrict);
  if (code.size() == 6) below = &table(RegionLevel::kVillage);
  if (below == nullptr) return {};
  auto first = std::lower_bound(below->begin(), below->end(), code,
                                [](const Region& r, std::string_view c) { return r.code < c; });
  auto last = first;
  while (last != below->end() && last->code.starts_with(code)) ++last;
  return {first, last};
}

std::vector<const Region*> RegionDirectory::lineage(std::string_view code) const {
  std::vector<const Region*> chain;
  for (std::size_t digits : {2u, 4u, 6u, 10u}) {
    if (code.size() < digits) break;
    const Region* region = find(code.substr(0, digits));
    if (region == nullptr) return {};
    chain.push_back(region);
  }
  return chain;
}

}  // namespace ektp
