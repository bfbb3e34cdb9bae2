#include "access/audit_journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/crc.hpp>
#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

namespace ektp::access {

namespace {

constexpr std::string_view kHeader = "EKTP-AUDIT-JOURNAL 1\n";
constexpr std::string_view kPrefix = "seg-";
constexpr std::string_view kSuffix = ".log";

Error journal_error(const std::filesystem::path& path, std::string_view what) {
  return Error{ErrorCode::kUnavailable, fmt::format("audit journal {}: {}", path.string(), what)};
}

std::uint32_t crc_of(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_i64(std::string& out, std::int64_t value) {
  const auto v = static_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::uint64_t get_le(std::string_view bytes, std::size_t at, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return v;
}

// One record: u32 payload length, the payload (at_ms, then actor, action, subject, detail each
// with a u32 length), u32 CRC-32 of the payload; little-endian.
Status encode_record(std::string& out, const AuditEntry& e) {
  std::string payload;
  put_i64(payload, e.at_ms);
  for (const std::string* field : {&e.actor, &e.action, &e.subject, &e.detail}) {
    put_u32(payload, static_cast<std::uint32_t>(field->size()));
    payload += *field;
  }
  if (payload.size() > journal_limits::record_bytes_max) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("audit record of {} bytes, at most {}", payload.size(), journal_limits::record_bytes_max));
  }
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  out += payload;
  put_u32(out, crc_of(payload));
  return {};
}

// The entry in `payload`, or nullopt when its fields do not add up.
std::optional<AuditEntry> decode_payload(std::string_view payload) {
  if (payload.size() < 8) return std::nullopt;
  AuditEntry e;
  e.at_ms = static_cast<std::int64_t>(get_le(payload, 0, 8));
  std::size_t at = 8;
  for (std::string* field : {&e.actor, &e.action, &e.subject, &e.detail}) {
    if (payload.size() - at < 4) return std::nullopt;
    const auto size = static_cast<std::size_t>(get_le(payload, at, 4));
    at += 4;
    if (payload.size() - at < size) return std::nullopt;
    field->assign(payload.substr(at, size));
    at += size;
  }
  if (at != payload.size()) return std::nullopt;
  return e;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void sync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

std::string segment_id_of(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return {};
  return name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
}

// A new segment, locked before it is visible under its name (so no one takes it for an orphan).
Result<std::pair<std::filesystem::path, int>> create_segment(const std::filesystem::path& dir) {
  unsigned char random[12];
  randombytes_buf(random, sizeof random);
  std::string id;
  for (unsigned char b : random) id += fmt::format("{:02x}", b);
  const auto temporary = dir / fmt::format(".seg-{}.tmp", id);
  const auto path = dir / fmt::format("{}{}{}", kPrefix, id, kSuffix);
  const int fd = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(journal_error(temporary, std::strerror(errno)));
  const bool ready = ::flock(fd, LOCK_EX | LOCK_NB) == 0 && write_all(fd, kHeader) && ::fdatasync(fd) == 0 &&
                     std::rename(temporary.c_str(), path.c_str()) == 0;
  if (!ready) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    std::remove(temporary.c_str());
    return std::unexpected(journal_error(path, "cannot be created: " + why));
  }
  sync_dir(dir);
  return std::pair{path, fd};
}

// Removes a segment that was moved (or held nothing) and forgets its move.
void remove_segment(store::Database& db, const std::filesystem::path& path, const std::string& id, bool moved) {
  if (std::remove(path.c_str()) != 0) {
    spdlog::error("audit journal: cannot remove {} ({}); it will be found moved next time", path.string(),
                  std::strerror(errno));
    return;
  }
  sync_dir(path.parent_path());
  if (!moved) return;
  auto forgotten = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    EKTP_RETURN_IF_ERROR(c.execute("DELETE FROM audit_journal_moves WHERE segment = $1", {id}));
    return true;
  });
  if (!forgotten) spdlog::warn("audit journal: the move of {} stays recorded: {}", id, forgotten.error().message);
}

}  // namespace

std::filesystem::path audit_journal_dir(const std::filesystem::path& anchor_dir) { return anchor_dir / "journal"; }

ClosedSegment::ClosedSegment(ClosedSegment&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

ClosedSegment& ClosedSegment::operator=(ClosedSegment&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

ClosedSegment::~ClosedSegment() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

Result<JournalSegmentContent> read_journal_segment(const std::filesystem::path& path) {
  JournalSegmentContent content;
  content.id = segment_id_of(path);
  if (content.id.empty()) return std::unexpected(journal_error(path, "is not named seg-<id>.log"));
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return std::unexpected(journal_error(path, ec.message()));
  if (size > journal_limits::segment_bytes_max) {
    return std::unexpected(Error{ErrorCode::kDataLoss, fmt::format("audit journal {}: {} bytes, at most {}",
                                                                   path.string(), size, journal_limits::segment_bytes_max)});
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(journal_error(path, std::strerror(errno)));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  bytes.resize(got);
  const std::string_view all(bytes);
  if (!all.starts_with(kHeader)) {
    return std::unexpected(Error{ErrorCode::kDataLoss, fmt::format("audit journal {}: not a journal segment", path.string())});
  }
  std::size_t at = kHeader.size();
  while (all.size() - at >= 8) {
    const auto length = static_cast<std::size_t>(get_le(all, at, 4));
    if (length > journal_limits::record_bytes_max || all.size() - at - 4 < length + 4) break;
    const auto payload = all.substr(at + 4, length);
    if (get_le(all, at + 4 + length, 4) != crc_of(payload)) break;
    auto entry = decode_payload(payload);
    if (!entry) break;
    content.entries.push_back(std::move(*entry));
    at += 8 + length;
  }
  content.bytes_dropped = all.size() - at;
  return content;
}

Result<std::size_t> move_journal_segment(store::Database& db, const ClosedSegment& segment) {
  EKTP_ASSIGN_OR_RETURN(auto content, read_journal_segment(segment.path()));
  if (content.entries.empty() && content.bytes_dropped == 0) {
    remove_segment(db, segment.path(), content.id, false);
    return 0;
  }
  if (content.bytes_dropped > 0) {
    spdlog::warn("audit journal {}: {} bytes after the last whole record are dropped (a torn append, or damage)",
                 segment.path().string(), content.bytes_dropped);
  }
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto moved = store::with_write_transaction<std::size_t>(db, [&](store::Connection& c) -> Result<std::size_t> {
    EKTP_ASSIGN_OR_RETURN(auto earlier, c.execute("SELECT 1 FROM audit_journal_moves WHERE segment = $1", {content.id}));
    if (!earlier.rows.empty()) return std::size_t{0};
    std::vector<AuditEntry> entries = content.entries;
    if (content.bytes_dropped > 0) {
      // What could not be read is itself on the record.
      entries.push_back({now_ms, "system", "audit.journal_damaged", content.id,
                         fmt::format("{} bytes after entry {} could not be read", content.bytes_dropped,
                                     content.entries.size())});
    }
    EKTP_RETURN_IF_ERROR(append_audit_batch(c, entries));
    EKTP_RETURN_IF_ERROR(c.execute("INSERT INTO audit_journal_moves (segment, entries, moved_at_ms) VALUES ($1, $2, $3)",
                                   {content.id, static_cast<std::int64_t>(entries.size()), now_ms}));
    return content.entries.size();
  });
  if (!moved) return std::unexpected(moved.error());
  remove_segment(db, segment.path(), content.id, true);
  return *moved;
}

Result<std::size_t> move_orphaned_journal_segments(store::Database& db, const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return 0;
  std::vector<std::filesystem::path> candidates;
  for (const auto& item : std::filesystem::directory_iterator(dir, ec)) {
    if (!segment_id_of(item.path()).empty()) candidates.push_back(item.path());
  }
  if (ec) return std::unexpected(journal_error(dir, ec.message()));
  std::size_t moved = 0;
  for (const auto& path : candidates) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // moved by someone else meanwhile
    ClosedSegment segment(path, fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) continue;  // a live process holds it
    // Whoever moved it before us removed it before letting go of the lock.
    struct stat held {}, named {};
    if (::fstat(fd, &held) != 0 || ::stat(path.c_str(), &named) != 0 || held.st_ino != named.st_ino) continue;
    EKTP_ASSIGN_OR_RETURN(auto n, move_journal_segment(db, segment));
    if (n > 0) spdlog::info("audit journal: moved {} entries left in {}", n, path.filename().string());
    moved += n;
  }
  return moved;
}

Result<std::unique_ptr<AuditJournal>> AuditJournal::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return std::unexpected(journal_error(dir, ec.message()));
  if (::chmod(dir.c_str(), 0700) != 0) return std::unexpected(journal_error(dir, std::strerror(errno)));
  EKTP_ASSIGN_OR_RETURN(auto segment, create_segment(dir));
  return std::unique_ptr<AuditJournal>(new AuditJournal(dir, std::move(segment.first), segment.second));
}

AuditJournal::AuditJournal(std::filesystem::path dir, std::filesystem::path path, int fd)
    : dir_(std::move(dir)), path_(std::move(path)), fd_(fd), bytes_(kHeader.size()) {}

AuditJournal::~AuditJournal() {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return;
  // An open segment with nothing in it is not worth leaving for the next mover.
  if (entries_ == 0) std::remove(path_.c_str());
  ::close(fd_);
}

Status AuditJournal::append(const std::vector<AuditEntry>& entries) {
  std::string bytes;
  for (const auto& e : entries) EKTP_RETURN_IF_ERROR(encode_record(bytes, e));
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return std::unexpected(journal_error(path_, "is closed"));
  if (bytes_ + bytes.size() > journal_limits::segment_bytes_max) {
    return std::unexpected(journal_error(path_, "is full; its entries are not being moved"));
  }
  if (!write_all(fd_, bytes) || ::fdatasync(fd_) != 0) {
    const std::string why = std::strerror(errno);
    // Cut what may have been half written, so the next append follows a whole record.
    (void)::ftruncate(fd_, static_cast<off_t>(bytes_));
    return std::unexpected(journal_error(path_, "cannot be written: " + why));
  }
  bytes_ += bytes.size();
  entries_ += entries.size();
  return {};
}

std::size_t AuditJournal::open_entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

Result<std::optional<ClosedSegment>> AuditJournal::rotate() {
  std::lock_guard lock(mutex_);
  if (entries_ == 0) return std::optional<ClosedSegment>();
  EKTP_ASSIGN_OR_RETURN(auto next, create_segment(dir_));
  ClosedSegment closed(std::exchange(path_, std::move(next.first)), std::exchange(fd_, next.second));
  entries_ = 0;
  bytes_ = kHeader.size();
  return std::optional<ClosedSegment>(std::move(closed));
}

}  // namespace ektp::access
