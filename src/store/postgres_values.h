// Internal to src/store: converting Values to libpq parameters and COPY text, and PGresults (text
// format) back to Values. Pure functions over libpq's data structures.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

struct pg_result;

namespace ektp::store::detail {

// Parameter arrays for PQexecParams: numbers and text as untyped text (the server infers the type
// from the context, so `SELECT $1` alone gives text), blobs as binary bytea. `values` points into
// `storage` and into the Values, which must outlive the call.
struct EncodedParams {
  std::vector<std::string> storage;
  std::vector<unsigned int> types;  // Oid
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

// Errors: kInvalidArgument for text holding a NUL byte (PostgreSQL text cannot hold one).
Result<EncodedParams> encode_params(const std::vector<Value>& params);

// Decodes every row: bytea → Blob, int2/4/8 and bool → integer, float4/8 → double, NULL → Null,
// anything else → text. rows_affected comes from INSERT/UPDATE/DELETE command tags.
Result<QueryResult> decode_result(const pg_result* result);

// Appends one row in COPY text format. Errors: kInvalidArgument for text with a NUL byte.
Status append_copy_row(const std::vector<Value>& row, std::size_t width, std::size_t row_index,
                       std::string& out);

}  // namespace ektp::store::detail
