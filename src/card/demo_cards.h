// The demo regency's residents at each stage of their card (`ektp serve --demo`), after its blanko
// stock (demo_stock.h): 36 working days in which residents became ready to print, three a
// day, and had their cards printed the same day from the deliveries (108 cards); most collected them
// (checked by a supervisor: the demo holds no fingerprints), some have not (a few for more than
// 30 days); forty wait in the queue now with their ready date, and five of those hold a SUKET.
// And the regency's smallest kecamatan has just started printing its residents' cards with no
// blanko yet: its five waiting residents are told there is no date yet, one of them on a SUKET.
// Photos and signatures are drawn, not anyone's. Only into a regency with no print request yet.
#pragma once

#include <cstdint>
#include <string>

#include "card/suket_keys.h"
#include "core/region.h"
#include "store/database.h"

namespace ektp::card {

struct DemoCards {
  std::int64_t printed = 0;
  std::int64_t collected = 0;
  std::int64_t waiting = 0;
  std::int64_t sukets = 0;
  std::string no_stock_office;     // the kecamatan printing with no blanko yet
  std::int64_t no_stock_waiting = 0;
};

// Answers what it seeded (all zero when the regency already had print requests, or too few adults).
Result<DemoCards> seed_demo_cards(store::Database& db, SuketKeys& keys, const RegionDirectory& regions,
                                  std::string_view regency, std::int64_t now_ms);

}  // namespace ektp::card
