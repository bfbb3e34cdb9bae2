// New family card, family split and moves (pindah/datang): the events that change where people
// live and which card they are on. NIKs never change.
#include <boost/json.hpp>

#include "core/limits.h"
#include "core/nik.h"
#include "registry/detail/event_transaction.h"
#include "registry/family_cards.h"
#include "registry/person_store.h"

namespace ektp::registry {

Result<Address> validate_address(const AddressInput& input, const RegionDirectory& regions) {
  Address address;
  if (auto s = validate_text("address.street", input.street, limits::address_bytes_max, true); !s) {
    return std::unexpected(s.error());
  }
  address.street = input.street;
  auto rt = normalize_rt_rw("address.rt", input.rt);
  if (!rt) return std::unexpected(rt.error());
  auto rw = normalize_rt_rw("address.rw", input.rw);
  if (!rw) return std::unexpected(rw.error());
  address.rt = *rt;
  address.rw = *rw;
  if (input.village_code.size() != 10 || regions.find(input.village_code) == nullptr) {
    return invalid_argument(fmt::format("address.village_code: village '{}' does not exist",
                                        input.village_code.substr(0, 20)));
  }
  address.village_code = input.village_code;
  return address;
}

Result<EventOutcome> CivilRegistry::create_family(const WriteContext& ctx, const NewFamilyRequest& r) {
  auto address = validate_address(r.address, regions_);
  if (!address) return std::unexpected(address.error());
  if (auto s = validate_documents(r.documents); !s) return std::unexpected(s.error());
  if (r.members.size() + 1 > limits::family_members_max) {
    return invalid_argument(fmt::format("members: at most {}", limits::family_members_max - 1));
  }
  return detail::run_event(db_, after_event_, ctx, [&](store::Connection& c) -> Result<NewEvent> {
    auto head = load_person(c, r.head_nik, true);
    if (!head) return std::unexpected(head.error());
    if (auto s = detail::require_alive(*head, "head"); !s) return std::unexpected(s.error());
    std::string source_card = head->kk_number;
    std::vector<std::pair<Person, FamilyRelation>> members;
    std::set<std::string> seen{head->nik};
    for (const auto& m : r.members) {
      if (!seen.insert(m.nik).second) return invalid_argument(fmt::format("members: {} is listed twice", m.nik));
      if (m.relation == FamilyRelation::kKepalaKeluarga) {
        return invalid_argument("members: only head_nik is kepala_keluarga");
      }
      auto person = load_person(c, m.nik, true);
      if (!person) return std::unexpected(person.error());
      if (auto s = detail::require_alive(*person, "member"); !s) return std::unexpected(s.error());
      if (r.split && person->kk_number != source_card) {
        return invalid_argument(fmt::format("members: {} is not on family card {}", m.nik, source_card));
      }
      members.emplace_back(std::move(*person), m.relation);
    }
    if (r.split) {
      auto all = family_members(c, source_card);
      if (!all) return std::unexpected(all.error());
      std::size_t alive = 0;
      for (const auto& p : *all) alive += p.alive ? 1 : 0;
      if (members.size() + 1 >= alive) {
        return invalid_argument("a split must leave someone on the old card; use move or new-family");
      }
    }
    std::set<std::string> left_cards;
    for (auto& [p, rel] : members) left_cards.insert(p.kk_number);
    left_cards.insert(source_card);
    auto family = issue_family_card(c, ctx, *head, *address);
    if (!family) return std::unexpected(family.error());
    for (auto& [p, rel] : members) {
      if (auto s = place_on_card(c, ctx, p, *family, rel); !s) return std::unexpected(s.error());
    }
    left_cards.insert(family->kk_number);
    if (auto s = settle_cards(c, ctx, left_cards); !s) return std::unexpected(s.error());
    NewEvent event{r.split ? EventType::kFamilySplit : EventType::kNewFamily, ctx.today(), r.documents, {}, {}, {}};
    event.subjects.push_back({head->nik, "head"});
    boost::json::array niks;
    for (auto& [p, rel] : members) {
      event.subjects.push_back({p.nik, std::string(family_relation_id(rel))});
      niks.push_back(boost::json::string(p.nik));
    }
    event.payload = {{"kk_number", family->kk_number}, {"from_kk_number", source_card}, {"members", niks}};
    event.outcome = {{"kk_number", family->kk_number}};
    return event;
  });
}

namespace {

// Checks that need no state; the destination address normalised.
Result<Address> validate_move(const WriteContext& ctx, const MoveRequest& r, const RegionDirectory& regions) {
  auto address = validate_address(r.to, regions);
  if (!address) return std::unexpected(address.error());
  if (auto s = detail::require_not_future(r.date, ctx.today(), "date"); !s) return std::unexpected(s.error());
  if (r.niks.empty() || r.niks.size() > limits::family_members_max) {
    return invalid_argument(fmt::format("niks: give 1 to {} persons", limits::family_members_max));
  }
  if (auto s = validate_documents(r.documents); !s) return std::unexpected(s.error());
  if (r.assigned_kk_number) {
    auto kk = parse_kk_number(*r.assigned_kk_number, regions, ctx.today());
    if (!kk) return invalid_argument(fmt::format("assigned_kk_number: {}", kk.error().message));
    if (kk->district_code != address->village_code.substr(0, 6)) {
      return invalid_argument(fmt::format("assigned_kk_number: {} is not a card of district {} (the destination)",
                                          kk->kk, address->village_code.substr(0, 6)));
    }
  }
  return address;
}

Result<NewEvent> move_event(store::Connection& c, const WriteContext& ctx, const MoveRequest& r,
                            const Address& address) {
  std::vector<Person> movers;
  std::set<std::string> seen, cards;
  for (const auto& nik : r.niks) {
    if (!seen.insert(nik).second) return invalid_argument(fmt::format("niks: {} is listed twice", nik));
    auto person = load_person(c, nik, true);
    if (!person) return std::unexpected(person.error());
    if (auto s = detail::require_alive(*person, "person"); !s) return std::unexpected(s.error());
    cards.insert(person->kk_number);
    movers.push_back(std::move(*person));
  }
  auto from_village = movers.front().address.village_code;
  NewEvent event{EventType::kMove, r.date, r.documents, {}, {}, {}};
  for (const auto& p : movers) event.subjects.push_back({p.nik, "mover"});
  // A whole card moving within its district keeps its number; otherwise a new card is issued
  // in the destination district (the family card belongs to the issuing district).
  bool whole_card = false;
  if (cards.size() == 1) {
    auto all = family_members(c, *cards.begin());
    if (!all) return std::unexpected(all.error());
    std::size_t alive = 0;
    for (const auto& p : *all) alive += p.alive ? 1 : 0;
    whole_card = alive == movers.size();
  }
  std::string kk_number;
  if (!r.assigned_kk_number && whole_card && cards.begin()->substr(0, 6) == address.village_code.substr(0, 6)) {
    auto family = load_family(c, *cards.begin(), true);
    if (!family) return std::unexpected(family.error());
    family->address = address;
    for (auto& p : movers) {
      p.address = address;
      if (auto s = update_person(c, p, ctx.now_ms()); !s) return std::unexpected(s.error());
    }
    family->issued_on = ctx.today();
    if (auto s = update_family(c, *family, ctx.now_ms()); !s) return std::unexpected(s.error());
    kk_number = family->kk_number;
  } else {
    // The head of the moving group: the card's head if they move, else the first listed.
    std::size_t head_index = 0;
    for (std::size_t i = 0; i < movers.size(); ++i) {
      if (movers[i].relation == FamilyRelation::kKepalaKeluarga) head_index = i;
    }
    Person& head = movers[head_index];
    bool head_moves_with_card = head.relation == FamilyRelation::kKepalaKeluarga;
    std::set<std::string> left = cards;
    auto family = issue_family_card(c, ctx, head, address, r.assigned_kk_number.value_or(""));
    if (!family) return std::unexpected(family.error());
    for (std::size_t i = 0; i < movers.size(); ++i) {
      if (i == head_index) continue;
      auto relation = head_moves_with_card ? movers[i].relation : FamilyRelation::kFamiliLain;
      if (auto s = place_on_card(c, ctx, movers[i], *family, relation); !s) return std::unexpected(s.error());
    }
    left.insert(family->kk_number);
    if (auto s = settle_cards(c, ctx, left); !s) return std::unexpected(s.error());
    kk_number = family->kk_number;
  }
  event.payload = {{"from_village_code", from_village}, {"to_village_code", address.village_code},
                   {"kk_number", kk_number}};
  event.outcome = {{"kk_number", kk_number}};
  return event;
}

}  // namespace

Result<EventOutcome> CivilRegistry::register_move(const WriteContext& ctx, const MoveRequest& r) {
  auto address = validate_move(ctx, r, regions_);
  if (!address) return std::unexpected(address.error());
  return detail::run_event(db_, after_event_, ctx, [&](store::Connection& c) { return move_event(c, ctx, r, *address); });
}

Result<EventOutcome> apply_move(store::Connection& c, const WriteContext& ctx, const RegionDirectory& regions,
                                const MoveRequest& r) {
  auto address = validate_move(ctx, r, regions);
  if (!address) return std::unexpected(address.error());
  return detail::run_event_in(c, ctx, [&](store::Connection& conn) { return move_event(conn, ctx, r, *address); });
}

}  // namespace ektp::registry
