#include "api/qr_svg.h"

#include <qrencode.h>

#include <memory>

#include <fmt/format.h>

namespace ektp::api {

Result<QrModules> qr_modules(std::string_view text) {
  if (text.empty() || text.size() > 1024) return invalid_argument("QR text: 1 to 1024 bytes");
  const std::string copy(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return make_error(ErrorCode::kInternal, "qrencode could not encode the text");
  QrModules modules;
  modules.size = code->width;
  modules.dark.resize(static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
  for (std::size_t i = 0; i < modules.dark.size(); ++i) modules.dark[i] = (code->data[i] & 1) != 0;
  return modules;
}

std::string qr_svg(const QrModules& modules, int pixels_per_module) {
  constexpr int kQuiet = 4;
  const int side = (modules.size + 2 * kQuiet) * pixels_per_module;
  std::string path;
  for (int y = 0; y < modules.size; ++y) {
    for (int x = 0; x < modules.size; ++x) {
      if (modules.at(x, y)) path += fmt::format("M{} {}h1v1h-1z", x + kQuiet, y + kQuiet);
    }
  }
  const int units = modules.size + 2 * kQuiet;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{0}\" viewBox=\"0 0 {1} {1}\" "
      "shape-rendering=\"crispEdges\"><rect width=\"{1}\" height=\"{1}\" fill=\"#fff\"/>"
      "<path fill=\"#000\" d=\"{2}\"/></svg>",
      side, units, path);
}

}  // namespace ektp::api
