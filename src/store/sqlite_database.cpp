#include "store/sqlite_database.h"

#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "store/connection_pool.h"
#include "store/sqlite_connection.h"
#include "store/store_limits.h"

namespace ektp::store::detail {
namespace {

class SQLiteDatabase final : public PooledDatabase {
 public:
  explicit SQLiteDatabase(std::string path)
      : PooledDatabase(
            tunables::sqlite_connections_max, [this] { return open_connection(); },
            [](Connection&) { return true; }),
        path_(std::move(path)) {}

  Backend backend() const override { return Backend::kSQLite; }

  std::string describe() const override { return "sqlite:" + path_ + " (WAL, synchronous=FULL)"; }

  Result<std::unique_ptr<Connection>> open_connection() const {
    Result<std::unique_ptr<SQLiteConnection>> opened = SQLiteConnection::open(path_);
    if (!opened) return std::unexpected(opened.error());
    return std::unique_ptr<Connection>(std::move(*opened));
  }

 private:
  const std::string path_;
};

Status check_path(std::string_view path) {
  if (path.empty()) return invalid_argument("sqlite URL has an empty path: use sqlite:PATH");
  if (path == ":memory:" || path.starts_with("file:")) {
    return invalid_argument("sqlite: give a file path (pooled connections cannot share " +
                            std::string(path) + ")");
  }
  std::filesystem::path file(path);
  std::filesystem::path directory = file.parent_path();
  std::error_code error;
  if (!directory.empty() && !std::filesystem::is_directory(directory, error)) {
    return invalid_argument("sqlite: directory " + directory.string() +
                            " does not exist; create it first");
  }
  if (std::filesystem::is_directory(file, error)) {
    return invalid_argument("sqlite: " + file.string() + " is a directory, not a database file");
  }
  return {};
}

// The database holds every resident's data and a station's or central's secret key: the file is
// created 0600 whatever the umask (open with O_CREAT before SQLite sees it; SQLite gives its -wal
// and -shm files the mode of the database file), and an existing file readable by others is
// tightened, with a warning.
Status restrict_file_mode(const std::string& path, bool create) {
  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  int fd = ::open(path.c_str(), flags, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    if (!create && errno == ENOENT) return {};
    return make_error(ErrorCode::kInternal, fmt::format("sqlite: cannot open {}: {}", path, std::strerror(errno)));
  }
  struct stat st {};
  Status result;
  if (::fstat(fd, &st) != 0) {
    result = make_error(ErrorCode::kInternal, fmt::format("sqlite: cannot stat {}: {}", path, std::strerror(errno)));
  } else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    spdlog::warn("{} was readable by others (mode {:o}); now 0600", path, st.st_mode & 07777);
    if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
      result = make_error(ErrorCode::kInternal,
                          fmt::format("sqlite: cannot make {} private: {}", path, std::strerror(errno)));
    }
  }
  ::close(fd);
  return result;
}

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite_database(std::string_view path) {
  if (Status checked = check_path(path); !checked) return std::unexpected(checked.error());
  const std::string file(path);
  if (Status s = restrict_file_mode(file, true); !s) return std::unexpected(s.error());
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    if (Status s = restrict_file_mode(file + suffix, false); !s) return std::unexpected(s.error());
  }
  auto db = std::make_unique<SQLiteDatabase>(std::string(path));
  // Open one connection now so that a bad file is reported here, not at first use.
  Result<std::unique_ptr<Connection>> first = db->open_connection();
  if (!first) return std::unexpected(first.error());
  db->adopt(std::move(*first));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ektp::store::detail
