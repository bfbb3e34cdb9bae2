#include "biometrics/photo_quality.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "biometrics/capture_parameters.h"
#include "biometrics/detail/capture_image.h"

namespace ektp::biometrics {

namespace {

namespace p = capture;
namespace rule = photo_rule;

// Each rule once: id, limit, which side of it passes, and what the operator is told.
struct Rule {
  std::string_view id;
  double limit;
  Bound bound;
  std::string_view message;
};

constexpr Rule kNoFace{rule::kNoFace, 1, Bound::kMin, "Tidak ada wajah yang terdeteksi."};
constexpr Rule kMultipleFaces{rule::kMultipleFaces, 1, Bound::kMax,
                              "Terdeteksi lebih dari satu wajah; hanya satu orang di foto."};
constexpr Rule kTooSmall{rule::kFaceTooSmall, p::face_height_ratio_min, Bound::kMin,
                         "Wajah terlalu kecil; dekatkan kamera atau potong foto lebih rapat."};
constexpr Rule kTooLarge{rule::kFaceTooLarge, p::face_height_ratio_max, Bound::kMax,
                         "Wajah terlalu besar; kepala dan bahu harus tampak utuh."};
constexpr Rule kOffCentre{rule::kFaceOffCentre, p::face_centre_offset_ratio_max, Bound::kMax,
                          "Wajah tidak berada di tengah foto."};
constexpr Rule kResolution{rule::kFaceResolutionLow, p::face_height_px_min, Bound::kMin,
                           "Resolusi wajah terlalu rendah; gunakan foto yang lebih besar."};
constexpr Rule kNotPlain{rule::kBackgroundNotPlain, p::background_spread_max, Bound::kMax,
                         "Latar belakang tidak polos; gunakan latar satu warna."};
constexpr Rule kNotLight{rule::kBackgroundNotLight, p::background_grey_min, Bound::kMin,
                         "Latar belakang terlalu gelap; gunakan latar terang."};
constexpr Rule kTooDark{rule::kTooDark, p::face_mean_min, Bound::kMin,
                        "Wajah terlalu gelap; tambah pencahayaan."};
constexpr Rule kTooBright{rule::kTooBright, p::face_mean_max, Bound::kMax,
                          "Wajah terlalu terang; kurangi pencahayaan atau kilat."};
constexpr Rule kBlurred{rule::kBlurred, p::face_sharpness_min, Bound::kMin,
                        "Foto buram; pastikan kamera fokus dan subjek tidak bergerak."};

QualityCheck measured(const Rule& r, double value) {
  return judge(r.id, value, r.limit, r.bound, r.message);
}

QualityCheck not_measured(const Rule& r) { return skipped(r.id, r.limit, r.bound, r.message); }

constexpr detail::DecodeLimits kPhotoLimits{p::image_bytes_max, p::image_side_px_max,
                                            p::image_pixels_max, p::image_side_px_min};

// The photo at detection scale (long side at most capture::detection_long_side_px), where the
// face is found and the background and exposure are measured; sharpness uses the full image.
struct Scaled {
  cv::Mat colour;
  cv::Mat grey;
  double scale = 1.0;  // scaled px per photo px
};

Scaled scale_for_detection(const cv::Mat& photo) {
  Scaled s;
  const int long_side = std::max(photo.cols, photo.rows);
  s.scale = std::min(1.0, static_cast<double>(p::detection_long_side_px) / long_side);
  if (s.scale < 1.0) {
    cv::resize(photo, s.colour, cv::Size(), s.scale, s.scale, cv::INTER_AREA);
  } else {
    s.colour = photo;
  }
  s.grey = detail::to_grey(s.colour);
  return s;
}

GreyImage to_grey_image(const cv::Mat& grey) {
  GreyImage out{grey.cols, grey.rows, {}};
  out.pixels.reserve(static_cast<std::size_t>(grey.cols) * grey.rows);
  for (int y = 0; y < grey.rows; ++y) {
    const std::uint8_t* row = grey.ptr<std::uint8_t>(y);
    out.pixels.insert(out.pixels.end(), row, row + grey.cols);
  }
  return out;
}

// The faces that count: enough votes, and beside the strongest, a fair share of its votes and
// height. Weak boxes on a tie, a chest or a hand (obama3.jpg, biden.jpg) are left out.
std::vector<FaceBox> faces_that_count(const std::vector<FaceBox>& candidates) {
  std::vector<FaceBox> faces;
  for (const auto& box : candidates) {  // strongest first
    if (box.votes < p::face_votes_min) continue;
    if (!faces.empty()) {
      const FaceBox& best = faces.front();
      if (box.votes < p::other_face_votes_ratio_min * best.votes) continue;
      if (box.height < p::other_face_height_ratio_min * best.height) continue;
    }
    faces.push_back(box);
  }
  return faces;
}

cv::Rect clamp_to(const cv::Rect& r, const cv::Mat& image) {
  return r & cv::Rect(0, 0, image.cols, image.rows);
}

// Above the chin and outside an ellipse that holds the head with hair, ears or a headscarf.
cv::Mat background_mask(const Scaled& s, const FaceBox& f) {
  cv::Mat mask(s.grey.size(), CV_8UC1, cv::Scalar(0));
  const int chin_y = std::clamp(f.y + f.height, 0, s.grey.rows);
  mask(cv::Rect(0, 0, s.grey.cols, chin_y)).setTo(255);
  const cv::Point centre(f.x + f.width / 2,
                         f.y + static_cast<int>(p::head_centre_ratio * f.height));
  const cv::Size axes(static_cast<int>(p::head_half_width_ratio * f.width),
                      static_cast<int>(p::head_half_height_ratio * f.height));
  cv::ellipse(mask, centre, axes, 0, 0, 360, cv::Scalar(0), cv::FILLED);
  return mask;
}

// Quartiles of the masked pixels of one 8-bit channel, from its histogram.
struct Quartiles {
  double lower = 0, median = 0, upper = 0;
};

Quartiles masked_quartiles(const cv::Mat& channel, const cv::Mat& mask) {
  std::array<std::int64_t, 256> histogram{};
  std::int64_t count = 0;
  for (int y = 0; y < channel.rows; ++y) {
    const auto* c = channel.ptr<std::uint8_t>(y);
    const auto* m = mask.ptr<std::uint8_t>(y);
    for (int x = 0; x < channel.cols; ++x) {
      if (m[x] != 0) {
        ++histogram[c[x]];
        ++count;
      }
    }
  }
  auto percentile = [&](double q) {
    const auto rank = static_cast<std::int64_t>(q * static_cast<double>(count - 1));
    std::int64_t seen = 0;
    for (int v = 0; v < 256; ++v) {
      seen += histogram[static_cast<std::size_t>(v)];
      if (seen > rank) return static_cast<double>(v);
    }
    return 255.0;
  };
  return {percentile(0.25), percentile(0.5), percentile(0.75)};
}

// Robust statistics, so that the edge of a head of hair or a headscarf reaching into the sample
// does not count as clutter: the spread is the interquartile range over 1.349 (the standard
// deviation, for normally distributed noise), the largest over B, G and R; the level is the
// median grey.
void add_background_checks(const Scaled& s, const FaceBox& f, std::vector<QualityCheck>& out) {
  const cv::Mat mask = background_mask(s, f);
  const double area = cv::countNonZero(mask);
  if (area < p::background_area_ratio_min * static_cast<double>(s.grey.total())) {
    out.push_back(not_measured(kNotPlain));  // the face fills the frame: face_too_large says so
    out.push_back(not_measured(kNotLight));
    return;
  }
  std::vector<cv::Mat> channels;
  cv::split(s.colour, channels);
  double spread = 0.0;
  for (const cv::Mat& channel : channels) {
    const Quartiles q = masked_quartiles(channel, mask);
    spread = std::max(spread, (q.upper - q.lower) / 1.349);
  }
  out.push_back(measured(kNotPlain, spread));
  out.push_back(measured(kNotLight, masked_quartiles(s.grey, mask).median));
}

FaceBox to_photo_pixels(const FaceBox& f, double scale) {
  return {static_cast<int>(std::lround(f.x / scale)), static_cast<int>(std::lround(f.y / scale)),
          static_cast<int>(std::lround(f.width / scale)),
          static_cast<int>(std::lround(f.height / scale)), f.votes};
}

// Variance of the Laplacian of the face, resampled to a fixed size from the full-resolution
// photo so that the figure is about focus, not about how many pixels the face has.
double face_sharpness(const cv::Mat& photo_grey, const cv::Rect& face) {
  const cv::Rect box = clamp_to(face, photo_grey);
  if (box.empty()) return 0.0;
  cv::Mat fixed, laplacian;
  const cv::Size side(p::face_sharpness_px, p::face_sharpness_px);
  cv::resize(photo_grey(box), fixed, side, 0, 0,
             box.width > side.width ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Laplacian(fixed, laplacian, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  return stddev[0] * stddev[0];
}

void add_face_checks(const cv::Mat& photo, const Scaled& s, const FaceBox& f,
                     std::vector<QualityCheck>& out) {
  const double height_ratio = static_cast<double>(f.height) / s.grey.rows;
  out.push_back(measured(kTooSmall, height_ratio));
  out.push_back(measured(kTooLarge, height_ratio));
  const double centre_offset = std::abs(f.x + f.width / 2.0 - s.grey.cols / 2.0) / s.grey.cols;
  out.push_back(measured(kOffCentre, centre_offset));
  out.push_back(measured(kResolution, f.height / s.scale));
  add_background_checks(s, f, out);

  const double margin = (1.0 - p::face_inner_ratio) / 2.0;
  const cv::Rect inner = clamp_to(
      cv::Rect(f.x + static_cast<int>(margin * f.width), f.y + static_cast<int>(margin * f.height),
               static_cast<int>(p::face_inner_ratio * f.width),
               static_cast<int>(p::face_inner_ratio * f.height)),
      s.grey);
  const double face_mean = inner.empty() ? 0.0 : cv::mean(s.grey(inner))[0];
  out.push_back(measured(kTooDark, face_mean));
  out.push_back(measured(kTooBright, face_mean));

  const FaceBox in_photo = to_photo_pixels(f, s.scale);
  const cv::Rect box(in_photo.x, in_photo.y, in_photo.width, in_photo.height);
  out.push_back(measured(kBlurred, face_sharpness(detail::to_grey(photo), box)));
}

// Face rules cannot be measured without a face; they are listed so every report has every id.
void add_skipped_face_checks(std::vector<QualityCheck>& out) {
  for (const Rule* r : {&kTooSmall, &kTooLarge, &kOffCentre, &kResolution, &kNotPlain, &kNotLight,
                        &kTooDark, &kTooBright, &kBlurred}) {
    out.push_back(not_measured(*r));
  }
}

Result<PhotoReport> judge_photo(const cv::Mat& photo, const FaceDetector& detector) {
  const Scaled s = scale_for_detection(photo);
  auto candidates = detector.detect(to_grey_image(s.grey));
  if (!candidates) return std::unexpected(candidates.error());
  const std::vector<FaceBox> faces = faces_that_count(*candidates);

  PhotoReport report;
  report.width = photo.cols;
  report.height = photo.rows;
  report.faces = static_cast<int>(faces.size());
  const double count = static_cast<double>(faces.size());
  report.checks.push_back(measured(kNoFace, count));
  report.checks.push_back(measured(kMultipleFaces, count));
  if (faces.empty()) {
    add_skipped_face_checks(report.checks);
  } else {
    add_face_checks(photo, s, faces.front(), report.checks);
    report.face = to_photo_pixels(faces.front(), s.scale);
  }
  report.ok = all_passed(report.checks);
  return report;
}

}  // namespace

Result<PhotoReport> check_photo(std::span<const std::uint8_t> encoded,
                                const FaceDetector& detector) {
  auto photo = detail::decode_capture(encoded, kPhotoLimits, detail::DecodeMode::kColour, "photo");
  if (!photo) return std::unexpected(photo.error());
  try {
    return judge_photo(*photo, detector);
  } catch (const std::exception& e) {  // cv::Exception or bad_alloc inside OpenCV
    return make_error(ErrorCode::kInternal, std::string("photo check failed: ") + e.what());
  }
}

}  // namespace ektp::biometrics
