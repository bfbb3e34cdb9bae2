// The token user PIN from an owner-only file or the environment (token_pin.h).
#include "card/token_pin.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ektp::card {

Result<std::string> read_token_pin(const std::optional<std::filesystem::path>& pin_file) {
  if (!pin_file) {
    const char* env = std::getenv("EKTP_TOKEN_PIN");
    if (env == nullptr) {
      return not_found("no token PIN: give a PIN file (mode 0600, yours) or set EKTP_TOKEN_PIN");
    }
    if (*env == '\0') return invalid_argument("EKTP_TOKEN_PIN is set but empty");
    return std::string(env);
  }
  const std::string path = pin_file->string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return not_found(fmt::format("cannot open PIN file {}: {}", path, std::strerror(errno)));
  struct Closer {
    int fd = -1;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return make_error(ErrorCode::kInternal, fmt::format("cannot stat PIN file {}: {}", path, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return invalid_argument(fmt::format("PIN file {} is not a regular file", path));
  if (st.st_uid != ::geteuid()) {
    return refusal(ErrorCode::kFailedPrecondition, "pin_file_owner",
                   fmt::format("PIN file {} belongs to uid {}, not to this user (uid {})", path, st.st_uid, ::geteuid()));
  }
  if ((st.st_mode & 077) != 0) {
    return refusal(ErrorCode::kFailedPrecondition, "pin_file_permissions",
                   fmt::format("PIN file {} has mode {:04o}: group or others may use it; make it 0600 (chmod 600)",
                               path, st.st_mode & 07777));
  }
  std::string pin;
  char buffer[256];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kInternal, fmt::format("cannot read PIN file {}: {}", path, std::strerror(errno)));
    }
    if (n == 0) break;
    pin.append(buffer, static_cast<std::size_t>(n));
    if (pin.size() > 4096) return invalid_argument(fmt::format("PIN file {} is too long for a PIN", path));
  }
  if (!pin.empty() && pin.back() == '\n') pin.pop_back();
  if (!pin.empty() && pin.back() == '\r') pin.pop_back();
  if (pin.empty()) return invalid_argument(fmt::format("PIN file {} is empty", path));
  return pin;
}

}  // namespace ektp::card
