// Tunables of the storage layer, units last. They live here rather than in core/limits.h because
// nothing outside src/store should depend on them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ektp::store::tunables {

// Connections one Database opens at most; a borrower waits when all are lent out.
inline constexpr std::size_t sqlite_connections_max = 16;
inline constexpr std::size_t postgres_connections_max = 32;
// How long connect() waits for a free connection before giving up with kResourceExhausted.
inline constexpr std::uint32_t pool_wait_ms = 30'000;
// Page cache of each SQLite connection (SQLite's default is 2 MiB). Pages are taken as used, so
// idle connections cost nothing; all 16 full would be 512 MiB. A bulk-matching job inserts a
// million reads into an index keyed by NIK: with 2 MiB of cache every insert re-reads its page
// (bench/README.md "Bulk matching job": 22.2 s at 2 MiB, 17.5 s at 64 MiB for a million rows).
inline constexpr std::int64_t sqlite_cache_kib = 32 * 1024;
// SQLite waits this long for another writer's lock before reporting kAborted.
inline constexpr std::uint32_t sqlite_busy_timeout_ms = 5'000;
// Prepared statements kept per SQLite connection (the cache is cleared when full).
inline constexpr std::size_t sqlite_statement_cache_max = 128;
// Prepared statements kept per PostgreSQL connection; past it, statements are planned each time.
inline constexpr std::size_t postgres_statement_cache_max = 256;
// Seconds libpq waits for a server to answer a connection attempt.
inline constexpr std::uint32_t postgres_connect_timeout_s = 10;
// PostgreSQL COPY: bytes buffered before each PQputCopyData call.
inline constexpr std::size_t postgres_copy_chunk_bytes = 1 << 20;
// with_write_transaction: first back-off before a retry, doubled each attempt up to the max.
inline constexpr std::uint32_t retry_backoff_ms_min = 2;
inline constexpr std::uint32_t retry_backoff_ms_max = 200;
inline constexpr int transaction_attempts_max = 100;
// Parameters in one statement; PostgreSQL's wire protocol allows 65535.
inline constexpr std::size_t statement_params_max = 65'535;

static_assert(retry_backoff_ms_min > 0 && retry_backoff_ms_min <= retry_backoff_ms_max);
static_assert(sqlite_connections_max >= 2, "tests and readers need a second connection");

}  // namespace ektp::store::tunables
