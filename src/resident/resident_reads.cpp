// The reads a resident is shown (resident/resident_reads.h).
#include "resident/resident_reads.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "resident/resident_limits.h"
#include "resident/resident_pins.h"

namespace ektp::resident {
namespace {

// The subjects under which the resident's data is read: their NIK, and their chips' serials
// ($1 is the NIK; the serials follow from $3 on, after the resident's actor in $2).
Result<std::vector<std::string>> subjects_of(store::Connection& db, const std::string& nik) {
  std::vector<std::string> subjects{nik};
  EKTP_ASSIGN_OR_RETURN(auto chips, db.execute("SELECT chip_serial FROM chip_personalisations WHERE nik = $1 "
                                               "ORDER BY personalised_at_ms DESC LIMIT $2",
                                               {nik, static_cast<std::int64_t>(resident_limits::chips_per_resident_max)}));
  for (const auto& row : chips.rows) subjects.push_back(row.text(0));
  return subjects;
}

// "subject IN ($1, $3, $4 …) AND actor <> $2 AND action NOT LIKE 'resident.%'": the entries a
// resident is shown, with their parameters.
struct Filter {
  std::string sql;
  std::vector<store::Value> params;
};
Filter filter_for(const std::string& nik, const std::vector<std::string>& subjects) {
  Filter f;
  f.params = {nik, std::string(kResidentActorPrefix) + nik};
  std::string in = "$1";
  for (std::size_t i = 1; i < subjects.size(); ++i) {
    f.params.emplace_back(subjects[i]);
    in += fmt::format(", ${}", f.params.size());
  }
  f.sql = fmt::format("subject IN ({}) AND actor <> $2 AND action NOT LIKE 'resident.%'", in);
  return f;
}

std::string in_list(std::vector<store::Value>& params, const std::set<std::string>& values) {
  std::string in;
  for (const auto& v : values) {
    params.emplace_back(v);
    in += fmt::format("{}${}", in.empty() ? "" : ", ", params.size());
  }
  return in;
}

// Officers' roles and offices, and agencies' names, for the actors on a page (one query each).
struct Names {
  std::map<std::string, std::pair<std::string, std::string>> officers;  // username → (role, office)
  std::map<std::string, std::string> agencies;                          // code → name
};
Result<Names> names_of(store::Connection& db, const std::vector<ResidentRead>& reads) {
  std::set<std::string> usernames;
  std::set<std::string> codes;
  for (const auto& r : reads) {
    if (r.who.type == ActorType::kOfficer) usernames.insert(r.who.username);
    if (r.who.type == ActorType::kAgency) codes.insert(r.who.agency_code);
  }
  Names names;
  if (!usernames.empty()) {
    std::vector<store::Value> params;
    const std::string in = in_list(params, usernames);
    EKTP_ASSIGN_OR_RETURN(auto rows, db.execute("SELECT u.username, u.role, COALESCE(o.region_code, '') FROM users u "
                                                "LEFT JOIN user_offices o ON o.username = u.username "
                                                "WHERE u.username IN (" + in + ")",
                                                params));
    for (const auto& row : rows.rows) names.officers[row.text(0)] = {row.text(1), row.text(2)};
  }
  if (!codes.empty()) {
    std::vector<store::Value> params;
    const std::string in = in_list(params, codes);
    EKTP_ASSIGN_OR_RETURN(auto rows, db.execute("SELECT code, name FROM agencies WHERE code IN (" + in + ")", params));
    for (const auto& row : rows.rows) names.agencies[row.text(0)] = row.text(1);
  }
  return names;
}

ResidentRead read_of_row(const store::Row& row) {
  ResidentRead r;
  r.seq = row.integer(0);
  r.at_ms = row.integer(1);
  r.action = row.text(3);
  r.kind = classify_read(r.action);
  const Actor actor = parse_actor(row.text(2));
  r.who.type = actor.type;
  if (actor.type == ActorType::kOfficer) r.who.username = actor.name;
  if (actor.type == ActorType::kAgency) r.who.agency_code = actor.name;
  if (actor.type == ActorType::kStation) r.who.station_id = actor.name;
  ReadDetail detail = parse_read_detail(row.text(4));
  // Only an agency's record states a purpose and an agreement of its own.
  if (actor.type == ActorType::kAgency) {
    r.purpose = std::move(detail.purpose);
    r.agreement = std::move(detail.agreement);
  }
  r.fields = std::move(detail.fields);
  return r;
}

Status fill_names_and_reports(store::Connection& db, const RegionDirectory& regions, const std::string& nik,
                              std::vector<ResidentRead>& reads) {
  EKTP_ASSIGN_OR_RETURN(const Names names, names_of(db, reads));
  std::set<std::int64_t> reported;
  if (!reads.empty()) {
    EKTP_ASSIGN_OR_RETURN(auto rows, db.execute("SELECT audit_seq FROM resident_read_reports WHERE nik = $1 "
                                                "AND audit_seq >= $2 AND audit_seq <= $3",
                                                {nik, reads.back().seq, reads.front().seq}));
    for (const auto& row : rows.rows) reported.insert(row.integer(0));
  }
  for (auto& r : reads) {
    r.reported = reported.contains(r.seq);
    if (auto it = names.officers.find(r.who.username); r.who.type == ActorType::kOfficer && it != names.officers.end()) {
      r.who.role = it->second.first;
      r.who.office_code = it->second.second;
      if (const Region* office = regions.find(r.who.office_code); office != nullptr) r.who.office_name = office->name;
    }
    if (r.who.type == ActorType::kAgency) {
      auto it = names.agencies.find(r.who.agency_code);
      r.who.agency_name = it != names.agencies.end() ? it->second : r.who.agency_code;
    }
  }
  return {};
}

}  // namespace

Result<ReadsPage> reads_of(store::Connection& db, const RegionDirectory& regions, const ReadsQuery& query) {
  EKTP_RETURN_IF_ERROR(validate_nik_digits(query.nik));
  if (query.limit < 1 || query.limit > resident_limits::reads_page_max) {
    return invalid_argument(fmt::format("limit: 1 to {}", resident_limits::reads_page_max));
  }
  if (query.before_seq < 0) return invalid_argument("before: an audit entry number");
  EKTP_ASSIGN_OR_RETURN(const auto subjects, subjects_of(db, query.nik));
  Filter filter = filter_for(query.nik, subjects);
  // The audit log's own entries about the resident, and the bulk matches that touched them, each
  // under its chunk's entry (bulk_matching/bulk_match_reads.h; $1 is the NIK).
  std::string direct = "SELECT seq, at_ms, actor, action, detail FROM audit_log WHERE " + filter.sql;
  std::string bulk = "SELECT DISTINCT a.seq, a.at_ms, a.actor, a.action, a.detail FROM bulk_match_reads r "
                     "JOIN audit_log a ON a.seq = r.audit_seq WHERE r.nik = $1";
  if (query.before_seq > 0) {
    filter.params.emplace_back(query.before_seq);
    direct += fmt::format(" AND seq < ${}", filter.params.size());
    bulk += fmt::format(" AND r.audit_seq < ${}", filter.params.size());
  }
  // One more than the page: whether there is a next one.
  filter.params.emplace_back(static_cast<std::int64_t>(query.limit + 1));
  const std::string sql = fmt::format("SELECT seq, at_ms, actor, action, detail FROM ({} UNION ALL {}) AS reads "
                                      "ORDER BY seq DESC LIMIT ${}",
                                      direct, bulk, filter.params.size());
  EKTP_ASSIGN_OR_RETURN(auto rows, db.execute(sql, filter.params));
  ReadsPage page;
  for (const auto& row : rows.rows) {
    if (page.reads.size() == query.limit) {
      page.next_before = page.reads.back().seq;
      break;
    }
    page.reads.push_back(read_of_row(row));
  }
  EKTP_RETURN_IF_ERROR(fill_names_and_reports(db, regions, query.nik, page.reads));
  return page;
}

Result<ReadEntry> read_entry_of(store::Connection& db, std::string_view nik, std::int64_t seq) {
  EKTP_RETURN_IF_ERROR(validate_nik_digits(nik));
  const std::string resident(nik);
  EKTP_ASSIGN_OR_RETURN(const auto subjects, subjects_of(db, resident));
  Filter filter = filter_for(resident, subjects);
  filter.params.emplace_back(seq);
  EKTP_ASSIGN_OR_RETURN(auto rows, db.execute(fmt::format("SELECT seq, at_ms, actor, action, detail FROM audit_log "
                                                          "WHERE {} AND seq = ${}",
                                                          filter.sql, filter.params.size()),
                                              filter.params));
  if (rows.rows.empty()) {
    // A bulk match that touched the resident is theirs under its chunk's entry.
    EKTP_ASSIGN_OR_RETURN(rows, db.execute("SELECT a.seq, a.at_ms, a.actor, a.action, a.detail FROM bulk_match_reads r "
                                           "JOIN audit_log a ON a.seq = r.audit_seq WHERE r.nik = $1 AND r.audit_seq = $2 "
                                           "LIMIT 1",
                                           {resident, seq}));
  }
  if (rows.rows.empty()) {
    return refusal(ErrorCode::kNotFound, std::string(resident_reason::kReadNotYours),
                   fmt::format("seq: audit entry {} is not a read of this resident's data", seq));
  }
  const auto& row = rows.rows.front();
  return ReadEntry{row.integer(0), row.integer(1), row.text(2), row.text(3), row.text(4)};
}

}  // namespace ektp::resident
