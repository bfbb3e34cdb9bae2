// Card production speed (bench/card.sh, bench/README.md "Cards"): laying out and rendering the card
// face as a 300-dpi PNG and as PDF, beside the reference of encoding a blank card-sized PNG with
// the same cairo in the same run; replaying a blanko ledger of 10,000 movements; and a SUKET: the
// size of its QR text with a realistic face, encoding (sign) and offline verification.
#include <benchmark/benchmark.h>
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "card/blanko_ledger.h"
#include "card/card_face.h"
#include "card/suket_credential.h"
#include "card/suket_issue.h"

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

// A SUKET as the registry issues one: a 36-character name, an 80-character address, the
// enrollment photo (480 × 600) made small for the QR code.
// A photo with the detail of a real one (noise over a face-coloured oval), so that its small JPEG
// comes near the cap as real photos do.
std::vector<std::uint8_t> detailed_photo() {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 480, 600);
  unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  std::uint32_t x = 20261203;
  for (int r = 0; r < 600; ++r) {
    for (int c = 0; c < 480; ++c) {
      x = x * 1664525u + 1013904223u;
      const double dx = (c - 240) / 150.0, dy = (r - 280) / 200.0;
      const int base = dx * dx + dy * dy < 1 ? 170 : 90;
      const auto v = static_cast<unsigned char>(std::clamp(base + static_cast<int>(x >> 26) - 32, 0, 255));
      for (int k = 0; k < 3; ++k) data[r * stride + c * 4 + k] = v;
    }
  }
  cairo_surface_mark_dirty(s);
  std::vector<std::uint8_t> out;
  cairo_surface_write_to_png_stream(s, append, &out);
  cairo_surface_destroy(s);
  return out;
}

constexpr std::array<std::uint8_t, 32> kBenchSeed = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                                     7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

struct Suket {
  card::SigningKey key = card::SigningKey::from_seed(kBenchSeed);
  card::SuketClaims claims;
  card::TrustList trust;
  std::string qr;
  Suket() {
    claims.nik = "3327084107900003";
    claims.full_name = "RADEN AJENG KARTINI DJOJOADHININGRAT";
    claims.birth_date = CivilDate{year{1990}, July, day{1}};
    claims.gender = card::SuketGender::kFemale;
    claims.address = "JL. PANGERAN DIPONEGORO GANG MELATI NOMOR 123, RT/RW 002/005, MULYOHARJO, PEMALANG, JAWA TENGAH";
    claims.issuer = "ektp:3327";
    claims.issued_at_s = 1'796'300'000;
    claims.expires_at_s = card::suket_expiry(claims.issued_at_s);
    claims.card_ready_estimate = CivilDate{year{2027}, January, day{15}};
    claims.face = card::small_face(detailed_photo(), card::kSuketFaceBytesTarget);
    trust.issued_at_s = claims.issued_at_s;
    trust.keys.push_back({key.key_id(), claims.issuer, key.public_key(), claims.issued_at_s - 10, claims.issued_at_s + 86'400'000});
    qr = card::encode_suket(claims, key).value_or("");
  }
};

void BM_SuketEncode(benchmark::State& state) {
  Suket s;
  for (auto _ : state) benchmark::DoNotOptimize(card::encode_suket(s.claims, s.key));
  state.counters["qr_chars"] = static_cast<double>(s.qr.size());
  state.counters["face_bytes"] = static_cast<double>(s.claims.face ? s.claims.face->image.size() : 0);
}
BENCHMARK(BM_SuketEncode)->Unit(benchmark::kMillisecond);

void BM_SuketVerify(benchmark::State& state) {
  Suket s;
  const card::SupersededList none{s.claims.issued_at_s, {}};
  for (auto _ : state) {
    auto verdict = card::verify_suket(s.qr, s.trust, &none, s.claims.issued_at_s + 60);
    if (verdict.status != card::SuketStatus::kValid) state.SkipWithError(verdict.reason.c_str());
    benchmark::DoNotOptimize(verdict);
  }
  state.counters["qr_chars"] = static_cast<double>(s.qr.size());
}
BENCHMARK(BM_SuketVerify)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
