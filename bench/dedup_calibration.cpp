// Calibration of the dedup decision threshold on real prints (bench/README.md, "Dedup of one
// enrollment"). A "person" is the ten fingers 101..110 of one FVC set, one impression each, as in
// the tests (tests/support/enrollment_fixture.h). Measures the 10-finger fused score (the sum of
// the ten MCC scores, as search() fuses them):
//   genuine: two impressions of the same set (5 sets × C(8,2) = 140 pairs);
//   impostor: two different sets, any impressions (C(5,2) × 64 = 640 pairs), and the same set with
//     the fingers rotated so that no finger meets itself (5 × 64 × 9 = 2,880 pairs);
// and, because no real corpus here holds 10^9 impostor pairs, the tail of the sum of ten
// independent draws from every real cross-finger score (78,400) by exact convolution of their
// histogram. FPIR for a gallery of N persons ≈ N × P(sum ≥ threshold). Prints one JSON line.
// Usage: ektp_dedup_calibration [FINGERPRINT_DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "abis/abis_parameters.h"
#include "biometrics/cylinder.h"
#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/matcher.h"

namespace {

namespace bio = ektp::biometrics;
namespace fs = std::filesystem;

constexpr int kFingers = 10;
constexpr int kImpressions = 8;
const std::vector<std::string> kSets = {"fvc2002-db1b", "fvc2002-db2b", "fvc2002-db3b", "fvc2004-db1b",
                                        "fvc2002-db4b-synthetic"};

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int dataset_dpi(const fs::path& dir) {
  const auto bytes = read_bytes(dir / "meta.json");
  boost::system::error_code ec;
  auto value = boost::json::parse(std::string(bytes.begin(), bytes.end()), ec);
  if (ec || !value.is_object()) return 500;
  const auto* dpi = value.as_object().if_contains("dpi");
  return dpi != nullptr && dpi->is_int64() ? static_cast<int>(dpi->as_int64()) : 500;
}

// [set][impression][finger]; nullopt when the image is missing or extraction failed.
using Templates = std::vector<std::vector<std::vector<std::optional<bio::SearchTemplate>>>>;

float fused(const Templates& t, std::size_t s1, int i1, std::size_t s2, int i2, int rotate) {
  float sum = 0;
  for (int f = 0; f < kFingers; ++f) {
    const auto& a = t[s1][static_cast<std::size_t>(i1)][static_cast<std::size_t>(f)];
    const auto& b = t[s2][static_cast<std::size_t>(i2)][static_cast<std::size_t>((f + rotate) % kFingers)];
    if (a && b) sum += bio::match_templates(*a, *b);
  }
  return sum;
}

float quantile(std::vector<float> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path(EKTP_SHARED_DATA_DIR) / "fingerprints";
  Templates t;
  std::size_t failures = 0;
  for (const auto& set : kSets) {
    const fs::path dir = root / set;
    const int dpi = dataset_dpi(dir);
    auto& per_set = t.emplace_back();
    for (int i = 1; i <= kImpressions; ++i) {
      auto& per_impression = per_set.emplace_back();
      for (int f = 0; f < kFingers; ++f) {
        auto image = bio::decode_image(read_bytes(dir / (std::to_string(101 + f) + "_" + std::to_string(i) + ".tif")));
        std::optional<bio::SearchTemplate> prepared;
        if (image) {
          if (auto extracted = bio::extract(*image, dpi)) prepared = bio::prepare(*extracted);
        }
        failures += !prepared;
        per_impression.push_back(std::move(prepared));
      }
    }
  }

  std::vector<float> genuine, impostor_sets, impostor_rotated, finger_impostor;
  const std::size_t sets = t.size();
  for (std::size_t s = 0; s < sets; ++s) {
    for (int a = 0; a < kImpressions; ++a) {
      for (int b = a + 1; b < kImpressions; ++b) genuine.push_back(fused(t, s, a, s, b, 0));
      for (int b = 0; b < kImpressions; ++b) {
        for (int k = 1; k < kFingers; ++k) impostor_rotated.push_back(fused(t, s, a, s, b, k));
      }
    }
    for (std::size_t s2 = s + 1; s2 < sets; ++s2) {
      for (int a = 0; a < kImpressions; ++a) {
        for (int b = 0; b < kImpressions; ++b) impostor_sets.push_back(fused(t, s, a, s2, b, 0));
      }
    }
  }
  // Every pair of images of different fingers, within and across sets (as `ektp abis calibrate`).
  std::vector<const bio::SearchTemplate*> all;
  std::vector<std::pair<std::size_t, int>> finger_of;
  for (std::size_t s = 0; s < sets; ++s) {
    for (int i = 0; i < kImpressions; ++i) {
      for (int f = 0; f < kFingers; ++f) {
        const auto& x = t[s][static_cast<std::size_t>(i)][static_cast<std::size_t>(f)];
        if (!x) continue;
        all.push_back(&*x);
        finger_of.emplace_back(s, f);
      }
    }
  }
  for (std::size_t a = 0; a < all.size(); ++a) {
    const bio::Matcher matcher(*all[a]);
    for (std::size_t b = a + 1; b < all.size(); ++b) {
      if (finger_of[a] != finger_of[b]) finger_impostor.push_back(matcher.match(*all[b]));
    }
  }

  // Exact distribution of the sum of ten independent draws, on 0.0005-wide bins (rounded up).
  constexpr double kBin = 0.0005;
  const std::size_t bins = static_cast<std::size_t>(1.0 / kBin) + 2;
  std::vector<double> one(bins, 0.0), sum(1, 1.0);
  for (float s : finger_impostor) {
    one[std::min(bins - 1, static_cast<std::size_t>(std::ceil(s / kBin)))] += 1.0 / static_cast<double>(finger_impostor.size());
  }
  for (int f = 0; f < kFingers; ++f) {
    std::vector<double> next(sum.size() + bins - 1, 0.0);
    for (std::size_t a = 0; a < sum.size(); ++a) {
      if (sum[a] == 0) continue;
      for (std::size_t b = 0; b < bins; ++b) {
        if (one[b] != 0) next[a + b] += sum[a] * one[b];
      }
    }
    sum = std::move(next);
  }
  auto tail = [&](double threshold) {
    double p = 0;
    for (std::size_t k = static_cast<std::size_t>(std::ceil(threshold / kBin - 1e-9)); k < sum.size(); ++k) p += sum[k];
    return p;
  };

  const double threshold = ektp::abis::parameters::dedup_decision_threshold;
  boost::json::object tails;
  for (double x : {0.20, 0.25, 0.30, 0.35}) tails[std::to_string(x).substr(0, 4)] = tail(x);
  const std::size_t genuine_below = static_cast<std::size_t>(
      std::count_if(genuine.begin(), genuine.end(), [&](float s) { return s < threshold; }));
  const boost::json::object out{
      {"bench", "dedup_threshold_calibration"},
      {"threshold", threshold},
      {"failures_to_extract", failures},
      {"genuine_pairs", genuine.size()},
      {"genuine_min", quantile(genuine, 0)},
      {"genuine_median", quantile(genuine, 0.5)},
      {"genuine_below_threshold", genuine_below},
      {"impostor_set_pairs", impostor_sets.size()},
      {"impostor_set_median", quantile(impostor_sets, 0.5)},
      {"impostor_set_max", quantile(impostor_sets, 1)},
      {"impostor_rotated_pairs", impostor_rotated.size()},
      {"impostor_rotated_max", quantile(impostor_rotated, 1)},
      {"finger_impostor_scores", finger_impostor.size()},
      {"finger_impostor_mean",
       finger_impostor.empty() ? 0.0
                               : std::accumulate(finger_impostor.begin(), finger_impostor.end(), 0.0) /
                                     static_cast<double>(finger_impostor.size())},
      {"p_sum_of_10_at_least", tails},
      {"fpir_estimate_1e5_persons", 1e5 * tail(threshold)},
      {"fpir_estimate_2e8_persons", 2e8 * tail(threshold)},
  };
  std::printf("%s\n", boost::json::serialize(out).c_str());
  return 0;
}
