#include "store/postgres_values.h"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/assert.h"
#include "store/dialect.h"

namespace ektp::store::detail {
namespace {

// Type OIDs from PostgreSQL's pg_type.dat; they are fixed for built-in types.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr char kHexDigits[] = "0123456789abcdef";

std::string format_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  EKTP_ASSERT(error == std::errc());
  return std::string(buffer, end);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Blob decode_bytea(const char* text, int length) {
  Blob blob;
  if (length >= 2 && text[0] == '\\' && text[1] == 'x') {
    blob.bytes.reserve(static_cast<std::size_t>(length - 2) / 2);
    for (int i = 2; i + 1 < length; i += 2) {
      int high = hex_value(text[i]);
      int low = hex_value(text[i + 1]);
      EKTP_ASSERT(high >= 0 && low >= 0);  // the server sent malformed hex: a libpq/protocol bug
      blob.bytes.push_back(static_cast<std::uint8_t>(high * 16 + low));
    }
    return blob;
  }
  // bytea_output = 'escape' on this server: let libpq undo it.
  std::size_t size = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
  if (bytes != nullptr) {
    blob.bytes.assign(bytes, bytes + size);
    PQfreemem(bytes);
  }
  return blob;
}

Value decode_value(const PGresult* result, int row, int column, Oid type) {
  if (PQgetisnull(result, row, column)) return Null{};
  const char* text = PQgetvalue(result, row, column);
  int length = PQgetlength(result, row, column);
  switch (type) {
    case kByteaOid: return decode_bytea(text, length);
    case kBoolOid: return std::int64_t{text[0] == 't' ? 1 : 0};
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      std::int64_t value = 0;
      auto [end, error] = std::from_chars(text, text + length, value);
      if (error == std::errc() && end == text + length) return value;
      return std::string(text, static_cast<std::size_t>(length));
    }
    case kFloat4Oid:
    case kFloat8Oid: {
      double value = 0;
      auto [end, error] = std::from_chars(text, text + length, value);
      if (error == std::errc() && end == text + length) return value;
      return std::string(text, static_cast<std::size_t>(length));
    }
    default: return std::string(text, static_cast<std::size_t>(length));
  }
}

std::int64_t affected_rows(const PGresult* result) {
  std::string_view tag = PQcmdStatus(const_cast<PGresult*>(result));
  bool counts = tag.starts_with("INSERT ") || tag.starts_with("UPDATE ") ||
                tag.starts_with("DELETE ") || tag.starts_with("MERGE ") || tag.starts_with("COPY ");
  if (!counts) return 0;
  std::string_view number = PQcmdTuples(const_cast<PGresult*>(result));
  std::int64_t value = 0;
  std::from_chars(number.data(), number.data() + number.size(), value);
  return value;
}

void append_copy_text(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out.push_back(c);
    }
  }
}

}  // namespace

Result<EncodedParams> encode_params(const std::vector<Value>& params) {
  EncodedParams encoded;
  std::size_t count = params.size();
  encoded.storage.resize(count);  // never resized again, so c_str() pointers stay valid
  encoded.types.assign(count, 0);
  encoded.values.assign(count, nullptr);
  encoded.lengths.assign(count, 0);
  encoded.formats.assign(count, 0);
  static const char kEmpty[1] = {0};
  // Numbers and text go as untyped text (type 0): the server gives each parameter the type its
  // context needs, as it does for a literal. Typing integers as int8 would break calls such as
  // substr(x, $1) or pg_terminate_backend($1), whose arguments are int4. Blobs go as binary bytea.
  for (std::size_t i = 0; i < count; ++i) {
    const Value& value = params[i];
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      encoded.storage[i] = std::to_string(*integer);
      encoded.values[i] = encoded.storage[i].c_str();
    } else if (const auto* real = std::get_if<double>(&value)) {
      encoded.storage[i] = format_double(*real);
      encoded.values[i] = encoded.storage[i].c_str();
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      if (contains_nul(*text)) {
        return invalid_argument("parameter $" + std::to_string(i + 1) +
                                " is text with a NUL byte; store it as a Blob");
      }
      encoded.values[i] = text->c_str();
    } else if (const auto* blob = std::get_if<Blob>(&value)) {
      encoded.types[i] = kByteaOid;
      encoded.formats[i] = 1;  // binary: the bytes as they are
      encoded.lengths[i] = static_cast<int>(blob->bytes.size());
      encoded.values[i] =
          blob->bytes.empty() ? kEmpty : reinterpret_cast<const char*>(blob->bytes.data());
    }
  }
  return encoded;
}

Result<QueryResult> decode_result(const PGresult* result) {
  QueryResult decoded;
  int columns = PQnfields(result);
  int rows = PQntuples(result);
  std::vector<Oid> types(static_cast<std::size_t>(columns));
  decoded.columns.reserve(types.size());
  for (int c = 0; c < columns; ++c) {
    decoded.columns.emplace_back(PQfname(result, c));
    types[static_cast<std::size_t>(c)] = PQftype(result, c);
  }
  decoded.rows.reserve(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<Value> values;
    values.reserve(types.size());
    for (int c = 0; c < columns; ++c) {
      values.push_back(decode_value(result, r, c, types[static_cast<std::size_t>(c)]));
    }
    decoded.rows.emplace_back(std::move(values));
  }
  decoded.rows_affected = affected_rows(result);
  return decoded;
}

Status append_copy_row(const std::vector<Value>& row, std::size_t width, std::size_t row_index,
                       std::string& out) {
  EKTP_ASSERT(row.size() == width);
  for (std::size_t i = 0; i < width; ++i) {
    if (i > 0) out.push_back('\t');
    const Value& value = row[i];
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      out += std::to_string(*integer);
    } else if (const auto* real = std::get_if<double>(&value)) {
      out += format_double(*real);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      if (contains_nul(*text)) {
        return invalid_argument("row " + std::to_string(row_index) + " column " +
                                std::to_string(i) + " is text with a NUL byte");
      }
      append_copy_text(*text, out);
    } else if (const auto* blob = std::get_if<Blob>(&value)) {
      out += "\\\\x";  // bytea hex input, with COPY's backslash escaped
      for (std::uint8_t byte : blob->bytes) {
        out.push_back(kHexDigits[byte >> 4]);
        out.push_back(kHexDigits[byte & 0xf]);
      }
    } else {
      out += "\\N";
    }
  }
  out.push_back('\n');
  return {};
}

}  // namespace ektp::store::detail
