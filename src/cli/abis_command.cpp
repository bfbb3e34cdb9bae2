// `ektp abis ...`: the fingerprint engine from the command line: extract, match, eval.
// File I/O lives here, never in src/biometrics.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/parameters.h"
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

class DirectorySink : public bio::TraceSink {
 public:
  explicit DirectorySink(fs::path dir) : dir_(std::move(dir)) {}
  bool accepts(std::string_view) const override { return true; }
  void take(std::string_view key, const bio::GreyImage& image) override {
    auto png = bio::encode_png(image);
    if (!png) return;
    (void)write_file_bytes(dir_ / (std::to_string(++index_) + "-" + std::string(key) + ".png"), *png);
  }

 private:
  fs::path dir_;
  int index_ = 0;
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
    fs::create_directories(o.debug_dir);
    sink = std::make_unique<DirectorySink>(o.debug_dir);
  }
  auto t = bio::extract(*image, o.dpi, sink.get());
  if (!t) return fail(t.error());
  auto encoded = bio::encode_template(*t);
  if (!encoded) return fail(encoded.error());
  if (auto ok = write_file_bytes(o.out, *encoded); !ok) return fail(ok.error());
  boost::json::object out{{"minutiae", t->minutiae.size()},
                          {"quality", t->image_quality},
                          {"bytes", encoded->size()}};
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

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
}

}  // namespace ektp::cli
