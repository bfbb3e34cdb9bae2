// The kinds of reads a resident is shown (resident/read_kinds.h).
#include "resident/read_kinds.h"

#include <array>
#include <utility>

namespace ektp::resident {
namespace {

// Exact actions first; then the prefixes of officers' reads.
constexpr std::array<std::pair<std::string_view, ReadKind>, 19> kActions{{
    {"agency.verify", ReadKind::kAgencyVerify},
    {"agency.retrieve", ReadKind::kAgencyRetrieve},
    {"agency.event_delivered", ReadKind::kAgencyRetrieve},  // a subscribed event carried their data
    {"agency.bulk_match", ReadKind::kBulkMatch},
    {"bulk_match", ReadKind::kBulkMatch},
    {"read_card_desk", ReadKind::kCardRead},
    {"read_card_face", ReadKind::kCardRead},
    {"read_print_queue", ReadKind::kCardRead},
    {"read_uncollected_cards", ReadKind::kCardRead},
    {"chip.verify", ReadKind::kCardRead},
    {"read_suket", ReadKind::kSuketCheck},
    {"read_sukets", ReadKind::kSuketCheck},
    {"suket.verify", ReadKind::kSuketCheck},
    {"suket.check", ReadKind::kSuketCheck},
    {"read_person", ReadKind::kOfficerView},
    {"read_history", ReadKind::kOfficerView},
    {"read_family", ReadKind::kOfficerView},
    {"read_enrollment_status", ReadKind::kOfficerView},
    {"read_adjudication_case", ReadKind::kOfficerView},
}};

constexpr std::array<std::pair<ReadKind, std::string_view>, 7> kKindIds{{
    {ReadKind::kOfficerView, "officer_view"},
    {ReadKind::kAgencyVerify, "agency_verify"},
    {ReadKind::kAgencyRetrieve, "agency_retrieve"},
    {ReadKind::kCardRead, "card_read"},
    {ReadKind::kSuketCheck, "suket_check"},
    {ReadKind::kBulkMatch, "bulk_match"},
    {ReadKind::kOther, "other"},
}};

constexpr std::string_view kAgencyPrefix = "agency:";
constexpr std::string_view kStationPrefix = "station:";

// The text after `label ` up to the next "; " (or the end), in a detail of "label value; …" parts.
std::string_view part_after(std::string_view detail, std::string_view label) {
  std::size_t at = 0;
  while (at <= detail.size()) {
    const std::string_view rest = detail.substr(at);
    if (rest.starts_with(label)) {
      const std::string_view value = rest.substr(label.size());
      return value.substr(0, value.find("; "));
    }
    const std::size_t next = rest.find("; ");
    if (next == std::string_view::npos) break;
    at += next + 2;
  }
  return {};
}

std::vector<std::string> split_fields(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view field = text.substr(0, comma);
    const bool plain = !field.empty() && field.size() <= 40 &&
                       field.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos;
    if (plain) out.emplace_back(field);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::string_view read_kind_id(ReadKind kind) {
  for (const auto& [k, id] : kKindIds) {
    if (k == kind) return id;
  }
  return "other";
}

ReadKind classify_read(std::string_view action) {
  for (const auto& [name, kind] : kActions) {
    if (name == action) return kind;
  }
  // Other reads of the resident's data by staff: their correction, their enrollment's images,
  // the reports of reads an admin looks into.
  if (action.starts_with("read_")) return ReadKind::kOfficerView;
  return ReadKind::kOther;
}

std::string_view actor_type_id(ActorType type) {
  switch (type) {
    case ActorType::kOfficer: return "officer";
    case ActorType::kAgency: return "agency";
    case ActorType::kStation: return "station";
    case ActorType::kPublic: return "public";
    case ActorType::kSystem: return "system";
  }
  return "officer";
}

Actor parse_actor(std::string_view actor) {
  if (actor.starts_with(kAgencyPrefix)) return {ActorType::kAgency, std::string(actor.substr(kAgencyPrefix.size()))};
  if (actor.starts_with(kStationPrefix)) return {ActorType::kStation, std::string(actor.substr(kStationPrefix.size()))};
  if (actor == "public") return {ActorType::kPublic, ""};
  if (actor == "system" || actor == "console" || actor.empty()) return {ActorType::kSystem, ""};
  return {ActorType::kOfficer, std::string(actor)};
}

ReadDetail parse_read_detail(std::string_view detail) {
  ReadDetail out;
  out.agreement = std::string(part_after(detail, "agreement "));
  // A purpose may itself hold "; ": it runs up to the last "; fields " after it, and the fields
  // are read from there on.
  std::string_view rest = detail;
  std::size_t at = detail.starts_with("purpose ") ? 0 : detail.find("; purpose ");
  if (at != std::string_view::npos) {
    if (at != 0 || !detail.starts_with("purpose ")) at += 2;
    const std::string_view purpose = detail.substr(at + 8);
    const std::size_t fields = purpose.rfind("; fields ");
    out.purpose = std::string(purpose.substr(0, fields == std::string_view::npos ? purpose.find("; ") : fields));
    rest = purpose.substr(out.purpose.size());
    if (rest.starts_with("; ")) rest.remove_prefix(2);
  }
  out.fields = split_fields(part_after(rest, "fields "));
  return out;
}

}  // namespace ektp::resident
