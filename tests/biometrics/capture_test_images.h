// Images for the capture-quality tests: the real face photos in tests/data/faces, the default
// face detector, and OpenCV edits that turn a good portrait into a 3x4 pas foto or a bad one.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "biometrics/face_detector.h"
#include "biometrics/photo_quality.h"

namespace ektp::biometrics::testing {

inline constexpr const char* kFaceCascade =
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

inline std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::filesystem::path face_photo_path(const std::string& name) {
  return std::filesystem::path(EKTP_TEST_DATA_DIR) / "faces" / name;
}

inline std::vector<std::uint8_t> face_photo_bytes(const std::string& name) {
  return read_file(face_photo_path(name));
}

inline cv::Mat face_photo(const std::string& name) {
  const auto bytes = face_photo_bytes(name);
  return cv::imdecode(cv::Mat(bytes, false), cv::IMREAD_COLOR);
}

// One detector for the whole test process (it is thread-safe; loading it takes ~50 ms).
inline const FaceDetector& face_detector() {
  static const FaceDetector detector = [] {
    const auto xml = read_file(kFaceCascade);
    auto d = FaceDetector::from_cascade_xml(std::string(xml.begin(), xml.end()));
    if (!d) throw std::runtime_error("face cascade: " + d.error().message);
    return std::move(*d);
  }();
  return detector;
}

inline std::vector<std::uint8_t> encode(const cv::Mat& image, const std::string& ext = ".png") {
  std::vector<std::uint8_t> out;
  cv::imencode(ext, image, out, {cv::IMWRITE_JPEG_QUALITY, 95});
  return out;
}

inline PhotoReport check(const cv::Mat& image) {
  auto report = check_photo(encode(image), face_detector());
  if (!report) throw std::runtime_error("check_photo: " + report.error().message);
  return *report;
}

inline cv::Rect face_rect(const PhotoReport& report) {
  if (!report.face) throw std::runtime_error("no face in the report");
  return {report.face->x, report.face->y, report.face->width, report.face->height};
}

// The window of `image` given by `window`, which may reach outside it: the missing parts are
// filled by repeating the edge pixels (a sheet of backdrop extended, as a photographer would).
inline cv::Mat window_of(const cv::Mat& image, const cv::Rect& window) {
  const cv::Rect inside = window & cv::Rect(0, 0, image.cols, image.rows);
  cv::Mat out;
  cv::copyMakeBorder(image(inside), out, inside.y - window.y,
                     window.y + window.height - inside.y - inside.height, inside.x - window.x,
                     window.x + window.width - inside.x - inside.width, cv::BORDER_REPLICATE);
  return out;
}

// A 3x4 (width:height) crop around the face: the face box `face_ratio` of the height, its
// centre at `centre_x` of the width and `centre_y` of the height. With the defaults the crown
// (about 0.4 box heights above the box) is some 10% of the height below the top edge.
inline cv::Mat crop_3x4(const cv::Mat& image, const cv::Rect& face, double face_ratio,
                        double centre_x = 0.5, double centre_y = 0.5) {
  const int height = static_cast<int>(face.height / face_ratio);
  const int width = height * 3 / 4;
  const int x = face.x + face.width / 2 - static_cast<int>(centre_x * width);
  const int y = face.y + face.height / 2 - static_cast<int>(centre_y * height);
  return window_of(image, {x, y, width, height});
}

// How much each pixel belongs to the person (CV_32F, 0..1), cut out with GrabCut: outside a
// generous head-and-shoulders outline is background for sure; the face core and a block under
// the chin are the person for sure; GrabCut finds the edge in between.
inline cv::Mat person_alpha(const cv::Mat& image, const cv::Rect& face) {
  const cv::Rect frame(0, 0, image.cols, image.rows);
  const int cx = face.x + face.width / 2;
  const int w = face.width, h = face.height;
  cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
  cv::ellipse(mask, cv::Point(cx, face.y + h * 42 / 100), cv::Size(w * 95 / 100, h * 115 / 100), 0,
              0, 360, cv::Scalar(cv::GC_PR_FGD), cv::FILLED);
  const std::vector<cv::Point> shoulders = {
      {cx - w * 7 / 10, face.y + h * 115 / 100}, {cx + w * 7 / 10, face.y + h * 115 / 100},
      {cx + w * 18 / 10, face.y + h * 21 / 10},  {cx + w * 18 / 10, image.rows},
      {cx - w * 18 / 10, image.rows},            {cx - w * 18 / 10, face.y + h * 21 / 10}};
  cv::fillConvexPoly(mask, shoulders, cv::Scalar(cv::GC_PR_FGD));
  mask(cv::Rect(face.x + w / 5, face.y + h / 5, w * 3 / 5, h * 3 / 5) & frame).setTo(cv::GC_FGD);
  mask(cv::Rect(cx - w / 2, face.y + h * 13 / 10, w, image.rows) & frame).setTo(cv::GC_FGD);
  cv::Mat bgd, fgd;
  cv::grabCut(image, mask, cv::Rect(), bgd, fgd, 8, cv::GC_INIT_WITH_MASK);
  cv::Mat alpha = (mask == cv::GC_FGD) | (mask == cv::GC_PR_FGD);
  alpha.convertTo(alpha, CV_32F, 1.0 / 255.0);
  cv::GaussianBlur(alpha, alpha, cv::Size(5, 5), 0);  // a soft edge, as in a real photo
  return alpha;
}

// The person (alpha from person_alpha) in front of `backdrop` (same size): a studio photo made
// from a portrait.
inline cv::Mat composite(const cv::Mat& image, const cv::Mat& alpha, const cv::Mat& backdrop) {
  cv::Mat a3, fg, bg, out;
  cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, a3);
  image.convertTo(fg, CV_32FC3);
  backdrop.convertTo(bg, CV_32FC3);
  out = fg.mul(a3) + bg.mul(cv::Scalar::all(1.0) - a3);
  out.convertTo(out, CV_8UC3);
  return out;
}

// A light grey studio wall: a gentle vertical light falloff plus sensor noise.
inline cv::Mat studio_backdrop(cv::Size size, int seed = 1) {
  cv::Mat wall(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    const double level = 215.0 - 25.0 * y / size.height;
    wall.row(y).setTo(cv::Scalar(level + 4, level, level - 3));
  }
  cv::Mat noise(size, CV_16SC3), signed_wall;
  cv::RNG rng(static_cast<std::uint64_t>(seed));
  rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(3));
  wall.convertTo(signed_wall, CV_16SC3);
  signed_wall += noise;
  signed_wall.convertTo(wall, CV_8UC3);
  return wall;
}

// A cluttered dark backdrop: many overlapping blobs of several dark colours.
inline cv::Mat cluttered_backdrop(cv::Size size, int seed = 2) {
  cv::Mat wall(size, CV_8UC3, cv::Scalar(40, 45, 50));
  cv::RNG rng(static_cast<std::uint64_t>(seed));
  for (int i = 0; i < 400; ++i) {
    const cv::Point centre(rng.uniform(0, size.width), rng.uniform(0, size.height));
    const int radius = rng.uniform(size.width / 60 + 1, size.width / 20 + 2);
    const cv::Scalar colour(rng.uniform(0, 160), rng.uniform(0, 160), rng.uniform(0, 160));
    cv::circle(wall, centre, radius, colour, cv::FILLED);
  }
  return wall;
}

}  // namespace ektp::biometrics::testing
