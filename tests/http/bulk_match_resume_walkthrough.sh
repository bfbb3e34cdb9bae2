#!/usr/bin/env bash
# HTTP test of an agency's bulk-matching job (pemadanan) against a real `ektp serve`, on SQLite or
# PostgreSQL: BPJS Kesehatan uploads its member file (60,005 rows with every kind of fault) in
# pieces, one upload broken off and resumed; refused callers and bad uploads change nothing; the
# server is killed with SIGKILL while the job runs, after its first checkpoint; the restarted
# server takes the job up again, and the result (read in pieces, parsed by Python's csv module)
# has exactly one line per row, the one its fault calls for, byte for byte what an uninterrupted
# `ektp match bulk` of the same file writes; the audit chain and every read of the job under it
# verify, and a resident the file matched sees the bulk match among the reads of their data.
# Usage: tests/http/bulk_match_resume_walkthrough.sh BUILD_DIR [sqlite|postgresql]
#   postgresql needs EKTP_TEST_POSTGRES (scripts/lib/services.sh start_postgres); without it the
#   test is skipped (exit 77).
set -euo pipefail
BUILD_DIR=$(cd "${1:?usage: bulk_match_resume_walkthrough.sh BUILD_DIR [sqlite|postgresql]}" && pwd)
BACKEND=${2:-sqlite}
EKTP="$BUILD_DIR/ektp"
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/ektp-bulk-resume.XXXXXX)
SERVER_PID=
PG_DB=
cleanup() {
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ -n $PG_DB ]] && psql -X -q -d "$EKTP_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
case $BACKEND in
  sqlite) DB="sqlite:$TMP/ektp.db" ;;
  postgresql)
    [[ -n ${EKTP_TEST_POSTGRES:-} ]] || { echo "skipped: EKTP_TEST_POSTGRES is not set"; exit 77; }
    PG_DB="ektp_bulk_resume_$$"
    psql -X -q -d "$EKTP_TEST_POSTGRES" -c "CREATE DATABASE $PG_DB" >/dev/null
    DB=${EKTP_TEST_POSTGRES/\/postgres\?/\/$PG_DB?} ;;
  *) echo "backend: sqlite or postgresql" >&2; exit 2 ;;
esac
"$EKTP" db migrate --db "$DB" >/dev/null

PORT=
start_server() {
  : >"$TMP/server.log"
  "$EKTP" serve --db "$DB" --port 0 --demo 3327 --demo-size 60000 --require-totp-for none \
    --audit-anchor "$TMP/anchor" --bulk-match-threads 2 >>"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 240); do
    PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
    [[ -n $PORT ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log"; exit 1; }
    sleep 0.5
  done
  echo "server did not start"; cat "$TMP/server.log"; exit 1
}

start_server
python3 "$HERE/bulk_match_client.py" submit "http://127.0.0.1:$PORT" "$DB" "$TMP/state.json"
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
start_server
python3 "$HERE/bulk_match_client.py" finish "http://127.0.0.1:$PORT" "$DB" "$TMP/state.json"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

# The chain verifies, with every read of the job under the chunk entry that states its digest.
"$EKTP" audit verify --db "$DB" --audit-anchor "$TMP/anchor" >"$TMP/verify.json"
python3 - "$TMP/verify.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
ok = v.get("valid") is True and v.get("bulk_match_stray_reads", 0) == 0 and v.get("bulk_match_reads", 0) > 0
print(f"audit verify: valid={v.get('valid')} bulk_match_reads={v.get('bulk_match_reads')}")
sys.exit(0 if ok else 1)
PY
# An uninterrupted run of the same file writes the same result, byte for byte.
"$EKTP" match bulk --db "$DB" --agency bpjs-kesehatan --purpose "pemadanan data peserta JKN" --run-by admin \
  "$TMP/members.csv" --out "$TMP/uninterrupted.csv" >/dev/null 2>"$TMP/cli.log" ||
  { cat "$TMP/cli.log"; exit 1; }
cmp "$TMP/result.csv" "$TMP/uninterrupted.csv"
echo "the resumed job's result is the uninterrupted run's, byte for byte"
