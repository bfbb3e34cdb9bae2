// Which offices print cards. Every regency/city Dinas does; a kecamatan does once it is registered
// as a printing office (many have printed e-KTP themselves since 2019). From then on its residents'
// new requests wait in its own queue, printed from its own blanko stock; requests queued before
// stay where they are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "card/blanko_stock.h"
#include "store/database.h"

namespace ektp::card {

namespace printing_reason {
inline constexpr std::string_view kAlreadyPrints = "office_already_prints";
}  // namespace printing_reason

// kInvalidArgument unless `change.office` is a kecamatan (6 digits); kAlreadyExists (reason
// office_already_prints) when it is registered already. Audited card.printing_office.
Status register_printing_office(store::Database& db, const StockChange& change);

// Whether `office` prints: a Dinas always, a kecamatan when registered.
Result<bool> office_prints(store::Connection& db, std::string_view office);

}  // namespace ektp::card
