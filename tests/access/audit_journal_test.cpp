// The audit journal: a record is durable in the journal when the writer says committed, and it
// reaches the hash-chained audit_log exactly once — after a normal move, after a crash between
// the move's commit and the file's removal, and from a segment a stopped process left behind —
// while a torn or damaged tail is reported, never silently dropped.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <fmt/format.h>

#include "access/audit_journal.h"
#include "access/audit_log.h"
#include "store/migrations.h"
#include "support/test_database.h"

namespace ektp::access {
namespace {

class AuditJournalTest : public test::BackendTest {
 protected:
  void SetUp() override {
    test::BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(store::migrate(db(), store::registry_migrations()));
    std::string pattern = (std::filesystem::temp_directory_path() / "ektp-journal-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ / "journal";
  }
  void TearDown() override {
    std::error_code ec;
    if (!root_.empty()) std::filesystem::remove_all(root_, ec);
    test::BackendTest::TearDown();
  }
  std::int64_t count(std::string_view sql, std::vector<store::Value> params = {}) {
    auto c = db().connect();
    auto rows = (**c).execute(sql, params);
    return rows ? rows->rows.front().integer(0) : -1;
  }
  std::int64_t rows_for(std::string_view subject) {
    return count("SELECT COUNT(*) FROM audit_log WHERE subject = $1", {std::string(subject)});
  }
  std::vector<std::filesystem::path> segments() {
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    for (const auto& item : std::filesystem::directory_iterator(dir_, ec)) {
      if (item.path().filename().string().starts_with("seg-")) found.push_back(item.path());
    }
    return found;
  }
  void expect_chain_valid() {
    auto chain = verify_audit_chain(db());
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->valid) << chain->problem;
  }
  static AuditEntry read_of(std::string nik, std::int64_t at_ms = 1) {
    return {at_ms, "operator.tegal", "read_person", std::move(nik), ""};
  }
  std::filesystem::path root_;
  std::filesystem::path dir_;
};

TEST_P(AuditJournalTest, ASegmentIsMovedIntoTheChainOnceAndThenRemoved) {
  auto journal = AuditJournal::open(dir_);
  ASSERT_TRUE(journal) << journal.error().message;
  ASSERT_TRUE((*journal)->append({read_of("3327015508900001"), read_of("3327015508900002")}));
  ASSERT_TRUE((*journal)->append({read_of("3327015508900003")}));
  EXPECT_EQ((*journal)->open_entries(), 3u);
  auto closed = (*journal)->rotate();
  ASSERT_TRUE(closed);
  ASSERT_TRUE(closed->has_value());
  EXPECT_EQ((*journal)->open_entries(), 0u);
  auto moved = move_journal_segment(db(), **closed);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(*moved, 3u);
  EXPECT_EQ(rows_for("3327015508900003"), 1);
  EXPECT_FALSE(std::filesystem::exists((*closed)->path()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_journal_moves"), 0);  // forgotten once the file is gone
  expect_chain_valid();
  // Nothing appended since: nothing to close.
  auto again = (*journal)->rotate();
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
}

TEST_P(AuditJournalTest, TheFolderAndSegmentsAreForTheServerAlone) {
  auto journal = AuditJournal::open(dir_);
  ASSERT_TRUE(journal);
  struct stat info {};
  ASSERT_EQ(::stat(dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  auto open = segments();
  ASSERT_EQ(open.size(), 1u);
  ASSERT_EQ(::stat(open.front().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// A crash after the move committed but before the file was removed: the next mover finds the
// segment recorded as moved and only removes it.
TEST_P(AuditJournalTest, ASegmentMovedBeforeACrashIsNotMovedAgain) {
  auto journal = AuditJournal::open(dir_);
  ASSERT_TRUE(journal);
  ASSERT_TRUE((*journal)->append({read_of("3327015508900011")}));
  auto closed = (*journal)->rotate();
  ASSERT_TRUE(closed && closed->has_value());
  const auto copy = root_ / "copy";
  std::filesystem::copy_file((*closed)->path(), copy);
  ASSERT_EQ(*move_journal_segment(db(), **closed), 1u);
  // Put the file back as the crash would have left it, with its move still recorded.
  std::filesystem::copy_file(copy, (*closed)->path());
  auto content = read_journal_segment((*closed)->path());
  ASSERT_TRUE(content);
  {
    auto c = db().connect();
    ASSERT_TRUE((**c).execute("INSERT INTO audit_journal_moves (segment, entries, moved_at_ms) VALUES ($1, 1, 0)",
                              {content->id}));
  }
  auto moved = move_orphaned_journal_segments(db(), dir_);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(*moved, 0u);
  EXPECT_EQ(rows_for("3327015508900011"), 1);
  EXPECT_FALSE(std::filesystem::exists((*closed)->path()));
}

// A process that stopped before moving its segment: whoever comes next moves it, but never a
// segment a live journal still holds.
TEST_P(AuditJournalTest, WhatAStoppedProcessLeftIsMovedAndALiveOneIsLeftAlone) {
  {
    auto stopped = AuditJournal::open(dir_);
    ASSERT_TRUE(stopped);
    ASSERT_TRUE((*stopped)->append({read_of("3327015508900021"), read_of("3327015508900022")}));
  }  // gone without moving: its lock is released with it
  auto live = AuditJournal::open(dir_);
  ASSERT_TRUE(live);
  ASSERT_TRUE((*live)->append({read_of("3327015508900023")}));
  auto moved = move_orphaned_journal_segments(db(), dir_);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(*moved, 2u);
  EXPECT_EQ(rows_for("3327015508900022"), 1);
  EXPECT_EQ(rows_for("3327015508900023"), 0);  // still the live journal's
  EXPECT_EQ(segments().size(), 1u);
  expect_chain_valid();
}

TEST_P(AuditJournalTest, ATornTailIsDroppedAndPutOnTheRecord) {
  std::filesystem::path path;
  {
    auto journal = AuditJournal::open(dir_);
    ASSERT_TRUE(journal);
    ASSERT_TRUE((*journal)->append({read_of("3327015508900031"), read_of("3327015508900032")}));
    auto closed = (*journal)->rotate();
    ASSERT_TRUE(closed && closed->has_value());
    path = (*closed)->path();
  }
  // Half of a third record, as a crash in mid-append leaves it.
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write("\x30\x00\x00\x00\x01\x02\x03", 7);
  }
  auto content = read_journal_segment(path);
  ASSERT_TRUE(content);
  EXPECT_EQ(content->entries.size(), 2u);
  EXPECT_EQ(content->bytes_dropped, 7u);
  EXPECT_EQ(content->entries[1].subject, "3327015508900032");
  auto moved = move_orphaned_journal_segments(db(), dir_);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(*moved, 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.journal_damaged'"), 1);
  expect_chain_valid();
}

TEST_P(AuditJournalTest, AChangedRecordStopsTheReadingThere) {
  std::filesystem::path path;
  {
    auto journal = AuditJournal::open(dir_);
    ASSERT_TRUE(journal);
    ASSERT_TRUE((*journal)->append({read_of("3327015508900041"), read_of("3327015508900042")}));
    auto closed = (*journal)->rotate();
    ASSERT_TRUE(closed && closed->has_value());
    path = (*closed)->path();
  }
  // One byte of the second record's subject changed: its CRC no longer matches.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = bytes.rfind("3327015508900042");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 15] = '9';
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  auto content = read_journal_segment(path);
  ASSERT_TRUE(content);
  EXPECT_EQ(content->entries.size(), 1u);
  EXPECT_GT(content->bytes_dropped, 16u);
}

TEST_P(AuditJournalTest, BadFilesAndRecordsAreRefused) {
  std::filesystem::create_directories(dir_);
  {
    std::ofstream out(dir_ / "seg-0123456789abcdef.log");
    out << "not a journal\n";
  }
  auto moved = move_orphaned_journal_segments(db(), dir_);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(moved.error().message.find("seg-0123456789abcdef.log"), std::string::npos);
  std::filesystem::remove(dir_ / "seg-0123456789abcdef.log");

  auto journal = AuditJournal::open(dir_);
  ASSERT_TRUE(journal);
  auto huge = (*journal)->append({{1, "operator", "read_person", "3327015508900051",
                                   std::string(journal_limits::record_bytes_max, 'x')}});
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*journal)->open_entries(), 0u);
  // A folder that is not there holds nothing to move.
  auto none = move_orphaned_journal_segments(db(), root_ / "absent");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
}

TEST_P(AuditJournalTest, AWriterWithAJournalChainsEveryRecordOnceAndLeavesNoFile) {
  {
    auto journal = AuditJournal::open(dir_);
    ASSERT_TRUE(journal);
    AuditWriter writer(db(), std::move(*journal));
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
      readers.emplace_back([&writer, t] {
        for (int i = 0; i < 50; ++i) {
          EXPECT_TRUE(writer.record({i, "operator", "read_person", fmt::format("33270155089{:01d}{:04d}", t, i), ""}));
        }
      });
    }
    std::promise<Status> called;
    writer.record_all_then({read_of("3327015508990001")}, [&](Status s) { called.set_value(std::move(s)); });
    for (auto& r : readers) r.join();
    auto done = called.get_future();
    ASSERT_EQ(done.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_TRUE(done.get());
    ASSERT_TRUE(writer.flush());
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'read_person'"), 201);
    ASSERT_TRUE(writer.record(read_of("3327015508990002")));
  }  // what was journaled last is moved when the writer stops
  EXPECT_EQ(rows_for("3327015508990002"), 1);
  EXPECT_TRUE(segments().empty());
  expect_chain_valid();
}

// The next server moves what the last one journaled but could not move.
TEST_P(AuditJournalTest, AWriterMovesWhatAnEarlierProcessLeft) {
  {
    auto stopped = AuditJournal::open(dir_);
    ASSERT_TRUE(stopped);
    ASSERT_TRUE((*stopped)->append({read_of("3327015508900061")}));
  }
  auto journal = AuditJournal::open(dir_);
  ASSERT_TRUE(journal);
  AuditWriter writer(db(), std::move(*journal));
  ASSERT_TRUE(writer.record(read_of("3327015508900062")));
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(rows_for("3327015508900061"), 1);
  EXPECT_EQ(rows_for("3327015508900062"), 1);
}

// While the database is held by another process, reads are still served (their records are on
// disk in the journal), and the chain catches up once the database is free.
TEST_P(AuditJournalTest, ABusyDatabaseDelaysTheChainButNotTheRecord) {
  auto journal = AuditJournal::open(dir_);
  ASSERT_TRUE(journal);
  AuditWriter writer(db(), std::move(*journal));
  auto other = store::Database::open(test_database().url());
  ASSERT_TRUE(other);
  auto holder = (*other)->connect();
  ASSERT_TRUE(holder);
  ASSERT_TRUE((**holder).begin_write());
  if (backend() == store::Backend::kPostgreSQL) {
    ASSERT_TRUE((**holder).execute("SELECT pg_advisory_xact_lock(746101)"));
  }
  EXPECT_TRUE(writer.record(read_of("3327015508900071"), std::chrono::milliseconds(300)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE((**holder).rollback());
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(rows_for("3327015508900071"), 1);
  expect_chain_valid();
}

EKTP_INSTANTIATE_FOR_BACKENDS(AuditJournalTest);

}  // namespace
}  // namespace ektp::access
