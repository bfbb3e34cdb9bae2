#include "access/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace ektp::access {

namespace {

Error file_error(ErrorCode code, const std::filesystem::path& path, std::string_view what) {
  return Error{code, fmt::format("{}: {}", path.string(), what)};
}

}  // namespace

Status write_new_private_file(const std::filesystem::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(file_error(ErrorCode::kUnavailable, path, std::strerror(errno)));
  const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return std::unexpected(file_error(ErrorCode::kUnavailable, path, "cannot write"));
  return {};
}

Status replace_file(const std::filesystem::path& path, std::string_view content, unsigned mode) {
  const auto temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return std::unexpected(file_error(ErrorCode::kUnavailable, temporary, std::strerror(errno)));
  const bool written = ::fchmod(fd, static_cast<mode_t>(mode)) == 0 &&
                       ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return std::unexpected(file_error(ErrorCode::kUnavailable, path, "cannot write"));
  }
  return {};
}

Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t bytes_max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(file_error(ErrorCode::kNotFound, path, "cannot be read"));
  std::string content(bytes_max + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(in.gcount()));
  if (content.size() > bytes_max) return std::unexpected(file_error(ErrorCode::kDataLoss, path, "too large"));
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return content;
}

}  // namespace ektp::access
