#include "card/cairo_drawing.h"

#include <cairo-pdf.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace ektp::card::drawing {

namespace {

constexpr double kPtPerMm = 72.0 / 25.4;
constexpr std::size_t kImageBytesMax = 4u << 20;
constexpr int kImageSideMax = 4000;

struct Scratch {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t* cr = cairo_create(surface);
  ~Scratch() {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
  }
};

// The longest prefix of `word`, at code point boundaries, that fits `width`.
std::size_t fitting_prefix(std::string_view word, double width, double size, bool bold) {
  std::size_t best = 0;
  for (std::size_t i = 1; i <= word.size(); ++i) {
    if (i < word.size() && (static_cast<unsigned char>(word[i]) & 0xC0) == 0x80) continue;
    if (text_width(word.substr(0, i), size, bold) > width) break;
    best = i;
  }
  return best;
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<SurfacePtr> image_surface(const std::vector<std::uint8_t>& bytes, std::string_view what, int max_side) {
  if (bytes.empty()) return invalid_argument(fmt::format("{}: no image", what));
  if (bytes.size() > kImageBytesMax) return invalid_argument(fmt::format("{}: over {} bytes", what, kImageBytesMax));
  cv::Mat decoded;
  try {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data()));
    decoded = cv::imdecode(buffer, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    decoded.release();
  }
  if (decoded.empty()) return invalid_argument(fmt::format("{}: not a JPEG or PNG image", what));
  if (decoded.cols > kImageSideMax || decoded.rows > kImageSideMax) {
    return invalid_argument(fmt::format("{}: {}×{} px, at most {} a side", what, decoded.cols, decoded.rows, kImageSideMax));
  }
  if (max_side > 0 && std::max(decoded.cols, decoded.rows) > max_side) {
    const double scale = static_cast<double>(max_side) / std::max(decoded.cols, decoded.rows);
    cv::Mat smaller;
    cv::resize(decoded, smaller, cv::Size(), scale, scale, cv::INTER_AREA);
    decoded = smaller;
  }
  cv::Mat bgra;
  cv::cvtColor(decoded, bgra, cv::COLOR_BGR2BGRA);
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, bgra.cols, bgra.rows), cairo_surface_destroy);
  const int stride = cairo_image_surface_get_stride(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int r = 0; r < bgra.rows; ++r) std::copy_n(bgra.ptr<unsigned char>(r), bgra.cols * 4, data + r * stride);
  cairo_surface_mark_dirty(surface.get());
  return surface;
}

void draw_image(cairo_t* cr, cairo_surface_t* image, double x, double y, double width, double height) {
  const double w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
  const double scale = std::max(width / w, height / h);
  cairo_save(cr);
  cairo_rectangle(cr, x, y, width, height);
  cairo_clip(cr);
  cairo_translate(cr, x + (width - w * scale) / 2, y + (height - h * scale) / 2);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, image, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
}

double text_width(std::string_view text, double size_mm, bool bold) {
  thread_local Scratch scratch;
  cairo_select_font_face(scratch.cr, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(scratch.cr, size_mm);
  cairo_text_extents_t extents;
  cairo_text_extents(scratch.cr, std::string(text).c_str(), &extents);
  return extents.x_advance;
}

std::vector<std::string> wrap_text(std::string_view text, double width, double size, bool bold) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && text[at] == ' ') ++at;
    if (at >= text.size()) break;
    std::size_t end = text.find(' ', at);
    std::string_view word = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? text.size() : end;
    const std::string joined = line.empty() ? std::string(word) : line + " " + std::string(word);
    if (text_width(joined, size, bold) <= width) {
      line = joined;
      continue;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    while (text_width(word, size, bold) > width) {
      std::size_t cut = std::max<std::size_t>(1, fitting_prefix(word, width, size, bold));
      lines.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
    }
    line = std::string(word);
  }
  if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
  return lines;
}

Result<std::vector<std::uint8_t>> render_png(double width_mm, double height_mm, int dpi, const Drawing& draw) {
  const double px_per_mm = dpi / 25.4;
  const int width = static_cast<int>(std::lround(width_mm * px_per_mm));
  const int height = static_cast<int>(std::lround(height_mm * px_per_mm));
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), cairo_surface_destroy);
  cairo_t* cr = cairo_create(surface.get());
  cairo_scale(cr, px_per_mm, px_per_mm);
  Status drawn = draw(cr);
  cairo_destroy(cr);
  if (!drawn) return std::unexpected(drawn.error());
  std::vector<std::uint8_t> png;
  if (cairo_surface_write_to_png_stream(surface.get(), append_bytes, &png) != CAIRO_STATUS_SUCCESS) {
    return make_error(ErrorCode::kInternal, "the drawing could not be written as PNG");
  }
  return png;
}

Result<std::string> render_pdf(double width_mm, double height_mm, const Drawing& draw) {
  std::vector<std::uint8_t> bytes;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_bytes, &bytes, width_mm * kPtPerMm,
                                                                 height_mm * kPtPerMm);
  cairo_t* cr = cairo_create(surface);
  cairo_scale(cr, kPtPerMm, kPtPerMm);
  Status drawn = draw(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const auto status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (!drawn) return std::unexpected(drawn.error());
  if (status != CAIRO_STATUS_SUCCESS) {
    return make_error(ErrorCode::kInternal, fmt::format("PDF rendering failed: {}", cairo_status_to_string(status)));
  }
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace ektp::card::drawing
