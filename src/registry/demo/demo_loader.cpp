#include "registry/demo/demo_loader.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include <fmt/format.h>

#include "core/assert.h"
#include "core/region.h"
#include "registry/person_store.h"

namespace ektp::registry::demo {

namespace {

using store::Value;
using Rows = std::vector<std::vector<Value>>;

// Serial rows per INSERT … VALUES statement: 2 parameters each, under SQLite's old limit of 999.
constexpr std::size_t kSerialRowsPerStatement = 400;

Value text(std::string_view s) { return Value{std::string(s)}; }
Value integer(std::int64_t i) { return Value{i}; }

int serial_of(std::string_view number) {
  int serial = 0;
  std::from_chars(number.data() + 12, number.data() + number.size(), serial);
  return serial;
}

// The highest serial used per key in one batch.
std::map<std::string, int> batch_serials(std::span<const Family> families,
                                         std::span<const Person> persons) {
  std::map<std::string, int> serials;
  auto raise = [&](std::string key, int serial) {
    auto& last = serials[std::move(key)];
    last = std::max(last, serial);
  };
  for (const Person& p : persons) raise(nik_serial_key(p.nik), serial_of(p.nik));
  for (const Family& f : families) raise(kk_serial_key(f.kk_number), serial_of(f.kk_number));
  return serials;
}

// Raises each counter to at least the batch's serial; never lowers one that births moved on.
Status raise_serials(store::Connection& c, const std::map<std::string, int>& serials) {
  auto it = serials.begin();
  while (it != serials.end()) {
    std::string sql = "INSERT INTO serials (prefix, last_serial) VALUES ";
    std::vector<Value> params;
    for (std::size_t n = 0; n < kSerialRowsPerStatement && it != serials.end(); ++n, ++it) {
      sql += fmt::format("{}(${}, ${})", n == 0 ? "" : ", ", params.size() + 1, params.size() + 2);
      params.push_back(text(it->first));
      params.push_back(integer(it->second));
    }
    sql += " ON CONFLICT (prefix) DO UPDATE SET last_serial = excluded.last_serial"
           " WHERE excluded.last_serial > serials.last_serial";
    if (auto r = c.execute(sql, params); !r) return std::unexpected(r.error());
  }
  return {};
}

Result<bool> register_has_persons(store::Database& db) {
  return store::with_read_transaction<bool>(db, [](store::Connection& c) -> Result<bool> {
    auto r = c.execute("SELECT nik FROM persons LIMIT 1");
    if (!r) return std::unexpected(r.error());
    return !r->rows.empty();
  });
}

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string nik_serial_key(std::string_view nik) { return std::string(nik.substr(0, 12)); }
std::string kk_serial_key(std::string_view kk_number) {
  return "KK" + std::string(kk_number.substr(0, 12));
}

Result<std::size_t> load_demo_population(store::Database& db, const DemoOptions& options,
                                         const DemoProgress& progress,
                                         const DemoLoadOptions& load_options) {
  auto has_persons = register_has_persons(db);
  if (!has_persons) return std::unexpected(has_persons.error());
  if (*has_persons && !load_options.allow_existing_persons) {
    return failed_precondition(
        "demo population: the register already has persons; load the demo only into an empty "
        "register (or allow adding to existing persons)");
  }
  std::int64_t now_ms = load_options.updated_at_ms != 0 ? load_options.updated_at_ms
                                                        : system_now_ms();
  std::size_t stored = 0;
  auto store_batch = [&](std::span<const Family> families,
                         std::span<const Person> persons) -> Status {
    Rows family_rows, person_rows;
    family_rows.reserve(families.size());
    person_rows.reserve(persons.size());
    // The same row mapping as every other write of persons and families.
    for (const Family& f : families) family_rows.push_back(family_to_values(f, now_ms));
    for (const Person& p : persons) person_rows.push_back(person_to_values(p, now_ms));
    auto serials = batch_serials(families, persons);
    auto written = store::with_write_transaction<std::size_t>(
        db, [&](store::Connection& c) -> Result<std::size_t> {
          if (auto s = c.insert_rows("families", family_columns(), family_rows); !s) {
            return std::unexpected(s.error());
          }
          if (auto s = c.insert_rows("persons", person_columns(), person_rows); !s) {
            return std::unexpected(s.error());
          }
          if (auto s = raise_serials(c, serials); !s) return std::unexpected(s.error());
          return person_rows.size();
        });
    if (!written) return std::unexpected(written.error());
    stored += *written;
    if (progress) progress(stored, options.persons);
    return {};
  };
  if (auto s = generate_demo_population(options, RegionDirectory::builtin(), store_batch); !s) {
    return std::unexpected(s.error());
  }
  EKTP_ASSERT(stored == options.persons);
  return stored;
}

}  // namespace ektp::registry::demo
