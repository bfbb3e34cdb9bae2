// Row's conversions between the five Value kinds. None throws; a column index out of range is a
// programmer error and asserts.
#include <charconv>
#include <cmath>
#include <limits>

#include "core/assert.h"
#include "store/database.h"

namespace ektp::store {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

std::int64_t parse_integer(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return value;
  double real = 0;
  auto [real_end, real_error] = std::from_chars(text.data(), text.data() + text.size(), real);
  if (real_error != std::errc() || !std::isfinite(real)) return 0;
  (void)real_end;
  if (real >= 9.2e18 || real <= -9.2e18) return 0;
  return static_cast<std::int64_t>(real);
}

double parse_real(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  (void)end;
  return error == std::errc() ? value : 0.0;
}

std::string format_real(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  EKTP_ASSERT(error == std::errc());
  return std::string(buffer, end);
}

}  // namespace

bool Row::is_null(std::size_t column) const {
  EKTP_ASSERT(column < values_.size());
  return std::holds_alternative<Null>(values_[column]);
}

std::int64_t Row::integer(std::size_t column) const {
  EKTP_ASSERT(column < values_.size());
  return std::visit(Overloaded{
                        [](const Null&) -> std::int64_t { return 0; },
                        [](std::int64_t v) { return v; },
                        [](double v) -> std::int64_t {
                          if (!std::isfinite(v) || v >= 9.2e18 || v <= -9.2e18) return 0;
                          return static_cast<std::int64_t>(v);
                        },
                        [](const std::string& v) { return parse_integer(v); },
                        [](const Blob&) -> std::int64_t { return 0; },
                    },
                    values_[column]);
}

double Row::real(std::size_t column) const {
  EKTP_ASSERT(column < values_.size());
  return std::visit(Overloaded{
                        [](const Null&) { return 0.0; },
                        [](std::int64_t v) { return static_cast<double>(v); },
                        [](double v) { return v; },
                        [](const std::string& v) { return parse_real(v); },
                        [](const Blob&) { return 0.0; },
                    },
                    values_[column]);
}

std::string Row::text(std::size_t column) const {
  EKTP_ASSERT(column < values_.size());
  return std::visit(Overloaded{
                        [](const Null&) { return std::string(); },
                        [](std::int64_t v) { return std::to_string(v); },
                        [](double v) { return format_real(v); },
                        [](const std::string& v) { return v; },
                        [](const Blob& v) { return std::string(v.bytes.begin(), v.bytes.end()); },
                    },
                    values_[column]);
}

std::vector<std::uint8_t> Row::blob(std::size_t column) const {
  EKTP_ASSERT(column < values_.size());
  if (const auto* blob = std::get_if<Blob>(&values_[column])) return blob->bytes;
  if (is_null(column)) return {};
  std::string bytes = text(column);
  return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace ektp::store
