#include "bulk_matching/bulk_job_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "access/sha256.h"

namespace ektp::bulk {

namespace fs = std::filesystem;

namespace {

Status io_error(std::string_view what, const fs::path& path) {
  return make_error(ErrorCode::kUnavailable, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

// Owns a file descriptor.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status write_all(int fd, std::uint64_t offset, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("writing", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

// Opens `path` for writing (created 0600) and cuts it to `length`; shorter is kDataLoss.
Result<int> open_cut_to(const fs::path& path, std::uint64_t length) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(io_error("opening", path).error());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto error = io_error("reading the size of", path);
    ::close(fd);
    return std::unexpected(error.error());
  }
  if (static_cast<std::uint64_t>(st.st_size) < length) {
    ::close(fd);
    return make_error(ErrorCode::kDataLoss, fmt::format("{} has {} bytes, {} were recorded", path.string(),
                                                        st.st_size, length));
  }
  if (static_cast<std::uint64_t>(st.st_size) > length && ::ftruncate(fd, static_cast<off_t>(length)) != 0) {
    auto error = io_error("cutting", path);
    ::close(fd);
    return std::unexpected(error.error());
  }
  return fd;
}

}  // namespace

Result<BulkJobFiles> BulkJobFiles::open(fs::path dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("{}: {}", dir.string(), ec.message()));
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("{}: {}", dir.string(), ec.message()));
  return BulkJobFiles(std::move(dir));
}

fs::path BulkJobFiles::input_path(std::string_view id) const { return dir_ / (std::string(id) + ".input"); }
fs::path BulkJobFiles::result_path(std::string_view id) const { return dir_ / (std::string(id) + ".result"); }

Status BulkJobFiles::write_input(std::string_view id, std::uint64_t offset, std::string_view bytes) const {
  const fs::path path = input_path(id);
  EKTP_ASSIGN_OR_RETURN(const int raw, open_cut_to(path, offset));
  Fd fd{raw};
  EKTP_RETURN_IF_ERROR(write_all(fd.fd, offset, bytes, path));
  if (::fdatasync(fd.fd) != 0) return io_error("syncing", path);
  return {};
}

Result<std::string> BulkJobFiles::input_sha256(std::string_view id) const {
  const fs::path path = input_path(id);
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) return std::unexpected(io_error("opening", path).error());
  access::Sha256 hash;
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd.fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("reading", path).error());
    }
    if (n == 0) break;
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  return hash.hex_digest();
}

Result<std::string> BulkJobFiles::read_result(std::string_view id, std::uint64_t offset, std::uint64_t length) const {
  const fs::path path = result_path(id);
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) return std::unexpected(io_error("opening", path).error());
  std::string out(length, '\0');
  std::size_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fd.fd, out.data() + got, length - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("reading", path).error());
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

Result<std::uint64_t> BulkJobFiles::result_size(std::string_view id) const {
  std::error_code ec;
  const auto size = fs::file_size(result_path(id), ec);
  if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("{}: {}", result_path(id).string(), ec.message()));
  return static_cast<std::uint64_t>(size);
}

void BulkJobFiles::remove(std::string_view id) const {
  std::error_code ignored;
  fs::remove(input_path(id), ignored);
  fs::remove(result_path(id), ignored);
}

Result<std::unique_ptr<ResultFile>> ResultFile::open(const fs::path& path, std::uint64_t keep_bytes,
                                                     RecordCheckpoint record_checkpoint,
                                                     const std::atomic<bool>* stop) {
  EKTP_ASSIGN_OR_RETURN(const int fd, open_cut_to(path, keep_bytes));
  return std::unique_ptr<ResultFile>(new ResultFile(fd, keep_bytes, std::move(record_checkpoint), stop));
}

ResultFile::~ResultFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status ResultFile::stage(std::string_view bytes) {
  EKTP_RETURN_IF_ERROR(write_all(fd_, size_, bytes, "result file"));
  if (::fdatasync(fd_) != 0) return io_error("syncing", "result file");
  size_ += bytes.size();
  return {};
}

void ResultFile::unstage(std::string_view bytes) {
  size_ -= std::min<std::uint64_t>(size_, bytes.size());
  if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
    // Harmless: the next open cuts the file to the recorded checkpoint anyway.
  }
}

Status ResultFile::record(store::Connection& c, const BulkMatchCheckpoint& checkpoint) {
  if (!record_checkpoint_) return {};
  return record_checkpoint_(c, checkpoint, size_);
}

}  // namespace ektp::bulk
