#include "bulk_matching/register_loader.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/civil_date.h"
#include "core/nik.h"

namespace ektp::bulk {

Result<RegisterIndex> load_register_index(store::Database& db, const agency::Agreement& agreement,
                                          const RegisterLoadProgress& progress) {
  RegisterIndexBuilder builder;
  EKTP_RETURN_IF_ERROR(store::with_read_transaction<void>(db, [&](store::Connection& c) -> Status {
    std::string after;  // the last NIK of the previous page
    std::size_t read = 0;
    std::vector<RegisterEntry> page;
    for (;;) {
      auto rows = c.execute(
          "SELECT nik, name, birth_date, birth_place, sex, mother_name, street, village_code, alive "
          "FROM persons WHERE nik > $1 ORDER BY nik LIMIT $2",
          {after, static_cast<std::int64_t>(kRegisterPagePersons)});
      if (!rows) return std::unexpected(rows.error());
      if (rows->rows.empty()) return {};
      page.clear();
      for (const auto& row : rows->rows) {
        after = row.text(0);
        std::string village = row.text(7);
        if (!agreement.covers_region(village)) continue;
        auto birth = parse_civil_date(row.text(2));
        auto sex = parse_sex(row.text(4));
        if (!birth || !sex) {
          return make_error(ErrorCode::kInternal, fmt::format("persons row {}: unreadable birth date or sex", after));
        }
        page.push_back({after, row.text(1), *birth, row.text(3), *sex, row.text(5), row.text(6), std::move(village),
                        row.integer(8) != 0});
      }
      EKTP_RETURN_IF_ERROR(builder.add_batch(page));
      read += rows->rows.size();
      if (progress) progress(read);
      if (rows->rows.size() < kRegisterPagePersons) return {};
    }
  }));
  return builder.finish();
}

}  // namespace ektp::bulk
