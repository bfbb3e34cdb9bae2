#!/usr/bin/env bash
# Real-browser tests of the web front end against a real `ektp serve`.
# Usage: scripts/browser-test.sh BUILD_DIR
# Creates a temporary SQLite database with two admins, an operator and a supervisor, serves the demo
# regency 3327 (Pemalang) with web/ as the web root on a free port (--port 0), runs `node --test web/tests/`
# with EKTP_* variables, and stops the server by its PID. Exit status = the tests'.
set -euo pipefail
BUILD_DIR=${1:?usage: scripts/browser-test.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
EKTP="$BUILD_DIR/ektp"
cd "$ROOT"

[[ -x $EKTP ]] || { echo "browser-test: $EKTP not found" >&2; exit 1; }
[[ -x /usr/bin/chromium ]] || { echo "browser-test: /usr/bin/chromium is missing (scripts/install-deps.sh)" >&2; exit 1; }
if [[ ! -d web/node_modules/playwright-core || ! -d web/node_modules/qrcode || ! -f web/vendor/jsqr/jsqr.mjs ]]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

TMP=$(mktemp -d /tmp/ektp-browser.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

DB="sqlite:$TMP/ektp.db"
export EKTP_ADMIN_USER=admin EKTP_ADMIN_PASSWORD="sandi-pengelola-$RANDOM$RANDOM"
export EKTP_ADMIN2_USER=admin2 EKTP_ADMIN2_PASSWORD="sandi-pengelola-$RANDOM$RANDOM"
export EKTP_OPERATOR_USER=operator EKTP_OPERATOR_PASSWORD="sandi-petugas-$RANDOM$RANDOM"
export EKTP_SUPERVISOR_USER=supervisor EKTP_SUPERVISOR_PASSWORD="sandi-penyelia-$RANDOM$RANDOM"

"$EKTP" db migrate --db "$DB"
source "$ROOT/scripts/lib/staff.sh"
add_two_admins "$DB" "$EKTP_ADMIN_USER" "$EKTP_ADMIN_PASSWORD" "$EKTP_ADMIN2_USER" "$EKTP_ADMIN2_PASSWORD"
printf '%s\n' "$EKTP_OPERATOR_PASSWORD" | "$EKTP" user add --db "$DB" --username "$EKTP_OPERATOR_USER" --role operator --office 3327 --password-stdin
printf '%s\n' "$EKTP_SUPERVISOR_PASSWORD" | "$EKTP" user add --db "$DB" --username "$EKTP_SUPERVISOR_USER" --role supervisor --office 3327 --password-stdin

# --port 0: the server picks a free port and prints "listening on http://ADDR:PORT/" (no race).
"$EKTP" serve --db "$DB" --port 0 --demo 3327 --demo-size 2000 --web-root web >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 120); do   # 60 s: the demo population is generated at start-up
  if [[ -z $PORT ]]; then
    PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  fi
  if [[ -n $PORT ]] && curl -fsS --max-time 2 "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "browser-test: the server exited:" >&2; tail -40 "$TMP/server.log" >&2; exit 1
  fi
  sleep 0.5
done
if [[ -z $PORT ]] || ! curl -fsS --max-time 2 "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1; then
  echo "browser-test: the server did not answer /api/v1/health within 60 s:" >&2; tail -40 "$TMP/server.log" >&2; exit 1
fi

# An adult head of a family that has a wife (the birth scenario registers a child for her).
DEMO_NIK=$(sqlite3 "$TMP/ektp.db" "select f.head_nik from families f join persons h on h.nik = f.head_nik
  where f.active = 1 and h.alive = 1 and h.birth_date <= date('now', '-25 years')
  and exists (select 1 from persons w where w.kk_number = f.kk_number and w.relation = 'istri' and w.alive = 1)
  order by f.kk_number limit 1")
if [[ -z $DEMO_NIK ]]; then
  DEMO_NIK=$(sqlite3 "$TMP/ektp.db" "select head_nik from families limit 1")
fi
[[ -n $DEMO_NIK ]] || { echo "browser-test: the demo has no family" >&2; exit 1; }

export EKTP_BASE_URL="http://127.0.0.1:$PORT" EKTP_DEMO_NIK="$DEMO_NIK" EKTP_TOTP_DIR="$TMP"
echo "browser-test: server pid $SERVER_PID at $EKTP_BASE_URL, demo NIK $DEMO_NIK"
set +e
node --test --test-concurrency=1 --test-reporter=spec ${EKTP_WEB_TESTS:-web/tests/}
status=$?
set -e
if [[ $status -ne 0 ]]; then
  echo "browser-test: server log (last 40 lines):" >&2
  tail -40 "$TMP/server.log" >&2 || true
fi
exit $status
