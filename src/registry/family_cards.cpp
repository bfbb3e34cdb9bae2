#include "registry/family_cards.h"

#include <fmt/format.h>

#include "core/limits.h"
#include "core/nik.h"
#include "registry/person_store.h"
#include "registry/serial_allocator.h"

namespace ektp::registry {

Status place_on_card(store::Connection& c, const WriteContext& ctx, Person& person,
                     const Family& family, FamilyRelation relation) {
  person.kk_number = family.kk_number;
  person.relation = relation;
  person.address = family.address;
  return update_person(c, person, ctx.now_ms());
}

Status settle_cards(store::Connection& c, const WriteContext& ctx,
                    const std::set<std::string>& kk_numbers) {
  for (const auto& kk : kk_numbers) {
    auto family = load_family(c, kk, true);
    if (!family) return std::unexpected(family.error());
    auto members = family_members(c, kk);
    if (!members) return std::unexpected(members.error());
    if (members->size() > limits::family_members_max) {
      return failed_precondition(fmt::format("family card {} would have {} members (limit {})", kk,
                                             members->size(), limits::family_members_max));
    }
    bool head_present = false;
    for (const auto& m : *members) head_present = head_present || m.nik == family->head_nik;
    if (members->empty()) {
      family->active = false;
    } else if (!head_present) {
      return failed_precondition(fmt::format(
          "the head of family card {} would leave {} member(s) behind; split the family or "
          "name a new head first", kk, members->size()));
    }
    family->issued_on = ctx.today();
    if (auto s = update_family(c, *family, ctx.now_ms()); !s) return s;
  }
  return {};
}

Status move_into_family(store::Connection& c, const WriteContext& ctx, Person& person,
                        Family& family, FamilyRelation relation) {
  std::string left = person.kk_number;
  if (auto s = place_on_card(c, ctx, person, family, relation); !s) return s;
  std::set<std::string> cards{family.kk_number};
  if (!left.empty() && left != family.kk_number) cards.insert(left);
  if (auto s = settle_cards(c, ctx, cards); !s) return s;
  auto reloaded = load_family(c, family.kk_number);
  if (!reloaded) return std::unexpected(reloaded.error());
  family = std::move(*reloaded);
  return {};
}

Result<Family> issue_family_card(store::Connection& c, const WriteContext& ctx, Person& head,
                                 const Address& address, std::string_view assigned_kk_number) {
  Family family;
  if (!assigned_kk_number.empty()) {
    family.kk_number = std::string(assigned_kk_number);
  } else {
    auto district = address.village_code.substr(0, 6);
    auto serial = next_serial(c, "KK" + kk_prefix(district, ctx.today()));
    if (!serial) return std::unexpected(serial.error());
    family.kk_number = format_kk_number(district, ctx.today(), *serial);
  }
  family.head_nik = head.nik;
  family.address = address;
  family.issued_on = ctx.today();
  if (auto s = insert_family(c, family, ctx.now_ms()); !s) {
    if (s.error().code == ErrorCode::kAlreadyExists && !assigned_kk_number.empty()) {
      return make_error(ErrorCode::kAlreadyExists,
                        fmt::format("assigned_kk_number: KK number {} is already taken", family.kk_number));
    }
    if (s.error().code == ErrorCode::kAlreadyExists) {
      return make_error(ErrorCode::kInternal,
                        fmt::format("KK number {} is already taken; serial counter is behind", family.kk_number));
    }
    return std::unexpected(s.error());
  }
  if (auto s = place_on_card(c, ctx, head, family, FamilyRelation::kKepalaKeluarga); !s) {
    return std::unexpected(s.error());
  }
  return family;
}

}  // namespace ektp::registry
