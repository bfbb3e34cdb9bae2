// Family-card bookkeeping shared by the events that change membership: issuing a new card,
// moving a person onto a card, and settling the cards people left (reissued, or closed when empty).
#pragma once

#include <set>
#include <string>

#include "core/family.h"
#include "core/person.h"
#include "registry/context.h"
#include "store/database.h"

namespace ektp::registry {

// Issues a new card in the district of `address` with `head` as kepala keluarga and places the
// head on it. The caller places the other members and then settles the new card and every card
// that people left (settle_cards), so the checks see the final membership. The card number is
// `assigned_kk_number` when given (a station took its serial from a lease; kAlreadyExists when a
// card holds it), else the next serial of central's allocator.
Result<Family> issue_family_card(store::Connection& c, const WriteContext& ctx, Person& head,
                                 const Address& address, std::string_view assigned_kk_number = {});

// Puts `person` on `family` with `relation` and the family's address, then settles the card they
// left: reissued, closed when nobody is left, refused when its head would leave others behind.
Status move_into_family(store::Connection& c, const WriteContext& ctx, Person& person,
                        Family& family, FamilyRelation relation);

// Settles each card in `kk_numbers` as above (for events that move several people first).
Status settle_cards(store::Connection& c, const WriteContext& ctx, const std::set<std::string>& kk_numbers);

// Moves without settling (the caller settles after moving everyone).
Status place_on_card(store::Connection& c, const WriteContext& ctx, Person& person,
                     const Family& family, FamilyRelation relation);

}  // namespace ektp::registry
