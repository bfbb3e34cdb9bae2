// `ektp photo check FILE`: the enrollment photo quality checks, report as JSON on stdout.
// Exit status: 0 every rule passed, 1 some rule failed, 2 the file was refused (unreadable, not
// a JPEG/PNG, over the limits), 3 the face detector could not be loaded.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "biometrics/capture_parameters.h"
#include "biometrics/photo_quality.h"
#include "cli/commands.h"
#include "cli/face_cascade.h"
#include "api/capture_json.h"

namespace ektp::cli {

namespace {

namespace bio = ektp::biometrics;

constexpr int kExitFailedRules = 1;
constexpr int kExitRefused = 2;
constexpr int kExitNoDetector = 3;

struct PhotoOptions {
  std::string file;
  std::string cascade = kDefaultFaceCascadePath;
};

// The file's bytes; a file over the limit is refused without reading it.
Result<std::vector<std::uint8_t>> read_limited(const std::filesystem::path& path,
                                               std::size_t limit) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return not_found("cannot read " + path.string() + ": " + ec.message());
  if (size > limit) {
    return invalid_argument("photo: file is " + std::to_string(size) + " bytes; the limit is " +
                            std::to_string(limit));
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) return not_found("cannot read " + path.string());
  return bytes;
}

int refuse(const std::string& file, const Error& e, int code) {
  boost::json::object out{{"ok", false}, {"file", file}, {"error", e.message}};
  std::cout << boost::json::serialize(out) << "\n";
  std::cerr << "error: " << e.message << "\n";
  return code;
}

int run_photo_check(const PhotoOptions& o) {
  auto detector = load_face_detector(o.cascade);
  if (!detector) return refuse(o.file, detector.error(), kExitNoDetector);
  auto bytes = read_limited(o.file, bio::capture::image_bytes_max);
  if (!bytes) return refuse(o.file, bytes.error(), kExitRefused);
  auto report = bio::check_photo(*bytes, *detector);
  if (!report) {
    const bool refused = report.error().code == ErrorCode::kInvalidArgument;
    return refuse(o.file, report.error(), refused ? kExitRefused : kExitNoDetector);
  }
  std::cout << boost::json::serialize(api::photo_report_json(*report)) << "\n";
  return report->ok ? 0 : kExitFailedRules;
}

}  // namespace

void register_photo_commands(CLI::App& app) {
  auto* photo = app.add_subcommand("photo", "enrollment photo (pas foto) quality");
  photo->require_subcommand(1);
  auto options = std::make_shared<PhotoOptions>();
  auto* check = photo->add_subcommand(
      "check", "check a JPEG/PNG photo, every rule as JSON (exit 0 ok, 1 failed, 2 refused)");
  check->add_option("FILE", options->file, "JPEG or PNG photo")->required();
  check->add_option("--cascade", options->cascade, "OpenCV Haar cascade XML for faces")
      ->capture_default_str();
  check->callback([options] { exit_code() = run_photo_check(*options); });
}

}  // namespace ektp::cli
