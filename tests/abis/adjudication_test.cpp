// The two-person rule on both back ends: propose + confirm, who may do it, states, disagreement,
// the enrollment's outcome (duplikat or siap_cetak + gallery) and the audit rows; people, not
// usernames: admins do not adjudicate, one person under two usernames is still one, nobody
// decides their own case, and accounts only act once a second admin approved them.
#include "abis/adjudication.h"

#include "abis/dedup_fixture.h"
#include "access/audit_log.h"
#include "access/auth_service.h"
#include "support/staff_fixture.h"

namespace ektp::abis {
namespace {

using namespace testing;
using registry::Actor;
using registry::EnrollmentStatus;

const Actor kAdjudicatorA{"adjudikator.ani", Role::kAdjudicator};
const Actor kAdjudicatorB{"adjudikator.budi", Role::kAdjudicator};
const Actor kAdmin{test::kRootAdmin, Role::kAdmin};
const Actor kSecondAdmin{test::kSecondAdmin, Role::kAdmin};
constexpr const char* kAniNik = "3327014107880011";   // adjudikator.ani (a woman: day 01 + 40)
constexpr const char* kBudiNik = "3327010309790012";  // adjudikator.budi
const Actor kOperator{"operator.dedi", Role::kOperator};
const Actor kSupervisor{"supervisor.eka", Role::kSupervisor};

class AdjudicationTest : public DedupTest {
 protected:
  void SetUp() override {
    DedupTest::SetUp();
    if (IsSkipped()) return;
    auth_ = std::make_unique<access::AuthService>(db());
    test::create_two_admins(*auth_, now_);
    test::create_adjudicator(*auth_, kAdjudicatorA.username, kAniNik, now_);
    test::create_adjudicator(*auth_, kAdjudicatorB.username, kBudiNik, now_);
  }

  void sql(const std::string& statement, std::vector<store::Value> params) {
    auto done = store::with_write_transaction<bool>(db(), [&](store::Connection& c) -> Result<bool> {
      EKTP_RETURN_IF_ERROR(c.execute(statement, params));
      return true;
    });
    ASSERT_OK(done);
  }

  // A is cleared; B (A's fingers under another NIK) waits in one open case, returned.
  std::int64_t open_case() {
    service_ = open_service();
    EXPECT_NE(service_, nullptr);
    if (!service_) return 0;
    receive(person(0, 1, "e-a", kNikA));
    EXPECT_TRUE(service_->process_pending().has_value());
    receive(person(0, 2, "e-b", kNikB));
    EXPECT_TRUE(service_->process_pending().has_value());
    auto open = cases(CaseStatus::kOpen);
    EXPECT_EQ(open.size(), 1u);
    return open.empty() ? 0 : open[0].id;
  }

  std::vector<access::AuditEntry> audit_rows(const std::string& action) {
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    auto rows = (*conn)->execute("SELECT at_ms, actor, action, subject, detail FROM audit_log WHERE action = $1 "
                                 "ORDER BY seq",
                                 {action});
    EXPECT_TRUE(rows.has_value());
    std::vector<access::AuditEntry> out;
    for (const auto& r : rows->rows) out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4)});
    return out;
  }

  std::unique_ptr<DedupService> service_;
  std::unique_ptr<access::AuthService> auth_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

TEST_P(AdjudicationTest, ProposeThenConfirmDuplicateBlocksTheEnrollment) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  auto proposed = service_->propose_decision(id, kAdjudicatorA, Decision::kDuplicate, "  10 jari identik  ");
  ASSERT_OK(proposed);
  EXPECT_EQ(proposed->status, CaseStatus::kProposed);
  EXPECT_EQ(proposed->proposed_by, kAdjudicatorA.username);
  EXPECT_EQ(proposed->proposed_reason, "10 jari identik");
  EXPECT_EQ(cases(CaseStatus::kProposed).size(), 1u);
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kAdjudication);

  auto confirmed = service_->confirm_decision(id, kAdjudicatorB, true, "Setuju: minutiae cocok di semua jari");
  ASSERT_OK(confirmed);
  EXPECT_FALSE(confirmed->reopened);
  EXPECT_EQ(confirmed->record.status, CaseStatus::kDecided);
  EXPECT_EQ(confirmed->record.final_decision, Decision::kDuplicate);
  EXPECT_EQ(confirmed->record.confirmed_by, kAdjudicatorB.username);
  EXPECT_EQ(confirmed->enrollment_status, EnrollmentStatus::kDuplicate);
  EXPECT_FALSE(confirmed->enter_gallery);
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kDuplicate);
  EXPECT_EQ(status_of("e-a"), EnrollmentStatus::kReadyToPrint);
  EXPECT_FALSE(service_->in_gallery(kNikB));

  // Stored as decided, with both halves.
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto stored = load_case(**conn, id);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->record.proposed_decision, Decision::kDuplicate);
  EXPECT_EQ(stored->record.confirmed_decision, Decision::kDuplicate);
  EXPECT_EQ(stored->record.final_decision, Decision::kDuplicate);
  EXPECT_EQ(stored->record.confirmed_reason, "Setuju: minutiae cocok di semua jari");
  EXPECT_GT(stored->record.confirmed_at_ms, stored->record.proposed_at_ms);

  // The resident reads the outcome in Bahasa Indonesia.
  auto timeline = registry::timeline_of(**conn, kNikB);
  ASSERT_OK(timeline);
  ASSERT_FALSE(timeline->empty());
  EXPECT_EQ(timeline->back().status, EnrollmentStatus::kDuplicate);
  EXPECT_EQ(timeline->back().detail, kDuplicateTimelineDetail);

  // Audited in the chain: the dedup hit, the proposal and the confirmation, each naming who.
  const auto proposals = audit_rows("adjudication.propose");
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].actor, kAdjudicatorA.username);
  EXPECT_EQ(proposals[0].subject, kNikB);
  EXPECT_NE(proposals[0].detail.find("duplicate"), std::string::npos);
  const auto confirmations = audit_rows("adjudication.confirm");
  ASSERT_EQ(confirmations.size(), 1u);
  EXPECT_EQ(confirmations[0].actor, kAdjudicatorB.username);
  EXPECT_NE(confirmations[0].detail.find(kAdjudicatorA.username), std::string::npos);
  EXPECT_EQ(audit_rows("dedup.hit").size(), 1u);
  EXPECT_EQ(audit_rows("dedup.no_hit").size(), 1u);
  auto chain = access::verify_audit_chain(db());
  ASSERT_OK(chain);
  EXPECT_TRUE(chain->valid) << chain->problem;

  // Decided is final.
  EXPECT_ERROR(service_->propose_decision(id, kAdjudicatorA, Decision::kDistinct, "lagi"),
               ErrorCode::kFailedPrecondition, "already decided");
  EXPECT_ERROR(service_->confirm_decision(id, kAdjudicatorA, true, "lagi"), ErrorCode::kFailedPrecondition,
               "already decided");
}

TEST_P(AdjudicationTest, TheTwoPersonRuleAndTheRolesAreEnforced) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  EXPECT_ERROR(service_->confirm_decision(id, kAdjudicatorB, true, "belum ada usulan"),
               ErrorCode::kFailedPrecondition, "no proposal");
  EXPECT_ERROR(service_->propose_decision(id, kOperator, Decision::kDuplicate, "alasan"),
               ErrorCode::kPermissionDenied, "operator");
  EXPECT_ERROR(service_->propose_decision(id, kSupervisor, Decision::kDuplicate, "alasan"),
               ErrorCode::kPermissionDenied, "adjudicators only");
  EXPECT_ERROR(service_->propose_decision(id, Actor{"", Role::kAdjudicator}, Decision::kDuplicate, "alasan"),
               ErrorCode::kPermissionDenied, "no user");
  EXPECT_ERROR(service_->propose_decision(id, kAdjudicatorA, Decision::kDuplicate, " \n\t "),
               ErrorCode::kInvalidArgument, "reason is required");
  EXPECT_ERROR(service_->propose_decision(id, kAdjudicatorA, Decision::kDuplicate, std::string(501, 'x')),
               ErrorCode::kInvalidArgument, "at most 500");
  EXPECT_ERROR(service_->propose_decision(id, kAdjudicatorA, Decision::kDuplicate, std::string("a\0b", 3)),
               ErrorCode::kInvalidArgument, "control character");
  EXPECT_ERROR(service_->propose_decision(4242, kAdjudicatorA, Decision::kDuplicate, "alasan"),
               ErrorCode::kNotFound, "4242");
  EXPECT_EQ(cases(CaseStatus::kOpen).size(), 1u);  // nothing above changed the case

  ASSERT_OK(service_->propose_decision(id, kAdjudicatorA, Decision::kDuplicate, "jari 1-10 cocok"));
  EXPECT_ERROR(service_->propose_decision(id, kAdjudicatorB, Decision::kDistinct, "usulan kedua"),
               ErrorCode::kFailedPrecondition, "awaits confirmation");
  EXPECT_REFUSED(service_->confirm_decision(id, kAdjudicatorA, true, "saya sendiri"), ErrorCode::kPermissionDenied,
                 "same_person");
  EXPECT_ERROR(service_->confirm_decision(id, kOperator, true, "operator"), ErrorCode::kPermissionDenied,
               "adjudicators only");
  EXPECT_ERROR(service_->confirm_decision(id, kAdjudicatorB, true, ""), ErrorCode::kInvalidArgument, "reason");
  EXPECT_EQ(cases(CaseStatus::kProposed).size(), 1u);
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kAdjudication);
  EXPECT_TRUE(audit_rows("adjudication.confirm").empty());

  // An admin does not count as the second person: separation of duties.
  EXPECT_REFUSED(service_->confirm_decision(id, kAdmin, true, "dikonfirmasi admin"), ErrorCode::kPermissionDenied,
                 "separation_of_duties");
  EXPECT_EQ(cases(CaseStatus::kProposed).size(), 1u);
  auto confirmed = service_->confirm_decision(id, kAdjudicatorB, true, "dikonfirmasi adjudikator kedua");
  ASSERT_OK(confirmed);
  EXPECT_EQ(confirmed->record.final_decision, Decision::kDuplicate);
}

TEST_P(AdjudicationTest, AnAdminDoesNotAdjudicate) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  EXPECT_REFUSED(service_->propose_decision(id, kAdmin, Decision::kDistinct, "admin memutus"),
                 ErrorCode::kPermissionDenied, "separation_of_duties");
  // A session that still says adjudicator does not help once the account is an admin's.
  EXPECT_REFUSED(service_->propose_decision(id, Actor{test::kSecondAdmin, Role::kAdjudicator}, Decision::kDistinct,
                                            "admin dengan peran lama"),
                 ErrorCode::kPermissionDenied, "separation_of_duties");
  EXPECT_EQ(cases(CaseStatus::kOpen).size(), 1u);
  EXPECT_TRUE(audit_rows("adjudication.propose").empty());
}

TEST_P(AdjudicationTest, TheSamePersonUnderTwoUsernamesIsOnePerson) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  // Ani gets a second adjudicator account (another admin pair could have made it): same NIK.
  test::create_adjudicator(*auth_, "ani.kedua", kAniNik, now_);
  ASSERT_OK(service_->propose_decision(id, kAdjudicatorA, Decision::kDuplicate, "sama"));
  EXPECT_REFUSED(service_->confirm_decision(id, Actor{"ani.kedua", Role::kAdjudicator}, true, "setuju"),
                 ErrorCode::kPermissionDenied, "same_person");
  // Nor may she reopen her own proposal under the other name.
  EXPECT_REFUSED(service_->confirm_decision(id, Actor{"ani.kedua", Role::kAdjudicator}, false, "tidak setuju"),
                 ErrorCode::kPermissionDenied, "same_person");
  EXPECT_EQ(cases(CaseStatus::kProposed).size(), 1u);
  EXPECT_TRUE(audit_rows("adjudication.confirm").empty());
  ASSERT_OK(service_->confirm_decision(id, kAdjudicatorB, true, "setuju, orang lain"));
}

TEST_P(AdjudicationTest, NobodyDecidesACaseAboutThemselves) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  // The candidate's NIK (kNikA) is an adjudicator's own; so is the probe's (kNikB).
  test::create_adjudicator(*auth_, "adj.kandidat", kNikA, now_);
  test::create_adjudicator(*auth_, "adj.probe", kNikB, now_);
  EXPECT_REFUSED(service_->propose_decision(id, Actor{"adj.kandidat", Role::kAdjudicator}, Decision::kDistinct,
                                            "bukan saya"),
                 ErrorCode::kPermissionDenied, "own_case");
  ASSERT_OK(service_->propose_decision(id, kAdjudicatorA, Decision::kDistinct, "berbeda"));
  EXPECT_REFUSED(service_->confirm_decision(id, Actor{"adj.probe", Role::kAdjudicator}, true, "setuju"),
                 ErrorCode::kPermissionDenied, "own_case");
  EXPECT_EQ(cases(CaseStatus::kProposed).size(), 1u);
}

TEST_P(AdjudicationTest, PendingAndPersonlessAccountsDoNotDecide) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  auto pending = auth_->create_user(
      access::NewUser{"adj.baru", test::kStaffPassword, Role::kAdjudicator, {"3327011111900013", ""}, test::kRootAdmin},
      now_);
  ASSERT_OK(pending);
  EXPECT_REFUSED(service_->propose_decision(id, Actor{"adj.baru", Role::kAdjudicator}, Decision::kDistinct, "baru"),
                 ErrorCode::kPermissionDenied, "account_pending_approval");
  EXPECT_ERROR(service_->propose_decision(id, Actor{"adj.hantu", Role::kAdjudicator}, Decision::kDistinct, "hantu"),
               ErrorCode::kPermissionDenied, "no account");
  // An account from before persons were recorded (migration 8 leaves it without one).
  sql("UPDATE users SET person_nik = NULL WHERE username = $1", {std::string(kAdjudicatorB.username)});
  EXPECT_REFUSED(service_->propose_decision(id, kAdjudicatorB, Decision::kDistinct, "lama"),
                 ErrorCode::kPermissionDenied, "person_identity_required");
  ASSERT_OK(service_->propose_decision(id, kAdjudicatorA, Decision::kDistinct, "berbeda"));
  EXPECT_REFUSED(service_->confirm_decision(id, kAdjudicatorB, true, "lama"), ErrorCode::kPermissionDenied,
                 "person_identity_required");
  EXPECT_EQ(cases(CaseStatus::kProposed).size(), 1u);
}

// The finding, replayed: one admin mints two adjudicator accounts and decides a case alone.
TEST_P(AdjudicationTest, OneAdminCannotDecideACaseAlone) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  for (const char* name : {"boneka.satu", "boneka.dua"}) {
    auto created = auth_->create_user(
        access::NewUser{name, test::kStaffPassword, Role::kAdjudicator,
                        {std::string(name) == "boneka.satu" ? "3327010101700021" : "3327010202710022", ""},
                        test::kRootAdmin},
        now_);
    ASSERT_OK(created);
    EXPECT_EQ(*created, access::Approval::kPending);  // no confirming at once
  }
  const Actor one{"boneka.satu", Role::kAdjudicator}, two{"boneka.dua", Role::kAdjudicator};
  EXPECT_REFUSED(service_->propose_decision(id, one, Decision::kDistinct, "bukan ganda"), ErrorCode::kPermissionDenied,
                 "account_pending_approval");
  // The creating admin cannot approve them, and cannot decide in their place.
  EXPECT_REFUSED(auth_->approve_user("boneka.satu", test::kRootAdmin, now_), ErrorCode::kPermissionDenied,
                 "approver_is_creator");
  EXPECT_REFUSED(auth_->approve_user("boneka.dua", test::kRootAdmin, now_), ErrorCode::kPermissionDenied,
                 "approver_is_creator");
  EXPECT_REFUSED(service_->propose_decision(id, kAdmin, Decision::kDistinct, "bukan ganda"),
                 ErrorCode::kPermissionDenied, "separation_of_duties");
  // Nor can the accounts approve each other: they are not admins.
  EXPECT_ERROR(auth_->approve_user("boneka.dua", "boneka.satu", now_), ErrorCode::kPermissionDenied, "not an admin");
  EXPECT_EQ(cases(CaseStatus::kOpen).size(), 1u);
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kAdjudication);

  // A second admin, another person, approves: then the two decide as two adjudicators.
  ASSERT_OK(auth_->approve_user("boneka.satu", test::kSecondAdmin, now_));
  ASSERT_OK(auth_->approve_user("boneka.dua", test::kSecondAdmin, now_));
  ASSERT_OK(service_->propose_decision(id, one, Decision::kDistinct, "bukan ganda"));
  auto confirmed = service_->confirm_decision(id, two, true, "setuju");
  ASSERT_OK(confirmed);
  EXPECT_EQ(confirmed->record.final_decision, Decision::kDistinct);
  EXPECT_EQ(audit_rows("user.approve").size(), 5u);  // second.admin, A and B in SetUp, and these two
}

TEST_P(AdjudicationTest, DisagreementSendsTheCaseBackToOpen) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  ASSERT_OK(service_->propose_decision(id, kAdjudicatorA, Decision::kDuplicate, "tampak sama"));
  auto disagreed = service_->confirm_decision(id, kAdjudicatorB, false, "jari 4 dan 5 berbeda");
  ASSERT_OK(disagreed);
  EXPECT_TRUE(disagreed->reopened);
  EXPECT_FALSE(disagreed->enrollment_status.has_value());
  EXPECT_EQ(disagreed->record.status, CaseStatus::kOpen);
  EXPECT_EQ(disagreed->record.disagreements, 1);
  EXPECT_FALSE(disagreed->record.proposed_decision.has_value());
  auto open = cases(CaseStatus::kOpen);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].disagreements, 1);
  EXPECT_TRUE(open[0].proposed_by.empty());
  EXPECT_FALSE(open[0].final_decision.has_value());
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kAdjudication);
  const auto rows = audit_rows("adjudication.disagree");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].actor, kAdjudicatorB.username);
  EXPECT_NE(rows[0].detail.find("jari 4 dan 5 berbeda"), std::string::npos);

  // The case starts over; this time B proposes and A confirms.
  ASSERT_OK(service_->propose_decision(id, kAdjudicatorB, Decision::kDistinct, "kembar identik, sidik jari beda"));
  auto confirmed = service_->confirm_decision(id, kAdjudicatorA, true, "setuju");
  ASSERT_OK(confirmed);
  EXPECT_EQ(confirmed->record.final_decision, Decision::kDistinct);
}

TEST_P(AdjudicationTest, DistinctClearsTheEnrollmentAndItsFingersEnterTheGallery) {
  const std::int64_t id = open_case();
  ASSERT_NE(id, 0);
  EXPECT_FALSE(service_->in_gallery(kNikB));
  ASSERT_OK(service_->propose_decision(id, kAdjudicatorA, Decision::kDistinct, "orang berbeda"));
  auto confirmed = service_->confirm_decision(id, kAdjudicatorB, true, "setuju, orang berbeda");
  ASSERT_OK(confirmed);
  EXPECT_EQ(confirmed->enrollment_status, EnrollmentStatus::kReadyToPrint);
  EXPECT_TRUE(confirmed->enter_gallery);
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kReadyToPrint);
  EXPECT_TRUE(service_->in_gallery(kNikB));
  EXPECT_EQ(service_->gallery_persons(), 2u);
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto timeline = registry::timeline_of(**conn, kNikB);
  ASSERT_OK(timeline);
  EXPECT_EQ(timeline->back().status, EnrollmentStatus::kReadyToPrint);
  EXPECT_EQ(timeline->back().detail, kDistinctTimelineDetail);

  // The same fingers under a third NIK now resemble both: one case per candidate, best first.
  receive(person(0, 3, "e-d", kNikD));
  auto summary = service_->process_pending();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->hit, 1u);
  auto of_d = cases_of_enrollment(**conn, "e-d");
  ASSERT_OK(of_d);
  ASSERT_EQ(of_d->size(), 2u);
  EXPECT_EQ((*of_d)[0].candidate_rank, 1);
  EXPECT_EQ((*of_d)[1].candidate_rank, 2);
  EXPECT_GE((*of_d)[0].score, (*of_d)[1].score);
  std::set<std::string> candidates{(*of_d)[0].candidate_nik, (*of_d)[1].candidate_nik};
  EXPECT_EQ(candidates, (std::set<std::string>{kNikA, kNikB}));
  EXPECT_EQ(job_of("e-d").candidates, 2);

  // One distinct decision is not enough to clear D while the other case is open; a duplicate
  // decision on the other blocks it.
  ASSERT_OK(service_->propose_decision((*of_d)[0].id, kAdjudicatorA, Decision::kDistinct, "beda"));
  auto first = service_->confirm_decision((*of_d)[0].id, kAdjudicatorB, true, "beda");
  ASSERT_OK(first);
  EXPECT_FALSE(first->enrollment_status.has_value());
  EXPECT_EQ(status_of("e-d"), EnrollmentStatus::kAdjudication);
  ASSERT_OK(service_->propose_decision((*of_d)[1].id, kAdjudicatorA, Decision::kDuplicate, "sama"));
  auto second = service_->confirm_decision((*of_d)[1].id, kAdjudicatorB, true, "sama");
  ASSERT_OK(second);
  EXPECT_EQ(second->enrollment_status, EnrollmentStatus::kDuplicate);
  EXPECT_EQ(status_of("e-d"), EnrollmentStatus::kDuplicate);
  EXPECT_FALSE(service_->in_gallery(kNikD));
}

TEST_P(AdjudicationTest, IdsParseBothWays) {
  for (auto s : {CaseStatus::kOpen, CaseStatus::kProposed, CaseStatus::kDecided}) {
    auto parsed = parse_case_status(case_status_id(s));
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, s);
  }
  for (auto d : {Decision::kDuplicate, Decision::kDistinct}) {
    auto parsed = parse_decision(decision_id(d));
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, d);
  }
  EXPECT_ERROR(parse_decision("maybe"), ErrorCode::kInvalidArgument, "maybe");
  EXPECT_ERROR(parse_case_status("closed"), ErrorCode::kInvalidArgument, "closed");
}

EKTP_INSTANTIATE_FOR_BACKENDS(AdjudicationTest);

}  // namespace
}  // namespace ektp::abis
