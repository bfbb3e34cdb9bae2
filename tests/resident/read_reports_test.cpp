// Reports of reads a resident does not recognise, on SQLite and PostgreSQL: a resident reports a
// read of their own data once, with a note of at most 500 characters (counted as characters, not
// bytes), audited; an admin lists the open cases with the read they name and resolves each once.
#include "resident/read_reports.h"

#include <gtest/gtest.h>

#include "resident/resident_limits.h"
#include "resident_fixture.h"

namespace ektp::resident {
namespace {

using test_fixture::kMinuteMs;
using test_fixture::kNowMs;

class ReadReportsTest : public test_fixture::ResidentTest {
 protected:
  Result<std::vector<ReadReport>> listed(std::optional<ReportStatus> status) {
    auto conn = db().connect();
    if (!conn) return std::unexpected(conn.error());
    return list_reports(**conn, status, 50);
  }
};

TEST_P(ReadReportsTest, AResidentReportsAReadAndAnAdminResolvesIt) {
  const std::int64_t read = audit("ani.op", "read_person", resident.nik);
  auto filed = report_read(db(), resident.nik, read, "Saya tidak mengenal petugas ini.", kNowMs + kMinuteMs);
  ASSERT_OK(filed);
  EXPECT_EQ(filed->status, ReportStatus::kOpen);
  EXPECT_EQ(filed->audit_seq, read);
  EXPECT_EQ(filed->read_actor, "ani.op");
  EXPECT_EQ(filed->read_action, "read_person");
  EXPECT_EQ(audited("resident.report", resident.nik), 1);
  auto again = report_read(db(), resident.nik, read, "", kNowMs + 2 * kMinuteMs);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().reason, resident_reason::kReadReported);

  auto open = listed(ReportStatus::kOpen);
  ASSERT_OK(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().nik, resident.nik);
  EXPECT_EQ(open->front().note, "Saya tidak mengenal petugas ini.");

  EXPECT_ERROR(resolve_report(db(), filed->id, "admin.pusat", "", kNowMs), ErrorCode::kInvalidArgument, "resolution");
  auto resolved = resolve_report(db(), filed->id, "admin.pusat", "Petugas dimintai keterangan.", kNowMs + kMinuteMs);
  ASSERT_OK(resolved);
  EXPECT_EQ(resolved->status, ReportStatus::kResolved);
  EXPECT_EQ(resolved->resolved_by, "admin.pusat");
  EXPECT_EQ(audited("resident_report.resolve", resident.nik), 1);
  auto twice = resolve_report(db(), filed->id, "admin.pusat", "lagi", kNowMs);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().reason, resident_reason::kReportResolved);
  auto unknown = resolve_report(db(), filed->id + 100, "admin.pusat", "x", kNowMs);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, resident_reason::kReportUnknown);
  EXPECT_TRUE(listed(ReportStatus::kOpen)->empty());
  EXPECT_EQ(listed(ReportStatus::kResolved)->size(), 1u);
  EXPECT_EQ(listed(std::nullopt)->size(), 1u);
}

TEST_P(ReadReportsTest, OnlyTheResidentsOwnReadsWithAShortNoteAreReported) {
  const std::int64_t theirs = audit("ani.op", "read_person", neighbour.nik);
  auto refused = report_read(db(), resident.nik, theirs, "", kNowMs);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, resident_reason::kReadNotYours);
  const std::int64_t mine = audit("ani.op", "read_person", resident.nik);
  EXPECT_ERROR(report_read(db(), resident.nik, mine, std::string(501, 'a'), kNowMs), ErrorCode::kInvalidArgument,
               "at most 500 characters");
  EXPECT_ERROR(report_read(db(), resident.nik, mine, "baris\x01", kNowMs), ErrorCode::kInvalidArgument, "control");
  EXPECT_ERROR(report_read(db(), resident.nik, 0, "", kNowMs), ErrorCode::kInvalidArgument, "seq");
  EXPECT_EQ(audited("resident.report", resident.nik), 0) << "nothing was filed";
  // 500 characters of two bytes each are 500 characters.
  std::string long_note;
  for (int i = 0; i < 500; ++i) long_note += "\xC3\xA9";  // é
  ASSERT_OK(report_read(db(), resident.nik, mine, long_note, kNowMs));
}

EKTP_INSTANTIATE_FOR_BACKENDS(ReadReportsTest);

}  // namespace
}  // namespace ektp::resident
