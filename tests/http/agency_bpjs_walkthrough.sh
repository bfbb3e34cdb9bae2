#!/usr/bin/env bash
# HTTP test of agency access as BPJS Kesehatan uses it, against a real `ektp serve` on SQLite: an
# admin registers the agency, an agreement (PKS) to verify all 27 profile fields and an API key;
# BPJS verifies 1,000 of its members, a share of them with wrong fields, every field of every
# answer checked; a sweep suspends a key; the quota crossed answers 429 (bpjs_verifications.py,
# Python's standard library, sharing no code with the server).
# Usage: tests/http/agency_bpjs_walkthrough.sh BUILD_DIR
set -euo pipefail
BUILD_DIR=$(cd "${1:?usage: agency_bpjs_walkthrough.sh BUILD_DIR}" && pwd)
EKTP="$BUILD_DIR/ektp"
TMP=$(mktemp -d /tmp/ektp-bpjs.XXXXXX)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
DB="sqlite:$TMP/ektp.db"
"$EKTP" db migrate --db "$DB" >/dev/null
source "$(dirname "$0")/../../scripts/lib/staff.sh"
add_two_admins "$DB" admin "kunci-pengelola-1" admin2 "kunci-pengelola-2"
# This test is about agencies: the admins' second factor is exercised by api_walkthrough.sh.
"$EKTP" serve --db "$DB" --port 0 --demo 3327 --demo-size 3000 --require-totp-for none >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log"; exit 1; }
  sleep 0.5
done
[[ -n $PORT ]] || { echo "server did not start"; cat "$TMP/server.log"; exit 1; }

python3 "$(dirname "$0")/bpjs_verifications.py" "http://127.0.0.1:$PORT" "$TMP/ektp.db"
