#!/usr/bin/env bash
# Station sync (bench/README.md, "Station sync"): enrollments with real FVC fingers and a real photo
# saved at a station (SQLite outbox) and synced to central through the whole upload path (JSON,
# Ed25519-signed requests, strict parsing, ingest with signed receipts), beside the same records
# stored directly at a second central in the same run. Central on SQLite, then on a private
# PostgreSQL. Prints one JSON line per central; under a minute on 2 busy cores.
# Usage: bench/sync.sh BUILD_DIR   (ENROLLMENTS=48 by default)
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
BENCH="$BUILD_DIR/bench/ektp_sync_bench"
N=${ENROLLMENTS:-48}
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
TMP=$(mktemp -d /tmp/ektp-sync-bench.XXXXXX)
cleanup() { stop_services; rm -rf "$TMP"; }
trap cleanup EXIT

"$BENCH" --enrollments "$N" --label sqlite --central "sqlite:$TMP/central.db" --reference "sqlite:$TMP/reference.db" \
  --station "$TMP/station.db"

start_postgres >/dev/null
psql -q -c "CREATE DATABASE sync_central" -c "CREATE DATABASE sync_reference"
pg_url() { echo "${EKTP_TEST_POSTGRES/\/postgres\?//$1?}"; }
"$BENCH" --enrollments "$N" --label postgresql --central "$(pg_url sync_central)" \
  --reference "$(pg_url sync_reference)" --station "$TMP/station-pg.db"
