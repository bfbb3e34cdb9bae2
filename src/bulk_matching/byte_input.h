// The byte side of an agency file: a pull source of raw bytes, and the decoder both readers (CSV
// and JSON Lines) read through, which strips a UTF-8 byte-order mark and converts a file that is
// not UTF-8 from Windows-1252 (a superset of Latin-1) to UTF-8. Streaming: never more than one
// chunk (64 KiB, twice that once converted) is held. No I/O of its own; the job hands in the
// stream. Thread-safety: one DecodedInput per file, used by one thread at a time.
//
// Encoding rule (decided once, from the start of the file):
//   * EF BB BF at the start: UTF-8; the mark is dropped and reported (bom_seen).
//   * FF FE or FE FF at the start (UTF-16): refused; the agency must save the file as UTF-8.
//   * otherwise, the first 64 KiB (or the whole file, when shorter) is checked: if every byte
//     sequence in it is valid UTF-8 (an incomplete sequence cut by the 64 KiB edge is allowed), the
//     file is UTF-8; if not, the whole file is Windows-1252 and every byte is converted (0x80–0x9F
//     by the Windows-1252 table, its five unassigned bytes to the C1 controls of the same value,
//     which the field checks then reject; 0xA0–0xFF are Latin-1).
//   * A file judged UTF-8 is never converted later: a stray invalid byte after the first 64 KiB
//     makes its own record invalid (the readers check each record), not the whole file Latin-1.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ektp::bulk {

// Fills `buffer` with up to buffer.size() bytes and returns how many it wrote; 0 means the end.
// An error (a failed read) ends reading the file.
using ByteSource = std::function<Result<std::size_t>(std::span<char> buffer)>;

// Reads `in` with istream::read; a stream that goes bad() is an error. `in` must outlive it.
ByteSource istream_source(std::istream& in);
// Serves `text` (which must outlive the source) in chunks of at most `chunk_bytes`; for tests and
// for content already in memory. A small chunk size exercises the readers' chunk edges.
ByteSource string_source(std::string_view text, std::size_t chunk_bytes = 64 << 10);
// Passes every chunk read from `source` to `observer` as well, e.g. so that the job can hash the
// file (SHA-256 fingerprint, to recognise a second upload of the same file) in the same pass.
ByteSource observed_source(ByteSource source, std::function<void(std::string_view)> observer);

enum class TextEncoding : std::uint8_t { kUtf8, kWindows1252 };
std::string_view text_encoding_id(TextEncoding encoding);  // "utf-8" / "windows-1252"

// Is text[at..] the start of a valid UTF-8 sequence? Returns its length (1–4), or 0 if not
// (overlong forms, surrogates and code points above U+10FFFF are not valid). A sequence cut by
// the end of `text` is invalid here.
std::size_t utf8_sequence_bytes(std::string_view text, std::size_t at);
// The offset of the first byte that does not start a valid UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view text);

class DecodedInput {
 public:
  static constexpr std::size_t kChunkBytes = 64 << 10;
  static constexpr std::size_t kDetectBytes = 64 << 10;

  explicit DecodedInput(ByteSource source);
  // Move-only: the chunk handed out points into this object's buffers, which a move keeps (they
  // are on the heap) and a copy would not.
  DecodedInput(DecodedInput&&) = default;
  DecodedInput& operator=(DecodedInput&&) = default;
  DecodedInput(const DecodedInput&) = delete;
  DecodedInput& operator=(const DecodedInput&) = delete;

  // Reads the start of the file and decides the encoding (rule above). Call once, first; fails on
  // a source error or a UTF-16 file.
  Status start();

  TextEncoding encoding() const { return encoding_; }
  bool bom_seen() const { return bom_seen_; }

  // The first decoded chunk, without consuming it (format and delimiter detection look at it);
  // empty for an empty file. Valid until next_chunk().
  std::string_view peek() const { return first_pending_ ? current_ : std::string_view(); }

  // The next run of UTF-8 text (converted when the file is Windows-1252); empty at the end.
  // Valid until the next call.
  Result<std::string_view> next_chunk();

  std::uint64_t bytes_read() const { return bytes_read_; }  // raw bytes taken from the source

 private:
  Result<std::size_t> read_some(std::size_t at);
  void decode(std::string_view raw);

  ByteSource source_;
  std::string raw_;
  std::string decoded_;        // the converted chunk (Windows-1252 files only)
  std::string_view current_;   // the chunk handed out: into raw_ (UTF-8) or decoded_
  TextEncoding encoding_ = TextEncoding::kUtf8;
  bool bom_seen_ = false;
  bool started_ = false;
  bool first_pending_ = false;
  bool at_end_ = false;
  std::uint64_t bytes_read_ = 0;
};

// Appends the UTF-8 encoding of code point `c` (at most U+10FFFF; the caller checks).
void append_utf8(std::string& out, char32_t c);

}  // namespace ektp::bulk
