// The reads a resident is shown, on SQLite and PostgreSQL: every audit entry about their NIK or
// one of their chips, newest first and a page at a time, each with who (an officer's role and
// office, an agency's name), its kind, and an agency's purpose and fields; never someone else's
// entries, and never what the resident did on their own page; a report names only such a read.
#include "resident/resident_reads.h"

#include <gtest/gtest.h>

#include "access/auth_service.h"
#include "agency/agency_registry.h"
#include "core/region.h"
#include "resident/read_reports.h"
#include "resident/resident_limits.h"
#include "resident_fixture.h"

namespace ektp::resident {
namespace {

using test_fixture::kMinuteMs;
using test_fixture::kNowMs;

class ResidentReadsTest : public test_fixture::ResidentTest {
 protected:
  void SetUp() override {
    ResidentTest::SetUp();
    if (IsSkipped()) return;
    access::AuthService auth(db());
    const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(kNowMs));
    ASSERT_OK(auth.create_user("ani.op", "operator-password-2026", Role::kOperator, now));
    ASSERT_OK(auth.set_office_region("ani.op", "332701", now));
    ASSERT_OK(agency::create_agency(db(), {"bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance},
                                    {"admin.pusat", kNowMs}));
  }
  Result<ReadsPage> page(std::int64_t before = 0, std::size_t limit = 50, const std::string& nik = "") {
    auto conn = db().connect();
    if (!conn) return std::unexpected(conn.error());
    return reads_of(**conn, RegionDirectory::builtin(), {nik.empty() ? resident.nik : nik, before, limit});
  }
};

TEST_P(ResidentReadsTest, EachReadSaysWhoWhenWhatKindAndWhichFields) {
  const std::int64_t viewed = audit("ani.op", "read_person", resident.nik, "", kNowMs);
  const std::int64_t verified = audit("agency:bpjs-kesehatan", "agency.verify", resident.nik,
                                      "agreement 440/77/PKS/2026; key 0123456789abcdef; purpose verifikasi peserta JKN; "
                                      "fields name,birth_date; all sesuai",
                                      kNowMs + kMinuteMs);
  audit("station:st-332701-1", "sync.pull_person", resident.nik, "working copy", kNowMs + 2 * kMinuteMs);
  audit("ani.op", "read_person", neighbour.nik);  // someone else's
  auto got = page();
  ASSERT_OK(got);
  ASSERT_EQ(got->reads.size(), 3u);
  EXPECT_EQ(got->next_before, 0) << "no more";
  const ResidentRead& station = got->reads[0];
  EXPECT_EQ(station.who.type, ActorType::kStation);
  EXPECT_EQ(station.who.station_id, "st-332701-1");
  EXPECT_EQ(station.kind, ReadKind::kOther);
  const ResidentRead& bpjs = got->reads[1];
  EXPECT_EQ(bpjs.seq, verified);
  EXPECT_EQ(bpjs.kind, ReadKind::kAgencyVerify);
  EXPECT_EQ(bpjs.who.type, ActorType::kAgency);
  EXPECT_EQ(bpjs.who.agency_code, "bpjs-kesehatan");
  EXPECT_EQ(bpjs.who.agency_name, "BPJS Kesehatan");
  EXPECT_EQ(bpjs.purpose, "verifikasi peserta JKN");
  EXPECT_EQ(bpjs.agreement, "440/77/PKS/2026");
  EXPECT_EQ(bpjs.fields, (std::vector<std::string>{"name", "birth_date"}));
  EXPECT_EQ(bpjs.at_ms, kNowMs + kMinuteMs);
  const ResidentRead& officer = got->reads[2];
  EXPECT_EQ(officer.seq, viewed);
  EXPECT_EQ(officer.kind, ReadKind::kOfficerView);
  EXPECT_EQ(officer.who.username, "ani.op");
  EXPECT_EQ(officer.who.role, "operator");
  EXPECT_EQ(officer.who.office_code, "332701");
  EXPECT_FALSE(officer.who.office_name.empty());
  EXPECT_TRUE(officer.purpose.empty());
}

TEST_P(ResidentReadsTest, TheResidentsOwnActionsAreNotListedButTheirChipsReadsAre) {
  const std::string actor = std::string(kResidentActorPrefix) + resident.nik;
  audit(actor, "resident.login", resident.nik, "client 192.0.2.7; session abc");
  audit(actor, "resident.reads", resident.nik, "session abc; 0 reads");
  audit("public", "resident.login_failed", resident.nik, "client 192.0.2.8");
  auto conn = db().connect();
  ASSERT_OK(conn);
  ASSERT_OK((*conn)->execute("INSERT INTO chip_personalisations (chip_serial, blanko_serial, nik, print_request, "
                             "document_signer, sod_sha256, personalised_by, personalised_at_ms) "
                             "VALUES ('04a1b2c3d4e5f601', 1001, $1, 1, 'DS', 'x', 'sup', $2)",
                             {resident.nik, kNowMs}));
  const std::int64_t chip = audit("bank-jateng.teller", "chip.verify", "04a1b2c3d4e5f601", "passed");
  const std::int64_t issued = audit("ani.op", "resident_pin.issue", resident.nik, "a new PIN replaces any earlier one");
  auto got = page();
  ASSERT_OK(got);
  ASSERT_EQ(got->reads.size(), 2u);
  EXPECT_EQ(got->reads[0].seq, issued);
  EXPECT_EQ(got->reads[0].kind, ReadKind::kOther) << "the officer who issued a PIN is shown too";
  EXPECT_EQ(got->reads[1].seq, chip);
  EXPECT_EQ(got->reads[1].kind, ReadKind::kCardRead);
  EXPECT_EQ(got->reads[1].who.username, "bank-jateng.teller");
  EXPECT_TRUE(got->reads[1].who.role.empty()) << "an actor with no account here";
}

TEST_P(ResidentReadsTest, PagesGoFromTheNewestBackwards) {
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 7; ++i) seqs.push_back(audit("ani.op", "read_person", resident.nik, "", kNowMs + i));
  auto first = page(0, 3);
  ASSERT_OK(first);
  ASSERT_EQ(first->reads.size(), 3u);
  EXPECT_EQ(first->reads[0].seq, seqs[6]);
  EXPECT_EQ(first->reads[2].seq, seqs[4]);
  EXPECT_EQ(first->next_before, seqs[4]);
  auto second = page(first->next_before, 3);
  ASSERT_OK(second);
  EXPECT_EQ(second->reads.front().seq, seqs[3]);
  auto last = page(second->next_before, 3);
  ASSERT_OK(last);
  ASSERT_EQ(last->reads.size(), 1u);
  EXPECT_EQ(last->reads.front().seq, seqs[0]);
  EXPECT_EQ(last->next_before, 0);
  EXPECT_EQ(page(0, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(page(0, resident_limits::reads_page_max + 1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(page(-1, 3).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(page(0, 3, "12345").error().code, ErrorCode::kInvalidArgument);
}

TEST_P(ResidentReadsTest, OnlyAReadOfTheResidentsOwnDataIsTheirsToReport) {
  const std::int64_t mine = audit("ani.op", "read_person", resident.nik);
  const std::int64_t theirs = audit("ani.op", "read_person", neighbour.nik);
  const std::int64_t own = audit(std::string(kResidentActorPrefix) + resident.nik, "resident.reads", resident.nik);
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto entry = read_entry_of(**conn, resident.nik, mine);
  ASSERT_OK(entry);
  EXPECT_EQ(entry->action, "read_person");
  for (std::int64_t seq : {theirs, own, std::int64_t{999'999}}) {
    auto refused = read_entry_of(**conn, resident.nik, seq);
    ASSERT_FALSE(refused.has_value()) << seq;
    EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(refused.error().reason, resident_reason::kReadNotYours);
  }
  ASSERT_OK(report_read(db(), resident.nik, mine, "Saya tidak pernah ke kantor itu.", kNowMs));
  auto listed = page();
  ASSERT_OK(listed);
  bool seen = false;
  for (const auto& r : listed->reads) {
    if (r.seq == mine) seen = r.reported;
  }
  EXPECT_TRUE(seen) << "a reported read says so";
}

EKTP_INSTANTIATE_FOR_BACKENDS(ResidentReadsTest);

}  // namespace
}  // namespace ektp::resident
