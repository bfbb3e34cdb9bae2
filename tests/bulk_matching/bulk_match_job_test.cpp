// A bulk-matching job end to end on SQLite and PostgreSQL: a demo register of Pemalang, BPJS's
// file with exact rows, a wrong birth date, a member without a NIK under a title, an unknown NIK,
// a stranger, a deceased member, a repeated row, a bad date and a formula in a row_id. Every row
// gets one result (read back with Python's csv module, a parser the project did not write), each
// person touched is recorded under the chunk's chained audit entry for the resident to see, the rows count against the quota, and the
// found NIK is given only to an agency whose agreement lets it receive NIKs. Refused before any
// row: an agreement without bulk_match, a column it may not verify (named), another purpose, a
// file without row_id; a quota too small leaves no unaudited result.
#include "bulk_matching/bulk_match_job.h"

#include <gtest/gtest.h>

#include "bulk_matching/bulk_match_reads.h"
#include "bulk_matching/bulk_match_fixture.h"
#include "resident/resident_reads.h"

namespace ektp::bulk {
namespace {

using namespace test_fixture;

class BulkMatchJobTest : public BulkMatchFixture {};

TEST_P(BulkMatchJobTest, EveryRowGetsOneResultAndEveryPersonTouchedIsAudited) {
  if (std::system("python3 -c 'import csv' 2>/dev/null") != 0) GTEST_SKIP() << "python3 is not installed";
  std::string out;
  auto summary = run("bpjs-kesehatan", agency_file(), out);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->rows, 18u);
  auto rows = read_with_python(out);
  ASSERT_EQ(rows.size(), 17u) << out;  // A000 twice: its second line is under the same row_id
  for (int i = 1; i < 10; ++i) {
    EXPECT_EQ(rows[fmt::format("A{:03}", i)].substr(0, 13), "match|sesuai|") << i;
  }
  EXPECT_EQ(rows["B001"].substr(0, 33), "match_fields_differ|tidak_sesuai|");
  EXPECT_EQ(rows["B002"], fmt::format("found_by_demographics|sesuai|{}|1.000", members_[11].nik)) << "title H. dropped";
  EXPECT_EQ(rows["B003"].substr(0, 14), "nik_not_found|");
  EXPECT_EQ(rows["B004"].substr(0, 10), "not_found|");
  EXPECT_EQ(rows["B005"].substr(0, 9), "deceased|");
  EXPECT_EQ(rows["B007"].substr(0, 12), "invalid_row|");
  EXPECT_EQ(rows["'=HYPERLINK(\"http://x\")"].substr(0, 6), "match|") << "the formula is neutralised";
  EXPECT_NE(out.find("duplicate_in_file"), std::string::npos);
  EXPECT_EQ(summary->results[static_cast<std::size_t>(RowResult::kMatch)], 11u);
  EXPECT_EQ(summary->results[static_cast<std::size_t>(RowResult::kDuplicateInFile)], 1u);
  EXPECT_EQ(summary->results[static_cast<std::size_t>(RowResult::kInvalidRow)], 1u);
  EXPECT_NEAR(summary->match_rate(), 14.0 / 18, 1e-9);
  // 11 matches, a differing match, the member found without a NIK and the deceased: 14 persons,
  // read under one chained entry for the chunk, whose digest covers their reads.
  EXPECT_EQ(summary->audited, 14u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.bulk_match' AND actor = 'agency:bpjs-kesehatan'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM bulk_match_reads"), 14);
  EXPECT_EQ(count("SELECT calls FROM agency_usage WHERE agency_code = 'bpjs-kesehatan'"), 18) << "a row is a call";
  auto conn = db().connect();
  ASSERT_OK(conn);
  {
    auto stored = (*conn)->execute("SELECT nik, row_id, result FROM bulk_match_reads ORDER BY id");
    ASSERT_OK(stored);
    std::vector<BulkRead> reads;
    for (const auto& r : stored->rows) reads.push_back({r.text(0), r.text(1), r.text(2)});
    auto entry = (*conn)->execute("SELECT detail FROM audit_log WHERE action = 'agency.bulk_match'");
    ASSERT_OK(entry);
    EXPECT_NE(entry->rows.front().text(0).find("chunk 1: 14 persons; reads sha256 " + reads_digest(reads)), std::string::npos)
        << entry->rows.front().text(0);
    reads[3].result = "not_found";
    EXPECT_EQ(entry->rows.front().text(0).find(reads_digest(reads)), std::string::npos) << "a changed read no longer hashes";
  }
  // The resident found without a NIK sees BPJS's bulk match, its agreement, purpose and fields.
  auto seen = resident::reads_of(**conn, RegionDirectory::builtin(), {members_[11].nik, 0, 10});
  ASSERT_OK(seen);
  ASSERT_EQ(seen->reads.size(), 1u);
  const auto& read = seen->reads.front();
  EXPECT_EQ(read.kind, resident::ReadKind::kBulkMatch);
  EXPECT_EQ(read.who.agency_name, "BPJS Kesehatan");
  EXPECT_EQ(read.agreement, "440/1/PKS/2026");
  EXPECT_EQ(read.purpose, kPurpose);
  EXPECT_EQ(read.fields, (std::vector<std::string>{"nik", "name", "birth_date", "sex"}));
  auto reportable = resident::read_entry_of(**conn, members_[11].nik, read.seq);
  EXPECT_OK(reportable);
  auto not_theirs = resident::read_entry_of(**conn, members_[30].nik, read.seq);
  EXPECT_FALSE(not_theirs.has_value()) << "a resident the job did not touch";
  EXPECT_NE(summary_json(*summary).find("\"found_by_demographics\":1"), std::string::npos) << summary_json(*summary);
}

TEST_P(BulkMatchJobTest, TheFoundNikGoesOnlyToAnAgencyThatMayReceiveIt) {
  std::string out;
  ASSERT_OK(run("bank-jateng", agency_file(), out));
  EXPECT_NE(out.find("found_by_demographics"), std::string::npos);
  EXPECT_EQ(out.find(members_[11].nik), std::string::npos) << "the bank may not receive NIKs";
}

TEST_P(BulkMatchJobTest, ReadsChangedOrSlippedInAfterTheJobAreFound) {
  std::string out;
  ASSERT_OK(run("bpjs-kesehatan", agency_file(), out));
  auto whole = verify_bulk_reads(db());
  ASSERT_OK(whole);
  EXPECT_TRUE(whole->valid());
  EXPECT_EQ(whole->chunks, 1);
  EXPECT_EQ(whole->reads, 14);
  auto conn = db().connect();
  ASSERT_OK(conn);
  // Someone with database access hides one read of a resident …
  ASSERT_OK((*conn)->execute("DELETE FROM bulk_match_reads WHERE nik = $1", {members_[11].nik}));
  auto cut = verify_bulk_reads(db());
  ASSERT_OK(cut);
  EXPECT_FALSE(cut->valid());
  ASSERT_EQ(cut->broken_chunks.size(), 1u);
  // … or slips one in under an entry that is no chunk's.
  ASSERT_OK((*conn)->execute("INSERT INTO bulk_match_reads (audit_seq, nik, row_id, result) VALUES (1, $1, 'X', 'match')",
                             {members_[12].nik}));
  auto stray = verify_bulk_reads(db());
  ASSERT_OK(stray);
  EXPECT_EQ(stray->stray_reads, 1);
}

TEST_P(BulkMatchJobTest, JobsOutsideTheAgreementAreRefusedBeforeAnyRow) {
  std::string out;
  auto no_bulk = run("rs-pemalang", agency_file(), out);
  ASSERT_FALSE(no_bulk.has_value());
  EXPECT_EQ(no_bulk.error().reason, "agency_operation_not_agreed");
  auto other_purpose = run("bpjs-kesehatan", agency_file(), out, "penagihan iuran");
  ASSERT_FALSE(other_purpose.has_value());
  EXPECT_EQ(other_purpose.error().reason, "agency_purpose_not_agreed");
  auto mother = run("bpjs-kesehatan", "row_id,nik,mother_name\nA1," + members_[0].nik + ",SUMIATI\n", out);
  ASSERT_FALSE(mother.has_value());
  EXPECT_EQ(mother.error().reason, "agency_field_not_agreed");
  EXPECT_NE(mother.error().message.find("column mother_name"), std::string::npos) << mother.error().message;
  auto no_row_id = run("bpjs-kesehatan", "nik,name\n" + members_[0].nik + ",X\n", out);
  ASSERT_FALSE(no_row_id.has_value());
  EXPECT_EQ(no_row_id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(no_row_id.error().message.find("row_id"), std::string::npos) << no_row_id.error().message;
  auto unknown = run("kua-pemalang", agency_file(), out);
  EXPECT_FALSE(unknown.has_value());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_usage"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.bulk_match'"), 0);
}

TEST_P(BulkMatchJobTest, AQuotaTooSmallLeavesNoUnauditedResult) {
  const agency::AgencyChange admin{"admin.pusat", kNowMs - kDayMs};
  ASSERT_OK(agency::create_agency(db(), {"bank-kecil", "Bank Kecil", agency::AgencyKind::kBank}, admin));
  auto small = agreement("bank-kecil", "440/4/PKS/2026", {}, true);
  small.daily_quota = 10;
  ASSERT_OK(agency::add_agreement(db(), small, admin));
  std::string out;
  auto refused = run("bank-kecil", agency_file(), out);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, "agency_quota_exceeded");
  EXPECT_EQ(out.find("A001"), std::string::npos) << out;
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.bulk_match'"), 0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(BulkMatchJobTest);

}  // namespace
}  // namespace ektp::bulk
