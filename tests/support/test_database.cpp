#include "support/test_database.h"

#include <cstdlib>
#include <filesystem>
#include <random>

#include "support/test_support.h"

namespace ektp::test {
namespace {

const char* postgres_admin_url() {
  const char* url = std::getenv("EKTP_TEST_POSTGRES");
  return url != nullptr && url[0] != '\0' ? url : nullptr;
}

std::string random_suffix() {
  std::random_device device;
  std::uint64_t value = (std::uint64_t{device()} << 32) ^ device();
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i, value >>= 4) out.push_back(kDigits[value & 0xf]);
  return out;
}

// The libpq URI `url` with its database name replaced: postgresql://AUTH/DB?QUERY.
std::string with_database(std::string_view url, std::string_view name) {
  std::size_t scheme_end = url.find("://");
  std::size_t path = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (path == std::string_view::npos) return std::string(url) + "/" + std::string(name);
  std::size_t query = url.find('?', path);
  std::string out(url.substr(0, path + 1));
  out += name;
  if (query != std::string_view::npos) out += url.substr(query);
  return out;
}

Status postgres_admin(const std::string& sql) {
  Result<std::unique_ptr<store::Database>> admin = store::Database::open(postgres_admin_url());
  if (!admin) return std::unexpected(admin.error());
  Result<store::PooledConnection> connection = (*admin)->connect();
  if (!connection) return std::unexpected(connection.error());
  Result<store::QueryResult> done = (*connection)->execute(sql);
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace

std::optional<std::string> backend_unavailable_reason(store::Backend backend) {
  if (backend == store::Backend::kPostgreSQL && postgres_admin_url() == nullptr) {
    return "EKTP_TEST_POSTGRES is not set: run the PostgreSQL cases through `make test`, which "
           "starts a private server";
  }
  return std::nullopt;
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::create(store::Backend backend) {
  if (auto reason = backend_unavailable_reason(backend)) {
    return make_error(ErrorCode::kUnavailable, *reason);
  }
  auto test_database = std::unique_ptr<TestDatabase>(new TestDatabase());
  test_database->backend_ = backend;
  if (backend == store::Backend::kSQLite) {
    std::string pattern = (std::filesystem::temp_directory_path() / "ektp-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return make_error(ErrorCode::kInternal, "mkdtemp failed for " + pattern);
    }
    test_database->temp_directory_ = pattern;
    test_database->sqlite_path_ = pattern + "/test.db";
    test_database->url_ = "sqlite:" + test_database->sqlite_path_;
  } else {
    std::string name = "ektp_test_" + random_suffix();
    if (Status created = postgres_admin("CREATE DATABASE " + name); !created) {
      return std::unexpected(created.error());
    }
    test_database->postgres_name_ = name;
    test_database->url_ = with_database(postgres_admin_url(), name);
  }
  Result<std::unique_ptr<store::Database>> opened = store::Database::open(test_database->url_);
  if (!opened) return std::unexpected(opened.error());
  test_database->db_ = std::move(*opened);
  return test_database;
}

Status TestDatabase::reopen() {
  db_.reset();
  Result<std::unique_ptr<store::Database>> opened = store::Database::open(url_);
  if (!opened) return std::unexpected(opened.error());
  db_ = std::move(*opened);
  return {};
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (!temp_directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_directory_, ignored);
  }
  if (!postgres_name_.empty()) {
    Status dropped = postgres_admin("DROP DATABASE IF EXISTS " + postgres_name_ + " WITH (FORCE)");
    EXPECT_TRUE(dropped.has_value())
        << "dropping " << postgres_name_ << ": " << dropped.error().message;
  }
}

Result<std::unique_ptr<TestDatabase>> open_test_database(store::Backend backend) {
  return TestDatabase::create(backend);
}

std::string backend_name(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSQLite ? "SQLite" : "PostgreSQL";
}

void BackendTest::SetUp() {
  if (auto reason = backend_unavailable_reason(GetParam())) GTEST_SKIP() << *reason;
  Result<std::unique_ptr<TestDatabase>> opened = open_test_database(GetParam());
  ASSERT_OK(opened);
  test_database_ = std::move(*opened);
}

}  // namespace ektp::test
