#include "biometrics/image_header.h"

#include <cstring>
#include <optional>

namespace ektp::biometrics {

namespace {

constexpr std::uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

std::uint32_t big_endian32(std::span<const std::uint8_t> b, std::size_t i) {
  return (std::uint32_t{b[i]} << 24) | (std::uint32_t{b[i + 1]} << 16) |
         (std::uint32_t{b[i + 2]} << 8) | b[i + 3];
}

std::uint32_t big_endian16(std::span<const std::uint8_t> b, std::size_t i) {
  return (std::uint32_t{b[i]} << 8) | b[i + 1];
}

bool is_png(std::span<const std::uint8_t> b) {
  return b.size() >= 8 && std::memcmp(b.data(), kPngSignature, 8) == 0;
}

bool is_jpeg(std::span<const std::uint8_t> b) {
  return b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

// Markers that stand alone, without a length field: TEM, RST0-7, SOI, EOI.
bool marker_has_no_length(std::uint8_t m) {
  return m == 0x01 || (m >= 0xD0 && m <= 0xD9);
}

// SOF0..SOF15, leaving out DHT (C4), JPG (C8) and DAC (CC), which share the range.
bool is_start_of_frame(std::uint8_t m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

struct JpegMarker {
  std::uint8_t code = 0;
  std::size_t position = 0;  // of the first byte after the marker code
};

// The next marker at or after `i` in the header part of a JPEG (segments are length-prefixed,
// so this walk is bounded by the file size). nullopt when the bytes end first.
std::optional<JpegMarker> next_marker(std::span<const std::uint8_t> b, std::size_t i) {
  if (i >= b.size() || b[i] != 0xFF) return std::nullopt;
  while (i < b.size() && b[i] == 0xFF) ++i;  // fill bytes
  if (i >= b.size()) return std::nullopt;
  return JpegMarker{b[i], i + 1};
}

// What the header walk found: the frame size (SOF) and where the first scan's data begins.
struct JpegWalk {
  std::optional<ImageHeader> frame;
  std::optional<std::size_t> scan_data;
};

JpegWalk walk_jpeg(std::span<const std::uint8_t> b) {
  JpegWalk walk;
  std::size_t i = 2;  // after SOI
  while (true) {
    auto marker = next_marker(b, i);
    if (!marker) return walk;
    if (marker_has_no_length(marker->code)) {
      i = marker->position;
      continue;
    }
    const std::size_t p = marker->position;
    if (p + 2 > b.size()) return walk;
    const std::size_t length = big_endian16(b, p);
    if (length < 2 || p + length > b.size()) return walk;
    if (is_start_of_frame(marker->code) && !walk.frame && length >= 7) {
      // precision(1), height(2), width(2)
      walk.frame = ImageHeader{ImageFormat::kJpeg, big_endian16(b, p + 5), big_endian16(b, p + 3)};
    }
    if (marker->code == 0xDA) {  // SOS: entropy-coded data follows its header
      walk.scan_data = p + length;
      return walk;
    }
    i = p + length;
  }
}

}  // namespace

Result<ImageHeader> read_image_header(std::span<const std::uint8_t> bytes) {
  if (is_png(bytes)) {
    // Signature(8), then the IHDR chunk: length(4) "IHDR" width(4) height(4).
    if (bytes.size() < 24 || std::memcmp(bytes.data() + 12, "IHDR", 4) != 0) {
      return invalid_argument("PNG header is cut short or has no IHDR chunk");
    }
    ImageHeader header{ImageFormat::kPng, big_endian32(bytes, 16), big_endian32(bytes, 20)};
    if (header.width == 0 || header.height == 0) return invalid_argument("PNG header says 0 px");
    return header;
  }
  if (is_jpeg(bytes)) {
    auto walk = walk_jpeg(bytes);
    if (!walk.frame) return invalid_argument("JPEG has no frame header (SOF) before its data");
    // A height of 0 means "set by a DNL marker later"; libjpeg refuses it, so do we.
    if (walk.frame->width == 0 || walk.frame->height == 0) {
      return invalid_argument("JPEG frame header says 0 px");
    }
    return *walk.frame;
  }
  return invalid_argument("not a JPEG or PNG image");
}

bool jpeg_has_end_marker(std::span<const std::uint8_t> bytes) {
  if (!is_jpeg(bytes)) return false;
  auto walk = walk_jpeg(bytes);
  if (!walk.scan_data) return false;
  // Inside entropy-coded data an 0xFF byte is always followed by 0x00 or a restart marker, so
  // the first FF D9 after the first scan header is the end of the image (progressive passes are
  // separated by other markers, never by EOI).
  for (std::size_t i = *walk.scan_data; i + 1 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && bytes[i + 1] == 0xD9) return true;
  }
  return false;
}

}  // namespace ektp::biometrics
