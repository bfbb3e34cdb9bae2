// Every limit and tunable of the enrollment capture checks (photo, iris, signature) in one place,
// units last, with the reason for each. Photo limits were calibrated on the real portraits in
// shared/data/faces (figures in tests/biometrics/photo_quality_test.cpp); the iris limits are
// first guesses from ISO/IEC 19794-6 and synthetic images, to be re-tuned on real captures.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ektp::biometrics::capture {

// --- Encoded input (photo and iris) ---
// Read from the PNG IHDR / JPEG SOF header before any pixel is decoded, so a small file that
// claims a huge image is refused without allocating it.
inline constexpr std::size_t image_bytes_max = 10u << 20;     // 10 MiB: a 24 MP JPEG fits
inline constexpr std::int64_t image_side_px_max = 6000;       // width or height
inline constexpr std::int64_t image_pixels_max = 24'000'000;  // width * height: 6000x4000
inline constexpr std::int64_t image_side_px_min = 64;         // smaller holds nothing to judge

// --- Photo: face detection (OpenCV Haar cascade, haarcascade_frontalface_default.xml) ---
inline constexpr int detection_long_side_px = 640;    // photos are shrunk to this before detection
inline constexpr double detection_scale_factor = 1.1;
inline constexpr int detection_neighbours_min = 3;    // OpenCV's grouping threshold
// Below this the face is 6% of the detection image's long side: too far away to be a subject.
inline constexpr int detection_face_px_min = 36;
// A detection is a face when it has at least this many grouped votes ...
inline constexpr int face_votes_min = 5;
// ... and, beside the strongest face, at least this share of its votes and of its height.
// Measured at 640 px: real faces get 29-58 votes, the false boxes (obama3's chest, biden's tie,
// a hand in obama.jpg) 3-6 votes, although one of them is 85% as tall as the real face.
inline constexpr double other_face_votes_ratio_min = 0.35;
inline constexpr double other_face_height_ratio_min = 0.5;

// --- Photo: geometry of a 3x4 pas foto ---
// The Haar box runs from mid-forehead to the chin; the head (crown to chin) is about 1.4 times
// its height (1.3-1.6 on the real portraits, judged by eye). A pas foto wants the head at about
// 70% of the image height; we accept 45-85%, which puts the box at 0.32-0.61 of the height.
inline constexpr double head_to_face_box_ratio = 1.4;
inline constexpr double head_height_ratio_min = 0.45;
inline constexpr double head_height_ratio_max = 0.85;
inline constexpr double face_height_ratio_min = head_height_ratio_min / head_to_face_box_ratio;
inline constexpr double face_height_ratio_max = head_height_ratio_max / head_to_face_box_ratio;
// |face centre x - image centre x| / image width. The real portraits sit within 0.062.
inline constexpr double face_centre_offset_ratio_max = 0.10;
// Face box height in source pixels: below this the face is too coarse to print or recognise.
inline constexpr int face_height_px_min = 80;

// --- Photo: background (above the chin, outside the head) ---
// The head is taken as an ellipse around the face box: its centre this share of the box height
// below the box top, its half-axes these many box widths and heights. It holds the head with
// ordinary hair; what reaches further (voluminous hair, a jilbab) is a minority of the sample,
// which robust statistics (quartiles) tolerate. In a 3x4 pas foto the head fills most of the
// width, so a wider ellipse would leave almost no background to judge.
inline constexpr double head_centre_ratio = 0.50;
inline constexpr double head_half_width_ratio = 0.68;
inline constexpr double head_half_height_ratio = 1.10;
// Rows below the chin (the box bottom) are not sampled: the shoulders start there.
// Fewer sampled pixels than this share of the image: the background cannot be judged (skipped).
inline constexpr double background_area_ratio_min = 0.03;
// Spread of the background: interquartile range / 1.349 (a robust standard deviation), the
// largest of B, G and R, 0..255. Measured on 3x4 crops with the face box at 0.40-0.55 of the
// height: the real backdrops (flags, curtains, a painting) 34-94, except the astronaut's mottled
// grey wall at 13; the same people cut out onto a plain wall with a light falloff and sensor
// noise 4-7; onto dark clutter 45-104.
inline constexpr double background_spread_max = 25.0;
// Median grey of the background, 0..255. Measured: the real dark backdrops 47-122, the
// astronaut's grey wall 190, a light studio wall 209-213, dark clutter 53-88. (A red or blue
// backdrop, as printed on e-KTP cards, reads 60-90 here.)
inline constexpr double background_grey_min = 130.0;

// --- Photo: exposure and sharpness of the face ---
// The inner face (the central 60% of the box, leaving out hair and background corners).
inline constexpr double face_inner_ratio = 0.60;
// Mean grey of the inner face. Measured on the real portraits: 97-179 (136-146 for Obama).
// The low bound leaves room for very dark skin in fair light (10% reflectance exposed for 18%
// grey reads about 90); the portraits darkened to 30% read 40-54, brightened by +100 222-246.
inline constexpr double face_mean_min = 60.0;
inline constexpr double face_mean_max = 215.0;
// Variance of the Laplacian of the face box resampled to face_sharpness_px square, so the figure
// does not depend on how many pixels the face has.
// Measured: the real portraits 183-1403 (the lowest is the astronaut's 95 px face, enlarged);
// after a Gaussian blur of sigma 1.5 px at that scale 17-78, of sigma 2.5 px below 30.
inline constexpr int face_sharpness_px = 128;
inline constexpr double face_sharpness_min = 60.0;

// --- Iris (ISO/IEC 19794-6 images are typically 640x480, 8-bit grey, near infrared) ---
inline constexpr int iris_width_px_min = 320;
inline constexpr int iris_height_px_min = 240;
inline constexpr int iris_side_px_max = 2048;
inline constexpr double iris_mean_min = 40.0;
inline constexpr double iris_mean_max = 210.0;
// Focus: variance of the Laplacian with the image resampled to this long side (half of the ISO
// 640 px, so that sensor noise, averaged away, does not pass for detail) and scaled to a mean
// grey of 128. Uncalibrated on real irises: on the synthetic eye, sharp 224, Gaussian blur of
// sigma 1 / 2 / 3 px at 640 px 64 / 14 / 4.
inline constexpr int iris_sharpness_long_side_px = 320;
inline constexpr double iris_sharpness_min = 10.0;
// Contrast: grey standard deviation over the mean (RMS contrast), which does not change when
// the exposure does, so a dark picture fails too_dark, not low_contrast as well.
inline constexpr double iris_contrast_min = 0.10;

// --- Signature (a PNG from an HTML canvas, usually RGBA on a transparent background) ---
inline constexpr std::size_t signature_bytes_max = 2u << 20;
inline constexpr std::int64_t signature_side_px_max = 3000;
inline constexpr std::int64_t signature_pixels_max = 4'000'000;
inline constexpr int signature_side_px_min = 32;
// A pixel is ink when, composited over white, its grey is below this.
inline constexpr int signature_ink_grey_max = 128;
inline constexpr int signature_ink_pixels_min = 100;
// The ink's bounding box must span these shares of the canvas.
inline constexpr double signature_box_width_ratio_min = 0.15;
inline constexpr double signature_box_height_ratio_min = 0.08;
// More than this share of the bounding box inked: a blot or a filled canvas, not a signature.
inline constexpr double signature_ink_density_max = 0.45;
// The stored image: cropped to the ink with this margin (share of the box height, at least 4 px);
// canvas grey at or above signature_white_grey becomes pure white.
inline constexpr double signature_margin_ratio = 0.10;
inline constexpr int signature_margin_px_min = 4;
inline constexpr int signature_white_grey = 230;

static_assert(face_height_ratio_min < face_height_ratio_max);
static_assert(face_mean_min < face_mean_max && iris_mean_min < iris_mean_max);
static_assert(image_side_px_max * image_side_px_max > image_pixels_max,
              "the pixel limit must bind on its own for wide images");
static_assert(iris_side_px_max <= image_side_px_max);
static_assert(signature_ink_grey_max < signature_white_grey);

}  // namespace ektp::biometrics::capture
