#include "abis/synthetic.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "biometrics/parameters.h"

namespace ektp::abis {

namespace {

namespace bio = ektp::biometrics;
constexpr float kPi = std::numbers::pi_v<float>;
constexpr int kWidth = 320, kHeight = 420;
constexpr float kMinSpacingPx = 14.0f;

float uniform(Rng& rng, float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }

float wrap(float a) {
  a = std::fmod(a, 2 * kPi);
  return a < 0 ? a + 2 * kPi : a;
}

// Ridge flow of a loop: circular around a core, flattening away from it, plus a slow wave.
struct Flow {
  float core_x, core_y, tilt, wave;
  float at(float x, float y) const {
    const float around = std::atan2(y - core_y, x - core_x);
    const float r = std::hypot(x - core_x, y - core_y);
    const float blend = std::exp(-r / 120.0f);
    return tilt + blend * (around + kPi / 2) + (1 - blend) * 0.3f * std::sin(wave * y / 100.0f);
  }
};

}  // namespace

SyntheticFinger make_synthetic_finger(Rng& rng) {
  const Flow flow{uniform(rng, 120, 200), uniform(rng, 150, 250), uniform(rng, -0.4f, 0.4f), uniform(rng, 0.5f, 2.0f)};
  const int count = std::clamp(static_cast<int>(std::normal_distribution<float>(48, 10)(rng)), 20, 90);
  SyntheticFinger f;
  f.master.width_px = kWidth;
  f.master.height_px = kHeight;
  f.master.image_quality = 2;
  constexpr int kAttemptsMax = 4000;
  for (int attempt = 0; attempt < kAttemptsMax && static_cast<int>(f.master.minutiae.size()) < count; ++attempt) {
    const float x = uniform(rng, 30, kWidth - 30), y = uniform(rng, 30, kHeight - 30);
    // Inside the elliptical print.
    const float ex = (x - kWidth / 2.0f) / (kWidth / 2.0f - 30), ey = (y - kHeight / 2.0f) / (kHeight / 2.0f - 30);
    if (ex * ex + ey * ey > 1) continue;
    const bool crowded = std::any_of(f.master.minutiae.begin(), f.master.minutiae.end(), [&](const bio::Minutia& m) {
      return std::hypot(m.x - x, m.y - y) < kMinSpacingPx;
    });
    if (crowded) continue;
    const float direction = wrap(flow.at(x, y) + (rng() % 2 ? kPi : 0.0f));
    f.master.minutiae.push_back({static_cast<int>(x), static_cast<int>(y), direction,
                                 rng() % 2 ? bio::MinutiaType::kEnding : bio::MinutiaType::kBifurcation,
                                 static_cast<std::uint8_t>(uniform(rng, 40, 100))});
  }
  return f;
}

bio::FeatureTemplate make_impression(const SyntheticFinger& finger, Rng& rng, const ImpressionOptions& o) {
  const float rotation = uniform(rng, -o.rotation_rad_max, o.rotation_rad_max);
  const float tx = uniform(rng, -o.translation_px_max, o.translation_px_max);
  const float ty = uniform(rng, -o.translation_px_max, o.translation_px_max);
  // Elastic distortion: a smooth displacement field of two low-frequency waves.
  const float ax = uniform(rng, -o.distortion_px_max, o.distortion_px_max);
  const float ay = uniform(rng, -o.distortion_px_max, o.distortion_px_max);
  const float fx = uniform(rng, 0.005f, 0.015f), fy = uniform(rng, 0.005f, 0.015f), phase = uniform(rng, 0, 2 * kPi);
  // The sensor saw an ellipse of the print, shifted off centre.
  const float kept = uniform(rng, o.kept_area_min, 1.0f);
  const float cx = kWidth / 2.0f + uniform(rng, -40, 40), cy = kHeight / 2.0f + uniform(rng, -50, 50);
  const float rx = (kWidth / 2.0f) * std::sqrt(kept), ry = (kHeight / 2.0f) * std::sqrt(kept);
  std::normal_distribution<float> jitter_px(0, o.position_jitter_px), jitter_rad(0, o.angle_jitter_rad);
  std::bernoulli_distribution missing(o.missing_probability);

  bio::FeatureTemplate t;
  t.width_px = kWidth;
  t.height_px = kHeight;
  t.image_quality = 2;
  const float c = std::cos(rotation), s = std::sin(rotation);
  auto place = [&](float x, float y, float angle, bio::MinutiaType type, std::uint8_t quality) {
    const float dx = ax * std::sin(fy * y + phase), dy = ay * std::sin(fx * x + phase);
    const float u = x + dx - kWidth / 2.0f, v = y + dy - kHeight / 2.0f;
    // Image y points down, so a counter-clockwise turn of ISO angles is clockwise here.
    const float nx = kWidth / 2.0f + c * u + s * v + tx + jitter_px(rng);
    const float ny = kHeight / 2.0f - s * u + c * v + ty + jitter_px(rng);
    if (nx < 0 || ny < 0 || nx >= kWidth || ny >= kHeight) return;
    t.minutiae.push_back({static_cast<int>(nx), static_cast<int>(ny), wrap(angle + rotation + jitter_rad(rng)), type, quality});
  };
  for (const bio::Minutia& m : finger.master.minutiae) {
    const float ex = (m.x - cx) / rx, ey = (m.y - cy) / ry;
    if (ex * ex + ey * ey > 1 || missing(rng)) continue;
    place(static_cast<float>(m.x), static_cast<float>(m.y), m.angle_rad, m.type, m.quality);
  }
  const int spurious = std::poisson_distribution<int>(o.spurious_per_finger_mean)(rng);
  for (int k = 0; k < spurious; ++k) {
    const float a = uniform(rng, 0, 2 * kPi), r = std::sqrt(uniform(rng, 0, 1));
    place(cx + r * rx * std::cos(a), cy + r * ry * std::sin(a), uniform(rng, 0, 2 * kPi),
          bio::MinutiaType::kEnding, static_cast<std::uint8_t>(uniform(rng, 10, 50)));
  }
  if (t.minutiae.size() > bio::parameters::minutiae_count_max) t.minutiae.resize(bio::parameters::minutiae_count_max);
  return t;
}

}  // namespace ektp::abis
