#include "biometrics/extract/thinning.h"

#include <array>

#include "core/assert.h"

namespace ektp::biometrics {

namespace {

// Neighbours P2..P9 clockwise from north: N, NE, E, SE, S, SW, W, NW.
constexpr std::array<int, 8> kDx = {0, 1, 1, 1, 0, -1, -1, -1};
constexpr std::array<int, 8> kDy = {-1, -1, 0, 1, 1, 1, 0, -1};

std::array<std::uint8_t, 8> ring(const GreyImage& img, int x, int y) {
  std::array<std::uint8_t, 8> p{};
  for (int i = 0; i < 8; ++i) p[static_cast<std::size_t>(i)] = img.at(x + kDx[i], y + kDy[i]);
  return p;
}

bool zhang_suen_removable(const std::array<std::uint8_t, 8>& p, bool first_pass) {
  int neighbours = 0, transitions = 0;
  for (int i = 0; i < 8; ++i) {
    neighbours += p[static_cast<std::size_t>(i)];
    transitions += (p[static_cast<std::size_t>(i)] == 0 && p[static_cast<std::size_t>((i + 1) % 8)] == 1);
  }
  if (neighbours < 2 || neighbours > 6 || transitions != 1) return false;
  const bool n = p[0], e = p[2], s = p[4], w = p[6];
  if (first_pass) return !(n && e && s) && !(e && s && w);
  return !(n && e && w) && !(n && s && w);
}

// Number of 8-connected groups among the set neighbours of a pixel.
int neighbour_groups(const std::array<std::uint8_t, 8>& p) {
  int groups = 0;
  for (int i = 0; i < 8; ++i) {
    if (!p[static_cast<std::size_t>(i)]) continue;
    const int prev = (i + 7) % 8;
    // A set neighbour starts a new group unless the previous ring position is set, or it is a
    // side neighbour whose previous side neighbour (two back) is set across an empty corner.
    const bool joined = p[static_cast<std::size_t>(prev)] ||
                        (i % 2 == 0 && p[static_cast<std::size_t>((i + 6) % 8)]);
    if (!joined) ++groups;
  }
  // A full ring wraps around: all set would give 0 groups.
  int set = 0;
  for (auto v : p) set += v;
  return groups == 0 && set > 0 ? 1 : groups;
}

}  // namespace

GreyImage binarize(const FloatImage& enhanced, const BlockMask& mask) {
  GreyImage out{enhanced.width, enhanced.height,
                std::vector<std::uint8_t>(enhanced.values.size(), 0)};
  for (int y = 0; y < enhanced.height; ++y)
    for (int x = 0; x < enhanced.width; ++x)
      out.pixels[static_cast<std::size_t>(y) * out.width + x] =
          (mask.at_pixel(x, y) && enhanced.at(x, y) < 0) ? 1 : 0;
  return out;
}

GreyImage thin(GreyImage img) {
  EKTP_ASSERT(img.width >= 3 && img.height >= 3);
  for (int x = 0; x < img.width; ++x) {
    img.pixels[static_cast<std::size_t>(x)] = 0;
    img.pixels[static_cast<std::size_t>(img.height - 1) * img.width + x] = 0;
  }
  for (int y = 0; y < img.height; ++y) {
    img.pixels[static_cast<std::size_t>(y) * img.width] = 0;
    img.pixels[static_cast<std::size_t>(y) * img.width + img.width - 1] = 0;
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < img.pixels.size(); ++i)
    if (img.pixels[i]) candidates.push_back(i);
  std::vector<std::size_t> removal;
  // Each iteration peels one pixel from each side; ridges are at most ~16 px wide.
  constexpr int kIterationsMax = 32;
  for (int iteration = 0; iteration < kIterationsMax; ++iteration) {
    bool changed = false;
    for (bool first_pass : {true, false}) {
      removal.clear();
      for (std::size_t i : candidates) {
        if (!img.pixels[i]) continue;
        const int x = static_cast<int>(i % img.width), y = static_cast<int>(i / img.width);
        if (zhang_suen_removable(ring(img, x, y), first_pass)) removal.push_back(i);
      }
      for (std::size_t i : removal) img.pixels[i] = 0;
      changed = changed || !removal.empty();
    }
    std::erase_if(candidates, [&](std::size_t i) { return img.pixels[i] == 0; });
    if (!changed) break;
  }
  // Staircase corners: a pixel whose neighbours stay one 8-connected group and that is not a
  // line end can go; afterwards every line pixel has exactly two neighbours.
  for (std::size_t i : candidates) {
    if (!img.pixels[i]) continue;
    const int x = static_cast<int>(i % img.width), y = static_cast<int>(i / img.width);
    const auto p = ring(img, x, y);
    int set = 0;
    for (auto v : p) set += v;
    const bool corner = (p[0] && p[2] && !p[1]) || (p[2] && p[4] && !p[3]) ||
                        (p[4] && p[6] && !p[5]) || (p[6] && p[0] && !p[7]);
    if (corner && set >= 2 && neighbour_groups(p) == 1) img.pixels[i] = 0;
  }
  return img;
}

}  // namespace ektp::biometrics
