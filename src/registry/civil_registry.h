// The registry's write services: each civil event is validated against the current state, applied
// to persons and family cards, appended to the event log and audited — all in one transaction, and
// at most once per idempotency key. Thread-safe: each call borrows its own connection.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/family.h"
#include "core/person.h"
#include "core/region.h"
#include "registry/context.h"
#include "registry/event_log.h"
#include "store/database.h"

namespace ektp::registry {

struct AddressInput {
  std::string street;
  std::string rt;
  std::string rw;
  std::string village_code;
};

struct BirthRequest {
  std::string name;
  std::string birth_place;
  CivilDate birth_date;
  Sex sex = Sex::kMale;
  std::string mother_nik;
  std::optional<std::string> father_nik;
  std::optional<Religion> religion;      // default: the mother's
  BloodType blood_type = BloodType::kUnknown;
  std::vector<Document> documents;
  // A NIK chosen before the birth reached this registry (a station took the serial from its lease,
  // sync/serial_leases.h): digits 7–12 must be the birth date (+40 for girls); digits 1–6 (the
  // district where the birth was registered) and the serial are the caller's to vouch for. Empty:
  // the district of the mother's family card and the next free serial of that prefix.
  std::optional<std::string> assigned_nik;
};

// Picks the serial of a new NIK within its 12-digit prefix, inside the birth's transaction.
using NikSerialSource = std::function<Result<int>(store::Connection&, std::string_view prefix)>;

struct FamilyMemberInput {
  std::string nik;
  FamilyRelation relation;
};

struct NewFamilyRequest {
  std::string head_nik;
  std::vector<FamilyMemberInput> members;  // besides the head
  AddressInput address;
  std::vector<Document> documents;
  bool split = false;  // family split: everyone must come from one card, and not all of it
};

struct MarriageRequest {
  std::string husband_nik;
  std::string wife_nik;
  CivilDate date;
  std::vector<Document> documents;
  std::optional<AddressInput> new_family;  // the couple gets its own card at this address
};

struct DivorceRequest {
  std::string husband_nik;
  std::string wife_nik;
  CivilDate date;
  std::vector<Document> documents;
};

struct DeathRequest {
  std::string nik;
  CivilDate date;
  std::string place;
  std::vector<Document> documents;
};

struct MoveRequest {
  std::vector<std::string> niks;
  CivilDate date;
  AddressInput to;
  std::vector<Document> documents;
  // A KK number chosen before the move reached this registry (a station took the serial from its
  // KK lease, sync/serial_leases.h, for a family moving in): the movers always get a new card with
  // this number; it must be a valid KK number of the destination district, issued no later than
  // today, and unused. The serial is the caller's to vouch for. Empty: the usual rules below.
  std::optional<std::string> assigned_kk_number;
};

struct CorrectionRequest {
  std::string nik;
  std::optional<std::string> name;
  std::optional<std::string> birth_place;
  std::optional<std::string> occupation;
  std::optional<Religion> religion;
  std::optional<Education> education;
  std::optional<BloodType> blood_type;
  std::string reason;
};

struct CorrectionRecord {
  std::int64_t id = 0;
  std::string nik;
  std::string fields_json;
  std::string reason;
  std::string requested_by;
  std::string status;  // pending, approved, rejected
  std::string decided_by;
};

// Marriage age (UU 16/2019): 19 for both.
inline constexpr int marriage_age_years_min = 19;
// The court's permission for a husband to take another wife (UU 1/1974 art. 4), as a document.
inline constexpr std::string_view kCourtPermissionDocument = "izin_pengadilan";
namespace marriage_reason {
inline constexpr std::string_view kAlreadyMarried = "already_married";
inline constexpr std::string_view kCourtPermissionRequired = "court_permission_required";
}  // namespace marriage_reason

class CivilRegistry {
 public:
  // `after_event` is called with every new event, in its transaction (registry/context.h).
  CivilRegistry(store::Database& db, const RegionDirectory& regions, EventHook after_event = {})
      : db_(db), regions_(regions), after_event_(std::move(after_event)) {}

  Result<EventOutcome> register_birth(const WriteContext& ctx, const BirthRequest& request);
  Result<EventOutcome> create_family(const WriteContext& ctx, const NewFamilyRequest& request);
  Result<EventOutcome> register_marriage(const WriteContext& ctx, const MarriageRequest& request);
  Result<EventOutcome> register_divorce(const WriteContext& ctx, const DivorceRequest& request);
  Result<EventOutcome> register_death(const WriteContext& ctx, const DeathRequest& request);
  Result<EventOutcome> register_move(const WriteContext& ctx, const MoveRequest& request);

  // Corrections of biodata need a supervisor's approval (not the requester's own).
  Result<EventOutcome> request_correction(const WriteContext& ctx, const CorrectionRequest& request);
  Result<EventOutcome> decide_correction(const WriteContext& ctx, std::int64_t correction_id,
                                         bool approve, std::string reason);
  Result<std::vector<CorrectionRecord>> list_corrections(std::string_view status);

  const RegionDirectory& regions() const { return regions_; }
  store::Database& database() { return db_; }
  // The hook of every new event, for a caller that applies one in its own transaction (apply_*):
  // its WriteContext::after_event. nullptr when there is none.
  const EventHook* event_hook() const { return after_event_ ? &after_event_ : nullptr; }

 private:
  store::Database& db_;
  const RegionDirectory& regions_;
  const EventHook after_event_;
};

// A birth inside a write transaction the caller holds, so that it commits together with the
// caller's own writes (a station's outbox item, central's sync receipt): the same checks,
// projection, event, idempotency and audit as CivilRegistry::register_birth (and the hook of
// ctx.after_event, the only one these apply_* functions call). The child's NIK is
// request.assigned_nik when set (kInvalidArgument when it does not fit the birth, kAlreadyExists
// when someone holds it), else prefix + `serial_source(prefix)` (default: next_serial, central's
// allocator).
Result<EventOutcome> apply_birth(store::Connection& c, const WriteContext& ctx, const BirthRequest& request,
                                 const NikSerialSource& serial_source = {});

// A move inside a write transaction the caller holds (central applying a station's move-in): the
// same checks, projection, event, idempotency and audit as CivilRegistry::register_move, with
// request.assigned_kk_number honoured when set.
Result<EventOutcome> apply_move(store::Connection& c, const WriteContext& ctx, const RegionDirectory& regions,
                                const MoveRequest& request);

// Marriage, divorce and death inside a write transaction the caller holds (a station's outbox
// item, central's sync receipt): the same checks, projection, event, idempotency and audit as the
// CivilRegistry methods of the same names.
Result<EventOutcome> apply_marriage(store::Connection& c, const WriteContext& ctx, const RegionDirectory& regions,
                                    const MarriageRequest& request);
Result<EventOutcome> apply_divorce(store::Connection& c, const WriteContext& ctx, const DivorceRequest& request);
Result<EventOutcome> apply_death(store::Connection& c, const WriteContext& ctx, const DeathRequest& request);

// Validates an address and normalises RT/RW; the village must exist.
Result<Address> validate_address(const AddressInput& input, const RegionDirectory& regions);

}  // namespace ektp::registry
