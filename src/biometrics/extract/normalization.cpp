#include "biometrics/extract/normalization.h"

#include <algorithm>

#include "biometrics/parameters.h"

namespace ektp::biometrics {

FloatImage normalize(const GreyImage& image, const BlockStatistics& statistics) {
  constexpr int kBlock = parameters::block_px;
  constexpr float kStddevFloor = 4.0f;  // flat background must not be amplified into noise
  constexpr float kClamp = 3.0f;
  FloatImage out(image.width, image.height);
  const int bw = statistics.blocks_x, bh = statistics.blocks_y;
  for (int y = 0; y < image.height; ++y) {
    const float fy = std::clamp((y + 0.5f) / kBlock - 0.5f, 0.0f, bh - 1.0f);
    const int y0 = static_cast<int>(fy), y1 = std::min(y0 + 1, bh - 1);
    const float ay = fy - y0;
    for (int x = 0; x < image.width; ++x) {
      const float fx = std::clamp((x + 0.5f) / kBlock - 0.5f, 0.0f, bw - 1.0f);
      const int x0 = static_cast<int>(fx), x1 = std::min(x0 + 1, bw - 1);
      const float ax = fx - x0;
      auto lerp = [&](const std::vector<float>& v) {
        auto at = [&](int bx, int by) { return v[static_cast<std::size_t>(by) * bw + bx]; };
        return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) +
               ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
      };
      const float mean = lerp(statistics.mean);
      const float stddev = std::max(kStddevFloor, lerp(statistics.stddev));
      out.at(x, y) = std::clamp((image.at(x, y) - mean) / stddev, -kClamp, kClamp);
    }
  }
  return out;
}

}  // namespace ektp::biometrics
