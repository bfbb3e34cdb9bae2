// What the printed documents (the card face, the SUKET) share about drawing with cairo, in mm:
// images decoded into surfaces within limits, an image fitted into a box, words wrapped onto
// lines of a width in the documents' font (DejaVu Sans), and a drawing rendered to PNG bytes or
// a PDF document.
#pragma once

#include <cairo.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::card::drawing {

inline constexpr const char* kFont = "DejaVu Sans";

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;

// A decoded JPEG or PNG as a premultiplied ARGB32 surface; kInvalidArgument naming `what` for
// no image, one over 4 MiB or 4000 px a side, or bytes that are not an image. With `max_side`, a
// larger image is scaled down to it first (what a print needs, not what the camera took).
Result<SurfacePtr> image_surface(const std::vector<std::uint8_t>& bytes, std::string_view what, int max_side = 0);
// Draws `image` to fill the box (mm), keeping its aspect: centred, cropped to the box.
void draw_image(cairo_t* cr, cairo_surface_t* image, double x, double y, double width, double height);

// How wide `text` is in mm at `size_mm`, in the documents' font.
double text_width(std::string_view text, double size_mm, bool bold);
// Words onto lines of at most `width` mm; a word wider than a line is broken at a code point.
std::vector<std::string> wrap_text(std::string_view text, double width, double size_mm, bool bold);

// Renders `draw` (which draws in mm) to a PNG of width × height mm at `dpi`, or to a one-page PDF
// of that size.
using Drawing = std::function<Status(cairo_t*)>;
Result<std::vector<std::uint8_t>> render_png(double width_mm, double height_mm, int dpi, const Drawing& draw);
Result<std::string> render_pdf(double width_mm, double height_mm, const Drawing& draw);

}  // namespace ektp::card::drawing
