// `ektp abis ...`: the fingerprint engine from the command line: extract, match, eval.
// File I/O lives here, never in src/biometrics.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <chrono>
#include <tuple>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <regex>

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "abis/det_plot.h"
#include "abis/fvc_protocol.h"
#include "abis/gallery.h"
#include "abis/identify_eval.h"
#include "abis/search.h"
#include "biometrics/extractor.h"
#include "biometrics/iso19794.h"
#include "biometrics/matcher.h"
#include "biometrics/image_io.h"
#include "biometrics/parameters.h"
#include "biometrics/score_tail.h"
#include "biometrics/template_format.h"
#include "cli/commands.h"

namespace ektp::cli {

namespace {

namespace fs = std::filesystem;
namespace bio = ektp::biometrics;

Result<std::vector<std::uint8_t>> read_file_bytes(const fs::path& path, std::size_t limit) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return not_found("cannot read " + path.string() + ": " + ec.message());
  if (size > limit) return invalid_argument(path.string() + " is larger than the limit");
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) return make_error(ErrorCode::kUnavailable, "read failed: " + path.string());
  return bytes;
}

Status write_file_bytes(const fs::path& path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) return make_error(ErrorCode::kUnavailable, "cannot write " + path.string());
  return {};
}

// Writes each stage image as DIR/<n>-<stage>.png. The extractor cannot be told about a failed
// write, so the first failure is kept and reported once extraction is over.
class DirectorySink : public bio::TraceSink {
 public:
  explicit DirectorySink(fs::path dir) : dir_(std::move(dir)) {}
  bool accepts(std::string_view) const override { return true; }
  void take(std::string_view key, const bio::GreyImage& image) override {
    const fs::path path = dir_ / (std::to_string(++index_) + "-" + std::string(key) + ".png");
    auto png = bio::encode_png(image);
    Status written = png ? write_file_bytes(path, *png) : Status(std::unexpected(png.error()));
    if (!written && first_error_) first_error_ = written;  // keep the first
  }
  const Status& first_error() const { return first_error_; }

 private:
  fs::path dir_;
  int index_ = 0;
  Status first_error_;
};

int fail(const Error& e) {
  std::cerr << "error: " << e.message << "\n";
  return 1;
}

struct ExtractOptions {
  std::string image, out, debug_dir;
  int dpi = 500;
  bool iso = false;
};

int run_extract(const ExtractOptions& o) {
  auto bytes = read_file_bytes(o.image, bio::parameters::image_bytes_max);
  if (!bytes) return fail(bytes.error());
  auto image = bio::decode_image(*bytes);
  if (!image) return fail(image.error());
  std::unique_ptr<DirectorySink> sink;
  if (!o.debug_dir.empty()) {
    std::error_code ec;
    fs::create_directories(o.debug_dir, ec);
    if (ec)
      return fail(Error{ErrorCode::kUnavailable, "cannot create debug directory " + o.debug_dir + ": " + ec.message()});
    sink = std::make_unique<DirectorySink>(o.debug_dir);
  }
  auto t = bio::extract(*image, o.dpi, sink.get());
  if (!t) return fail(t.error());
  if (sink && !sink->first_error()) return fail(sink->first_error().error());
  auto encoded = o.iso ? bio::encode_iso19794_2(*t) : bio::encode_template(*t);
  if (!encoded) return fail(encoded.error());
  if (auto ok = write_file_bytes(o.out, *encoded); !ok) return fail(ok.error());
  boost::json::object out{{"minutiae", t->minutiae.size()},
                          {"quality", t->image_quality},
                          {"bytes", encoded->size()},
                          {"format", o.iso ? "iso19794-2:2005" : "ektp-v1"}};
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}


// A template file (ours) or, failing that, an image extracted at 500 ppi.
Result<bio::FeatureTemplate> load_template_or_image(const std::string& path) {
  auto bytes = read_file_bytes(path, bio::parameters::image_bytes_max);
  if (!bytes) return std::unexpected(bytes.error());
  if (bytes->size() >= 4 && std::memcmp(bytes->data(), "EKFT", 4) == 0) return bio::decode_template(*bytes);
  if (bytes->size() >= 4 && std::memcmp(bytes->data(), "FMR", 4) == 0) return bio::decode_iso19794_2(*bytes);
  auto image = bio::decode_image(*bytes);
  if (!image) return invalid_argument(path + " is neither a template nor an image: " + image.error().message);
  return bio::extract(*image, bio::parameters::target_dpi);
}

int run_match(const std::string& a_path, const std::string& b_path) {
  auto a = load_template_or_image(a_path);
  if (!a) return fail(a.error());
  auto b = load_template_or_image(b_path);
  if (!b) return fail(b.error());
  const bio::MatchDetail d = bio::match_detail(bio::prepare(*a), bio::prepare(*b));
  std::cout << "minutiae " << a->minutiae.size() << " " << b->minutiae.size() << "\nlss_r " << d.lss_r
            << "\nconsolidation paired " << d.consolidation.paired << " of overlap " << d.consolidation.a_in_b << "/"
            << d.consolidation.b_in_a << ", factor " << d.consolidation.factor << "\nscore " << d.score << "\n";
  return 0;
}

struct EvalOptions {
  std::vector<std::string> dirs;
  std::string det_png, impostors = "fvc";
  int dpi = 0;
};

std::string fmt_fmr(double fmr) {
  return "threshold_fmr_1e" + std::to_string(static_cast<int>(std::lround(std::log10(fmr))));
}

// The set's resolution from DIR/meta.json, 500 ppi without one. A meta.json that is there but
// unusable is an error: evaluating at a guessed resolution gives plausible-looking wrong rates.
Result<int> dataset_dpi(const fs::path& dir) {
  const fs::path meta = dir / "meta.json";
  std::error_code ec;
  if (!fs::exists(meta, ec)) return bio::parameters::target_dpi;
  auto bytes = read_file_bytes(meta, 1 << 16);
  if (!bytes) return std::unexpected(bytes.error());
  boost::system::error_code json_ec;
  auto value = boost::json::parse(std::string(bytes->begin(), bytes->end()), json_ec);
  if (json_ec || !value.is_object()) return invalid_argument(meta.string() + " is not a JSON object");
  const auto* dpi = value.as_object().if_contains("dpi");
  if (dpi == nullptr) return bio::parameters::target_dpi;
  if (!dpi->is_int64() || dpi->as_int64() < bio::parameters::dpi_min || dpi->as_int64() > bio::parameters::dpi_max)
    return invalid_argument(meta.string() + ": \"dpi\" must be an integer " + std::to_string(bio::parameters::dpi_min) +
                            ".." + std::to_string(bio::parameters::dpi_max) + ", got " + boost::json::serialize(*dpi));
  return static_cast<int>(dpi->as_int64());
}

// Every <finger>_<impression>.<image extension> file of DIR; other files (meta.json, README,
// SHA256SUMS) are skipped. A file named like an image that does not decode is an error naming
// it: counting it as a failure to extract would charge the extractor for a broken data set.
Result<std::vector<abis::FvcImage>> load_fvc_images(const std::string& dir) {
  constexpr std::size_t kImagesMax = 10'000;
  const std::regex name(R"((\d+)_(\d+)\.(tif|tiff|png|bmp|pgm))", std::regex::icase);
  auto number = [](const std::ssub_match& digits, int& out) {
    const auto [end, ec] = std::from_chars(digits.first.base(), digits.second.base(), out);
    return ec == std::errc{} && end == digits.second.base();
  };
  std::vector<abis::FvcImage> images;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return not_found(dir + " is not a directory");
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    if (images.size() >= kImagesMax)
      return invalid_argument(dir + " holds more than " + std::to_string(kImagesMax) + " images");
    abis::FvcImage item;
    if (!number(m[1], item.finger) || !number(m[2], item.impression))
      return invalid_argument(entry.path().string() + ": finger or impression number out of range");
    auto bytes = read_file_bytes(entry.path(), bio::parameters::image_bytes_max);
    if (!bytes) return std::unexpected(bytes.error());
    auto image = bio::decode_image(*bytes);
    if (!image) return invalid_argument(entry.path().string() + ": " + image.error().message);
    item.image = std::move(*image);
    images.push_back(std::move(item));
  }
  if (ec) return not_found("cannot list " + dir + ": " + ec.message());
  if (images.empty()) return not_found("no <finger>_<impression> images in " + dir);
  std::sort(images.begin(), images.end(), [](const auto& x, const auto& y) {
    return std::pair(x.finger, x.impression) < std::pair(y.finger, y.impression);
  });
  // 101_1.tif next to 101_1.png would enter the protocol twice as one impression.
  const auto twin = std::adjacent_find(images.begin(), images.end(), [](const auto& x, const auto& y) {
    return x.finger == y.finger && x.impression == y.impression;
  });
  if (twin != images.end())
    return invalid_argument(dir + " holds two images of finger " + std::to_string(twin->finger) + " impression " +
                            std::to_string(twin->impression));
  return images;
}

int run_calibrate(const std::vector<std::string>& dirs) {
  std::vector<std::vector<abis::FvcImage>> sets;
  std::vector<int> dpis;
  for (const auto& dir : dirs) {
    auto images = load_fvc_images(dir);
    if (!images) return fail(images.error());
    auto dpi = dataset_dpi(dir);
    if (!dpi) return fail(dpi.error());
    sets.push_back(std::move(*images));
    dpis.push_back(*dpi);
  }
  const auto scores = abis::all_impostor_scores(sets, dpis);
  boost::json::object out{{"impostor_comparisons", scores.size()}};
  for (double fmr : {1e-2, 1e-3, 1e-4, 1e-5})
    out[fmt_fmr(fmr)] = bio::threshold_for_fmr(scores, fmr);
  // Counting cannot reach 1e-5 with fewer than ~1e6 comparisons: also extrapolate the tail.
  if (auto fit = bio::fit_score_tail(scores)) {
    boost::json::object tail{{"method", "generalised Pareto fit of the top 1% (probability-weighted moments)"},
                             {"exceedance_threshold", fit->exceedance_threshold},
                             {"exceedances", fit->exceedances}, {"shape", fit->shape}, {"scale", fit->scale}};
    for (double fmr : {1e-3, 1e-4, 1e-5, 1e-6}) {
      if (auto t = bio::tail_threshold_with_interval(scores, fmr))
        tail[fmt_fmr(fmr)] = boost::json::object{
            {"threshold", t->threshold}, {"interval90", boost::json::array{t->interval_low, t->interval_high}}};
    }
    out["tail_fit"] = std::move(tail);
  } else {
    out["tail_fit"] = boost::json::object{{"error", fit.error().message}};
  }
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

// The folder's own name, also for "sets/db1/" (whose filename() is empty).
std::string dataset_name(const std::string& dir) {
  fs::path path(dir);
  if (!path.has_filename()) path = path.parent_path();
  return path.filename().string();
}

int run_eval(const EvalOptions& o) {
  const auto mode = o.impostors == "all" ? abis::ImpostorPairs::kAll : abis::ImpostorPairs::kFirstImpressions;
  if (!o.det_png.empty() && o.dirs.size() > abis::det_series_max)
    return fail(invalid_argument("--det draws at most " + std::to_string(abis::det_series_max) + " data sets, not " +
                                 std::to_string(o.dirs.size())).error());
  std::vector<abis::DetSeries> det;
  for (const std::string& dir : o.dirs) {
    auto loaded = load_fvc_images(dir);
    if (!loaded) return fail(loaded.error());
    auto meta_dpi = dataset_dpi(dir);
    if (o.dpi == 0 && !meta_dpi) return fail(meta_dpi.error());
    const int dpi = o.dpi > 0 ? o.dpi : *meta_dpi;
    const abis::FvcReport r = abis::run_fvc(*loaded, dpi, mode);
    // Without both kinds of pair every rate is a default of 1, which reads like a measurement.
    if (r.genuine.empty())
      return fail(invalid_argument(dir + " has no genuine pairs: it needs two impressions of one finger").error());
    if (r.impostor.empty())
      return fail(invalid_argument(dir + " has no impostor pairs: it needs " +
                                   (mode == abis::ImpostorPairs::kAll ? "two fingers" : "impression 1 of two fingers"))
                      .error());
    const std::string name = dataset_name(dir);
    boost::json::object out{
        {"dataset", name}, {"dpi", dpi},
        {"eer", r.rates.eer}, {"fmr100", r.rates.fmr100}, {"fmr1000", r.rates.fmr1000},
        {"zero_fmr", r.rates.zero_fmr}, {"genuine", r.genuine.size()}, {"impostor", r.impostor.size()},
        {"failures_to_extract", r.failures_to_extract}, {"minutiae_mean", r.minutiae_mean},
        {"extraction_ms_mean", r.extraction_ms_mean}, {"comparison_us_mean", r.comparison_us_mean},
        {"threshold_fmr1000", bio::threshold_for_fmr(r.impostor, 1e-3)}};
    std::cout << boost::json::serialize(out) << std::endl;
    char label[96];
    std::snprintf(label, sizeof label, "%s  EER %.2f%%", name.c_str(), 100 * r.rates.eer);
    det.push_back({label, bio::det_curve(r.genuine, r.impostor)});
  }
  if (!o.det_png.empty()) {
    const std::string title = det.size() == 1 ? "DET " + dataset_name(o.dirs.front()) : "DET, impostors: " + o.impostors;
    auto png = det.size() == 1 ? abis::render_det_png(det.front().curve, title) : abis::render_det_png(det, title);
    if (!png) return fail(png.error());
    if (auto ok = write_file_bytes(o.det_png, *png); !ok) return fail(ok.error());
  }
  return 0;
}

int run_synth(const std::string& dir, std::size_t persons, int impressions, std::uint64_t seed) {
  constexpr std::size_t kPersonsMax = 100'000;
  if (persons == 0 || persons > kPersonsMax || impressions < 1 || impressions > 16)
    return fail(Error{ErrorCode::kInvalidArgument, "persons must be 1..100000 and impressions 1..16"});
  fs::create_directories(dir);
  std::size_t written = 0;
  for (std::size_t p = 0; p < persons; ++p) {
    for (int f = 1; f <= abis::parameters::fingers_per_person; ++f) {
      const auto finger = abis::synthetic_finger(seed, p, f);
      abis::Rng rng(seed * 1'000'003 + p * 16 + static_cast<std::uint64_t>(f));
      for (int i = 1; i <= impressions; ++i) {
        auto bytes = bio::encode_template(abis::make_impression(finger, rng));
        if (!bytes) return fail(bytes.error());
        const auto name = std::to_string(p) + "_" + std::to_string(f) + "_" + std::to_string(i) + ".ekt";
        if (auto ok = write_file_bytes(fs::path(dir) / name, *bytes); !ok) return fail(ok.error());
        ++written;
      }
    }
  }
  std::cout << boost::json::serialize(boost::json::object{{"templates", written}, {"dir", dir}}) << "\n";
  return 0;
}

Result<abis::Gallery> load_gallery(const std::string& path) {
  auto bytes = read_file_bytes(path, abis::parameters::gallery_bytes_max * 2);
  if (!bytes) return std::unexpected(bytes.error());
  auto gallery = abis::Gallery::deserialize(*bytes);
  if (!gallery) return std::unexpected(Error{gallery.error().code, path + ": " + gallery.error().message});
  return gallery;
}

struct EnrollOptions {
  std::string gallery, template_path;
  std::uint64_t person = 0, seed = 1;
  int finger = 0;
  std::size_t synthetic = 0;
};

int run_enroll(const EnrollOptions& o) {
  abis::Gallery g;
  if (o.synthetic > 0) {
    g = abis::synthetic_gallery(o.synthetic, o.seed, 0);
  } else if (fs::exists(o.gallery)) {
    auto loaded = load_gallery(o.gallery);
    if (!loaded) return fail(loaded.error());
    g = std::move(*loaded);
  }
  if (!o.template_path.empty()) {
    auto t = load_template_or_image(o.template_path);
    if (!t) return fail(t.error());
    if (auto ok = g.enroll(o.person, o.finger, *t); !ok) return fail(ok.error());
  }
  const auto bytes = g.serialize();
  if (auto ok = write_file_bytes(o.gallery, bytes); !ok) return fail(ok.error());
  std::cout << boost::json::serialize(boost::json::object{
                   {"persons", g.person_count()}, {"fingers", g.finger_count()}, {"bytes", bytes.size()}})
            << "\n";
  return 0;
}

struct IdentifyOptions {
  std::string gallery;
  std::vector<std::string> probes;  // POSITION:PATH
  float threshold = 0;
  std::size_t candidates = 10;
};

int run_identify(const IdentifyOptions& o) {
  if (!std::isfinite(o.threshold)) return fail(invalid_argument("--threshold must be a finite number").error());
  auto g = load_gallery(o.gallery);
  if (!g) return fail(g.error());
  abis::SearchProbe probe;
  for (const std::string& item : o.probes) {
    const auto colon = item.find(':');
    int position = 0;
    if (colon == std::string::npos || std::from_chars(item.data(), item.data() + colon, position).ec != std::errc{} ||
        position < 1 || position > abis::parameters::fingers_per_person)
      return fail(Error{ErrorCode::kInvalidArgument, "probe must be POSITION:PATH with POSITION 1..10: " + item});
    auto& slot = probe.fingers[static_cast<std::size_t>(position - 1)];
    // A second print for one position would silently replace the first.
    if (slot) return fail(invalid_argument("probe position " + std::to_string(position) + " is given twice").error());
    auto t = load_template_or_image(item.substr(colon + 1));
    if (!t) return fail(t.error());
    slot = std::move(*t);
  }
  const auto start = std::chrono::steady_clock::now();
  auto found = abis::search(*g, probe, {.candidates_max = o.candidates, .score_threshold = o.threshold});
  if (!found) return fail(found.error());
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  boost::json::array candidates;
  for (const auto& c : *found)
    candidates.push_back({{"person", c.person}, {"score", c.score}, {"fingers", c.fingers_compared}});
  std::cout << boost::json::serialize(boost::json::object{{"candidates", candidates}, {"search_ms", ms}}) << "\n";
  return 0;
}

// Peak resident memory of this process in bytes (Linux reports ru_maxrss in KiB); 0 if unknown.
std::size_t peak_resident_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

int run_identify_eval(const abis::IdentifyEvalOptions& o) {
  auto r = abis::identify_eval(o);
  if (!r) return fail(r.error());
  boost::json::array misses;
  for (const abis::MissedMate& m : r->misses) {
    boost::json::object miss{{"person", m.person}, {"shortlisted", m.shortlisted}, {"mate_score", m.score}};
    if (m.shortlisted) miss["shortlist_rank"] = m.shortlist_rank;
    misses.push_back(std::move(miss));
  }
  std::cout << boost::json::serialize(boost::json::object{
                   {"persons", r->persons}, {"searches_mated", r->searches},
                   {"searches_non_mated", r->non_mated_searches}, {"fingers", o.fingers},
                   {"fpir_target", r->fpir_target}, {"threshold", r->threshold}, {"fnir", r->fnir},
                   {"rank1_identification_rate", r->rank1_identification_rate}, {"enroll_s", r->enroll_s},
                   {"search_ms_mean", r->search_ms_mean}, {"search_ms_max", r->search_ms_max},
                   {"search_cpu_ms_mean", r->search_cpu_ms_mean},
                   {"first_stage_ms_mean", r->first_stage_ms_mean}, {"second_stage_ms_mean", r->second_stage_ms_mean},
                   {"shortlist_persons", r->shortlist_persons}, {"first_stage_miss_rate", r->first_stage_miss_rate},
                   {"mate_shortlist_rank_p99", r->mate_shortlist_rank_p99},
                   {"mate_shortlist_rank_max", r->mate_shortlist_rank_max},
                   {"missed_mates", misses}, {"gallery_bytes", r->gallery_bytes},
                   {"peak_resident_bytes", peak_resident_bytes()}})
            << "\n";
  return 0;
}

// CLI11 parses "-1" into an unsigned option as 2^64 - 1; refuse the sign instead. (Options with a
// CLI::Range need no more: the wrapped value is out of range.)
const CLI::Validator kNotNegative(
    [](std::string& input) { return input.starts_with('-') ? "must not be negative: " + input : std::string{}; },
    "NOT NEGATIVE");

}  // namespace

void register_abis_commands(CLI::App& app) {
  auto* abis = app.add_subcommand("abis", "fingerprint engine: extract, match, evaluate");
  abis->require_subcommand(1);
  auto ex = std::make_shared<ExtractOptions>();
  auto* extract = abis->add_subcommand("extract", "extract a minutiae template from an image");
  extract->add_option("IMAGE", ex->image, "PNG/BMP/TIFF/PGM image")->required();
  extract->add_option("OUT", ex->out, "template file to write")->required();
  extract->add_option("--dpi", ex->dpi, "scanner resolution (default 500)");
  extract->add_flag("--iso", ex->iso, "write an ISO/IEC 19794-2:2005 record");
  extract->add_option("--debug", ex->debug_dir, "directory for intermediate stage images");
  extract->callback([ex] { exit_code() = run_extract(*ex); });

  auto files = std::make_shared<std::pair<std::string, std::string>>();
  auto* match = abis->add_subcommand("match", "compare two templates (or images); prints the score last");
  match->add_option("A", files->first, "template or image")->required();
  match->add_option("B", files->second, "template or image")->required();
  match->callback([files] { exit_code() = run_match(files->first, files->second); });

  auto ev = std::make_shared<EvalOptions>();
  auto* eval = abis->add_subcommand("eval", "FVC protocol on a directory of <finger>_<impression> images");
  eval->add_option("DIR", ev->dirs, "data set directories, one JSON line each (meta.json gives the dpi)")
      ->required();
  eval->add_option("--dpi", ev->dpi, "override the resolution")
      ->check(CLI::Range(bio::parameters::dpi_min, bio::parameters::dpi_max));
  eval->add_option("--impostors", ev->impostors, "fvc (first impressions) or all (every cross-finger pair)")
      ->check(CLI::IsMember({"fvc", "all"}));
  eval->add_option("--det", ev->det_png, "write the DET curves (one per data set) as PNG");
  eval->callback([ev] { exit_code() = run_eval(*ev); });

  auto cal = std::make_shared<std::vector<std::string>>();
  auto* calibrate = abis->add_subcommand("calibrate", "score thresholds for FMR 1e-2..1e-5 from cross-finger pairs");
  calibrate->add_option("DIR", *cal, "data set directories")->required();
  calibrate->callback([cal] { exit_code() = run_calibrate(*cal); });

  auto sy = std::make_shared<std::tuple<std::string, std::size_t, int, std::uint64_t>>("", 10, 2, 1);
  auto* synth = abis->add_subcommand("synth", "write synthetic templates DIR/<person>_<finger>_<impression>.ekt");
  synth->add_option("DIR", std::get<0>(*sy))->required();
  synth->add_option("--persons", std::get<1>(*sy), "persons (10 fingers each)")->check(kNotNegative);
  synth->add_option("--impressions", std::get<2>(*sy), "impressions per finger");
  synth->add_option("--seed", std::get<3>(*sy))->check(kNotNegative);
  synth->callback([sy] { exit_code() = run_synth(std::get<0>(*sy), std::get<1>(*sy), std::get<2>(*sy), std::get<3>(*sy)); });

  auto en = std::make_shared<EnrollOptions>();
  auto* enroll = abis->add_subcommand("enroll", "add a finger to a gallery file (created if missing)");
  enroll->add_option("GALLERY", en->gallery)->required();
  enroll->add_option("TEMPLATE", en->template_path, "template or image");
  enroll->add_option("--person", en->person)->check(kNotNegative);
  enroll->add_option("--finger", en->finger, "ISO finger position 1..10");
  enroll->add_option("--synthetic", en->synthetic, "start from N synthetic persons instead of the file")
      ->check(CLI::Range(std::size_t{0}, abis::parameters::gallery_persons_max));
  enroll->add_option("--seed", en->seed)->check(kNotNegative);
  enroll->callback([en] { exit_code() = run_enroll(*en); });

  auto id = std::make_shared<IdentifyOptions>();
  auto* identify = abis->add_subcommand("identify", "1:N search; prints the candidate list as JSON");
  identify->add_option("GALLERY", id->gallery)->required();
  identify->add_option("PROBE", id->probes, "POSITION:PATH, one per finger")->required();
  identify->add_option("--threshold", id->threshold);
  identify->add_option("--candidates", id->candidates)
      ->check(CLI::Range(std::size_t{1}, abis::parameters::search_candidates_max));
  identify->callback([id] { exit_code() = run_identify(*id); });

  auto ie = std::make_shared<abis::IdentifyEvalOptions>();
  auto* ieval = abis->add_subcommand("identify-eval", "1:N accuracy and speed on a synthetic gallery");
  ieval->add_option("--persons", ie->persons)
      ->check(CLI::Range(std::size_t{1}, abis::parameters::gallery_persons_max));
  ieval->add_option("--searches", ie->searches, "mated searches (and non-mated, unless --non-mated)")
      ->check(kNotNegative);
  ieval->add_option("--non-mated", ie->non_mated_searches, "non-mated searches (default: as many as mated)")
      ->check(kNotNegative);
  ieval->add_option("--fingers", ie->fingers, "fingers per probe")
      ->check(CLI::Range(1, abis::parameters::fingers_per_person));
  ieval->add_option("--shortlist", ie->shortlist_persons, "persons kept by stage one (default: by probe fingers)")
      ->check(kNotNegative);
  ieval->add_option("--threads", ie->threads, "0 = all cores")
      ->check(CLI::Range(0, abis::parameters::search_threads_max));
  ieval->add_option("--seed", ie->seed)->check(kNotNegative);
  ieval->callback([ie] { exit_code() = run_identify_eval(*ie); });
}

}  // namespace ektp::cli
