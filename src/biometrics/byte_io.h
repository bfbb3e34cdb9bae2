// Bounds-checked big-endian readers and writers for binary formats (our templates, ISO records,
// galleries). A reader never reads past its span; each read reports failure instead.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ektp::biometrics::detail {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void u16(std::uint16_t v) { u8(static_cast<std::uint8_t>(v >> 8)); u8(static_cast<std::uint8_t>(v)); }
  void u32(std::uint32_t v) { u16(static_cast<std::uint16_t>(v >> 16)); u16(static_cast<std::uint16_t>(v)); }
  void put_u32_at(std::size_t offset, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_[offset + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  }
  std::size_t size() const { return bytes_.size(); }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool u8(std::uint8_t& v) {
    if (position_ + 1 > bytes_.size()) return false;
    v = bytes_[position_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    std::uint8_t a = 0, b = 0;
    if (!u8(a) || !u8(b)) return false;
    v = static_cast<std::uint16_t>((a << 8) | b);
    return true;
  }
  bool u32(std::uint32_t& v) {
    std::uint16_t a = 0, b = 0;
    if (!u16(a) || !u16(b)) return false;
    v = (std::uint32_t{a} << 16) | b;
    return true;
  }
  bool skip(std::size_t n) {
    if (n > bytes_.size() - position_) return false;
    position_ += n;
    return true;
  }
  std::size_t position() const { return position_; }
  std::size_t remaining() const { return bytes_.size() - position_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
};

}  // namespace ektp::biometrics::detail
