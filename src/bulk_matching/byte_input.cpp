#include "bulk_matching/byte_input.h"

#include <algorithm>
#include <istream>
#include <memory>
#include <utility>

namespace ektp::bulk {
namespace {

// Windows-1252 0x80–0x9F; 0 marks the five unassigned bytes (kept as the C1 control U+0080+n).
constexpr std::array<char16_t, 32> kWindows1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};


}  // namespace

std::string_view text_encoding_id(TextEncoding encoding) {
  return encoding == TextEncoding::kUtf8 ? "utf-8" : "windows-1252";
}

ByteSource istream_source(std::istream& in) {
  return [&in](std::span<char> buffer) -> Result<std::size_t> {
    if (in.bad()) return make_error(ErrorCode::kUnavailable, "the input stream failed");
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.bad()) return make_error(ErrorCode::kUnavailable, "reading the input stream failed");
    return static_cast<std::size_t>(in.gcount());
  };
}

ByteSource string_source(std::string_view text, std::size_t chunk_bytes) {
  auto offset = std::make_shared<std::size_t>(0);
  chunk_bytes = std::max<std::size_t>(chunk_bytes, 1);
  return [text, offset, chunk_bytes](std::span<char> buffer) -> Result<std::size_t> {
    const std::size_t n = std::min({buffer.size(), chunk_bytes, text.size() - *offset});
    std::copy_n(text.data() + *offset, n, buffer.data());
    *offset += n;
    return n;
  };
}

ByteSource observed_source(ByteSource source, std::function<void(std::string_view)> observer) {
  return [source = std::move(source),
          observer = std::move(observer)](std::span<char> buffer) -> Result<std::size_t> {
    auto n = source(buffer);
    if (n && *n > 0) observer(std::string_view(buffer.data(), *n));
    return n;
  };
}

std::size_t utf8_sequence_bytes(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte < 0x80) return 1;
  std::size_t length = 0;
  char32_t c = 0;
  if ((byte & 0xE0) == 0xC0) {
    length = 2;
    c = byte & 0x1F;
  } else if ((byte & 0xF0) == 0xE0) {
    length = 3;
    c = byte & 0x0F;
  } else if ((byte & 0xF8) == 0xF0) {
    length = 4;
    c = byte & 0x07;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80) return 0;
    c = (c << 6) | (next & 0x3F);
  }
  static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMinimum[length] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  return length;
}

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= text.size()) {
      std::uint64_t word = 0;
      std::copy_n(text.data() + i, 8, reinterpret_cast<char*>(&word));
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= text.size()) break;
    const std::size_t length = utf8_sequence_bytes(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

DecodedInput::DecodedInput(ByteSource source) : source_(std::move(source)) {}

Result<std::size_t> DecodedInput::read_some(std::size_t at) {
  auto n = source_(std::span<char>(raw_.data() + at, raw_.size() - at));
  if (!n) return std::unexpected(n.error());
  if (*n > raw_.size() - at) {
    return make_error(ErrorCode::kInternal, "byte source overran its buffer");
  }
  bytes_read_ += *n;
  return *n;
}

Status DecodedInput::start() {
  if (started_) return {};
  started_ = true;
  raw_.resize(std::max(kChunkBytes, kDetectBytes));
  // Fill the detection window: sources may return short chunks.
  std::size_t filled = 0;
  while (filled < kDetectBytes) {
    EKTP_ASSIGN_OR_RETURN(const std::size_t n, read_some(filled));
    if (n == 0) {
      at_end_ = true;
      break;
    }
    filled += n;
  }
  std::string_view window(raw_.data(), filled);
  if (window.starts_with("\xFF\xFE") || window.starts_with("\xFE\xFF")) {
    return invalid_argument(
        "the file is UTF-16 (byte-order mark FF FE or FE FF); save it as UTF-8 or CSV and upload "
        "it again");
  }
  if (window.starts_with("\xEF\xBB\xBF")) {
    bom_seen_ = true;
    window.remove_prefix(3);
  } else {
    std::size_t bad = first_invalid_utf8(window);
    // A sequence cut by the window's edge is not evidence against UTF-8.
    if (bad != std::string_view::npos && !at_end_ && window.size() - bad < 4) {
      const auto lead = static_cast<unsigned char>(window[bad]);
      const std::size_t want = (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3
                               : (lead & 0xF8) == 0xF0 ? 4 : 0;
      bool prefix_ok = want > window.size() - bad;
      for (std::size_t k = bad + 1; prefix_ok && k < window.size(); ++k) {
        prefix_ok = (static_cast<unsigned char>(window[k]) & 0xC0) == 0x80;
      }
      if (prefix_ok) bad = std::string_view::npos;
    }
    if (bad != std::string_view::npos) encoding_ = TextEncoding::kWindows1252;
  }
  decode(window);
  first_pending_ = true;
  return {};
}

void DecodedInput::decode(std::string_view raw) {
  if (encoding_ == TextEncoding::kUtf8) {
    current_ = raw;  // no copy: the chunk stays in raw_
    return;
  }
  decoded_.clear();
  decoded_.reserve(std::max<std::size_t>(raw.size() * 2, 64));  // on the heap: moves keep it
  for (const char ch : raw) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x80) {
      decoded_.push_back(ch);
    } else if (byte < 0xA0) {
      const char16_t mapped = kWindows1252High[byte - 0x80];
      append_utf8(decoded_, mapped != 0 ? mapped : byte);
    } else {
      append_utf8(decoded_, byte);
    }
  }
  current_ = decoded_;
}

Result<std::string_view> DecodedInput::next_chunk() {
  if (!started_) {
    EKTP_RETURN_IF_ERROR(start());
  }
  if (first_pending_) {
    first_pending_ = false;
    if (!current_.empty()) return current_;
  }
  if (at_end_) return std::string_view();
  EKTP_ASSIGN_OR_RETURN(const std::size_t n, read_some(0));
  if (n == 0) {
    at_end_ = true;
    return std::string_view();
  }
  decode(std::string_view(raw_.data(), n));
  return current_;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace ektp::bulk
