// The FVC verification protocol over one data set already in memory: genuine = every pair of
// impressions of the same finger; impostor = first impression of each finger against the first
// of every other (FVC), or every cross-finger pair (`all`). A failure to extract scores 0 in
// every comparison it takes part in, as FVC counts it. Thread-safety: reentrant.
#pragma once

#include <vector>

#include "biometrics/evaluation.h"
#include "biometrics/grey_image.h"

namespace ektp::abis {

struct FvcImage {
  int finger = 0;
  int impression = 0;
  biometrics::GreyImage image;
};

enum class ImpostorPairs { kFirstImpressions, kAll };

struct FvcReport {
  std::vector<float> genuine;
  std::vector<float> impostor;
  biometrics::ErrorRates rates;
  int failures_to_extract = 0;
  double extraction_ms_mean = 0;
  double comparison_us_mean = 0;
  double minutiae_mean = 0;
};

FvcReport run_fvc(const std::vector<FvcImage>& images, int dpi, ImpostorPairs impostors);

// Score calibration: every pair of images from different fingers, within and across data sets
// (sets[k] scanned at dpis[k]); images that fail extraction are skipped.
std::vector<float> all_impostor_scores(const std::vector<std::vector<FvcImage>>& sets, const std::vector<int>& dpis);

}  // namespace ektp::abis
