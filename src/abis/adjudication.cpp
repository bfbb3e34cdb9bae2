#include "abis/adjudication.h"

#include <algorithm>
#include <array>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "biometrics/template_format.h"
#include "core/limits.h"
#include "core/role.h"
#include "access/audit_log.h"
#include "access/staff.h"

namespace ektp::abis {

namespace {

namespace reg = ektp::registry;

constexpr std::array<std::string_view, 3> kCaseStatusIds = {"open", "proposed", "decided"};

constexpr std::string_view kCaseColumns =
    "id, job_id, enrollment_id, nik, candidate_nik, candidate_enrollment_id, candidate_rank, score, finger_scores, "
    "status, proposed_decision, proposed_by, proposed_reason, proposed_at_ms, confirmed_decision, confirmed_by, "
    "confirmed_reason, confirmed_at_ms, final_decision, disagreements, created_at_ms, proposed_by_person";

std::string finger_scores_json(const std::vector<FingerScore>& scores) {
  boost::json::array array;
  for (const auto& s : scores) array.push_back({{"position", s.position}, {"score", s.score}});
  return boost::json::serialize(array);
}

Result<std::vector<FingerScore>> parse_finger_scores(const std::string& text, std::int64_t case_id) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  auto corrupt = [&] {
    return make_error(ErrorCode::kDataLoss, fmt::format("adjudication case {}: finger scores are not valid", case_id));
  };
  if (ec || !value.is_array()) return corrupt();
  std::vector<FingerScore> out;
  for (const auto& item : value.as_array()) {
    const auto* object = item.if_object();
    if (!object || !object->contains("position") || !object->contains("score")) return corrupt();
    auto position = boost::json::try_value_to<int>(object->at("position"));
    auto score = boost::json::try_value_to<double>(object->at("score"));
    if (!position || !score || *position < 1 || *position > 10) return corrupt();
    out.push_back({*position, static_cast<float>(*score)});
  }
  return out;
}

std::optional<Decision> optional_decision(const std::string& id) {
  auto d = parse_decision(id);
  return d ? std::optional<Decision>(*d) : std::nullopt;
}

Result<AdjudicationCase> case_from_row(const store::Row& row) {
  AdjudicationCase c;
  c.id = row.integer(0);
  c.job_id = row.integer(1);
  c.enrollment_id = row.text(2);
  c.nik = row.text(3);
  c.candidate_nik = row.text(4);
  c.candidate_enrollment_id = row.text(5);
  c.candidate_rank = static_cast<int>(row.integer(6));
  c.score = static_cast<float>(row.real(7));
  auto scores = parse_finger_scores(row.text(8), c.id);
  if (!scores) return std::unexpected(scores.error());
  c.finger_scores = std::move(*scores);
  auto status = parse_case_status(row.text(9));
  if (!status) return make_error(ErrorCode::kDataLoss, fmt::format("adjudication case {}: bad status", c.id));
  c.status = *status;
  c.proposed_decision = optional_decision(row.text(10));
  c.proposed_by = row.text(11);
  c.proposed_reason = row.text(12);
  c.proposed_at_ms = row.integer(13);
  c.confirmed_decision = optional_decision(row.text(14));
  c.confirmed_by = row.text(15);
  c.confirmed_reason = row.text(16);
  c.confirmed_at_ms = row.integer(17);
  c.final_decision = optional_decision(row.text(18));
  c.disagreements = static_cast<int>(row.integer(19));
  c.created_at_ms = row.integer(20);
  c.proposed_by_person = row.text(21);
  return c;
}

Result<std::vector<AdjudicationCase>> cases_from(const Result<store::QueryResult>& rows) {
  if (!rows) return std::unexpected(rows.error());
  std::vector<AdjudicationCase> out;
  for (const auto& row : rows->rows) {
    auto c = case_from_row(row);
    if (!c) return std::unexpected(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

// The case, locked for the rest of the write transaction (PostgreSQL; SQLite holds the write lock).
Result<AdjudicationCase> case_for_update(store::Connection& db, std::int64_t case_id) {
  auto cases = cases_from(
      db.execute(fmt::format("SELECT {} FROM adjudication_cases WHERE id = $1 FOR UPDATE", kCaseColumns), {case_id}));
  if (!cases) return std::unexpected(cases.error());
  if (cases->empty()) return not_found(fmt::format("adjudication case {} not found", case_id));
  return std::move(cases->front());
}

Error separation_of_duties(std::string message) {
  return Error{ErrorCode::kPermissionDenied, std::move(message), std::string(access::staff_reason::kSeparationOfDuties)};
}

// The acting adjudicator's account, read in this transaction: the database, not the session,
// says who may decide and which person they are.
Result<access::StaffRecord> check_adjudicator(store::Connection& db, const reg::Actor& actor, std::string_view step) {
  if (actor.username.empty()) return make_error(ErrorCode::kPermissionDenied, "adjudication: no user given");
  if (actor.role == Role::kAdmin) {
    return std::unexpected(separation_of_duties(fmt::format(
        "adjudication: {} is an admin; admins create and approve accounts and do not {} decisions", actor.username,
        step)));
  }
  if (!can_adjudicate(actor.role)) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("adjudication: {} (role {}) may not {} a decision; adjudicators only",
                                  actor.username, role_id(actor.role), step));
  }
  auto staff = access::load_staff(db, actor.username);
  if (!staff && staff.error().code == ErrorCode::kNotFound) {
    return make_error(ErrorCode::kPermissionDenied, fmt::format("adjudication: no account '{}'", actor.username));
  }
  if (!staff) return staff;
  if (staff->role != Role::kAdjudicator) {
    if (staff->role == Role::kAdmin) {
      return std::unexpected(separation_of_duties(fmt::format("adjudication: {} is an admin", actor.username)));
    }
    return make_error(ErrorCode::kPermissionDenied, fmt::format("adjudication: {} is no longer an adjudicator",
                                                                actor.username));
  }
  EKTP_RETURN_IF_ERROR(access::check_acting_staff(*staff));
  EKTP_ASSIGN_OR_RETURN(auto admin_too, access::nik_holds_admin_account(db, staff->person.nik, staff->username));
  if (admin_too) {
    return std::unexpected(separation_of_duties(
        fmt::format("adjudication: the person behind {} also holds an admin account", actor.username)));
  }
  return staff;
}

// An adjudicator does not decide about themselves.
Status check_not_own_case(const access::StaffRecord& staff, const AdjudicationCase& c) {
  if (staff.person.nik != c.nik && staff.person.nik != c.candidate_nik) return {};
  return refusal(ErrorCode::kPermissionDenied, std::string(access::staff_reason::kOwnCase),
                 fmt::format("adjudication case {} is about {}'s own NIK; another adjudicator decides it", c.id,
                             staff.username));
}

// The reason without surrounding white space; kInvalidArgument when empty, too long or odd.
Result<std::string> checked_reason(std::string_view reason) {
  const auto first = reason.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return invalid_argument("adjudication: a reason is required");
  reason = reason.substr(first, reason.find_last_not_of(" \t\r\n") - first + 1);
  if (reason.size() > limits::reason_bytes_max) {
    return invalid_argument(fmt::format("adjudication: the reason has {} bytes, at most {}", reason.size(),
                                        limits::reason_bytes_max));
  }
  for (char c : reason) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      return invalid_argument("adjudication: the reason contains a control character");
    }
  }
  return std::string(reason);
}

Status audit(store::Connection& db, std::int64_t at_ms, const reg::Actor& actor, std::string_view action,
             const AdjudicationCase& c, std::string detail) {
  return access::append_audit(db, access::AuditEntry{at_ms, actor.username, std::string(action), c.nik, std::move(detail)});
}

// The proposer's NIK: recorded with the proposal, or (proposals from before) their account's now.
Result<std::string> proposer_person(store::Connection& db, const AdjudicationCase& c) {
  if (!c.proposed_by_person.empty()) return c.proposed_by_person;
  auto proposer = access::load_staff(db, c.proposed_by);
  if (!proposer && proposer.error().code == ErrorCode::kNotFound) return std::string();
  if (!proposer) return std::unexpected(proposer.error());
  return proposer->person.nik;
}

// After a case was decided: moves the enrollment out of adjudication when its cases allow it.
Status settle_enrollment(store::Connection& db, const AdjudicationCase& decided, std::int64_t now_ms,
                         ConfirmOutcome& outcome) {
  auto enrollment = reg::load_enrollment(db, decided.enrollment_id, false);
  if (!enrollment) return std::unexpected(enrollment.error());
  if (enrollment->status != reg::EnrollmentStatus::kAdjudication) return {};
  auto cases = cases_of_enrollment(db, decided.enrollment_id);
  if (!cases) return std::unexpected(cases.error());
  const bool any_duplicate = std::any_of(cases->begin(), cases->end(), [](const AdjudicationCase& c) {
    return c.final_decision == Decision::kDuplicate;
  });
  const bool all_distinct = std::all_of(cases->begin(), cases->end(), [](const AdjudicationCase& c) {
    return c.final_decision == Decision::kDistinct;
  });
  if (any_duplicate) {
    outcome.enrollment_status = reg::EnrollmentStatus::kDuplicate;
    return reg::set_enrollment_status(db, decided.enrollment_id, reg::EnrollmentStatus::kDuplicate, now_ms,
                                      kDuplicateTimelineDetail);
  }
  if (all_distinct) {
    outcome.enrollment_status = reg::EnrollmentStatus::kReadyToPrint;
    outcome.enter_gallery = true;
    return reg::set_enrollment_status(db, decided.enrollment_id, reg::EnrollmentStatus::kReadyToPrint, now_ms,
                                      kDistinctTimelineDetail);
  }
  return {};
}

Result<CaseSide> case_side(store::Connection& db, const std::string& enrollment_id) {
  auto e = reg::load_enrollment(db, enrollment_id, false);
  if (!e) return std::unexpected(e.error());
  CaseSide side{e->enrollment_id, e->nik, e->status, {}};
  for (const auto& f : e->fingers) {
    FingerOverlay overlay;
    overlay.position = f.position;
    overlay.missing_reason = f.missing_reason;
    if (!f.template_bytes.empty()) {
      auto t = biometrics::decode_template(f.template_bytes);
      if (t) {
        overlay.width_px = t->width_px;
        overlay.height_px = t->height_px;
        overlay.minutiae = std::move(t->minutiae);
      } else {
        overlay.error = t.error().message;
      }
    }
    side.fingers.push_back(std::move(overlay));
  }
  return side;
}

}  // namespace

std::string_view case_status_id(CaseStatus status) { return kCaseStatusIds[static_cast<std::size_t>(status)]; }

Result<CaseStatus> parse_case_status(std::string_view id) {
  for (std::size_t i = 0; i < kCaseStatusIds.size(); ++i) {
    if (kCaseStatusIds[i] == id) return static_cast<CaseStatus>(i);
  }
  return invalid_argument(fmt::format("case status '{}' is not open, proposed or decided", id.substr(0, 40)));
}

std::string_view decision_id(Decision decision) {
  return decision == Decision::kDuplicate ? "duplicate" : "distinct";
}

Result<Decision> parse_decision(std::string_view id) {
  if (id == "duplicate") return Decision::kDuplicate;
  if (id == "distinct") return Decision::kDistinct;
  return invalid_argument(fmt::format("decision '{}' is not duplicate or distinct", id.substr(0, 40)));
}

Result<std::int64_t> open_adjudication_case(store::Connection& db, const NewCase& c, std::int64_t now_ms) {
  auto inserted = db.execute(
      "INSERT INTO adjudication_cases (job_id, enrollment_id, nik, candidate_nik, candidate_enrollment_id, "
      "candidate_rank, score, finger_scores, status, created_at_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9) RETURNING id",
      {c.job_id, c.enrollment_id, c.nik, c.candidate_nik, c.candidate_enrollment_id, std::int64_t{c.candidate_rank},
       static_cast<double>(c.score), finger_scores_json(c.finger_scores), now_ms});
  if (!inserted) return std::unexpected(inserted.error());
  if (inserted->rows.empty()) return make_error(ErrorCode::kInternal, "adjudication: no id returned for a new case");
  return inserted->rows[0].integer(0);
}

Result<std::vector<AdjudicationCase>> list_cases(store::Connection& db, std::optional<CaseStatus> status,
                                                 std::size_t limit) {
  if (limit == 0 || limit > 1'000) return invalid_argument("adjudication cases: limit must be 1..1000");
  if (status) {
    return cases_from(db.execute(fmt::format("SELECT {} FROM adjudication_cases WHERE status = $1 ORDER BY id LIMIT {}",
                                             kCaseColumns, limit),
                                 {std::string(case_status_id(*status))}));
  }
  return cases_from(db.execute(fmt::format("SELECT {} FROM adjudication_cases ORDER BY id LIMIT {}", kCaseColumns, limit)));
}

Result<std::vector<AdjudicationCase>> cases_of_enrollment(store::Connection& db, std::string_view enrollment_id) {
  return cases_from(db.execute(
      fmt::format("SELECT {} FROM adjudication_cases WHERE enrollment_id = $1 ORDER BY id", kCaseColumns),
      {std::string(enrollment_id)}));
}

Result<CaseDetail> load_case(store::Connection& db, std::int64_t case_id) {
  auto cases = cases_from(db.execute(fmt::format("SELECT {} FROM adjudication_cases WHERE id = $1", kCaseColumns),
                                     {case_id}));
  if (!cases) return std::unexpected(cases.error());
  if (cases->empty()) return not_found(fmt::format("adjudication case {} not found", case_id));
  CaseDetail detail;
  detail.record = std::move(cases->front());
  auto probe = case_side(db, detail.record.enrollment_id);
  if (!probe) return std::unexpected(probe.error());
  auto candidate = case_side(db, detail.record.candidate_enrollment_id);
  if (!candidate) return std::unexpected(candidate.error());
  detail.probe = std::move(*probe);
  detail.candidate = std::move(*candidate);
  return detail;
}

Result<AdjudicationCase> propose_decision(store::Connection& db, std::int64_t case_id, const reg::Actor& adjudicator,
                                          Decision decision, std::string_view reason, std::int64_t now_ms) {
  EKTP_ASSIGN_OR_RETURN(auto staff, check_adjudicator(db, adjudicator, "propose"));
  auto why = checked_reason(reason);
  if (!why) return std::unexpected(why.error());
  auto c = case_for_update(db, case_id);
  if (!c) return c;
  EKTP_RETURN_IF_ERROR(check_not_own_case(staff, *c));
  if (c->status == CaseStatus::kProposed) {
    return failed_precondition(fmt::format("adjudication case {} already has a proposal by {}; it awaits confirmation",
                                           case_id, c->proposed_by));
  }
  if (c->status == CaseStatus::kDecided) {
    return failed_precondition(fmt::format("adjudication case {} is already decided", case_id));
  }
  auto updated = db.execute(
      "UPDATE adjudication_cases SET status = 'proposed', proposed_decision = $2, proposed_by = $3, "
      "proposed_reason = $4, proposed_at_ms = $5, proposed_by_person = $6 WHERE id = $1 AND status = 'open'",
      {case_id, std::string(decision_id(decision)), adjudicator.username, *why, now_ms, staff.person.nik});
  if (!updated) return std::unexpected(updated.error());
  if (updated->rows_affected != 1) return make_error(ErrorCode::kAborted, "adjudication case changed meanwhile");
  c->status = CaseStatus::kProposed;
  c->proposed_decision = decision;
  c->proposed_by = adjudicator.username;
  c->proposed_reason = *why;
  c->proposed_by_person = staff.person.nik;
  c->proposed_at_ms = now_ms;
  if (auto logged = audit(db, now_ms, adjudicator, "adjudication.propose", *c,
                          fmt::format("case {}: proposes {}: {}", case_id, decision_id(decision), *why));
      !logged) {
    return std::unexpected(logged.error());
  }
  return c;
}

Result<ConfirmOutcome> confirm_decision(store::Connection& db, std::int64_t case_id,
                                        const reg::Actor& second_adjudicator, bool agree, std::string_view reason,
                                        std::int64_t now_ms) {
  EKTP_ASSIGN_OR_RETURN(auto staff, check_adjudicator(db, second_adjudicator, "confirm"));
  auto why = checked_reason(reason);
  if (!why) return std::unexpected(why.error());
  auto c = case_for_update(db, case_id);
  if (!c) return std::unexpected(c.error());
  if (c->status == CaseStatus::kOpen) {
    return failed_precondition(
        fmt::format("adjudication case {} has no proposal yet: a decision is proposed before it is confirmed", case_id));
  }
  if (c->status == CaseStatus::kDecided) {
    return failed_precondition(fmt::format("adjudication case {} is already decided", case_id));
  }
  EKTP_RETURN_IF_ERROR(check_not_own_case(staff, *c));
  EKTP_ASSIGN_OR_RETURN(auto proposer, proposer_person(db, *c));
  if (second_adjudicator.username == c->proposed_by || proposer == staff.person.nik) {
    return refusal(ErrorCode::kPermissionDenied, std::string(access::staff_reason::kSamePerson),
                   fmt::format("two-person rule: {} proposed the decision on case {}; another adjudicator, a "
                               "different person, must confirm it",
                               c->proposed_by, case_id));
  }
  if (proposer.empty() && agree) {
    return refusal(ErrorCode::kPermissionDenied, std::string(access::staff_reason::kPersonRequired),
                   fmt::format("case {}: the proposer {} has no person identity, so nobody can show to be another "
                               "person; disagree to reopen the case",
                               case_id, c->proposed_by));
  }
  ConfirmOutcome outcome;
  const Decision proposed = c->proposed_decision.value_or(Decision::kDuplicate);
  if (!agree) {
    auto updated = db.execute(
        "UPDATE adjudication_cases SET status = 'open', proposed_decision = '', proposed_by = '', "
        "proposed_reason = '', proposed_at_ms = 0, proposed_by_person = '', disagreements = disagreements + 1 "
        "WHERE id = $1 AND status = 'proposed'",
        {case_id});
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected != 1) return make_error(ErrorCode::kAborted, "adjudication case changed meanwhile");
    if (auto logged = audit(db, now_ms, second_adjudicator, "adjudication.disagree", *c,
                            fmt::format("case {}: disagrees with {} proposed by {}; case open again: {}", case_id,
                                        decision_id(proposed), c->proposed_by, *why));
        !logged) {
      return std::unexpected(logged.error());
    }
    c->status = CaseStatus::kOpen;
    c->proposed_decision.reset();
    c->proposed_by.clear();
    c->proposed_reason.clear();
    c->proposed_by_person.clear();
    c->proposed_at_ms = 0;
    c->disagreements += 1;
    outcome.record = std::move(*c);
    outcome.reopened = true;
    return outcome;
  }
  auto updated = db.execute(
      "UPDATE adjudication_cases SET status = 'decided', confirmed_decision = $2, confirmed_by = $3, "
      "confirmed_reason = $4, confirmed_at_ms = $5, final_decision = $2 WHERE id = $1 AND status = 'proposed'",
      {case_id, std::string(decision_id(proposed)), second_adjudicator.username, *why, now_ms});
  if (!updated) return std::unexpected(updated.error());
  if (updated->rows_affected != 1) return make_error(ErrorCode::kAborted, "adjudication case changed meanwhile");
  c->status = CaseStatus::kDecided;
  c->confirmed_decision = proposed;
  c->confirmed_by = second_adjudicator.username;
  c->confirmed_reason = *why;
  c->confirmed_at_ms = now_ms;
  c->final_decision = proposed;
  if (auto logged = audit(db, now_ms, second_adjudicator, "adjudication.confirm", *c,
                          fmt::format("case {}: confirms {} proposed by {}: {}", case_id, decision_id(proposed),
                                      c->proposed_by, *why));
      !logged) {
    return std::unexpected(logged.error());
  }
  if (auto settled = settle_enrollment(db, *c, now_ms, outcome); !settled) return std::unexpected(settled.error());
  outcome.record = std::move(*c);
  return outcome;
}

}  // namespace ektp::abis
