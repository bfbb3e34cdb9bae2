// A DET plot (FNMR against FMR, both on log axes) rendered with cairo into PNG bytes.
// No file I/O here; the caller writes the bytes. Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "biometrics/evaluation.h"
#include "core/error.h"

namespace ektp::abis {

struct DetSeries {
  std::string label;  // shown in the legend, e.g. "fvc2002-db1b  EER 2.15%"
  std::vector<biometrics::DetPoint> curve;
};

// One or more curves on shared axes (at most det_series_max), with a legend and the EER diagonal.
// kInvalidArgument for no curves or too many.
inline constexpr std::size_t det_series_max = 8;
Result<std::vector<std::uint8_t>> render_det_png(const std::vector<DetSeries>& series, const std::string& title);

// A single curve, without a legend.
Result<std::vector<std::uint8_t>> render_det_png(const std::vector<biometrics::DetPoint>& curve,
                                                 const std::string& title);

}  // namespace ektp::abis
