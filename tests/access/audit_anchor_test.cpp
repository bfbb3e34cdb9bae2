// The audit chain against someone who can write the database but not the anchor folder: every
// way of rewriting history that the bare hash chain accepted (cutting the tail, rebuilding it
// from an edited entry, erasing one person's entries and renumbering) is now found.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "access/audit_anchor.h"
#include "access/audit_anchorer.h"
#include "access/audit_log.h"
#include "access/sha256.h"
#include "store/migrations.h"
#include "support/test_database.h"

namespace ektp::access {
namespace {

class AuditAnchorTest : public test::BackendTest {
 protected:
  void SetUp() override {
    test::BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(store::migrate(db(), store::registry_migrations()));
    anchor_dir_ = std::filesystem::temp_directory_path() /
                  fmt::format("ektp-anchor-{}-{}", ::getpid(), reinterpret_cast<std::uintptr_t>(this));
    std::filesystem::remove_all(anchor_dir_);
    auto anchor = AuditAnchor::open(anchor_dir_, true);
    ASSERT_TRUE(anchor) << anchor.error().message;
    anchor_.emplace(std::move(*anchor));
  }
  void TearDown() override {
    std::filesystem::remove_all(anchor_dir_);
    test::BackendTest::TearDown();
  }

  void append(int count, std::string_view subject_prefix = "33270155089000") {
    auto c = db().connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE((*c)->begin_write());
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(append_audit(**c, {1'700'000'000'000 + next_, "operator", "read_person",
                                     fmt::format("{}{:02}", subject_prefix, next_ % 100), ""}));
      next_ += 1;
    }
    ASSERT_TRUE((*c)->commit());
  }

  void run_sql(std::string_view sql, const std::vector<store::Value>& params = {}) {
    auto c = db().connect();
    ASSERT_TRUE(c);
    auto done = (**c).execute(sql, params);
    ASSERT_TRUE(done) << done.error().message;
  }

  // Rebuilds every hash from the genesis on, as someone who knows the (public) hash rule would
  // after changing rows: the bare chain verifies again.
  void rechain() {
    auto c = db().connect();
    ASSERT_TRUE(c);
    auto rows = (**c).execute("SELECT seq, at_ms, actor, action, subject, detail FROM audit_log ORDER BY seq");
    ASSERT_TRUE(rows);
    std::string prev(64, '0');
    for (const auto& r : rows->rows) {
      std::string text = prev;
      for (int column = 2; column <= 5; ++column) text += fmt::format("|{}:{}", r.text(column).size(), r.text(column));
      text += fmt::format("|{}", r.integer(1));
      const std::string hash = sha256_hex(text);
      ASSERT_TRUE((**c).execute("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3",
                                {prev, hash, r.integer(0)}));
      prev = hash;
    }
  }

  AnchoredVerification verify() {
    auto verified = verify_anchored_chain(db(), *anchor_);
    EXPECT_TRUE(verified) << verified.error().message;
    return verified ? *verified : AnchoredVerification{};
  }

  void checkpoint() {
    auto signed_now = checkpoint_audit_chain(db(), *anchor_, 1'700'000'100'000);
    ASSERT_TRUE(signed_now) << signed_now.error().message;
    ASSERT_TRUE(signed_now->has_value());
  }

  std::filesystem::path anchor_dir_;
  std::optional<AuditAnchor> anchor_;
  int next_ = 0;
};

TEST_P(AuditAnchorTest, AWholeChainVerifiesAndSaysWhatIsNotYetAnchored) {
  append(20);
  checkpoint();
  append(5);
  auto v = verify();
  EXPECT_TRUE(v.chain.valid) << v.chain.problem;
  EXPECT_EQ(v.chain.entries, 25);
  EXPECT_EQ(v.checkpoints, 1);
  ASSERT_TRUE(v.latest);
  EXPECT_EQ(v.latest->seq, 20);
  EXPECT_EQ(v.unanchored_entries, 5);
  // Nothing new: nothing signed twice.
  auto again = checkpoint_audit_chain(db(), *anchor_, 1'700'000'200'000);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->has_value());  // the 5 new ones
  auto nothing = checkpoint_audit_chain(db(), *anchor_, 1'700'000'300'000);
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(nothing->has_value());
}

TEST_P(AuditAnchorTest, ACutTailIsFound) {
  append(30);
  checkpoint();
  run_sql("DELETE FROM audit_log WHERE seq > 25");
  // The bare chain cannot tell: what is left links up.
  auto bare = verify_audit_chain(db());
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->valid);
  auto v = verify();
  EXPECT_FALSE(v.chain.valid);
  EXPECT_EQ(v.chain.broken_at, 26);
  EXPECT_NE(v.chain.problem.find("cut"), std::string::npos) << v.chain.problem;
}

TEST_P(AuditAnchorTest, AnEditedAndRechainedEntryIsFound) {
  append(30);
  checkpoint();
  run_sql("UPDATE audit_log SET actor = 'kepala.dinas' WHERE seq = 7");
  rechain();
  auto bare = verify_audit_chain(db());
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->valid) << "the rebuilt chain must fool the bare check, or this test proves nothing";
  auto v = verify();
  EXPECT_FALSE(v.chain.valid);
  EXPECT_EQ(v.chain.broken_at, 30);
  EXPECT_NE(v.chain.problem.find("rewritten"), std::string::npos) << v.chain.problem;
}

TEST_P(AuditAnchorTest, ErasingOnePersonsEntriesIsFoundRenumberedOrNot) {
  append(10, "33270155089001");
  append(10, "33270155089002");
  checkpoint();
  auto c = db().connect();
  ASSERT_TRUE(c);
  // Erased, holes left: the seq gap gives it away even after the hashes are rebuilt.
  run_sql("DELETE FROM audit_log WHERE subject LIKE '33270155089001%'");
  rechain();
  auto gapped = verify();
  EXPECT_FALSE(gapped.chain.valid);
  EXPECT_NE(gapped.chain.problem.find("missing"), std::string::npos) << gapped.chain.problem;
  // Renumbered without holes and rebuilt: the chain is now shorter than the signed head.
  run_sql("UPDATE audit_log SET seq = seq - 10");
  rechain();
  auto bare = verify_audit_chain(db());
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->valid);
  auto renumbered = verify();
  EXPECT_FALSE(renumbered.chain.valid);
  EXPECT_NE(renumbered.chain.problem.find("cut"), std::string::npos) << renumbered.chain.problem;
}

TEST_P(AuditAnchorTest, ARewrittenChainIsNeverSigned) {
  append(10);
  checkpoint();
  run_sql("UPDATE audit_log SET detail = 'forged' WHERE seq = 3");
  rechain();
  append(3);
  auto signed_now = checkpoint_audit_chain(db(), *anchor_, 1'700'000'200'000);
  ASSERT_FALSE(signed_now);
  EXPECT_EQ(signed_now.error().code, ErrorCode::kDataLoss);
  auto checkpoints = anchor_->checkpoints();
  ASSERT_TRUE(checkpoints);
  EXPECT_EQ(checkpoints->size(), 1u);
}

TEST_P(AuditAnchorTest, AnIncrementalCheckStartsFromTheNewestCheckpoint) {
  append(40);
  checkpoint();
  append(7);
  auto v = verify_since_latest_checkpoint(db(), *anchor_);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->chain.valid);
  EXPECT_EQ(v->chain.entries, 7);  // only what follows the checkpoint was walked
  EXPECT_EQ(v->chain.head.seq, 47);
  run_sql("UPDATE audit_log SET hash = $1 WHERE seq = 40", {std::string(64, 'f')});
  auto broken = verify_since_latest_checkpoint(db(), *anchor_);
  ASSERT_TRUE(broken);
  EXPECT_FALSE(broken->chain.valid);
  EXPECT_EQ(broken->chain.broken_at, 40);
}

TEST_P(AuditAnchorTest, AForgedOrReorderedCheckpointLogIsRefused) {
  append(5);
  checkpoint();
  const auto log = anchor_dir_ / "checkpoints.log";
  std::string line;
  {
    std::ifstream in(log);
    std::getline(in, line);
  }
  // The same line claiming a later entry: the signature no longer covers it.
  std::string forged = line;
  forged.replace(3, 1, "9");
  {
    std::ofstream out(log, std::ios::app);
    out << forged << "\n";
  }
  auto checkpoints = anchor_->checkpoints();
  ASSERT_FALSE(checkpoints);
  EXPECT_EQ(checkpoints.error().code, ErrorCode::kDataLoss);
}

TEST_P(AuditAnchorTest, TheSigningKeyIsPrivateAndAWorldReadableOneIsRefused) {
  struct stat info {};
  ASSERT_EQ(::stat((anchor_dir_ / "signing.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(anchor_dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
  ::chmod((anchor_dir_ / "signing.key").c_str(), 0644);
  auto reopened = AuditAnchor::open(anchor_dir_, false);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(AuditAnchorTest, TheAnchorerSignsAsTheChainGrowsAndOnceMoreWhenItStops) {
  {
    AuditAnchorer anchorer(db(), *anchor_, std::chrono::milliseconds(20),
                           [] { return std::chrono::system_clock::now(); });
    append(3);
    for (int i = 0; i < 200; ++i) {
      auto latest = anchor_->latest();
      ASSERT_TRUE(latest);
      if (*latest && (*latest)->seq == 3) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    append(2);
  }
  auto latest = anchor_->latest();
  ASSERT_TRUE(latest);
  ASSERT_TRUE(*latest);
  EXPECT_EQ((*latest)->seq, 5);
}

TEST_P(AuditAnchorTest, TheCommandLineFindsTheAnchorAndFailsOnACutChain) {
  if (backend() != store::Backend::kSQLite) GTEST_SKIP() << "the default anchor place is tested on a SQLite file";
  // The default place of a SQLite file's anchor: PATH.anchor beside it.
  const std::string path = test_database().sqlite_path();
  const auto default_dir = default_anchor_dir("sqlite:" + path);
  EXPECT_EQ(default_dir, std::filesystem::path(path + ".anchor"));
  std::filesystem::remove_all(default_dir);
  anchor_.emplace(*AuditAnchor::open(default_dir, true));
  append(12);
  checkpoint();
  const std::string command = fmt::format("{} audit verify --db sqlite:{} > /dev/null 2>&1", EKTP_BINARY, path);
  EXPECT_EQ(WEXITSTATUS(std::system(command.c_str())), 0);
  run_sql("DELETE FROM audit_log WHERE seq > 10");
  EXPECT_EQ(WEXITSTATUS(std::system(command.c_str())), 2);
  // Without its anchor the command refuses to call the chain whole.
  std::filesystem::remove_all(default_dir);
  EXPECT_EQ(WEXITSTATUS(std::system(command.c_str())), 1);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AuditAnchorTest);

}  // namespace
}  // namespace ektp::access
