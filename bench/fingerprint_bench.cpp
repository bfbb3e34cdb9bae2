// Fingerprint engine speed: extraction per image, cylinder preparation, 1:1 comparisons.
// Single-threaded; run with bench/fingerprint.sh.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "biometrics/cylinder.h"
#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/matcher.h"

namespace bio = ektp::biometrics;

namespace {

bio::GreyImage load(const std::string& set, int finger, int impression) {
  const auto path = std::filesystem::path(EKTP_SHARED_DATA_DIR) / "fingerprints" / set /
                    (std::to_string(finger) + "_" + std::to_string(impression) + ".tif");
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto image = bio::decode_image(bytes);
  return image ? *image : bio::GreyImage{};
}

const std::vector<bio::SearchTemplate>& templates() {
  static const auto all = [] {
    std::vector<bio::SearchTemplate> out;
    for (int finger = 101; finger <= 110; ++finger)
      for (int impression = 1; impression <= 2; ++impression)
        if (auto t = bio::extract(load("fvc2002-db1b", finger, impression), 500)) out.push_back(bio::prepare(*t));
    return out;
  }();
  return all;
}

void BM_Extract(benchmark::State& state, const char* set, int dpi) {
  const bio::GreyImage image = load(set, 101, 1);
  for (auto _ : state) benchmark::DoNotOptimize(bio::extract(image, dpi));
}
BENCHMARK_CAPTURE(BM_Extract, fvc2002_db1b, "fvc2002-db1b", 500)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Extract, fvc2002_db2b, "fvc2002-db2b", 569)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Extract, fvc2004_db1b, "fvc2004-db1b", 500)->Unit(benchmark::kMillisecond);

void BM_Prepare(benchmark::State& state) {
  const auto t = bio::extract(load("fvc2002-db1b", 101, 1), 500);
  for (auto _ : state) benchmark::DoNotOptimize(bio::prepare(*t));
}
BENCHMARK(BM_Prepare)->Unit(benchmark::kMicrosecond);

// One prepared probe against a mix of genuine and impostor candidates.
void BM_Compare(benchmark::State& state) {
  const auto& all = templates();
  const bio::Matcher matcher(all[0]);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(matcher.match(all[1 + i % (all.size() - 1)]));
    ++i;
  }
  state.counters["comparisons_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Compare)->Unit(benchmark::kMicrosecond);

void BM_CylinderSimilarity(benchmark::State& state) {
  const auto& all = templates();
  const auto& a = all[0].cylinders;
  const auto& b = all[2].cylinders;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bio::cylinder_similarity(a[i % a.size()], b[(i / a.size()) % b.size()]));
    ++i;
  }
}
BENCHMARK(BM_CylinderSimilarity)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
