// Card production speed (bench/card.sh, bench/README.md "Cards"): laying out and rendering the card
// face as a 300-dpi PNG and as PDF, beside the reference of encoding a blank card-sized PNG with
// the same cairo in the same run; and replaying a blanko ledger of 10,000 movements.
#include <benchmark/benchmark.h>
#include <cairo.h>

#include <cmath>

#include "card/blanko_ledger.h"
#include "card/card_face.h"

namespace {

using namespace ektp;
using namespace std::chrono;

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

std::vector<std::uint8_t> blank_png(int w, int h, double r, double g, double b) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t* cr = cairo_create(s);
  cairo_set_source_rgb(cr, r, g, b);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.87, 0.68, 0.52);
  cairo_arc(cr, w / 2.0, h / 2.5, w / 4.0, 0, 2 * M_PI);
  cairo_fill(cr);
  cairo_destroy(cr);
  std::vector<std::uint8_t> out;
  cairo_surface_write_to_png_stream(s, append, &out);
  cairo_surface_destroy(s);
  return out;
}

card::CardFace face() {
  Person p;
  p.nik = "3327084107900003";
  p.name = "RADEN AJENG KARTINI DJOJOADHININGRAT";
  p.birth_place = "PEMALANG";
  p.birth_date = CivilDate{year{1990}, July, day{1}};
  p.sex = Sex::kFemale;
  p.blood_type = BloodType::kO;
  p.occupation = "KARYAWAN SWASTA";
  p.address = {"JL. PANGERAN DIPONEGORO GANG MELATI NOMOR 123", "002", "005", "3327081013"};
  // A photo as a station takes it (480 × 600) and a signature pad's image.
  return card::card_face_of(p, RegionDirectory::builtin(), CivilDate{year{2026}, December, day{3}},
                            blank_png(480, 600, 0.85, 0.1, 0.1), blank_png(600, 200, 1, 1, 1));
}

void BM_ReferenceBlankCardPng(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(blank_png(1011, 638, 0.8, 0.9, 0.98));
}
BENCHMARK(BM_ReferenceBlankCardPng)->Unit(benchmark::kMillisecond);

void BM_CardFaceLayout(benchmark::State& state) {
  const auto f = face();
  for (auto _ : state) benchmark::DoNotOptimize(card::layout_card_face(f));
}
BENCHMARK(BM_CardFaceLayout)->Unit(benchmark::kMillisecond);

void BM_CardFacePng(benchmark::State& state) {
  const auto f = face();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto png = card::render_card_face_png(f);
    if (!png) state.SkipWithError(png.error().message.c_str());
    bytes = png ? png->size() : 0;
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_CardFacePng)->Unit(benchmark::kMillisecond);

void BM_CardFacePdf(benchmark::State& state) {
  const auto f = face();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = card::render_card_face_pdf(f);
    if (!pdf) state.SkipWithError(pdf.error().message.c_str());
    bytes = pdf ? pdf->size() : 0;
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_CardFacePdf)->Unit(benchmark::kMillisecond);

// An office's year: 20 deliveries of 500, each blanko used once.
void BM_ReplayLedger10k(benchmark::State& state) {
  std::vector<card::Movement> ledger;
  std::int64_t seq = 0, serial = 1;
  for (int d = 0; d < 20; ++d) {
    ledger.push_back({++seq, "3327", card::MovementKind::kReceived, {serial, serial + 499}, "alokasi", 0, "p", "", seq});
    for (int i = 0; i < 500 && ledger.size() < 10'000; ++i) {
      ledger.push_back({++seq, "3327", card::MovementKind::kUsed, {serial + i, serial + i}, "", seq, "p", "", seq});
    }
    serial += 500;
  }
  for (auto _ : state) {
    auto replay = card::replay_ledger(ledger);
    if (!replay.consistent()) state.SkipWithError(replay.problem.c_str());
    benchmark::DoNotOptimize(replay);
  }
  state.counters["movements"] = static_cast<double>(ledger.size());
}
BENCHMARK(BM_ReplayLedger10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
