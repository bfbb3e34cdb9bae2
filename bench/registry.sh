#!/usr/bin/env bash
# Registry benchmarks (make bench): NIK lookup over HTTP beside /api/v1/health in the same run
# (wrk, 2 threads, 16 connections, on the same 2 cores as the server), and bulk insert of demo
# persons on SQLite and PostgreSQL. Prints JSON lines. PERSONS (default 1,000,000) sets the load size.
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
EKTP="$BUILD_DIR/ektp"
PERSONS=${PERSONS:-1000000}
DURATION=${DURATION:-5s}
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
TMP=$(mktemp -d /tmp/ektp-bench.XXXXXX)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && { kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
  stop_services
  rm -rf "$TMP"
}
trap cleanup EXIT

# 1. HTTP: health vs an authenticated, audited NIK lookup.
DB="sqlite:$TMP/http.db"
"$EKTP" db migrate --db "$DB" >/dev/null
echo "beban-uji-sandi-1" | "$EKTP" user add --db "$DB" --username bench --role operator --password-stdin >/dev/null
"$EKTP" serve --db "$DB" --port 0 --demo 3327 --demo-size 20000 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  [[ -n $PORT ]] && break; sleep 0.5
done
API="http://127.0.0.1:$PORT/api/v1"
TOKEN=$(curl -s -X POST "$API/auth/login" -d '{"username":"bench","password":"beban-uji-sandi-1"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
NIK=$(sqlite3 "$TMP/http.db" "select nik from persons order by random() limit 1")
rps() { wrk -t2 -c16 -d"$DURATION" "$@" | awk '/Requests\/sec/ {print $2}'; }
health=$(rps "$API/health")
lookup=$(rps -H "Authorization: Bearer $TOKEN" "$API/persons/$NIK")
python3 -c "import json; h=$health; l=$lookup; print(json.dumps({'bench':'http_nik_lookup','health_rps':h,'lookup_rps':l,'ratio':round(l/h,3),'target_ratio_min':0.5}))"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

# 2. Bulk insert of demo persons.
sqlite_result=$("$EKTP" db load-demo --db "sqlite:$TMP/bulk.db" --persons "$PERSONS" 2>/dev/null)
echo "{\"bench\":\"bulk_insert\",\"result\":$sqlite_result}"
start_postgres >/dev/null
pg_result=$("$EKTP" db load-demo --db "$EKTP_TEST_POSTGRES" --persons "$PERSONS" 2>/dev/null)
echo "{\"bench\":\"bulk_insert\",\"result\":$pg_result}"
