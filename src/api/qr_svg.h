// A QR code (qrencode, error correction level M) as a matrix of modules and as a self-contained
// SVG: how a second factor's otpauth:// URI reaches an authenticator app's camera.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::api {

struct QrModules {
  int size = 0;                 // modules per side
  std::vector<bool> dark;       // row-major, size × size
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};

// kInvalidArgument for text a QR code cannot hold (over 1 KiB here: URIs are short).
Result<QrModules> qr_modules(std::string_view text);
// One <path> of dark squares on white, a four-module quiet zone, `pixels_per_module` per module.
std::string qr_svg(const QrModules& modules, int pixels_per_module = 6);

}  // namespace ektp::api
