// Internal to src/store: rewrites the shared SQL dialect for one back end. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "store/database.h"

namespace ektp::store::detail {

// Replaces {BLOB}, {ID} and {NOW_MS} with the back end's spelling; other text is kept as is.
std::string expand_tokens(std::string_view sql, Backend backend);

// SQLite has no row locks (BEGIN IMMEDIATE already serialises writers), so it drops a
// " FOR UPDATE" clause (with NOWAIT / SKIP LOCKED after it) outside quotes.
std::string strip_for_update(std::string_view sql);

// True for a plain SQL identifier: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes.
bool is_identifier(std::string_view name);

// Checks that the $N placeholders outside quotes are exactly $1…$param_count (each may repeat).
// PostgreSQL accepts an unused typed parameter; SQLite's binder does not, so both check this.
Status check_placeholders(std::string_view sql, std::size_t param_count);

// "text must not contain NUL" check shared by both back ends (PostgreSQL cannot store it).
bool contains_nul(std::string_view text);

}  // namespace ektp::store::detail
