#!/usr/bin/env bash
# Registry benchmarks (make bench): NIK lookup over HTTPS beside /api/v1/health over HTTPS in the
# same run (wrk, 2 threads, 16 connections, on the same 2 cores as the server; every lookup's
# audit record committed before it is answered; requests spread over many client addresses by a
# trusted proxy's X-Forwarded-For, since one address is rate-limited), and bulk insert of demo
# persons on SQLite and PostgreSQL. Prints JSON lines. PERSONS (default 1,000,000) sets the load size;
# HTTPS_ONLY=1 stops after the HTTPS part; THREADS sets the server's HTTP threads (default 16).
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

# 1. HTTPS: health vs an authenticated, audited NIK lookup.
DB="sqlite:$TMP/http.db"
"$EKTP" db migrate --db "$DB" >/dev/null
echo "beban-uji-sandi-1" | "$EKTP" user add --db "$DB" --username bench --role operator --office 3327 --password-stdin >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/tls.key" -out "$TMP/tls.crt" 2>/dev/null
chmod 600 "$TMP/tls.key"
cat >"$TMP/clients.lua" <<'LUA'
-- Each request from another client address (198.18.0.0/15, the benchmarking range), as a
-- trusted reverse proxy would say in X-Forwarded-For.
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("198.18.%d.%d", math.random(0, 255), math.random(1, 254))
  return wrk.format(nil)
end
LUA
"$EKTP" serve --db "$DB" --port 0 --demo 3327 --demo-size 20000 --tls-cert "$TMP/tls.crt" --tls-key "$TMP/tls.key" \
  --threads "${THREADS:-16}" --trusted-proxy 127.0.0.1 --read-quota operator=4000000000,alert=4000000000 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*listening on https://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  [[ -n $PORT ]] && break; sleep 0.5
done
API="https://127.0.0.1:$PORT/api/v1"
TOKEN=$(curl -s --cacert "$TMP/tls.crt" -X POST "$API/auth/login" -d '{"username":"bench","password":"beban-uji-sandi-1"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
NIK=$(sqlite3 "$TMP/http.db" "select nik from persons order by random() limit 1")
source scripts/lib/wrk_measure.sh
read -r health health_p99 health_cpu _ < <(measure "$API/health")
read -r lookup lookup_p99 lookup_cpu _ < <(measure -H "Authorization: Bearer $TOKEN" "$API/persons/$NIK")
# The read records reach the chain from the journal within a tenth of a second.
sleep 1
audited=$(sqlite3 "$TMP/http.db" "select count(*) from audit_log where action = 'read_person' and subject = '$NIK'")
python3 -c "import json; h=$health; l=$lookup; print(json.dumps({'bench':'https_nik_lookup','health_rps':h,'health_p99_ms':$health_p99,'health_server_cpu_us':$health_cpu,'lookup_rps':l,'lookup_p99_ms':$lookup_p99,'lookup_server_cpu_us':$lookup_cpu,'ratio':round(l/h,3),'cpu_ratio':round($health_cpu/$lookup_cpu,3),'lookups_audited':$audited,'target_ratio_min':0.5,'target_p99_ms_max':10}))"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

[[ ${HTTPS_ONLY:-0} == 1 ]] && exit 0
# 2. Bulk insert of demo persons.
sqlite_result=$("$EKTP" db load-demo --db "sqlite:$TMP/bulk.db" --persons "$PERSONS" 2>/dev/null)
echo "{\"bench\":\"bulk_insert\",\"result\":$sqlite_result}"
start_postgres >/dev/null
pg_result=$("$EKTP" db load-demo --db "$EKTP_TEST_POSTGRES" --persons "$PERSONS" 2>/dev/null)
echo "{\"bench\":\"bulk_insert\",\"result\":$pg_result}"
