// Foreground segmentation: which blocks hold ridges. Block grey-level variance with an absolute
// and an image-relative threshold, then majority smoothing, hole filling, the largest component
// and one block of erosion. Pure; thread-safety: reentrant.
#pragma once

#include "biometrics/grey_image.h"

namespace ektp::biometrics {

// Per-block mean and standard deviation of grey levels over a 3x3-block window.
struct BlockStatistics {
  int blocks_x = 0;
  int blocks_y = 0;
  std::vector<float> mean;
  std::vector<float> stddev;
};

BlockStatistics block_statistics(const GreyImage& image);

// Foreground mask (1 = fingerprint). May be all zero for a blank image.
BlockMask segment(const GreyImage& image, const BlockStatistics& statistics);

}  // namespace ektp::biometrics
