// Plain image values passed between pipeline stages. GreyImage holds 8-bit pixels row-major;
// FloatImage holds intermediate fields. Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <vector>

namespace ektp::biometrics {

struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height, row-major, 0 = black

  std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  bool empty() const { return width <= 0 || height <= 0; }
};

struct FloatImage {
  int width = 0;
  int height = 0;
  std::vector<float> values;

  FloatImage() = default;
  FloatImage(int w, int h, float fill = 0.0f)
      : width(w), height(h), values(static_cast<std::size_t>(w) * h, fill) {}
  float& at(int x, int y) { return values[static_cast<std::size_t>(y) * width + x]; }
  float at(int x, int y) const { return values[static_cast<std::size_t>(y) * width + x]; }
};

// A per-block boolean map (1 = foreground), blocks of `block_px` pixels.
struct BlockMask {
  int blocks_x = 0;
  int blocks_y = 0;
  int block_px = 0;
  std::vector<std::uint8_t> cells;

  bool at(int bx, int by) const {
    if (bx < 0 || by < 0 || bx >= blocks_x || by >= blocks_y) return false;
    return cells[static_cast<std::size_t>(by) * blocks_x + bx] != 0;
  }
  bool at_pixel(int x, int y) const { return at(x / block_px, y / block_px); }
};

}  // namespace ektp::biometrics
