// A DET plot (FNMR against FMR, both on log axes) rendered with cairo into PNG bytes.
// No file I/O here; the caller writes the bytes. Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "biometrics/evaluation.h"
#include "core/error.h"

namespace ektp::abis {

Result<std::vector<std::uint8_t>> render_det_png(const std::vector<biometrics::DetPoint>& curve,
                                                 const std::string& title);

}  // namespace ektp::abis
