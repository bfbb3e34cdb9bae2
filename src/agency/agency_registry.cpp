// Agencies and their agreements, validated and stored (agency/agency_registry.h).
#include "agency/agency_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "access/audit_log.h"
#include "agency/profile_fields.h"
#include "core/civil_date.h"
#include "core/person.h"
#include "core/region.h"

namespace ektp::agency {
namespace {

constexpr std::array<std::pair<AgencyKind, std::string_view>, 5> kKinds{{
    {AgencyKind::kHealthInsurance, "health_insurance"},
    {AgencyKind::kBank, "bank"},
    {AgencyKind::kHospital, "hospital"},
    {AgencyKind::kMarriageOffice, "marriage_office"},
    {AgencyKind::kOther, "other"},
}};

constexpr std::array<std::pair<AgencyOperation, std::string_view>, 5> kOperations{{
    {AgencyOperation::kVerify, "verify"},
    {AgencyOperation::kRetrieve, "retrieve"},
    {AgencyOperation::kBulkMatch, "bulk_match"},
    {AgencyOperation::kSubscribe, "subscribe"},
    {AgencyOperation::kRecordMarriage, "record_marriage"},
}};

constexpr std::string_view kAgreementColumns =
    "id, agency_code, number, purposes, verify_fields, retrieve_fields, operations, regions, name_score, "
    "daily_quota, valid_from_ms, valid_until_ms";

std::string join(const auto& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t end = text.find(separator);
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string operations_text(const std::set<AgencyOperation>& operations) {
  std::vector<std::string> ids;
  for (AgencyOperation operation : operations) ids.emplace_back(agency_operation_id(operation));
  return join(ids, ",");
}

// Day and time in Jakarta, for messages ("2026-12-03").
std::string jakarta_day_text(std::int64_t at_ms) {
  return format_civil_date(jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::milliseconds(at_ms))));
}

Status validate_field_set(std::string_view name, const std::set<std::string>& fields, bool family_allowed) {
  for (const std::string& field : fields) {
    if (field == kFamilyGrant && family_allowed) continue;
    if (!is_profile_field(field)) {
      return invalid_argument(fmt::format("{}: unknown field '{}'", name, field));
    }
  }
  return {};
}

Status validate_regions(const std::vector<std::string>& regions) {
  if (regions.empty()) {
    return invalid_argument("regions: at least one region code, or \"all\" for a national agreement");
  }
  if (regions.size() > agency_limits::regions_max) {
    return invalid_argument(fmt::format("regions: at most {}", agency_limits::regions_max));
  }
  if (std::ranges::find(regions, kAllRegions) != regions.end() && regions.size() > 1) {
    return invalid_argument("regions: \"all\" stands alone");
  }
  if (regions.front() == kAllRegions) return {};
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const std::string& code = regions[i];
    const std::size_t digits = code.size();
    const bool all_digits = std::ranges::all_of(code, [](char c) { return c >= '0' && c <= '9'; });
    if (!all_digits || (digits != 2 && digits != 4 && digits != 6 && digits != 10)) {
      return invalid_argument(fmt::format("regions[{}]: '{}' is not a region code (2, 4, 6 or 10 digits)", i, code));
    }
    if (RegionDirectory::builtin().find(code) == nullptr) {
      return invalid_argument(fmt::format("regions[{}]: no region has the code {}", i, code));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (regions[j] == code) return invalid_argument(fmt::format("regions[{}]: {} is listed twice", i, code));
    }
  }
  return {};
}

Status validate_purposes(const std::vector<std::string>& purposes) {
  if (purposes.empty() || purposes.size() > agency_limits::purposes_max) {
    return invalid_argument(fmt::format("purposes: 1 to {} purposes", agency_limits::purposes_max));
  }
  for (std::size_t i = 0; i < purposes.size(); ++i) {
    EKTP_RETURN_IF_ERROR(validate_text(fmt::format("purposes[{}]", i), purposes[i], agency_limits::purpose_bytes_max, true));
  }
  return {};
}

// Which fields and operations go together.
Status validate_grants(const Agreement& agreement, AgencyKind kind) {
  EKTP_RETURN_IF_ERROR(validate_field_set("verify_fields", agreement.verify_fields, false));
  EKTP_RETURN_IF_ERROR(validate_field_set("retrieve_fields", agreement.retrieve_fields, true));
  for (const std::string& field : agreement.retrieve_fields) {
    if (field != kFamilyGrant && !agreement.verify_fields.contains(field)) {
      return invalid_argument(fmt::format("retrieve_fields: '{}' is not among verify_fields", field));
    }
  }
  if (agreement.operations.empty()) return invalid_argument("operations: at least one");
  const bool checks = agreement.allows(AgencyOperation::kVerify) || agreement.allows(AgencyOperation::kBulkMatch);
  if (checks && agreement.verify_fields.empty()) {
    return invalid_argument("verify_fields: verify and bulk_match need at least one field");
  }
  if (agreement.allows(AgencyOperation::kRetrieve) != !agreement.retrieve_fields.empty()) {
    return invalid_argument("retrieve_fields: given exactly when the retrieve operation is");
  }
  if (agreement.allows(AgencyOperation::kRecordMarriage) && kind != AgencyKind::kMarriageOffice) {
    return invalid_argument("operations: record_marriage is for a marriage office only");
  }
  return {};
}

Agreement agreement_of_row(const store::Row& row) {
  Agreement out;
  out.id = row.integer(0);
  out.agency_code = row.text(1);
  out.number = row.text(2);
  out.purposes = split(row.text(3), '\n');
  for (std::string& field : split(row.text(4), ',')) out.verify_fields.insert(std::move(field));
  for (std::string& field : split(row.text(5), ',')) out.retrieve_fields.insert(std::move(field));
  for (const std::string& id : split(row.text(6), ',')) {
    if (auto operation = parse_agency_operation(id)) out.operations.insert(*operation);
  }
  out.regions = split(row.text(7), ',');
  out.name_score = row.integer(8) != 0;
  out.daily_quota = row.integer(9);
  out.valid_from_ms = row.integer(10);
  out.valid_until_ms = row.integer(11);
  return out;
}

// The ids of `fields` in the order of profile_fields(), "family" last.
std::vector<std::string> ordered_fields(const std::set<std::string>& fields) {
  std::vector<std::string> out;
  for (const ProfileField& field : profile_fields()) {
    if (fields.contains(std::string(field.id))) out.emplace_back(field.id);
  }
  if (fields.contains(std::string(kFamilyGrant))) out.emplace_back(kFamilyGrant);
  return out;
}

}  // namespace

std::string_view agency_kind_id(AgencyKind kind) {
  for (const auto& [value, id] : kKinds) {
    if (value == kind) return id;
  }
  return "other";
}

Result<AgencyKind> parse_agency_kind(std::string_view id) {
  for (const auto& [value, known] : kKinds) {
    if (known == id) return value;
  }
  return invalid_argument(fmt::format(
      "kind: '{}' is not one of health_insurance, bank, hospital, marriage_office, other", id));
}

std::string_view agency_operation_id(AgencyOperation operation) {
  for (const auto& [value, id] : kOperations) {
    if (value == operation) return id;
  }
  return "verify";
}

Result<AgencyOperation> parse_agency_operation(std::string_view id) {
  for (const auto& [value, known] : kOperations) {
    if (known == id) return value;
  }
  return invalid_argument(fmt::format(
      "operations: '{}' is not one of verify, retrieve, bulk_match, subscribe, record_marriage", id));
}

bool Agreement::covers_region(std::string_view village_code) const {
  for (const std::string& region : regions) {
    if (region == kAllRegions || village_code.starts_with(region)) return true;
  }
  return false;
}

Status validate_agency(const Agency& agency) {
  const std::string& code = agency.code;
  if (code.size() < agency_limits::code_bytes_min || code.size() > agency_limits::code_bytes_max) {
    return invalid_argument(fmt::format("code: {} to {} characters", agency_limits::code_bytes_min,
                                        agency_limits::code_bytes_max));
  }
  if (code.front() < 'a' || code.front() > 'z') return invalid_argument("code: starts with a letter a-z");
  if (code.back() == '-' || code.find("--") != std::string::npos) {
    return invalid_argument("code: '-' only between letters or digits");
  }
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return invalid_argument("code: only a-z, 0-9 and '-' (a lower-case slug such as bpjs-kesehatan)");
    }
  }
  return validate_text("name", agency.name, agency_limits::name_bytes_max, true);
}

Status validate_agreement(const Agreement& agreement, AgencyKind kind) {
  if (agreement.number.empty()) return invalid_argument("number: the PKS number is required");
  EKTP_RETURN_IF_ERROR(validate_text("number", agreement.number, agency_limits::number_bytes_max, true));
  EKTP_RETURN_IF_ERROR(validate_purposes(agreement.purposes));
  EKTP_RETURN_IF_ERROR(validate_grants(agreement, kind));
  EKTP_RETURN_IF_ERROR(validate_regions(agreement.regions));
  if (agreement.daily_quota < 1 || agreement.daily_quota > agency_limits::daily_quota_max) {
    return invalid_argument(fmt::format("daily_quota: 1 to {} calls a day", agency_limits::daily_quota_max));
  }
  if (agreement.valid_from_ms < 0) return invalid_argument("valid_from_ms: not before 1970");
  if (agreement.valid_until_ms <= agreement.valid_from_ms) {
    return invalid_argument("valid_until_ms: must be after valid_from_ms");
  }
  return {};
}

Status create_agency(store::Database& database, const Agency& agency, const AgencyChange& change) {
  EKTP_RETURN_IF_ERROR(validate_agency(agency));
  if (change.actor.empty()) return invalid_argument("actor: who creates the agency");
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    auto known = db.execute("SELECT 1 FROM agencies WHERE code = $1", {agency.code});
    if (!known) return std::unexpected(known.error());
    if (!known->rows.empty()) {
      return refusal(ErrorCode::kAlreadyExists, std::string(agency_reason::kAgencyExists),
                     fmt::format("code: agency {} exists already", agency.code));
    }
    EKTP_RETURN_IF_ERROR(db.execute(
        "INSERT INTO agencies (code, name, kind, created_by, created_at_ms) VALUES ($1,$2,$3,$4,$5)",
        {agency.code, agency.name, std::string(agency_kind_id(agency.kind)), change.actor, change.at_ms}));
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {change.at_ms, change.actor, "agency.create", agency.code,
             fmt::format("{} ({})", agency.name, agency_kind_id(agency.kind))}));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<Agency> find_agency(store::Connection& db, std::string_view code) {
  auto rows = db.execute("SELECT code, name, kind FROM agencies WHERE code = $1", {std::string(code)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) {
    return refusal(ErrorCode::kNotFound, std::string(agency_reason::kAgencyUnknown),
                   fmt::format("agency_code: no agency {}", code));
  }
  const store::Row& row = rows->rows.front();
  Agency out{row.text(0), row.text(1), AgencyKind::kOther};
  if (auto kind = parse_agency_kind(row.text(2))) out.kind = *kind;
  return out;
}

Result<std::int64_t> add_agreement(store::Database& database, const Agreement& agreement,
                                   const AgencyChange& change) {
  if (change.actor.empty()) return invalid_argument("actor: who adds the agreement");
  return store::with_write_transaction<std::int64_t>(database, [&](store::Connection& db) -> Result<std::int64_t> {
    EKTP_ASSIGN_OR_RETURN(const Agency agency, find_agency(db, agreement.agency_code));
    EKTP_RETURN_IF_ERROR(validate_agreement(agreement, agency.kind));
    auto known = db.execute("SELECT id FROM agency_agreements WHERE agency_code = $1 AND number = $2",
                            {agreement.agency_code, agreement.number});
    if (!known) return std::unexpected(known.error());
    if (!known->rows.empty()) {
      return refusal(ErrorCode::kAlreadyExists, std::string(agency_reason::kAgreementExists),
                     fmt::format("number: agency {} has agreement {} already", agency.code, agreement.number));
    }
    const std::string operations = operations_text(agreement.operations);
    auto inserted = db.execute(
        "INSERT INTO agency_agreements (agency_code, number, purposes, verify_fields, retrieve_fields, "
        "operations, regions, name_score, daily_quota, valid_from_ms, valid_until_ms, created_by, created_at_ms) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id",
        {agreement.agency_code, agreement.number, join(agreement.purposes, "\n"),
         join(agreement.verify_fields, ","), join(agreement.retrieve_fields, ","), operations,
         join(agreement.regions, ","), std::int64_t{agreement.name_score ? 1 : 0}, agreement.daily_quota,
         agreement.valid_from_ms, agreement.valid_until_ms, change.actor, change.at_ms});
    if (!inserted) return std::unexpected(inserted.error());
    if (inserted->rows.empty()) return make_error(ErrorCode::kInternal, "agreement insert returned no id");
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {change.at_ms, change.actor, "agency.agreement", agency.code,
             fmt::format("PKS {}: {}; verify {}; retrieve {}; regions {}; quota {}/day; {} to {}", agreement.number,
                         operations, join(agreement.verify_fields, ","), join(agreement.retrieve_fields, ","),
                         join(agreement.regions, ","), agreement.daily_quota, jakarta_day_text(agreement.valid_from_ms),
                         jakarta_day_text(agreement.valid_until_ms))}));
    return inserted->rows.front().integer(0);
  });
}

Result<std::vector<Agreement>> agreements_of(store::Connection& db, std::string_view agency_code) {
  auto rows = db.execute(fmt::format("SELECT {} FROM agency_agreements WHERE agency_code = $1 "
                                     "ORDER BY valid_from_ms, id LIMIT {}",
                                     kAgreementColumns, agency_limits::agreements_listed_max),
                         {std::string(agency_code)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<Agreement> out;
  out.reserve(rows->rows.size());
  for (const store::Row& row : rows->rows) out.push_back(agreement_of_row(row));
  return out;
}

Result<Agreement> agreement_in_force(store::Connection& db, std::string_view agency_code, std::int64_t now_ms) {
  auto rows = db.execute(fmt::format("SELECT {} FROM agency_agreements WHERE agency_code = $1 "
                                     "AND valid_from_ms <= $2 AND valid_until_ms > $2 "
                                     "ORDER BY valid_from_ms DESC, id DESC LIMIT 1",
                                     kAgreementColumns),
                         {std::string(agency_code), now_ms});
  if (!rows) return std::unexpected(rows.error());
  if (!rows->rows.empty()) return agreement_of_row(rows->rows.front());
  // Why not: one to come, one expired, or none at all.
  auto next = db.execute("SELECT MIN(valid_from_ms) FROM agency_agreements WHERE agency_code = $1 AND valid_from_ms > $2",
                         {std::string(agency_code), now_ms});
  if (!next) return std::unexpected(next.error());
  auto last = db.execute("SELECT MAX(valid_until_ms) FROM agency_agreements WHERE agency_code = $1 AND valid_until_ms <= $2",
                         {std::string(agency_code), now_ms});
  if (!last) return std::unexpected(last.error());
  std::string why = "it has none";
  if (!next->rows.empty() && !next->rows.front().is_null(0)) {
    why = fmt::format("the next starts on {}", jakarta_day_text(next->rows.front().integer(0)));
  } else if (!last->rows.empty() && !last->rows.front().is_null(0)) {
    why = fmt::format("the last expired on {}", jakarta_day_text(last->rows.front().integer(0)));
  }
  return refusal(ErrorCode::kPermissionDenied, std::string(agency_reason::kAgreementNotInForce),
                 fmt::format("agency {} has no agreement in force: {}", agency_code, why));
}

Result<std::vector<PublicAgency>> list_agencies(store::Connection& db) {
  auto agencies = db.execute(fmt::format("SELECT code, name, kind FROM agencies ORDER BY code LIMIT {}",
                                         agency_limits::agreements_listed_max));
  if (!agencies) return std::unexpected(agencies.error());
  std::vector<PublicAgency> out;
  std::size_t agreements_listed = 0;
  for (const store::Row& row : agencies->rows) {
    PublicAgency agency{row.text(0), row.text(1), row.text(2), {}};
    EKTP_ASSIGN_OR_RETURN(const auto agreements, agreements_of(db, agency.code));
    for (const Agreement& agreement : agreements) {
      if (agreements_listed++ >= agency_limits::agreements_listed_max) break;
      PublicAgreement shown{agreement.number, agreement.purposes, ordered_fields(agreement.verify_fields),
                            ordered_fields(agreement.retrieve_fields), {}, agreement.regions,
                            agreement.valid_from_ms, agreement.valid_until_ms};
      for (AgencyOperation operation : agreement.operations) shown.operations.emplace_back(agency_operation_id(operation));
      agency.agreements.push_back(std::move(shown));
    }
    out.push_back(std::move(agency));
  }
  return out;
}

}  // namespace ektp::agency
