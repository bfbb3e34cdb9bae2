// Every tunable of the fingerprint engine in one place, with units last and the reason for each.
// Tuned on fvc2002-db1b and fvc2002-db3b; checked on the other sets (bench/README.md).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ektp::biometrics::parameters {

// --- Input limits ---
inline constexpr std::size_t image_bytes_max = 16u << 20;   // encoded image file
inline constexpr int image_side_px_min = 64;                // smaller cannot hold a usable print
inline constexpr int image_side_px_max = 4000;              // decoded width/height
inline constexpr int dpi_min = 250;
inline constexpr int dpi_max = 1200;
inline constexpr int target_dpi = 500;                      // the pipeline works at 500 ppi

// --- Segmentation ---
inline constexpr int block_px = 8;                          // block side for fields and mask
inline constexpr float segmentation_stddev_min = 9.0f;      // grey stddev of a foreground block
inline constexpr float segmentation_relative_stddev_min = 0.3f;  // vs the image's top blocks
inline constexpr int segmentation_smooth_passes = 2;        // majority-vote passes on the mask
inline constexpr int segmentation_erode_blocks = 1;         // drop the unreliable rim

// --- Orientation ---
inline constexpr int orientation_gradient_window_px = 17;   // gradient averaging window
inline constexpr int orientation_smooth_blocks = 2;         // radius of the vector smoothing
inline constexpr float coherence_min = 0.15f;               // below: low-quality block

// --- Ridge frequency (periods in px at 500 ppi) ---
inline constexpr float ridge_period_px_min = 4.5f;
inline constexpr float ridge_period_px_max = 16.0f;
inline constexpr float ridge_period_px_default = 9.0f;
inline constexpr int frequency_window_length_px = 32;       // along the ridge normal
inline constexpr int frequency_window_width_px = 14;        // along the ridge
inline constexpr int frequency_smooth_blocks = 3;

// --- Gabor enhancement ---
inline constexpr int gabor_orientations = 16;
inline constexpr int gabor_periods = 8;                     // period bins between min and max
inline constexpr float gabor_sigma_across_ratio = 0.5f;     // sigma across ridges / period
inline constexpr float gabor_sigma_along_ratio = 0.65f;     // sigma along ridges / period
inline constexpr int gabor_radius_px_max = 7;
// Times orientation and period are measured again on the enhanced image and the normalised image
// filtered again: 2 beat 1 and 3 on the tuning sets (EER sum 4.0 % against 4.7 % and 5.4 %).
inline constexpr int enhancement_refinements = 2;

// --- Minutiae ---
inline constexpr int minutia_border_px = 5;                // distance to background
inline constexpr int minutia_direction_trace_px = 10;       // ridge walk to measure direction
inline constexpr int short_ridge_px = 8;                    // spurs and islands shorter: removed
inline constexpr float close_pair_px = 8.0f;                // opposite minutiae this close: a break
inline constexpr float cluster_px = 6.0f;                   // any two this close: both noise
inline constexpr std::size_t minutiae_count_max = 128;      // keep the best by quality

// --- Matching: Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni 2010) ---
inline constexpr float mcc_radius_px = 70.0f;
inline constexpr int mcc_spatial_cells = 16;                // NS
inline constexpr int mcc_direction_cells = 6;               // ND
inline constexpr float mcc_sigma_spatial_px = 28.0f / 3.0f;
inline constexpr float mcc_sigma_direction_rad = 2.0f * 3.14159265f / 9.0f;
inline constexpr float mcc_bit_threshold = 0.01f;           // mu_psi: the sigmoid's 0.5 point
inline constexpr float mcc_hull_offset_px = 50.0f;
inline constexpr float mcc_valid_cells_min_ratio = 0.75f;
inline constexpr int mcc_neighbours_min = 2;
inline constexpr float mcc_matchable_common_ratio_min = 0.60f;
inline constexpr float mcc_direction_difference_max_rad = 3.14159265f / 2.0f;
inline constexpr int lss_pairs_min = 4;                     // nP min
inline constexpr int lss_pairs_max = 12;                    // nP max
inline constexpr float lss_size_mu = 20.0f;
inline constexpr float lss_size_tau = 0.4f;
inline constexpr int relaxation_iterations = 5;
inline constexpr float relaxation_weight = 0.5f;
inline constexpr int relaxation_pairs_max = 60;             // nR cap: bounds the cost
inline constexpr float relaxation_mu_distance_px = 8.0f;  // paper: 5; 8 tolerates more distortion
inline constexpr float relaxation_tau_distance = -8.0f / 5.0f;
inline constexpr float relaxation_mu_angle_rad = 3.14159265f / 12.0f;
inline constexpr float relaxation_tau_angle = -30.0f;

// --- Matching: global consolidation after LSS-R (consolidation.h) ---
// The LSS-R score is multiplied by factor^consolidation_weight, where the factor says how much of
// the two prints' common area agrees under one rigid alignment. Chosen on the tuning sets; every
// one-at-a-time neighbour of these values beat LSS-R alone there too (bench/README.md).
inline constexpr int consolidation_anchor_pairs = 4;           // best relaxed pairs give the alignment
inline constexpr float consolidation_distance_px = 8.0f;       // about one ridge period at 500 ppi
inline constexpr float consolidation_distance_per_px = 0.1f;   // + this per px from the anchors: skin stretches
inline constexpr float consolidation_angle_rad = 0.5f;         // about 30 degrees
inline constexpr int consolidation_overlap_floor = 6;          // minutiae; a tiny overlap proves little
inline constexpr float consolidation_pairs_mu = 6.0f;          // sigmoid on the paired count
inline constexpr float consolidation_pairs_tau = 1.0f;
inline constexpr float consolidation_weight = 0.3f;            // exponent of the factor

// --- Templates ---
inline constexpr std::size_t template_bytes_max = 64u << 10;

static_assert(block_px >= 4 && block_px <= 32);
static_assert(ridge_period_px_min < ridge_period_px_default);
static_assert(ridge_period_px_default < ridge_period_px_max);
static_assert(lss_pairs_min <= lss_pairs_max);
static_assert(minutiae_count_max <= 255, "ISO records count minutiae in one byte");
static_assert(mcc_spatial_cells * mcc_spatial_cells * mcc_direction_cells % 64 == 0);

}  // namespace ektp::biometrics::parameters
