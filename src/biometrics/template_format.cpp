#include "biometrics/template_format.h"

#include <cmath>
#include <numbers>
#include <string>

#include "biometrics/byte_io.h"
#include "biometrics/checksum.h"
#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

constexpr std::uint8_t kMagic[4] = {'E', 'K', 'F', 'T'};
constexpr float kTwoPi = 2 * std::numbers::pi_v<float>;
constexpr std::size_t kHeaderBytes = 12;
constexpr std::size_t kMinutiaBytes = 8;

std::uint16_t encode_angle(float rad) {
  const double turns = rad / kTwoPi;
  return static_cast<std::uint16_t>(static_cast<std::uint32_t>(std::lround(turns * 65536.0)) & 0xFFFFu);
}

}  // namespace

Status validate(const FeatureTemplate& t) {
  if (t.width_px <= 0 || t.height_px <= 0 || t.width_px > 65535 || t.height_px > 65535)
    return invalid_argument("template image size is out of range");
  if (t.image_quality < 1 || t.image_quality > 5) return invalid_argument("image quality must be 1..5");
  if (t.minutiae.size() > parameters::minutiae_count_max)
    return invalid_argument("template has " + std::to_string(t.minutiae.size()) +
                            " minutiae; the limit is " + std::to_string(parameters::minutiae_count_max));
  for (const Minutia& m : t.minutiae) {
    if (m.x < 0 || m.y < 0 || m.x >= t.width_px || m.y >= t.height_px)
      return invalid_argument("minutia lies outside the image");
    if (!(m.angle_rad >= 0.0f && m.angle_rad < kTwoPi + 1e-4f))
      return invalid_argument("minutia angle is outside [0, 2pi)");
    if (m.type != MinutiaType::kEnding && m.type != MinutiaType::kBifurcation)
      return invalid_argument("minutia type is unknown");
    if (m.quality > 100) return invalid_argument("minutia quality is above 100");
  }
  return {};
}

Result<std::vector<std::uint8_t>> encode_template(const FeatureTemplate& t) {
  if (auto ok = validate(t); !ok) return std::unexpected(ok.error());
  detail::ByteWriter w;
  for (std::uint8_t c : kMagic) w.u8(c);
  w.u8(kTemplateFormatVersion);
  w.u8(t.image_quality);
  w.u16(static_cast<std::uint16_t>(t.width_px));
  w.u16(static_cast<std::uint16_t>(t.height_px));
  w.u16(static_cast<std::uint16_t>(t.minutiae.size()));
  for (const Minutia& m : t.minutiae) {
    w.u16(static_cast<std::uint16_t>(m.x));
    w.u16(static_cast<std::uint16_t>(m.y));
    w.u16(encode_angle(m.angle_rad));
    w.u8(static_cast<std::uint8_t>(m.type));
    w.u8(m.quality);
  }
  w.u32(crc32(w.bytes()));
  return std::move(w.bytes());
}

Result<FeatureTemplate> decode_template(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > parameters::template_bytes_max) return invalid_argument("template is too large");
  if (bytes.size() < kHeaderBytes + 4) return make_error(ErrorCode::kDataLoss, "template is truncated");
  for (std::size_t i = 0; i < 4; ++i)
    if (bytes[i] != kMagic[i]) return make_error(ErrorCode::kDataLoss, "not an ektp template (bad magic)");
  const std::size_t body = bytes.size() - 4;
  const std::uint32_t stored = (std::uint32_t{bytes[body]} << 24) | (std::uint32_t{bytes[body + 1]} << 16) |
                               (std::uint32_t{bytes[body + 2]} << 8) | bytes[body + 3];
  if (crc32(bytes.first(body)) != stored) return make_error(ErrorCode::kDataLoss, "template checksum mismatch");
  detail::ByteReader r(bytes.first(body));
  std::uint8_t version = 0, quality = 0;
  std::uint16_t width = 0, height = 0, count = 0;
  r.skip(4);
  if (!r.u8(version) || !r.u8(quality) || !r.u16(width) || !r.u16(height) || !r.u16(count))
    return make_error(ErrorCode::kDataLoss, "template header is truncated");
  if (version != kTemplateFormatVersion)
    return invalid_argument("template format version " + std::to_string(version) + " is not supported");
  if (r.remaining() != std::size_t{count} * kMinutiaBytes)
    return make_error(ErrorCode::kDataLoss, "template length does not match its minutia count");
  FeatureTemplate t;
  t.width_px = width;
  t.height_px = height;
  t.image_quality = quality;
  t.minutiae.reserve(count);
  for (std::uint16_t i = 0; i < count; ++i) {
    std::uint16_t x = 0, y = 0, angle = 0;
    std::uint8_t type = 0, q = 0;
    r.u16(x);
    r.u16(y);
    r.u16(angle);
    r.u8(type);
    r.u8(q);
    t.minutiae.push_back({x, y, static_cast<float>(angle) / 65536.0f * kTwoPi, static_cast<MinutiaType>(type), q});
  }
  if (auto ok = validate(t); !ok) return make_error(ErrorCode::kDataLoss, "decoded template is invalid: " + ok.error().message);
  return t;
}

}  // namespace ektp::biometrics
