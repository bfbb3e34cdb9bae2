// Resampling of a grey image from its scanner resolution to the pipeline's 500 ppi.
// Pure; thread-safety: reentrant.
#pragma once

#include "biometrics/grey_image.h"
#include "core/error.h"

namespace ektp::biometrics {

// Bilinear (area-averaging when shrinking) resample from `dpi` to parameters::target_dpi.
// kInvalidArgument when dpi is outside parameters::dpi_{min,max} or the image is empty.
Result<GreyImage> rescale_to_500ppi(const GreyImage& image, int dpi);

}  // namespace ektp::biometrics
