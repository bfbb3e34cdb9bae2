// Marriage, divorce and death: the events that change marital status and who heads a family.
#include <algorithm>

#include <boost/json.hpp>

#include "core/limits.h"
#include "registry/detail/event_transaction.h"
#include "registry/family_cards.h"
#include "registry/person_store.h"

namespace ektp::registry {

namespace {

struct Couple {
  Person husband;
  Person wife;
};

Result<Couple> load_couple(store::Connection& c, const std::string& husband_nik,
                           const std::string& wife_nik, CivilDate date) {
  if (husband_nik == wife_nik) return invalid_argument("husband_nik and wife_nik are the same person");
  auto husband = load_person(c, husband_nik, true);
  if (!husband) return std::unexpected(husband.error());
  auto wife = load_person(c, wife_nik, true);
  if (!wife) return std::unexpected(wife.error());
  if (husband->sex != Sex::kMale) return invalid_argument(fmt::format("husband_nik: {} is not a man", husband_nik));
  if (wife->sex != Sex::kFemale) return invalid_argument(fmt::format("wife_nik: {} is not a woman", wife_nik));
  if (auto s = detail::require_alive(*husband, "husband"); !s) return std::unexpected(s.error());
  if (auto s = detail::require_alive(*wife, "wife"); !s) return std::unexpected(s.error());
  if (auto s = detail::require_after_birth(date, *husband, "date"); !s) return std::unexpected(s.error());
  if (auto s = detail::require_after_birth(date, *wife, "date"); !s) return std::unexpected(s.error());
  return Couple{std::move(*husband), std::move(*wife)};
}

bool has_court_permission(const std::vector<Document>& documents) {
  return std::any_of(documents.begin(), documents.end(), [](const Document& d) {
    return d.type == kCourtPermissionDocument && !d.number.empty();
  });
}

// What a marriage request must satisfy before any person is read; the new card's address, if any.
Result<std::optional<Address>> check_marriage(const WriteContext& ctx, const RegionDirectory& regions,
                                              const MarriageRequest& r) {
  if (auto s = detail::require_not_future(r.date, ctx.today(), "date"); !s) return std::unexpected(s.error());
  if (auto s = validate_documents(r.documents); !s) return std::unexpected(s.error());
  std::optional<Address> new_address;
  if (r.new_family) {
    auto address = validate_address(*r.new_family, regions);
    if (!address) return std::unexpected(address.error());
    new_address = *address;
  }
  return new_address;
}

Result<NewEvent> marriage_event(store::Connection& c, const WriteContext& ctx, const MarriageRequest& r,
                                const std::optional<Address>& new_address) {
  auto couple = load_couple(c, r.husband_nik, r.wife_nik, r.date);
  if (!couple) return std::unexpected(couple.error());
  for (const Person* p : {&couple->husband, &couple->wife}) {
    int age = age_in_years(p->birth_date, r.date);
    if (age < marriage_age_years_min) {
      return failed_precondition(fmt::format(
          "{} ({}) is {} years old; the minimum age to marry is {}", p->nik, p->name, age,
          marriage_age_years_min));
    }
  }
  // UU 1/1974 art. 3–5: a husband may take another wife only with the court's permission; a wife
  // has one husband.
  if (couple->wife.marital_status == MaritalStatus::kKawin) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(marriage_reason::kAlreadyMarried),
                   fmt::format("wife_nik: {} ({}) is recorded as married", couple->wife.nik, couple->wife.name));
  }
  if (couple->husband.marital_status == MaritalStatus::kKawin && !has_court_permission(r.documents)) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(marriage_reason::kCourtPermissionRequired),
                   fmt::format("husband_nik: {} ({}) is recorded as married; another marriage needs the court's "
                               "permission attached (document type {})",
                               couple->husband.nik, couple->husband.name, kCourtPermissionDocument));
  }
  couple->husband.marital_status = MaritalStatus::kKawin;
  couple->wife.marital_status = MaritalStatus::kKawin;
  NewEvent event{EventType::kMarriage, r.date, r.documents, {}, {}, {}};
  event.subjects = {{couple->husband.nik, "husband"}, {couple->wife.nik, "wife"}};
  if (new_address) {
    std::set<std::string> left{couple->husband.kk_number, couple->wife.kk_number};
    auto family = issue_family_card(c, ctx, couple->husband, *new_address);
    if (!family) return std::unexpected(family.error());
    if (auto s = place_on_card(c, ctx, couple->wife, *family, FamilyRelation::kIstri); !s) {
      return std::unexpected(s.error());
    }
    left.insert(family->kk_number);
    if (auto s = settle_cards(c, ctx, left); !s) return std::unexpected(s.error());
    event.outcome = {{"kk_number", family->kk_number}};
  } else {
    if (auto s = update_person(c, couple->husband, ctx.now_ms()); !s) return std::unexpected(s.error());
    if (couple->husband.relation == FamilyRelation::kKepalaKeluarga &&
        couple->wife.kk_number != couple->husband.kk_number) {
      auto family = load_family(c, couple->husband.kk_number, true);
      if (!family) return std::unexpected(family.error());
      if (auto s = move_into_family(c, ctx, couple->wife, *family, FamilyRelation::kIstri); !s) {
        return std::unexpected(s.error());
      }
      event.outcome = {{"kk_number", family->kk_number}};
    } else if (auto s = update_person(c, couple->wife, ctx.now_ms()); !s) {
      return std::unexpected(s.error());
    }
  }
  event.payload = {{"husband_nik", r.husband_nik}, {"wife_nik", r.wife_nik}};
  return event;
}

Status check_divorce(const WriteContext& ctx, const DivorceRequest& r) {
  if (auto s = detail::require_not_future(r.date, ctx.today(), "date"); !s) return s;
  return validate_documents(r.documents);
}

Result<NewEvent> divorce_event(store::Connection& c, const WriteContext& ctx, const DivorceRequest& r) {
  auto couple = load_couple(c, r.husband_nik, r.wife_nik, r.date);
  if (!couple) return std::unexpected(couple.error());
  for (Person* p : {&couple->husband, &couple->wife}) {
    if (p->marital_status != MaritalStatus::kKawin) {
      return failed_precondition(fmt::format("{} ({}) is not married", p->nik, p->name));
    }
    p->marital_status = MaritalStatus::kCeraiHidup;
    if (auto s = update_person(c, *p, ctx.now_ms()); !s) return std::unexpected(s.error());
  }
  NewEvent event{EventType::kDivorce, r.date, r.documents, {}, {}, {}};
  event.subjects = {{couple->husband.nik, "husband"}, {couple->wife.nik, "wife"}};
  event.payload = {{"husband_nik", r.husband_nik}, {"wife_nik", r.wife_nik}};
  return event;
}

Status check_death(const WriteContext& ctx, const DeathRequest& r) {
  if (auto s = detail::require_not_future(r.date, ctx.today(), "date"); !s) return s;
  if (auto s = validate_text("place", r.place, limits::place_bytes_max, true); !s) return s;
  return validate_documents(r.documents);
}

Result<NewEvent> death_event(store::Connection& c, const WriteContext& ctx, const DeathRequest& r) {
  auto person = load_person(c, r.nik, true);
  if (!person) return std::unexpected(person.error());
  if (auto s = detail::require_alive(*person, "person"); !s) return std::unexpected(s.error());
  if (auto s = detail::require_after_birth(r.date, *person, "date"); !s) return std::unexpected(s.error());
  person->alive = false;
  person->death_date = r.date;
  if (auto s = update_person(c, *person, ctx.now_ms()); !s) return std::unexpected(s.error());
  NewEvent event{EventType::kDeath, r.date, r.documents, {{person->nik, "deceased"}}, {}, {}};
  // The surviving spouse on the same card becomes a widow(er) and, if needed, the head.
  auto members = family_members(c, person->kk_number);
  if (!members) return std::unexpected(members.error());
  bool spouse_link = person->relation == FamilyRelation::kKepalaKeluarga ||
                     person->relation == FamilyRelation::kIstri ||
                     person->relation == FamilyRelation::kSuami;
  for (auto& m : *members) {
    if (m.nik == person->nik || !m.alive || !spouse_link) continue;
    bool is_spouse = m.marital_status == MaritalStatus::kKawin &&
                     ((person->relation == FamilyRelation::kKepalaKeluarga &&
                       (m.relation == FamilyRelation::kIstri || m.relation == FamilyRelation::kSuami)) ||
                      (person->relation != FamilyRelation::kKepalaKeluarga &&
                       m.relation == FamilyRelation::kKepalaKeluarga));
    if (!is_spouse) continue;
    m.marital_status = MaritalStatus::kCeraiMati;
    if (person->relation == FamilyRelation::kKepalaKeluarga) {
      m.relation = FamilyRelation::kKepalaKeluarga;
      auto family = load_family(c, person->kk_number, true);
      if (!family) return std::unexpected(family.error());
      family->head_nik = m.nik;
      family->issued_on = ctx.today();
      if (auto s = update_family(c, *family, ctx.now_ms()); !s) return std::unexpected(s.error());
    }
    if (auto s = update_person(c, m, ctx.now_ms()); !s) return std::unexpected(s.error());
    event.subjects.push_back({m.nik, "spouse"});
    break;
  }
  event.payload = {{"nik", r.nik}, {"place", r.place}};
  return event;
}

}  // namespace

Result<EventOutcome> CivilRegistry::register_marriage(const WriteContext& ctx, const MarriageRequest& r) {
  auto new_address = check_marriage(ctx, regions_, r);
  if (!new_address) return std::unexpected(new_address.error());
  return detail::run_event(
      db_, after_event_, ctx, [&](store::Connection& c) { return marriage_event(c, ctx, r, *new_address); },
      can_record_marriages);
}

Result<EventOutcome> apply_marriage(store::Connection& c, const WriteContext& ctx, const RegionDirectory& regions,
                                    const MarriageRequest& r) {
  auto new_address = check_marriage(ctx, regions, r);
  if (!new_address) return std::unexpected(new_address.error());
  return detail::run_event_in(
      c, ctx, [&](store::Connection& conn) { return marriage_event(conn, ctx, r, *new_address); }, can_record_marriages);
}

Result<EventOutcome> CivilRegistry::register_divorce(const WriteContext& ctx, const DivorceRequest& r) {
  if (auto s = check_divorce(ctx, r); !s) return std::unexpected(s.error());
  return detail::run_event(db_, after_event_, ctx, [&](store::Connection& c) { return divorce_event(c, ctx, r); });
}

Result<EventOutcome> apply_divorce(store::Connection& c, const WriteContext& ctx, const DivorceRequest& r) {
  if (auto s = check_divorce(ctx, r); !s) return std::unexpected(s.error());
  return detail::run_event_in(c, ctx, [&](store::Connection& conn) { return divorce_event(conn, ctx, r); });
}

Result<EventOutcome> CivilRegistry::register_death(const WriteContext& ctx, const DeathRequest& r) {
  if (auto s = check_death(ctx, r); !s) return std::unexpected(s.error());
  return detail::run_event(db_, after_event_, ctx, [&](store::Connection& c) { return death_event(c, ctx, r); });
}

Result<EventOutcome> apply_death(store::Connection& c, const WriteContext& ctx, const DeathRequest& r) {
  if (auto s = check_death(ctx, r); !s) return std::unexpected(s.error());
  return detail::run_event_in(c, ctx, [&](store::Connection& conn) { return death_event(conn, ctx, r); });
}

}  // namespace ektp::registry
