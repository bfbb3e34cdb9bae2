// Pipeline transparency (after SourceAFIS): the extractor offers each stage's data under a stable
// key; a sink that accepts the key receives it as a grey image. The default sink accepts nothing,
// so nothing is rendered. Thread-safety: a sink is used by one extraction at a time.
#pragma once

#include <string_view>

#include "biometrics/grey_image.h"

namespace ektp::biometrics {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual bool accepts(std::string_view key) const { return false; (void)key; }
  virtual void take(std::string_view key, const GreyImage& image) { (void)key; (void)image; }
};

// Stable keys, in pipeline order.
inline constexpr std::string_view kTraceScaledImage = "scaled-image";
inline constexpr std::string_view kTraceSegmentationMask = "segmentation-mask";
inline constexpr std::string_view kTraceNormalized = "normalized";
inline constexpr std::string_view kTraceOrientation = "orientation";
inline constexpr std::string_view kTraceFrequency = "ridge-period";
inline constexpr std::string_view kTraceInterimEnhanced = "interim-enhanced";  // once per refinement
inline constexpr std::string_view kTraceRefinedOrientation = "refined-orientation";
inline constexpr std::string_view kTraceRefinedFrequency = "refined-ridge-period";
inline constexpr std::string_view kTraceEnhanced = "enhanced";
inline constexpr std::string_view kTraceBinarized = "binarized";
inline constexpr std::string_view kTraceSkeleton = "skeleton";
inline constexpr std::string_view kTraceMinutiae = "top-minutiae";

}  // namespace ektp::biometrics
