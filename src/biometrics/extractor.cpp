#include "biometrics/extractor.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "biometrics/extract/enhancement.h"
#include "biometrics/extract/minutiae_detection.h"
#include "biometrics/extract/minutiae_filter.h"
#include "biometrics/extract/normalization.h"
#include "biometrics/extract/orientation.h"
#include "biometrics/extract/quality.h"
#include "biometrics/extract/segmentation.h"
#include "biometrics/extract/thinning.h"
#include "biometrics/parameters.h"
#include "biometrics/rescale.h"

namespace ektp::biometrics {

namespace {

// Renderers for the trace: only called when a sink accepts the key.
GreyImage render_mask(const BlockMask& mask, int w, int h) {
  GreyImage g{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) g.pixels[static_cast<std::size_t>(y) * w + x] = mask.at_pixel(x, y) ? 255 : 0;
  return g;
}

GreyImage render_float(const FloatImage& f, float lo, float hi) {
  GreyImage g{f.width, f.height, std::vector<std::uint8_t>(f.values.size())};
  for (std::size_t i = 0; i < f.values.size(); ++i)
    g.pixels[i] = static_cast<std::uint8_t>(std::clamp((f.values[i] - lo) / (hi - lo) * 255.0f, 0.0f, 255.0f));
  return g;
}

GreyImage render_binary(const GreyImage& b, bool invert) {
  GreyImage g = b;
  for (auto& p : g.pixels) p = (p != 0) != invert ? 255 : 0;
  return g;
}

GreyImage render_orientation(const OrientationField& o, const BlockMask& mask, int w, int h) {
  GreyImage g{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h, 255)};
  for (int by = 0; by < o.blocks_y; ++by) {
    for (int bx = 0; bx < o.blocks_x; ++bx) {
      if (!mask.at(bx, by)) continue;
      const float a = o.angle_at(bx, by);
      for (int t = -3; t <= 3; ++t) {
        const int x = bx * o.block_px + o.block_px / 2 + static_cast<int>(std::lround(t * std::cos(a)));
        const int y = by * o.block_px + o.block_px / 2 + static_cast<int>(std::lround(t * std::sin(a)));
        if (x >= 0 && y >= 0 && x < w && y < h) g.pixels[static_cast<std::size_t>(y) * w + x] = 0;
      }
    }
  }
  return g;
}

GreyImage render_period(const PeriodField& p, const BlockMask& mask, int w, int h) {
  GreyImage g{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h, 0)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (mask.at_pixel(x, y))
        g.pixels[static_cast<std::size_t>(y) * w + x] = static_cast<std::uint8_t>(
            std::clamp(p.at(x / mask.block_px, y / mask.block_px) * 16.0f, 0.0f, 255.0f));
  return g;
}

GreyImage render_minutiae(const GreyImage& skeleton, const std::vector<Minutia>& minutiae) {
  GreyImage g = render_binary(skeleton, true);
  for (auto& p : g.pixels) p = p == 0 ? 128 : 255;
  for (const Minutia& m : minutiae) {
    for (int t = 0; t <= 12; ++t) {  // a tick along the minutia direction
      const int x = m.x + static_cast<int>(std::lround(t * std::cos(m.angle_rad)));
      const int y = m.y - static_cast<int>(std::lround(t * std::sin(m.angle_rad)));
      if (x >= 0 && y >= 0 && x < g.width && y < g.height) g.pixels[static_cast<std::size_t>(y) * g.width + x] = 0;
    }
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) {
        const int x = m.x + dx, y = m.y + dy;
        if (x >= 0 && y >= 0 && x < g.width && y < g.height) g.pixels[static_cast<std::size_t>(y) * g.width + x] = 0;
      }
  }
  return g;
}

template <class Render>
void offer(TraceSink* sink, std::string_view key, Render&& render) {
  if (sink != nullptr && sink->accepts(key)) sink->take(key, render());
}

}  // namespace

Result<FeatureTemplate> extract(const GreyImage& input, int dpi, TraceSink* sink) {
  if (input.empty() || input.pixels.size() != static_cast<std::size_t>(input.width) * input.height)
    return invalid_argument("image is empty or its pixel buffer does not match its size");
  if (input.width < parameters::image_side_px_min || input.height < parameters::image_side_px_min ||
      input.width > parameters::image_side_px_max || input.height > parameters::image_side_px_max)
    return invalid_argument("image is " + std::to_string(input.width) + "x" +
                            std::to_string(input.height) + " px, outside the size limits");
  auto scaled = rescale_to_500ppi(input, dpi);
  if (!scaled) return std::unexpected(scaled.error());
  const GreyImage& image = *scaled;
  if (image.width < parameters::image_side_px_min || image.height < parameters::image_side_px_min)
    return invalid_argument("image is too small once rescaled to 500 ppi");
  offer(sink, kTraceScaledImage, [&] { return image; });

  const BlockStatistics statistics = block_statistics(image);
  const BlockMask mask = segment(image, statistics);
  offer(sink, kTraceSegmentationMask, [&] { return render_mask(mask, image.width, image.height); });
  if (std::count(mask.cells.begin(), mask.cells.end(), 1) < 16)
    return failed_precondition("no fingerprint area found in the image");

  const FloatImage normalized = normalize(image, statistics);
  offer(sink, kTraceNormalized, [&] { return render_float(normalized, -2.5f, 2.5f); });
  Enhancement e = enhance(normalized, mask);
  // The image's own orientation field: its coherence grades the image (quality level below).
  const OrientationField raw_orientation = e.orientation;
  offer(sink, kTraceOrientation, [&] { return render_orientation(e.orientation, mask, image.width, image.height); });
  offer(sink, kTraceFrequency, [&] { return render_period(e.period, mask, image.width, image.height); });
  for (int pass = 0; pass < parameters::enhancement_refinements; ++pass) {
    offer(sink, kTraceInterimEnhanced, [&] { return render_float(e.enhanced, -1.0f, 1.0f); });
    refine(normalized, mask, e);
  }
  if (parameters::enhancement_refinements > 0) {
    offer(sink, kTraceRefinedOrientation, [&] { return render_orientation(e.orientation, mask, image.width, image.height); });
    offer(sink, kTraceRefinedFrequency, [&] { return render_period(e.period, mask, image.width, image.height); });
  }
  const FloatImage& enhanced = e.enhanced;
  // Later stages use the refined orientation: in dotted or faint areas its coherence keeps
  // minutiae that the raw field would drop as noise.
  const OrientationField& orientation = e.orientation;
  offer(sink, kTraceEnhanced, [&] { return render_float(enhanced, -1.0f, 1.0f); });
  GreyImage ridges = binarize(enhanced, mask);
  offer(sink, kTraceBinarized, [&] { return render_binary(ridges, true); });
  const GreyImage skeleton = thin(std::move(ridges));
  offer(sink, kTraceSkeleton, [&] { return render_binary(skeleton, true); });

  std::vector<Minutia> minutiae = detect_minutiae(skeleton, mask);
  minutiae = remove_false_minutiae(std::move(minutiae), skeleton, mask, orientation);
  assess_minutiae(minutiae, mask, orientation, image.width, image.height);
  offer(sink, kTraceMinutiae, [&] { return render_minutiae(skeleton, minutiae); });

  FeatureTemplate out;
  out.width_px = image.width;
  out.height_px = image.height;
  // Only minutiae where the image itself shows ridges count for its quality: refinement can draw
  // ridges into noise, and those minutiae say nothing about the capture.
  const auto reliable = std::count_if(minutiae.begin(), minutiae.end(), [&](const Minutia& m) {
    return raw_orientation.coherence_at(m.x / mask.block_px, m.y / mask.block_px) >= parameters::coherence_min;
  });
  out.image_quality = image_quality_level(mask, raw_orientation, static_cast<std::size_t>(reliable));
  out.minutiae = std::move(minutiae);
  return out;
}

}  // namespace ektp::biometrics
