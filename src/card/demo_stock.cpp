#include "card/demo_stock.h"

#include <fmt/format.h>

#include "card/blanko_stock.h"

namespace ektp::card {

Result<bool> seed_demo_stock(store::Database& db, std::string_view regency, std::int64_t now_ms) {
  EKTP_RETURN_IF_ERROR(validate_office_code(regency));
  {
    auto conn = db.connect();
    if (!conn) return std::unexpected(conn.error());
    auto any = (*conn)->execute("SELECT COUNT(*) FROM blanko_movements WHERE office_code LIKE $1",
                                {std::string(regency) + "%"});
    if (!any) return std::unexpected(any.error());
    if (any->rows.front().integer(0) > 0) return false;
  }
  constexpr std::int64_t kDayMs = 86'400'000;
  constexpr std::int64_t kBatch = 500;
  // Numbers of the demo's own series: the regency code, then six digits.
  const std::int64_t base = std::stoll(std::string(regency)) * 1'000'000;
  for (int d = 0; d < 4; ++d) {
    const StockChange change{std::string(regency), "demo.gudang", now_ms - (56 - 14 * d) * kDayMs};
    EKTP_RETURN_IF_ERROR(receive_blanko(db, change, {base + 1 + d * kBatch, base + (d + 1) * kBatch},
                                        fmt::format("ALOK-DEMO-{}", d + 1)));
  }
  const std::string kecamatan = std::string(regency) + "01";
  EKTP_RETURN_IF_ERROR(transfer_blanko(db, {std::string(regency), "demo.gudang", now_ms - 10 * kDayMs}, kecamatan, 100));
  for (const auto& [serial, why] : {std::pair{base + 250, "retak di dalam kotak kiriman"},
                                    std::pair{base + 731, "chip tidak terbaca saat diuji"},
                                    std::pair{base + 1402, "tergores"}}) {
    EKTP_RETURN_IF_ERROR(spoil_blanko(db, {std::string(regency), "demo.gudang", now_ms - 5 * kDayMs}, serial, why));
  }
  return true;
}

}  // namespace ektp::card
