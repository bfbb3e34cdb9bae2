// The printed SUKET: an A5 page with the issuing Dinas, the title, the resident's photo and
// biodata, how long it is valid, the estimated e-KTP ready date (or why there is none yet), and
// the Claim 169 QR code large enough for a phone camera, with where to check it. As PDF (to
// print) and as a PNG at 200 dpi (to show on screen).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "card/suket_issue.h"

namespace ektp::card {

inline constexpr double kSuketPageWidthMm = 148.0;   // A5 portrait
inline constexpr double kSuketPageHeightMm = 210.0;
inline constexpr int kSuketPngDpi = 200;

// The ready date as the paper says it, in Indonesian.
std::string ready_sentence(const std::optional<ReadyAnswer>& ready);

// The QR modules of `text` (true = dark), smallest version at level M, else L; kResourceExhausted
// when it does not fit a QR code at all.
struct QrModules {
  int size = 0;
  std::vector<bool> dark;  // size × size, row by row
};
Result<QrModules> qr_modules(std::string_view text);

Result<std::string> render_suket_pdf(const IssuedSuket& suket, std::string_view verify_url);
Result<std::vector<std::uint8_t>> render_suket_png(const IssuedSuket& suket, std::string_view verify_url);

}  // namespace ektp::card
