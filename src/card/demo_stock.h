// The demo regency's blanko stock (`ektp serve --demo`): four deliveries of 500 two weeks apart,
// a transfer to a kecamatan that prints, and a few spoiled blanko, so that a newcomer finds the
// Cetak KTP-el page filled. Only into a ledger without any movement of that regency.
#pragma once

#include "store/database.h"

namespace ektp::card {

// Answers whether it seeded (false when the regency's ledger already had movements).
Result<bool> seed_demo_stock(store::Database& db, std::string_view regency, std::int64_t now_ms);

}  // namespace ektp::card
