// The Kemendagri region hierarchy: province (2 digits) → regency/city (4) → district (6) →
// village (10). Codes nest: a district's code starts with its regency's. Immutable after
// construction, so one directory is safely shared by all threads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp {

enum class RegionLevel { kProvince, kRegency, kDistrict, kVillage };

std::string_view region_level_name(RegionLevel level);
std::size_t region_code_digits(RegionLevel level);

struct Region {
  std::string code;  // digits only, no dots
  std::string name;
  RegionLevel level;
};

class RegionDirectory {
 public:
  // Parses the four CSV tables (header `code,parent_code,name`). Every row's code must have the
  // digit count of its level and a parent that exists one level up.
  static Result<RegionDirectory> from_csv(std::string_view provinces, std::string_view regencies,
                                          std::string_view districts, std::string_view villages);

  // The directory compiled into the binary from data/wilayah/ (parsed once, on first use).
  static const RegionDirectory& builtin();

  // nullptr if no region has this code; the level follows from the code's length.
  const Region* find(std::string_view code) const;
  // Regions one level below `code` ("" lists the provinces), in code order.
  std::span<const Region> children(std::string_view code) const;
  // The chain from province down to the region itself ("3327015001" → 4 regions).
  std::vector<const Region*> lineage(std::string_view code) const;

  std::size_t count(RegionLevel level) const { return table(level).size(); }

 private:
  const std::vector<Region>& table(RegionLevel level) const {
    return tables_[static_cast<std::size_t>(level)];
  }
  std::vector<Region> tables_[4];  // each sorted by code
};

}  // namespace ektp
