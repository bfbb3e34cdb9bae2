#include "sync/working_copy.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/limits.h"
#include "registry/json_fields.h"
#include "registry/person_store.h"

namespace ektp::sync {

namespace {

struct TableShape {
  std::string_view name;
  std::string_view key;
  const std::vector<std::string>& (*columns)();
};

Result<TableShape> shape_of(std::string_view table) {
  if (table == "persons") return TableShape{"persons", "nik", &registry::person_columns};
  if (table == "families") return TableShape{"families", "kk_number", &registry::family_columns};
  return invalid_argument(fmt::format("table '{}' is not persons or families", table));
}

std::vector<std::string> all_columns(const TableShape& shape) {
  auto columns = shape.columns();
  columns.push_back("version");
  return columns;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
  return out;
}

}  // namespace

Result<ChangesPage> read_changes(store::Database& central, std::string_view table, std::string_view district,
                                 std::int64_t after_ms, std::string_view after_key, std::size_t limit) {
  auto shape = shape_of(table);
  if (!shape) return std::unexpected(shape.error());
  if (district.size() != 6 || district.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid_argument(fmt::format("district '{}' is not 6 digits", district));
  }
  limit = std::clamp<std::size_t>(limit, 1, pull_page_rows_max);
  ChangesPage page;
  page.table = std::string(shape->name);
  page.columns = all_columns(*shape);
  auto rows = store::with_read_transaction<store::QueryResult>(
      central, [&](store::Connection& c) -> Result<store::QueryResult> {
        return c.execute(fmt::format("SELECT {} FROM {} WHERE district_code = $1 AND (updated_at_ms > $2 OR "
                                     "(updated_at_ms = $2 AND {} > $3)) ORDER BY updated_at_ms, {} LIMIT $4",
                                     join(page.columns, ", "), shape->name, shape->key, shape->key),
                         {std::string(district), after_ms, std::string(after_key), static_cast<std::int64_t>(limit)});
      });
  if (!rows) return std::unexpected(rows.error());
  const std::size_t updated_column = page.columns.size() - 2;
  for (auto& row : rows->rows) {
    std::vector<store::Value> values;
    for (std::size_t i = 0; i < row.size(); ++i) values.push_back(row.value(i));
    page.next_after_ms = row.integer(updated_column);
    page.next_after_key = row.text(0);
    page.rows.push_back(std::move(values));
  }
  if (page.rows.empty()) {
    page.next_after_ms = after_ms;
    page.next_after_key = std::string(after_key);
  }
  page.more = page.rows.size() == limit;
  return page;
}

std::string changes_page_to_json(const ChangesPage& page) {
  boost::json::array rows;
  for (const auto& row : page.rows) {
    boost::json::array values;
    for (const auto& v : row) {
      if (const auto* i = std::get_if<std::int64_t>(&v)) values.emplace_back(*i);
      else if (const auto* s = std::get_if<std::string>(&v)) values.emplace_back(*s);
      else if (const auto* d = std::get_if<double>(&v)) values.emplace_back(static_cast<std::int64_t>(*d));
      else values.emplace_back(nullptr);
    }
    rows.push_back(std::move(values));
  }
  boost::json::array columns;
  for (const auto& c : page.columns) columns.emplace_back(c);
  return boost::json::serialize(boost::json::object{{"table", page.table},
                                                    {"columns", std::move(columns)},
                                                    {"rows", std::move(rows)},
                                                    {"next_after_ms", page.next_after_ms},
                                                    {"next_after_key", page.next_after_key},
                                                    {"more", page.more}});
}

Result<ChangesPage> changes_page_from_json(std::string_view json) {
  auto value = json::parse_json_text(json, 64 << 20, "changes");
  if (!value) return std::unexpected(value.error());
  auto o = json::as_object(*value, "changes");
  if (!o) return std::unexpected(o.error());
  ChangesPage page;
  auto table = json::required_string(**o, "table");
  if (!table) return std::unexpected(table.error());
  auto shape = shape_of(*table);
  if (!shape) return std::unexpected(shape.error());
  page.table = *table;
  page.columns = all_columns(*shape);
  auto after = json::required_int(**o, "next_after_ms");
  if (!after) return std::unexpected(after.error());
  page.next_after_ms = *after;
  auto key = json::optional_string(**o, "next_after_key");
  if (!key) return std::unexpected(key.error());
  page.next_after_key = key->value_or("");
  const auto* more = (*o)->if_contains("more");
  page.more = more && more->is_bool() && more->as_bool();
  auto rows = json::optional_array(**o, "rows", pull_page_rows_max);
  if (!rows) return std::unexpected(rows.error());
  if (*rows) {
    for (std::size_t r = 0; r < (*rows)->size(); ++r) {
      const auto& row = (**rows)[r];
      if (!row.is_array() || row.as_array().size() != page.columns.size()) {
        return invalid_argument(fmt::format("rows[{}]: must be an array of {} values", r, page.columns.size()));
      }
      std::vector<store::Value> values;
      for (const auto& v : row.as_array()) {
        if (v.is_int64()) values.emplace_back(v.as_int64());
        else if (v.is_uint64()) values.emplace_back(static_cast<std::int64_t>(v.as_uint64()));
        else if (v.is_string()) values.emplace_back(std::string(v.as_string()));
        else if (v.is_null()) values.emplace_back(store::Null{});
        else return invalid_argument(fmt::format("rows[{}]: values must be strings or integers", r));
      }
      page.rows.push_back(std::move(values));
    }
  }
  return page;
}

Status apply_changes(store::Database& station, const ChangesPage& page) {
  auto shape = shape_of(page.table);
  if (!shape) return std::unexpected(shape.error());
  const auto columns = all_columns(*shape);
  std::vector<std::string> placeholders;
  std::vector<std::string> updates;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    placeholders.push_back(fmt::format("${}", i + 1));
    if (columns[i] != shape->key) updates.push_back(fmt::format("{0} = excluded.{0}", columns[i]));
  }
  const std::string sql = fmt::format(
      "INSERT INTO {0} ({1}) VALUES ({2}) ON CONFLICT ({3}) DO UPDATE SET {4} WHERE {0}.version <= excluded.version",
      shape->name, join(columns, ", "), join(placeholders, ", "), shape->key, join(updates, ", "));
  auto done = store::with_write_transaction<bool>(station, [&](store::Connection& c) -> Result<bool> {
    for (const auto& row : page.rows) {
      if (row.size() != columns.size()) return invalid_argument("changes: a row has the wrong number of values");
      auto r = c.execute(sql, row);
      if (!r) return std::unexpected(r.error());
    }
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace ektp::sync
