#!/usr/bin/env bash
# HTTP test of a station against a real central (`ektp serve`) and a real `ektp station`, both on
# SQLite: an admin registers the station, `ektp station init` provisions it, central goes down,
# the operator enrolls two residents offline (real face photo, real FVC fingerprints), the station
# is restarted, central comes back, and both enrollments arrive once with signed receipts, as does
# a birth registered offline with a NIK from the station's lease (the same NIK at central); plus
# the refusals (no token, not wajib KTP, bad image, wrong-size fingerprint, forged and replayed
# station requests, revoked station).
# Usage: tests/http/station_walkthrough.sh BUILD_DIR
set -euo pipefail
BUILD_DIR=$(cd "${1:?usage: station_walkthrough.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TEST_DATA=$(cd "$SRC/tests/data" && pwd)
EKTP="$BUILD_DIR/ektp"
TMP=$(mktemp -d /tmp/ektp-station.XXXXXX)
CENTRAL_PID= STATION_PID=
cleanup() {
  for pid in $STATION_PID $CENTRAL_PID ${FAKE_PID:-}; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
passed=0 failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: expected '$2', got '$3'"; cat "$TMP/body" 2>/dev/null | head -c 600; echo; fi
}
# The audit log as the chain holds it: read records reach it from the server's journal within
# a tenth of a second, so give them that before counting.
audit_sql() { sleep 0.3; sqlite3 "$1" "$2"; }
wait_port() {  # wait_port LOG PID → prints the port
  local port=
  for _ in $(seq 120); do
    port=$(sed -n 's|.*listening on https\{0,1\}://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$1" | head -1)
    [[ -n $port ]] && { echo "$port"; return; }
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; return 1; }
    sleep 0.25
  done
  return 1
}
status() { curl -s --cacert "$TMP/central.crt" -o "$TMP/body" -w '%{http_code}' "$@"; }

# Central serves HTTPS with a certificate for 127.0.0.1; an impostor has a key of its own.
for who in central impostor; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$TMP/$who.key" -out "$TMP/$who.crt" 2>/dev/null
  chmod 600 "$TMP/$who.key"
done
start_impostor() {  # an HTTPS server with the impostor's key that answers 200 to everything
python3 - "$TMP/fake.port" "$TMP/impostor.crt" "$TMP/impostor.key" <<'PY' &
import http.server, socketserver, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get('Content-Length') or 0)
        if n: self.rfile.read(n)
        body = b'{"table":"persons","columns":[],"rows":[],"next_after_ms":0,"next_after_key":"","more":false,"receipts":[],"next_expected_seq":1,"leases":[]}'
        self.send_response(200); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *a): pass
with socketserver.TCPServer(('127.0.0.1', 0), H) as srv:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[2], sys.argv[3])
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    open(sys.argv[1], 'w').write(str(srv.server_address[1])); srv.serve_forever()
PY
  FAKE_PID=$!
  for _ in $(seq 40); do [[ -s "$TMP/fake.port" ]] && break; sleep 0.1; done
}
code_file() {  # code_file NAME CODE → a 0600 file holding the provisioning code
  (umask 077; printf '%s\n' "$2" >"$TMP/$1.code"); echo "$TMP/$1.code"
}
json() { python3 -c "import json,sys; d=json.load(open('$TMP/body')); print(eval(sys.argv[1]))" "$1"; }

CDB="sqlite:$TMP/central.db"
"$EKTP" db migrate --db "$CDB" >/dev/null
source "$SRC/scripts/lib/staff.sh"
add_two_admins "$CDB" admin "kunci-pengelola-1" admin2 "kunci-pengelola-2"
echo "operator-password-1" | "$EKTP" user add --db "$CDB" --username op1 --role operator --office 3327 --password-stdin >/dev/null
add_adjudicator "$CDB" adj1 "adjudicator-password-1" 3327014107880011 admin "kunci-pengelola-1" admin2 "kunci-pengelola-2"
add_adjudicator "$CDB" adj2 "adjudicator-password-1" 3327010309790012 admin "kunci-pengelola-1" admin2 "kunci-pengelola-2"
start_central() {
  # Second factors are walked through in api_walkthrough.sh; here the admins sign in with passwords.
  "$EKTP" serve --db "$CDB" --port "${CPORT:-0}" --demo 3327 --demo-size 3000 --require-totp-for none \
    --tls-cert "$TMP/central.crt" --tls-key "$TMP/central.key" >>"$TMP/central.log" 2>&1 &
  CENTRAL_PID=$!
  CPORT=$(wait_port "$TMP/central.log" "$CENTRAL_PID")
}
start_central
CENTRAL="https://127.0.0.1:$CPORT"
CAPI="$CENTRAL/api/v1"
check "plain HTTP to central's HTTPS port gets no answer" 000 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$CPORT/api/v1/health")"
check "a client that does not trust central's certificate is refused" 000 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$TMP/impostor.crt" "$CAPI/health")"
check "personal data is never cached" 1 "$(curl -s -D - -o /dev/null --cacert "$TMP/central.crt" "$CAPI/health" | grep -ci '^cache-control: no-store')"
status -X POST "$CAPI/auth/login" -d '{"username":"admin","password":"kunci-pengelola-1"}' >/dev/null
ADMIN=$(json 'd["token"]')
DISTRICT=$(sqlite3 "$TMP/central.db" "select district_code from persons group by district_code order by count(*) desc limit 1")

check "register station without token" 401 "$(status -X POST "$CAPI/stations" -d '{}')"
check "register station" 201 "$(status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/stations" \
  -d "{\"station_id\":\"st-test-1\",\"district_code\":\"$DISTRICT\",\"name\":\"Kantor Kecamatan\",\"operators\":[\"op1\"]}")"
CODE=$(json 'd["provisioning_code"]')
CODE_FILE=$(code_file st1 "$CODE")
SDB="sqlite:$TMP/station.db"
WRONG_CODE_FILE=$(code_file wrong "00~${CODE#*~}")
check "init with a wrong token" 1 "$("$EKTP" station init --db "sqlite:$TMP/other.db" --central "$CENTRAL" --station-id st-test-1 --code-file "$WRONG_CODE_FILE" >/dev/null 2>&1; echo $?)"
# A man in the middle at provisioning: an impostor with its own key in front of central.
start_impostor
check "provisioning through a man in the middle is refused" 1 "$("$EKTP" station init --db "sqlite:$TMP/mitm.db" --central "https://127.0.0.1:$(cat "$TMP/fake.port")" --station-id st-test-1 --code-file "$CODE_FILE" >"$TMP/mitm-init.log" 2>&1; echo $?)"
check "the refusal names the pinned key" 1 "$(grep -c 'is pinned' "$TMP/mitm-init.log" | awk '{print ($1 > 0)}')"
check "the code is never taken from the command line" refused "$("$EKTP" station init --db "sqlite:$TMP/argv.db" --central "$CENTRAL" --station-id st-test-1 --token "$CODE" >/dev/null 2>&1 && echo taken || echo refused)"
check "station init" 0 "$("$EKTP" station init --db "$SDB" --central "$CENTRAL" --station-id st-test-1 --code-file "$CODE_FILE" >"$TMP/init.log" 2>&1; echo $?)"
check "token used once" 1 "$("$EKTP" station init --db "sqlite:$TMP/third.db" --central "$CENTRAL" --station-id st-test-1 --code-file "$CODE_FILE" >/dev/null 2>&1; echo $?)"
check "working copy arrived" 1 "$(sqlite3 "$TMP/station.db" "select count(*) > 0 from persons where district_code = '$DISTRICT'")"

check "central handed the station no password" "op1|" "$(sqlite3 "$TMP/station.db" "select username || '|' || password_hash from users")"
start_station() {
  "$EKTP" station --db "$SDB" --port "${SPORT:-0}" --pull-every 1 >>"$TMP/station.log" 2>&1 &
  STATION_PID=$!
  SPORT=$(wait_port "$TMP/station.log" "$STATION_PID")
}
start_station
SAPI="http://127.0.0.1:$SPORT/api/v1"
# The operator's own station password: a one-time code from central, redeemed by the station.
check "the operator cannot sign in at the station before activating" 401 "$(status -X POST "$SAPI/auth/login" -d '{"username":"op1","password":"operator-password-1"}')"
status -X POST "$CAPI/auth/login" -d '{"username":"op1","password":"operator-password-1"}' >/dev/null
check "an operator may not get activation codes" 403 "$(status -X POST -H "Authorization: Bearer $(json 'd["token"]')" "$CAPI/stations/st-test-1/operators/op1/activation-code")"
check "an activation code for a user who is not the station's" 409 "$(status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/stations/st-test-1/operators/admin/activation-code")"
check "activation code" 200 "$(status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/stations/st-test-1/operators/op1/activation-code")"
ACODE=$(json 'd["code"]')
check "a wrong activation code" 401 "$(status -X POST "$SAPI/station/operators/activate" -d '{"username":"op1","code":"AAAA-BBBB-CCCC","password":"kata-sandi-stasiun-1"}')"
check "the refusal names its reason" enrolment_code_wrong "$(json 'd["error"]["reason"]')"
check "activation at the station" 200 "$(status -X POST "$SAPI/station/operators/activate" -d "{\"username\":\"op1\",\"code\":\"$ACODE\",\"password\":\"kata-sandi-stasiun-1\"}")"
check "the code works once" 401 "$(status -X POST "$SAPI/station/operators/activate" -d "{\"username\":\"op1\",\"code\":\"$ACODE\",\"password\":\"kata-sandi-stasiun-2\"}")"
check "central's password is not the station's" 401 "$(status -X POST "$SAPI/auth/login" -d '{"username":"op1","password":"operator-password-1"}')"
check "central audited the activation" 1 "$(audit_sql "$TMP/central.db" "select count(*) from audit_log where action = 'station.operator_activate' and subject = 'op1'")"

# Central goes down: the station works offline.
kill -TERM "$CENTRAL_PID"; wait "$CENTRAL_PID" 2>/dev/null || true; CENTRAL_PID=
check "operator logs in at the station offline" 200 "$(status -X POST "$SAPI/auth/login" -d '{"username":"op1","password":"kata-sandi-stasiun-1"}')"
OP=$(json 'd["token"]')
H=(-H "Authorization: Bearer $OP")
read -r ADULT1 ADULT2 <<<"$(sqlite3 "$TMP/station.db" "select nik from persons where district_code = '$DISTRICT' and alive = 1 and birth_date < '2000-01-01' order by nik limit 2" | tr '\n' ' ')"
CHILD=$(sqlite3 "$TMP/station.db" "select nik from persons where district_code = '$DISTRICT' and birth_date > date('now','-10 years') limit 1")

make_body() {  # make_body NIK SET [OVERRIDE_REASON]
  python3 - "$1" "$TEST_DATA/fingerprints/$2" "$TEST_DATA/faces/matplotlib_grace_hopper.jpg" "${3:-}" <<'PY'
import base64, json, sys
nik, fdir, photo, override = sys.argv[1:5]
b = lambda p: base64.b64encode(open(p, 'rb').read()).decode()
import struct, zlib
def png_of(w, h, pixel):  # grey PNG
    raw = b''.join(b'\x00' + bytes(pixel(x, y) for x in range(w)) for y in range(h))
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) + \
        chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
import math
# a drawn signature: a wavy stroke across a 400x150 canvas
sig = png_of(400, 150, lambda x, y: 0 if 40 < x < 360 and abs(y - (75 + 35 * math.sin(x / 25))) < 3 else 255)
png = base64.b64encode(sig).decode()
fingers = [{"position": i + 1, "image": b(f"{fdir}/{101 + i}_1.tif")} for i in range(9)]
fingers.append({"position": 10, "missing_reason": "luka"})
p = {"mime": "image/jpeg", "data": b(photo)}
if override: p["override_reason"] = override
print(json.dumps({"nik": nik, "photo": p, "signature": {"data": png},
                  "fingers": fingers, "irises": [{"eye": "right", "missing_reason": "tidak tersedia"}]}))
PY
}
make_body "$ADULT1" fvc2002-db1b >"$TMP/e1-strict.json"
make_body "$ADULT1" fvc2002-db1b "tanpa latar polos (layanan keliling)" >"$TMP/e1.json"
make_body "$ADULT2" fvc2002-db2b "tanpa latar polos (layanan keliling)" >"$TMP/e2.json"
check "photo rules named" 400 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/e1-strict.json")"
check "failed rule is background_not_plain" True "$(json '"background_not_plain" in d["error"]["message"]')"
check "enroll without token" 401 "$(status -X POST "$SAPI/station/enrollments" --data-binary @"$TMP/e1.json")"
check "enroll first resident offline" 201 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/e1.json")"
E1=$(json 'd["enrollment_id"]')
check "modalities recorded" "['fingerprint', 'face']" "$(json 'd["modalities"]')"
check "enroll second resident offline" 201 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/e2.json")"
E2=$(json 'd["enrollment_id"]')
if [[ -n $CHILD ]]; then
  make_body "$CHILD" fvc2002-db3b >"$TMP/child.json"
  check "a child is not wajib KTP" 409 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/child.json")"
fi
python3 - "$TMP/e1.json" "$TMP/bad_photo.json" <<'PY'
import json, sys, base64
d = json.load(open(sys.argv[1])); d["photo"]["data"] = base64.b64encode(b"not an image at all").decode()
json.dump(d, open(sys.argv[2], "w"))
PY
python3 - "$TMP/e1.json" "$TMP/empty_sig.json" <<'PY'
import json, sys, base64, struct, zlib
d = json.load(open(sys.argv[1]))
raw = b''.join(b'\x00' + b'\xff' * 300 for _ in range(100))
chunk = lambda t, x: struct.pack('>I', len(x)) + t + x + struct.pack('>I', zlib.crc32(t + x))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 300, 100, 8, 0, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
d["signature"]["data"] = base64.b64encode(png).decode()
json.dump(d, open(sys.argv[2], "w"))
PY
check "empty signature canvas refused" 400 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/empty_sig.json")"
check "names signature_empty" True "$(json '"signature_empty" in d["error"]["message"]')"
check "photo that is not an image" 400 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/bad_photo.json")"
check "finger that is not an image" 400 "$(status -X POST "${H[@]}" "$SAPI/station/fingerprints/check" -d '{"position":1,"image":"aGVsbG8="}')"
python3 -c "
import base64,struct,zlib
w=h=20000
ihdr=struct.pack('>IIBBBBB',w,h,8,0,0,0,0)
png=b'\x89PNG\r\n\x1a\n'+struct.pack('>I',13)+b'IHDR'+ihdr+struct.pack('>I',zlib.crc32(b'IHDR'+ihdr))
print('{\"position\":2,\"image\":\"'+base64.b64encode(png).decode()+'\"}')" >"$TMP/huge.json"
check "20000x20000 fingerprint refused" 400 "$(status -X POST "${H[@]}" "$SAPI/station/fingerprints/check" --data-binary @"$TMP/huge.json")"
printf '{"position":1,"image":"%s"}' "$(base64 -w0 "$TEST_DATA/fingerprints/fvc2002-db1b/101_1.tif")" >"$TMP/finger.json"
check "finger quality check" 200 "$(status -X POST "${H[@]}" "$SAPI/station/fingerprints/check" --data-binary @"$TMP/finger.json")"
check "finger quality is 1..5" True "$(json '1 <= d["quality"] <= 5')"
check "outbox waits while offline" 2 "$(status "${H[@]}" "$SAPI/station/status" >/dev/null; json 'd["outbox"]["pending"]')"
check "nothing stored for refused input" 2 "$(sqlite3 "$TMP/station.db" "select count(*) from enrollments")"
# A birth at the desk, offline: the NIK comes from the station's lease, at once.
MOTHER=$(sqlite3 "$TMP/station.db" "select p.nik from persons p join families f on f.kk_number = p.kk_number where f.district_code = '$DISTRICT' and p.sex = 'F' and p.alive = 1 and p.birth_date between '1980-01-01' and '2004-01-01' order by p.nik limit 1")
BORN=$(date -d '2 days ago' +%F)
BIRTH="{\"idempotency_key\":\"walk-birth-1\",\"name\":\"Putri Sejati\",\"birth_place\":\"Pemalang\",\"birth_date\":\"$BORN\",\"sex\":\"F\",\"mother_nik\":\"$MOTHER\"}"
check "birth without token" 401 "$(status -X POST "$SAPI/station/births" -d "$BIRTH")"
check "birth without a mother" 400 "$(status -X POST "${H[@]}" "$SAPI/station/births" -d '{"idempotency_key":"walk-birth-0","name":"Putri","birth_place":"Pemalang","birth_date":"2026-01-01","sex":"F"}')"
check "birth registered offline" 201 "$(status -X POST "${H[@]}" "$SAPI/station/births" -d "$BIRTH")"
BABY=$(json 'd["nik"]')
check "NIK serial from the station's lease" True "$(json 'int(d["nik"][12:]) > 9999 - 200')"
check "the child is in the working copy" "Putri Sejati" "$(sqlite3 "$TMP/station.db" "select name from persons where nik = '$BABY'")"
check "a retried birth gives the same NIK" 200 "$(status -X POST "${H[@]}" "$SAPI/station/births" -d "$BIRTH")"
check "same NIK again" "$BABY" "$(json 'd["nik"]')"
check "the web front end's birth route at a station takes the lease too" 201 "$(status -X POST "${H[@]}" "$SAPI/events/birth" -d "${BIRTH/walk-birth-1/walk-birth-2}")"
check "second baby from the lease" True "$(json 'int(d["nik"][12:]) > 9999 - 200 and d["nik"] != "'"$BABY"'"')"

# A family moving in from another kecamatan, offline: the new KK number comes from the lease at
# once; central moves them when it hears of it, and they come down into the working copy.
OLD_KK=$(sqlite3 "$TMP/central.db" "select kk_number from families where district_code <> '$DISTRICT' and active = 1 order by kk_number limit 1")
MOVER=$(sqlite3 "$TMP/central.db" "select head_nik from families where kk_number = '$OLD_KK'")
MOVERS=$(sqlite3 "$TMP/central.db" "select group_concat('\"' || nik || '\"') from persons where kk_number = '$OLD_KK' and alive = 1")
VILLAGE=$(sqlite3 "$TMP/station.db" "select village_code from persons where district_code = '$DISTRICT' limit 1")
MOVE="{\"idempotency_key\":\"walk-move-1\",\"niks\":[$MOVERS],\"date\":\"$(date -d '1 day ago' +%F)\",\"to\":{\"street\":\"Jl. Baru 1\",\"rt\":\"1\",\"rw\":\"2\",\"village_code\":\"$VILLAGE\"}}"
check "mover not in the working copy" 0 "$(sqlite3 "$TMP/station.db" "select count(*) from persons where nik = '$MOVER'")"
check "move-in recorded offline" 201 "$(status -X POST "${H[@]}" "$SAPI/station/moves" -d "$MOVE")"
MOVE_KK=$(json 'd["kk_number"]')
check "KK from the station's lease" True "$(json 'd["kk_number"][:6] == "'"$DISTRICT"'" and int(d["kk_number"][12:]) > 9999 - 100')"
check "move-in to another kecamatan refused" 400 "$(status -X POST "${H[@]}" "$SAPI/station/moves" -d "${MOVE/$VILLAGE/$(sqlite3 "$TMP/central.db" "select village_code from persons where nik = '$MOVER'")}")"

# A death recorded at the desk, offline: the working copy shows it at once, and it reaches
# central through the outbox with everything else.
DECEASED=$(sqlite3 "$TMP/station.db" "select nik from persons where district_code = '$DISTRICT' and alive = 1 and birth_date < '1965-01-01' and nik not in ('$ADULT1','$ADULT2') order by nik desc limit 1")
DEATH="{\"idempotency_key\":\"walk-death-1\",\"nik\":\"$DECEASED\",\"date\":\"$(date -d '2 days ago' +%F)\",\"place\":\"Pemalang\"}"
check "death recorded offline" 201 "$(status -X POST "${H[@]}" "$SAPI/events/death" -d "$DEATH")"
check "the death waits in the outbox" True "$(json 'd["outbox_seq"] > 0')"
check "the desk sees the death at once" 0 "$(sqlite3 "$TMP/station.db" "select alive from persons where nik = '$DECEASED'")"
check "central does not know yet" 1 "$(sqlite3 "$TMP/central.db" "select alive from persons where nik = '$DECEASED'")"
check "events a station cannot send are refused, not kept locally" 409 "$(status -X POST "${H[@]}" "$SAPI/events/new-family" -d '{"idempotency_key":"walk-nf-1"}')"
check "the refusal says where to record it" True "$(json '"Dinas" in d["error"]["message"]')"
check "a correction is refused at the station too" 409 "$(status -X POST "${H[@]}" "$SAPI/corrections" -d '{"idempotency_key":"walk-c-1"}')"
check "online backup while running" 0 "$("$EKTP" station backup --db "$SDB" --to "$TMP/backup.db" >"$TMP/backup.log" 2>&1; echo $?)"
check "backup says 6 pending" 1 "$(grep -c '6 outbox item(s) pending' "$TMP/backup.log")"
check "backup refuses to overwrite" 1 "$("$EKTP" station backup --db "$SDB" --to "$TMP/backup.db" >/dev/null 2>&1; echo $?)"

# Power cut: the station dies; it is replaced by new hardware restored from the backup (the
# same database file moved over), then central comes back.
kill -KILL "$STATION_PID"; wait "$STATION_PID" 2>/dev/null || true; STATION_PID=
check "old disk passes integrity_check after kill -9" ok "$(sqlite3 "$TMP/station.db" "pragma integrity_check")"
mv "$TMP/station.db" "$TMP/old-station.db"; rm -f "$TMP/station.db-wal" "$TMP/station.db-shm"
cp "$TMP/backup.db" "$TMP/station.db"
start_station
check "integrity after kill -9" ok "$(sqlite3 "$TMP/station.db" "pragma integrity_check")"
start_central
for _ in $(seq 60); do
  [[ $(sqlite3 "$TMP/station.db" "select count(*) from outbox where delivered_at_ms = 0") == 0 ]] && break
  sleep 0.5
done
check "outbox delivered" 0 "$(sqlite3 "$TMP/station.db" "select count(*) from outbox where delivered_at_ms = 0")"
check "both at central, once" 2 "$(sqlite3 "$TMP/central.db" "select count(distinct enrollment_id) from enrollments where enrollment_id in ('$E1','$E2')")"
check "receipts kept at central" 6 "$(sqlite3 "$TMP/central.db" "select count(*) from sync_items where station_id = 'st-test-1'")"
check "receipts kept at the station" 6 "$(sqlite3 "$TMP/station.db" "select count(*) from outbox where receipt <> ''")"
check "the birth at central, same NIK" "Putri Sejati" "$(sqlite3 "$TMP/central.db" "select name from persons where nik = '$BABY'")"
check "birth event at central, by the operator at the station" 1 "$(sqlite3 "$TMP/central.db" "select count(*) from events where type = 'birth' and actor = 'op1@st-test-1' and idempotency_key = 'op1@st-test-1|st-test-1/birth/$BABY'")"
check "move-in applied at central" applied "$(sqlite3 "$TMP/station.db" "select outcome from outbox where kind = 'move_in'")"
[[ $(sqlite3 "$TMP/station.db" "select outcome from outbox where kind = 'move_in'") == applied ]] || sqlite3 "$TMP/station.db" "select receipt from outbox where kind = 'move_in'"
check "the mover lives here now, on the leased KK" "$DISTRICT $MOVE_KK" "$(sqlite3 "$TMP/central.db" "select district_code || ' ' || kk_number from persons where nik = '$MOVER'")"
for _ in $(seq 30); do [[ $(sqlite3 "$TMP/station.db" "select count(*) from persons where nik = '$MOVER'") == 1 ]] && break; sleep 0.5; done
check "the mover came down into the working copy" "$MOVE_KK" "$(sqlite3 "$TMP/station.db" "select kk_number from persons where nik = '$MOVER'")"
check "the death at central, by the operator at the station" "0 op1@st-test-1" "$(sqlite3 "$TMP/central.db" "select p.alive || ' ' || e.actor from persons p join events e on e.type = 'death' and e.idempotency_key = 'op1@st-test-1|st-test-1/death/walk-death-1' where p.nik = '$DECEASED'")"
check "both births at central" 2 "$(sqlite3 "$TMP/central.db" "select count(*) from events where type = 'birth' and actor = 'op1@st-test-1'")"
status -X POST "$CAPI/auth/login" -d '{"username":"admin","password":"kunci-pengelola-1"}' >/dev/null
ADMIN=$(json 'd["token"]')
check "status timeline" 200 "$(status -H "Authorization: Bearer $ADMIN" "$CAPI/persons/$ADULT1/enrollment-status")"
check "timeline says terkirim" "True" "$(json '"terkirim" in [s["status"] for s in d["timeline"]]')"
for _ in $(seq 60); do
  status -H "Authorization: Bearer $ADMIN" "$CAPI/persons/$ADULT2/enrollment-status" >/dev/null
  [[ $(json 'd["current"].get("status")') == siap_cetak ]] && break
  sleep 0.5
done
check "dedup: no hit, siap cetak" siap_cetak "$(json 'd["current"].get("status")')"

# A third resident enrolled with the first one's fingers: stopped at the desk (same office), and
# at central (another office) it lands in adjudication, decided by two adjudicators.
ADULT3=$(sqlite3 "$TMP/station.db" "select nik from persons where district_code = '$DISTRICT' and alive = 1 and birth_date < '2000-01-01' and nik not in ('$ADULT1','$ADULT2') order by nik limit 1")
make_body "$ADULT3" fvc2002-db1b "tanpa latar polos (layanan keliling)" >"$TMP/e3.json"
check "same fingers stopped at the desk" 409 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/e3.json")"
check "desk names the earlier NIK" True "$(json '"'"$ADULT1"'" in d["error"]["message"]')"
status -X POST "$CAPI/auth/login" -d '{"username":"admin","password":"kunci-pengelola-1"}' >/dev/null
ADMIN=$(json 'd["token"]')
check "second station" 201 "$(status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/stations" \
  -d "{\"station_id\":\"st-test-2\",\"district_code\":\"$DISTRICT\",\"name\":\"Layanan keliling\",\"operators\":[\"op1\"]}")"
CODE2_FILE=$(code_file st2 "$(json 'd["provisioning_code"]')")
"$EKTP" station init --db "sqlite:$TMP/station2.db" --central "$CENTRAL" --station-id st-test-2 --code-file "$CODE2_FILE" >/dev/null 2>&1
"$EKTP" station --db "sqlite:$TMP/station2.db" --port 0 --pull-every 1 >>"$TMP/station2.log" 2>&1 &
STATION2_PID=$!
S2PORT=$(wait_port "$TMP/station2.log" "$STATION2_PID")
S2API="http://127.0.0.1:$S2PORT/api/v1"
status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/stations/st-test-2/operators/op1/activation-code" >/dev/null
ACODE2=$(json 'd["code"]')
check "activation at the second station" 200 "$(status -X POST "$S2API/station/operators/activate" -d "{\"username\":\"op1\",\"code\":\"$ACODE2\",\"password\":\"kata-sandi-stasiun-2\"}")"
status -X POST "$S2API/auth/login" -d '{"username":"op1","password":"kata-sandi-stasiun-2"}' >/dev/null
OP2=$(json 'd["token"]')
check "enroll the third at another office" 201 "$(status -X POST -H "Authorization: Bearer $OP2" "$S2API/station/enrollments" --data-binary @"$TMP/e3.json")"
E3=$(json 'd["enrollment_id"]')
for _ in $(seq 60); do
  status -H "Authorization: Bearer $ADMIN" "$CAPI/persons/$ADULT3/enrollment-status" >/dev/null
  [[ $(json 'd["current"].get("status")') == adjudikasi ]] && break
  sleep 0.5
done
check "third lands in adjudication" adjudikasi "$(json 'd["current"].get("status")')"
kill -TERM "$STATION2_PID"; wait "$STATION2_PID" 2>/dev/null || true
status -X POST "$CAPI/auth/login" -d '{"username":"adj1","password":"adjudicator-password-1"}' >/dev/null
ADJ1=$(json 'd["token"]')
status -X POST "$CAPI/auth/login" -d '{"username":"adj2","password":"adjudicator-password-1"}' >/dev/null
ADJ2=$(json 'd["token"]')
status -X POST "$CAPI/auth/login" -d '{"username":"op1","password":"operator-password-1"}' >/dev/null
check "operator may not adjudicate" 403 "$(status -H "Authorization: Bearer $(json 'd["token"]')" "$CAPI/adjudication/cases")"
check "open cases" 200 "$(status -H "Authorization: Bearer $ADJ1" "$CAPI/adjudication/cases?status=open")"
CASE=$(json '[c["id"] for c in d["cases"] if c["enrollment_id"] == "'"$E3"'"][0]')
check "case names the first resident" "$ADULT1" "$(json '[c["candidate_nik"] for c in d["cases"] if c["id"] == '"$CASE"'][0]')"
check "case detail with minutiae" True "$(status -H "Authorization: Bearer $ADJ1" "$CAPI/adjudication/cases/$CASE" >/dev/null; json 'len(d["probe"]["fingers"][0]["minutiae"]) > 10')"
check "finger image as PNG" 200 "$(status -H "Authorization: Bearer $ADJ1" "$CAPI/enrollments/$E3/fingers/1")"
check "png magic" "PNG" "$(head -c4 "$TMP/body" | tail -c3)"
check "an admin may read the case" 200 "$(status -H "Authorization: Bearer $ADMIN" "$CAPI/adjudication/cases/$CASE")"
check "an admin does not adjudicate" "403 separation_of_duties" "$(status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/adjudication/cases/$CASE/propose" -d '{"decision":"distinct","reason":"admin"}') $(json 'd["error"]["reason"]')"
check "propose duplicate" 200 "$(status -X POST -H "Authorization: Bearer $ADJ1" "$CAPI/adjudication/cases/$CASE/propose" -d '{"decision":"duplicate","reason":"10 jari sama dengan NIK lain"}')"
check "an admin does not confirm" 403 "$(status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/adjudication/cases/$CASE/confirm" -d '{"agree":true,"reason":"admin"}')"
check "the proposer cannot confirm" "403 same_person" "$(status -X POST -H "Authorization: Bearer $ADJ1" "$CAPI/adjudication/cases/$CASE/confirm" -d '{"agree":true,"reason":"setuju"}') $(json 'd["error"]["reason"]')"
check "second adjudicator confirms" 200 "$(status -X POST -H "Authorization: Bearer $ADJ2" "$CAPI/adjudication/cases/$CASE/confirm" -d '{"agree":true,"reason":"setuju, sidik jari identik"}')"
check "resident told: duplikat" duplikat "$(status -H "Authorization: Bearer $ADMIN" "$CAPI/persons/$ADULT3/enrollment-status" >/dev/null; json 'd["current"]["status"]')"

# Forged, replayed and revoked station requests.
check "unsigned upload" 401 "$(status -X POST "$CAPI/sync/upload" -d '{}')"
check "forged upload" 401 "$(status -X POST -H 'X-Ektp-Station: st-test-1' -H 'X-Ektp-Counter: 999999' -H "X-Ektp-Signature: $(printf '0%.0s' {1..128})" "$CAPI/sync/upload" -d '{}')"
check "revoke" 200 "$(status -X POST -H "Authorization: Bearer $ADMIN" "$CAPI/stations/st-test-1/revoke")"
check "enroll after revoke still saves locally" 201 "$(status -X POST "${H[@]}" "$SAPI/station/enrollments" --data-binary @"$TMP/e1.json")"
sleep 3
check "revoked station is refused" 1 "$(grep -c 'st-test-1 is revoked' "$TMP/station.log" | awk '{print ($1 > 0)}')"

# An impostor "central" (HTTPS with a key of its own, answering 200 to everything) is refused at
# the handshake: the station pinned central's key when it was provisioned.

"$EKTP" station --db "sqlite:$TMP/station2.db" --port 0 --pull-every 1 --central "https://127.0.0.1:$(cat "$TMP/fake.port")" >>"$TMP/station2-fake.log" 2>&1 &
STATION2_PID=$!
for _ in $(seq 40); do grep -q "is pinned" "$TMP/station2-fake.log" 2>/dev/null && break; sleep 0.25; done
check "an impostor central with another TLS key is refused" 1 "$(grep -c "is pinned" "$TMP/station2-fake.log" | awk '{print ($1 > 0)}')"
kill -TERM "$STATION2_PID" 2>/dev/null; wait "$STATION2_PID" 2>/dev/null || true
"$EKTP" station --db "sqlite:$TMP/station2.db" --port 0 --pull-every 1 --central "http://127.0.0.1:$(cat "$TMP/fake.port")" >>"$TMP/station2-plain.log" 2>&1 &
STATION2_PID=$!
for _ in $(seq 40); do grep -q "refusing plain http" "$TMP/station2-plain.log" 2>/dev/null && break; sleep 0.25; done
check "a pinned station never falls back to plain http" 1 "$(grep -c "refusing plain http" "$TMP/station2-plain.log" | awk '{print ($1 > 0)}')"
kill -TERM "$STATION2_PID" "$FAKE_PID" 2>/dev/null; wait "$STATION2_PID" "$FAKE_PID" 2>/dev/null || true

echo "station walkthrough: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
