#!/usr/bin/env bash
# Real-browser test of the station flow against real processes (web/tests/station/).
# Usage: scripts/station-browser-test.sh BUILD_DIR
# Creates a temporary central SQLite database with two admins, an operator, a supervisor and two
# adjudicators approved by the second admin (random passwords), then runs the test, which itself starts `ektp serve --demo 3327` and
# `ektp station` processes on free ports, stops and restarts them by PID, and provisions the
# stations it registers in the central UI. Leftover processes are stopped by the PIDs the test
# recorded. Screenshots go to web/test-results/station-*.png. Exit status = the test's.
set -euo pipefail
BUILD_DIR=${1:?usage: scripts/station-browser-test.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
EKTP="$BUILD_DIR/ektp"
cd "$ROOT"

[[ -x $EKTP ]] || { echo "station-browser-test: $EKTP not found" >&2; exit 1; }
[[ -x /usr/bin/chromium ]] || { echo "station-browser-test: /usr/bin/chromium is missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "station-browser-test: sqlite3 is missing" >&2; exit 1; }
[[ -d tests/data/fingerprints/fvc2002-db1b && -d tests/data/faces ]] ||
  { echo "station-browser-test: tests/data (faces, fingerprints) is missing" >&2; exit 1; }
if [[ ! -d web/node_modules/playwright-core ]]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

TMP=$(mktemp -d /tmp/ektp-station-browser.XXXXXX)
cleanup() {
  if [[ -f $TMP/pids ]]; then
    while read -r pid; do
      if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
    done <"$TMP/pids"
    sleep 1
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$TMP/pids"
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

DB="sqlite:$TMP/central.db"
export EKTP_ADMIN_USER=admin EKTP_ADMIN_PASSWORD="sandi-pengelola-$RANDOM$RANDOM"
export EKTP_ADMIN2_USER=admin2 EKTP_ADMIN2_PASSWORD="sandi-pengelola-$RANDOM$RANDOM"
export EKTP_OPERATOR_USER=op1 EKTP_OPERATOR_PASSWORD="sandi-petugas-$RANDOM$RANDOM"
export EKTP_SUPERVISOR_USER=sup1 EKTP_SUPERVISOR_PASSWORD="sandi-penyelia-$RANDOM$RANDOM"
export EKTP_ADJ1_USER=adj1 EKTP_ADJ1_PASSWORD="adjudicator-$RANDOM$RANDOM"
export EKTP_ADJ2_USER=adj2 EKTP_ADJ2_PASSWORD="adjudicator-$RANDOM$RANDOM"
"$EKTP" db migrate --db "$DB" >/dev/null
source "$ROOT/scripts/lib/staff.sh"
add_two_admins "$DB" "$EKTP_ADMIN_USER" "$EKTP_ADMIN_PASSWORD" "$EKTP_ADMIN2_USER" "$EKTP_ADMIN2_PASSWORD"
printf '%s\n' "$EKTP_OPERATOR_PASSWORD" | "$EKTP" user add --db "$DB" --username "$EKTP_OPERATOR_USER" --role operator --office 3327 --password-stdin >/dev/null
printf '%s\n' "$EKTP_SUPERVISOR_PASSWORD" | "$EKTP" user add --db "$DB" --username "$EKTP_SUPERVISOR_USER" --role supervisor --office 3327 --password-stdin >/dev/null
# Adjudicators: created by the first admin, approved by the second (README, "Staff accounts").
add_adjudicator "$DB" "$EKTP_ADJ1_USER" "$EKTP_ADJ1_PASSWORD" 3327014107880011 \
  "$EKTP_ADMIN_USER" "$EKTP_ADMIN_PASSWORD" "$EKTP_ADMIN2_USER" "$EKTP_ADMIN2_PASSWORD"
add_adjudicator "$DB" "$EKTP_ADJ2_USER" "$EKTP_ADJ2_PASSWORD" 3327010309790012 \
  "$EKTP_ADMIN_USER" "$EKTP_ADMIN_PASSWORD" "$EKTP_ADMIN2_USER" "$EKTP_ADMIN2_PASSWORD"

export EKTP_BIN="$EKTP" EKTP_STATION_TMP="$TMP"
set +e
node --test --test-concurrency=1 --test-reporter=spec web/tests/station/
status=$?
set -e
if [[ $status -ne 0 ]]; then
  for log in central station1 station2; do
    [[ -f $TMP/$log.log ]] || continue
    echo "station-browser-test: $log log (last 30 lines):" >&2
    tail -30 "$TMP/$log.log" >&2
  done
fi
exit $status
