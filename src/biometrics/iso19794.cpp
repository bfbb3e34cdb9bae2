#include "biometrics/iso19794.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "biometrics/byte_io.h"
#include "biometrics/parameters.h"
#include "biometrics/template_format.h"

namespace ektp::biometrics {

namespace {

constexpr std::uint8_t kMagic[4] = {'F', 'M', 'R', 0};
constexpr std::uint8_t kVersion[4] = {' ', '2', '0', 0};
constexpr std::size_t kHeaderBytes = 24;
constexpr std::size_t kViewHeaderBytes = 4;
constexpr std::size_t kMinutiaBytes = 6;
constexpr std::uint16_t kPixelsPerCm = 197;  // 500 ppi
constexpr std::uint8_t kViewsMax = 16;
constexpr float kTwoPi = 2 * std::numbers::pi_v<float>;

std::unexpected<Error> corrupt(const std::string& what) {
  return make_error(ErrorCode::kDataLoss, "ISO 19794-2 record: " + what);
}

std::uint8_t finger_quality_of(std::uint8_t level) { return static_cast<std::uint8_t>((6 - level) * 20); }
std::uint8_t level_of(std::uint8_t finger_quality) {
  return static_cast<std::uint8_t>(std::clamp(6 - (finger_quality + 19) / 20, 1, 5));
}

}  // namespace

Result<std::vector<std::uint8_t>> encode_iso19794_2(const FeatureTemplate& t, IsoRecordOptions options) {
  if (auto ok = validate(t); !ok) return std::unexpected(ok.error());
  if (t.width_px > 0x3FFF || t.height_px > 0x3FFF) return invalid_argument("image too large for ISO coordinates");
  if (options.finger_position > 10) return invalid_argument("finger position must be 0..10");
  detail::ByteWriter w;
  for (auto c : kMagic) w.u8(c);
  for (auto c : kVersion) w.u8(c);
  const std::size_t length = kHeaderBytes + kViewHeaderBytes + t.minutiae.size() * kMinutiaBytes + 2;
  w.u32(static_cast<std::uint32_t>(length));
  w.u16(0);  // no certification, unknown device
  w.u16(static_cast<std::uint16_t>(t.width_px));
  w.u16(static_cast<std::uint16_t>(t.height_px));
  w.u16(kPixelsPerCm);
  w.u16(kPixelsPerCm);
  w.u8(1);  // one finger view
  w.u8(0);  // reserved
  w.u8(options.finger_position);
  w.u8(static_cast<std::uint8_t>(options.impression_type & 0x0F));  // view 0, impression type
  w.u8(finger_quality_of(t.image_quality));
  w.u8(static_cast<std::uint8_t>(t.minutiae.size()));
  for (const Minutia& m : t.minutiae) {
    const std::uint16_t type = m.type == MinutiaType::kEnding ? 1 : 2;
    w.u16(static_cast<std::uint16_t>((type << 14) | static_cast<std::uint16_t>(m.x)));
    w.u16(static_cast<std::uint16_t>(m.y));
    w.u8(static_cast<std::uint8_t>(static_cast<int>(std::lround(m.angle_rad / kTwoPi * 256.0f)) & 0xFF));
    w.u8(m.quality);
  }
  w.u16(0);  // no extended data
  return std::move(w.bytes());
}

Result<FeatureTemplate> decode_iso19794_2(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > parameters::template_bytes_max) return corrupt("larger than the template limit");
  if (bytes.size() < kHeaderBytes + kViewHeaderBytes + 2) return corrupt("truncated header");
  if (!std::equal(kMagic, kMagic + 4, bytes.begin())) return corrupt("bad format identifier");
  if (!std::equal(kVersion, kVersion + 4, bytes.begin() + 4)) return corrupt("unsupported version");
  detail::ByteReader r(bytes);
  r.skip(8);
  std::uint32_t length = 0;
  std::uint16_t device = 0, width = 0, height = 0, xres = 0, yres = 0;
  std::uint8_t views = 0, reserved = 0;
  if (!r.u32(length) || !r.u16(device) || !r.u16(width) || !r.u16(height) || !r.u16(xres) || !r.u16(yres) ||
      !r.u8(views) || !r.u8(reserved))
    return corrupt("truncated header");
  if (length != bytes.size()) return corrupt("record length " + std::to_string(length) + " does not match " +
                                             std::to_string(bytes.size()) + " bytes");
  if (width == 0 || height == 0) return corrupt("zero image size");
  if (xres == 0 || yres == 0) return corrupt("zero resolution");
  if (views == 0 || views > kViewsMax) return corrupt("finger view count " + std::to_string(views));
  std::uint8_t position = 0, view_type = 0, quality = 0, count = 0;
  if (!r.u8(position) || !r.u8(view_type) || !r.u8(quality) || !r.u8(count)) return corrupt("truncated view");
  if (position > 10) return corrupt("finger position " + std::to_string(position));
  if (quality > 100) return corrupt("finger quality above 100");
  if (count > parameters::minutiae_count_max) return corrupt("too many minutiae");
  if (r.remaining() < std::size_t{count} * kMinutiaBytes + 2) return corrupt("minutiae truncated");
  FeatureTemplate t;
  t.width_px = width;
  t.height_px = height;
  t.image_quality = level_of(quality);
  for (int i = 0; i < count; ++i) {
    std::uint16_t type_x = 0, y = 0;
    std::uint8_t angle = 0, q = 0;
    r.u16(type_x);
    r.u16(y);
    r.u8(angle);
    r.u8(q);
    const int type = type_x >> 14;
    if (type != 1 && type != 2) return corrupt("minutia type " + std::to_string(type) + " is not supported");
    if (q > 100) return corrupt("minutia quality above 100");
    t.minutiae.push_back({type_x & 0x3FFF, y & 0x3FFF, angle / 256.0f * kTwoPi,
                          type == 1 ? MinutiaType::kEnding : MinutiaType::kBifurcation, q});
  }
  std::uint16_t extended = 0;
  if (!r.u16(extended)) return corrupt("extended data length missing");
  if (views == 1 && extended != r.remaining()) return corrupt("extended data length does not match");
  if (auto ok = validate(t); !ok) return corrupt(ok.error().message);
  return t;
}

}  // namespace ektp::biometrics
