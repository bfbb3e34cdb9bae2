#!/usr/bin/env bash
# Agency benchmark (make bench): POST /api/v1/agency/verify over HTTPS with an API key — four
# claimed fields checked against the register, the call counted against the agreement's quota,
# recorded in the audit log and in the key's lookups (harvest watch) before it is answered —
# beside GET /api/v1/health over HTTPS in the same run (wrk -t2 -c16, every request from another
# client address through a trusted proxy's X-Forwarded-For). Target: verification at least half of
# health. Prints one JSON line, with the server's CPU per request as in registry.sh.
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
EKTP="$BUILD_DIR/ektp"
DURATION=${DURATION:-5s}
cd "$(dirname "$0")/.."
TMP=$(mktemp -d /tmp/ektp-bench-agency.XXXXXX)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && { kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -rf "$TMP"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo '{"bench":"agency_verify","skipped":"wrk is not installed"}'; exit 0; }
DB="sqlite:$TMP/agency.db"
"$EKTP" db migrate --db "$DB" >/dev/null
source scripts/lib/staff.sh
add_two_admins "$DB" admin "beban-uji-pengelola-1" admin2 "beban-uji-pengelola-2"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/tls.key" -out "$TMP/tls.crt" 2>/dev/null
chmod 600 "$TMP/tls.key"
"$EKTP" serve --db "$DB" --port 0 --demo 3327 --demo-size 20000 --tls-cert "$TMP/tls.crt" --tls-key "$TMP/tls.key" \
  --trusted-proxy 127.0.0.1 --require-totp-for none >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*listening on https://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  [[ -n $PORT ]] && break; sleep 0.5
done
API="https://127.0.0.1:$PORT/api/v1"
post() { curl -s --cacert "$TMP/tls.crt" -X POST -H "Authorization: Bearer $ADMIN" "$API$1" -d "$2"; }
ADMIN=$(curl -s --cacert "$TMP/tls.crt" -X POST "$API/auth/login" -d '{"username":"admin","password":"beban-uji-pengelola-1"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
post /admin/agencies '{"code":"bpjs-kesehatan","name":"BPJS Kesehatan","kind":"health_insurance"}' >/dev/null
AGREEMENT=$(post /admin/agencies/bpjs-kesehatan/agreements '{"number":"440/77/PKS/2026","purposes":["verifikasi kepesertaan JKN"],
  "verify_fields":["name","birth_date","sex","mother_name"],"retrieve_fields":[],"operations":["verify"],
  "regions":["3327"],"name_score":true,"daily_quota":10000000,"valid_from":"2026-01-01","valid_until":"2030-12-31"}')
[[ $AGREEMENT == *'"id"'* ]] || { echo "agreement refused: $AGREEMENT" >&2; exit 1; }
KEY=$(post /admin/agencies/bpjs-kesehatan/keys '{"label":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
BODY=$(sqlite3 "$TMP/agency.db" "select json_object('nik', nik, 'purpose', 'verifikasi kepesertaan JKN', 'fields',
  json_object('name', name, 'birth_date', birth_date, 'sex', sex, 'mother_name', mother_name))
  from persons where alive = 1 order by random() limit 1")
cat >"$TMP/clients.lua" <<'LUA'
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("198.18.%d.%d", math.random(0, 255), math.random(1, 254))
  return wrk.format(nil)
end
LUA
source scripts/lib/wrk_measure.sh
read -r health health_p99 health_cpu _ < <(measure "$API/health")
# The verification: one resident, the four fields right (the answer: all sesuai).
printf '%s' "$BODY" >"$TMP/body.json"
cat >"$TMP/verify.lua" <<LUA
local f = io.open("$TMP/body.json")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "ApiKey $KEY"
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("198.18.%d.%d", math.random(0, 255), math.random(1, 254))
  return wrk.format(nil)
end
LUA
cp "$TMP/verify.lua" "$TMP/clients.lua"
read -r verify verify_p99 verify_cpu verify_bad < <(measure "$API/agency/verify")
audited=$(sqlite3 "$TMP/agency.db" "select count(*) from audit_log where action = 'agency.verify'")
answer=$(curl -s --cacert "$TMP/tls.crt" -H "Authorization: ApiKey $KEY" -H "Content-Type: application/json" -d "$BODY" \
  "$API/agency/verify" | tee "$TMP/answer.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(",".join(sorted(v["result"] for v in d["fields"].values())) if "fields" in d else d.get("error", {}).get("reason", "?"))')
python3 -c "import json; h=$health; v=$verify; print(json.dumps({'bench':'https_agency_verify','health_rps':h,'health_p99_ms':$health_p99,'health_server_cpu_us':$health_cpu,'verify_rps':v,'verify_p99_ms':$verify_p99,'verify_server_cpu_us':$verify_cpu,'verify_non_2xx':$verify_bad,'verifications_audited':$audited,'answer':'$answer','ratio':round(v/h,3),'target_ratio_min':0.5}))"
