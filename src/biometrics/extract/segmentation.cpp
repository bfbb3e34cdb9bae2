#include "biometrics/extract/segmentation.h"

#include <algorithm>
#include <cmath>

#include "biometrics/parameters.h"
#include "core/assert.h"

namespace ektp::biometrics {

namespace {

constexpr int kBlock = parameters::block_px;

std::size_t index_of(const BlockMask& m, int bx, int by) {
  return static_cast<std::size_t>(by) * m.blocks_x + bx;
}

void smooth_by_majority(BlockMask& mask) {
  for (int pass = 0; pass < parameters::segmentation_smooth_passes; ++pass) {
    BlockMask next = mask;
    for (int by = 0; by < mask.blocks_y; ++by) {
      for (int bx = 0; bx < mask.blocks_x; ++bx) {
        int votes = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) votes += mask.at(bx + dx, by + dy) ? 1 : 0;
        next.cells[index_of(mask, bx, by)] = votes >= 5 ? 1 : 0;
      }
    }
    mask = std::move(next);
  }
}

// Labels 4-connected components of cells equal to `value`; returns labels (0 = other value).
std::vector<int> label_components(const BlockMask& mask, std::uint8_t value, int& count) {
  std::vector<int> labels(mask.cells.size(), 0);
  std::vector<int> stack;
  count = 0;
  for (std::size_t start = 0; start < mask.cells.size(); ++start) {
    if (mask.cells[start] != value || labels[start] != 0) continue;
    ++count;
    stack.assign(1, static_cast<int>(start));
    labels[start] = count;
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      const int bx = i % mask.blocks_x, by = i / mask.blocks_x;
      const int nx[4] = {bx - 1, bx + 1, bx, bx};
      const int ny[4] = {by, by, by - 1, by + 1};
      for (int k = 0; k < 4; ++k) {
        if (nx[k] < 0 || ny[k] < 0 || nx[k] >= mask.blocks_x || ny[k] >= mask.blocks_y) continue;
        const std::size_t j = index_of(mask, nx[k], ny[k]);
        if (mask.cells[j] == value && labels[j] == 0) {
          labels[j] = count;
          stack.push_back(static_cast<int>(j));
        }
      }
    }
  }
  return labels;
}

void keep_largest_and_fill(BlockMask& mask) {
  int count = 0;
  auto labels = label_components(mask, 1, count);
  if (count == 0) return;
  std::vector<int> sizes(static_cast<std::size_t>(count) + 1, 0);
  for (int l : labels) ++sizes[static_cast<std::size_t>(l)];
  sizes[0] = 0;
  const int largest = static_cast<int>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
  for (std::size_t i = 0; i < labels.size(); ++i) mask.cells[i] = labels[i] == largest ? 1 : 0;
  // Background components that do not touch the image edge are holes (scars, pores): fill.
  labels = label_components(mask, 0, count);
  std::vector<std::uint8_t> touches(static_cast<std::size_t>(count) + 1, 0);
  for (int by = 0; by < mask.blocks_y; ++by) {
    for (int bx = 0; bx < mask.blocks_x; ++bx) {
      if (bx == 0 || by == 0 || bx == mask.blocks_x - 1 || by == mask.blocks_y - 1)
        touches[static_cast<std::size_t>(labels[index_of(mask, bx, by)])] = 1;
    }
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && !touches[static_cast<std::size_t>(labels[i])]) mask.cells[i] = 1;
  }
}

void erode(BlockMask& mask) {
  for (int pass = 0; pass < parameters::segmentation_erode_blocks; ++pass) {
    BlockMask next = mask;
    for (int by = 0; by < mask.blocks_y; ++by) {
      for (int bx = 0; bx < mask.blocks_x; ++bx) {
        if (!mask.at(bx, by)) continue;
        const bool edge = !mask.at(bx - 1, by) || !mask.at(bx + 1, by) || !mask.at(bx, by - 1) ||
                          !mask.at(bx, by + 1);
        if (edge) next.cells[index_of(mask, bx, by)] = 0;
      }
    }
    mask = std::move(next);
  }
}

}  // namespace

BlockStatistics block_statistics(const GreyImage& image) {
  EKTP_ASSERT(!image.empty());
  BlockStatistics s;
  s.blocks_x = (image.width + kBlock - 1) / kBlock;
  s.blocks_y = (image.height + kBlock - 1) / kBlock;
  const std::size_t n = static_cast<std::size_t>(s.blocks_x) * s.blocks_y;
  std::vector<double> sum(n, 0.0), sum_sq(n, 0.0), count(n, 0.0);
  for (int y = 0; y < image.height; ++y) {
    const std::size_t row = static_cast<std::size_t>(y / kBlock) * s.blocks_x;
    for (int x = 0; x < image.width; ++x) {
      const double v = image.at(x, y);
      const std::size_t b = row + static_cast<std::size_t>(x / kBlock);
      sum[b] += v;
      sum_sq[b] += v * v;
      count[b] += 1.0;
    }
  }
  s.mean.assign(n, 0.0f);
  s.stddev.assign(n, 0.0f);
  for (int by = 0; by < s.blocks_y; ++by) {
    for (int bx = 0; bx < s.blocks_x; ++bx) {
      double a = 0, a2 = 0, c = 0;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int x = bx + dx, y = by + dy;
          if (x < 0 || y < 0 || x >= s.blocks_x || y >= s.blocks_y) continue;
          const std::size_t b = static_cast<std::size_t>(y) * s.blocks_x + x;
          a += sum[b];
          a2 += sum_sq[b];
          c += count[b];
        }
      }
      const double mean = a / c;
      const std::size_t b = static_cast<std::size_t>(by) * s.blocks_x + bx;
      s.mean[b] = static_cast<float>(mean);
      s.stddev[b] = static_cast<float>(std::sqrt(std::max(0.0, a2 / c - mean * mean)));
    }
  }
  return s;
}

BlockMask segment(const GreyImage& image, const BlockStatistics& statistics) {
  BlockMask mask;
  mask.blocks_x = statistics.blocks_x;
  mask.blocks_y = statistics.blocks_y;
  mask.block_px = kBlock;
  mask.cells.assign(statistics.stddev.size(), 0);
  EKTP_ASSERT(image.width <= mask.blocks_x * kBlock);
  // Relative threshold: a fraction of the contrast of the image's most contrasted blocks, so a
  // faint dry print still segments while the scanner's noise floor does not.
  std::vector<float> sorted = statistics.stddev;
  std::sort(sorted.begin(), sorted.end());
  const float top = sorted[sorted.size() * 9 / 10];
  const float threshold = std::max(parameters::segmentation_stddev_min,
                                   parameters::segmentation_relative_stddev_min * top);
  for (std::size_t i = 0; i < mask.cells.size(); ++i) {
    mask.cells[i] = statistics.stddev[i] >= threshold ? 1 : 0;
  }
  smooth_by_majority(mask);
  keep_largest_and_fill(mask);
  erode(mask);
  return mask;
}

}  // namespace ektp::biometrics
