#include "biometrics/rescale.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "biometrics/parameters.h"

namespace ektp::biometrics {

Result<GreyImage> rescale_to_500ppi(const GreyImage& image, int dpi) {
  if (image.empty()) return invalid_argument("cannot rescale an empty image");
  if (dpi < parameters::dpi_min || dpi > parameters::dpi_max) {
    return invalid_argument("resolution " + std::to_string(dpi) + " dpi is outside " +
                            std::to_string(parameters::dpi_min) + ".." +
                            std::to_string(parameters::dpi_max));
  }
  if (dpi == parameters::target_dpi) return image;
  const double scale = static_cast<double>(parameters::target_dpi) / dpi;
  GreyImage out;
  out.width = std::max(1, static_cast<int>(std::lround(image.width * scale)));
  out.height = std::max(1, static_cast<int>(std::lround(image.height * scale)));
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  // Each output pixel averages the source footprint (box filter) when shrinking, and
  // interpolates bilinearly when enlarging; both are sampled at 2x2 sub-positions.
  const double step = 1.0 / scale;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      double sum = 0.0;
      for (int sy = 0; sy < 2; ++sy) {
        for (int sx = 0; sx < 2; ++sx) {
          const double fx = std::clamp((x + 0.25 + 0.5 * sx) * step - 0.5, 0.0, image.width - 1.0);
          const double fy = std::clamp((y + 0.25 + 0.5 * sy) * step - 0.5, 0.0, image.height - 1.0);
          const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
          const int x1 = std::min(x0 + 1, image.width - 1), y1 = std::min(y0 + 1, image.height - 1);
          const double ax = fx - x0, ay = fy - y0;
          sum += (1 - ay) * ((1 - ax) * image.at(x0, y0) + ax * image.at(x1, y0)) +
                 ay * ((1 - ax) * image.at(x0, y1) + ax * image.at(x1, y1));
        }
      }
      out.pixels[static_cast<std::size_t>(y) * out.width + x] =
          static_cast<std::uint8_t>(std::clamp(std::lround(sum / 4.0), 0L, 255L));
    }
  }
  return out;
}

}  // namespace ektp::biometrics
