// What one audit entry about a resident means to them: the kind of read (an officer's view, an
// agency's verification or retrieval, a card read, a SUKET check, a bulk match, or something
// else), who did it, and the purpose and fields its detail names. Pure functions over the audit
// entry's text fields: no I/O, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ektp::resident {

enum class ReadKind { kOfficerView, kAgencyVerify, kAgencyRetrieve, kCardRead, kSuketCheck, kBulkMatch, kOther };
// "officer_view", "agency_verify", "agency_retrieve", "card_read", "suket_check", "bulk_match", "other".
std::string_view read_kind_id(ReadKind kind);

// By the entry's action: agency.verify → kAgencyVerify; read_card_desk, chip.verify … →
// kCardRead; read_person, read_history … → kOfficerView; anything not known → kOther.
ReadKind classify_read(std::string_view action);

// Who an actor is: "agency:<code>", "station:<id>", "public", "system", or a staff username.
enum class ActorType { kOfficer, kAgency, kStation, kPublic, kSystem };
std::string_view actor_type_id(ActorType type);  // "officer", "agency", "station", "public", "system"
struct Actor {
  ActorType type = ActorType::kOfficer;
  std::string name;  // the username, agency code or station id; "" for public and system
};
Actor parse_actor(std::string_view actor);

// What the detail of an agency call says ("agreement 440/77; key 3f…; purpose verifikasi
// peserta JKN; fields name,birth_date; all sesuai"): its agreement, purpose and fields. Any other
// detail that names "fields a,b" gives those fields. What is absent stays empty; never the key.
struct ReadDetail {
  std::string agreement;
  std::string purpose;
  std::vector<std::string> fields;
};
ReadDetail parse_read_detail(std::string_view detail);

}  // namespace ektp::resident
