#include "abis/det_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <cairo.h>

namespace ektp::abis {

namespace {

constexpr int kWidth = 640, kHeight = 560, kMargin = 70;
constexpr double kLogMin = -5.0;  // axes from 1e-5 to 1

double axis(double rate, double length) {
  const double l = std::log10(std::max(rate, 1e-5));
  return (l - kLogMin) / -kLogMin * length;
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

void draw_axes(cairo_t* cr, double w, double h) {
  cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
  cairo_set_line_width(cr, 1);
  char label[16];
  for (int e = -5; e <= 0; ++e) {
    const double x = kMargin + axis(std::pow(10.0, e), w), y = kMargin + h - axis(std::pow(10.0, e), h);
    cairo_move_to(cr, x, kMargin);
    cairo_line_to(cr, x, kMargin + h);
    cairo_move_to(cr, kMargin, y);
    cairo_line_to(cr, kMargin + w, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    std::snprintf(label, sizeof label, "1e%d", e);
    cairo_move_to(cr, x - 12, kMargin + h + 18);
    cairo_show_text(cr, label);
    cairo_move_to(cr, 20, y + 4);
    cairo_show_text(cr, label);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_rectangle(cr, kMargin, kMargin, w, h);
  cairo_stroke(cr);
  cairo_move_to(cr, kMargin + w / 2 - 20, kMargin + h + 40);
  cairo_show_text(cr, "FMR");
  cairo_move_to(cr, 8, kMargin - 10);
  cairo_show_text(cr, "FNMR");
}

}  // namespace

Result<std::vector<std::uint8_t>> render_det_png(const std::vector<DetSeries>& series, const std::string& title) {
  if (series.empty() || series.size() > det_series_max)
    return invalid_argument("a DET plot takes 1 to " + std::to_string(det_series_max) + " curves, not " +
                            std::to_string(series.size()));
  // Colours that stay apart for readers with red-green colour blindness (Okabe & Ito).
  constexpr double kPalette[det_series_max][3] = {{0.84, 0.37, 0.0}, {0.0, 0.45, 0.70}, {0.0, 0.62, 0.45},
                                                  {0.80, 0.47, 0.65}, {0.34, 0.71, 0.91}, {0.90, 0.62, 0.0},
                                                  {0.0, 0.0, 0.0},   {0.5, 0.5, 0.5}};
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, kWidth, kHeight);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_font_size(cr, 13);
  const double w = kWidth - 2 * kMargin, h = kHeight - 2 * kMargin;
  draw_axes(cr, w, h);
  cairo_move_to(cr, kMargin, 30);
  cairo_show_text(cr, title.c_str());
  // The EER diagonal: where a curve crosses it, FMR = FNMR.
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, kMargin, kMargin + h);
  cairo_line_to(cr, kMargin + w, kMargin);
  cairo_stroke(cr);
  cairo_set_line_width(cr, 2);
  for (std::size_t k = 0; k < series.size(); ++k) {
    cairo_set_source_rgb(cr, kPalette[k][0], kPalette[k][1], kPalette[k][2]);
    bool first = true;
    for (const auto& d : series[k].curve) {
      const double x = kMargin + axis(d.fmr, w), y = kMargin + h - axis(d.fnmr, h);
      if (first) cairo_move_to(cr, x, y); else cairo_line_to(cr, x, y);
      first = false;
    }
    cairo_stroke(cr);
    if (series.size() > 1 || !series[k].label.empty()) {
      // Lower left: good matchers have no curve there (low FMR and low FNMR at once).
      const double y = kMargin + h - 12 - 18 * static_cast<double>(series.size() - 1 - k);
      cairo_move_to(cr, kMargin + 12, y - 4);
      cairo_line_to(cr, kMargin + 37, y - 4);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_move_to(cr, kMargin + 44, y);
      cairo_show_text(cr, series[k].label.c_str());
    }
  }
  std::vector<std::uint8_t> png;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface, append_bytes, &png);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return make_error(ErrorCode::kInternal, "DET plot rendering failed");
  return png;
}

Result<std::vector<std::uint8_t>> render_det_png(const std::vector<biometrics::DetPoint>& curve,
                                                 const std::string& title) {
  return render_det_png(std::vector<DetSeries>{{"", curve}}, title);
}

}  // namespace ektp::abis
