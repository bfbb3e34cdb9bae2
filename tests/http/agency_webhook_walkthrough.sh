#!/usr/bin/env bash
# HTTP test of agencies' event subscriptions against a real central (`ektp serve` over HTTPS) and
# a real `ektp station`, both on SQLite, and a receiver that shares no code with the server: a
# Python 3 HTTPS server with a certificate made here, which checks every Standard Webhooks
# signature (ed25519 "v1a,") against the key central publishes — with Python's `cryptography`
# where it is installed, else with `openssl pkeyutl -verify` — and keeps each CloudEvent once by
# its id. BPJS Kesehatan subscribes with its API key; a birth recorded at the station while
# central is down reaches the receiver once central applies it; then the receiver goes down,
# three more events are recorded (two at central's desk, one at the station), central itself is
# restarted, and when the receiver comes back it gets every event, each once by its id. A second
# subscription whose receiver never answers dead-letters its events; the agency replays them into
# a receiver started there later. Refused: an http:// subscription, a caller without a key.
# The retry schedule runs 10,000 times faster here (`--webhook-retry-scale 0.0001`, for tests).
# At the end the same BPJS verifies 1,000 members on all 27 fields, sweeps with a second key
# (suspended, alert) and crosses its quota (429) through bpjs_verifications.py: the whole of
# BPJS's use in one test.
# Usage: tests/http/agency_webhook_walkthrough.sh BUILD_DIR
set -euo pipefail
BUILD_DIR=$(cd "${1:?usage: agency_webhook_walkthrough.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
EKTP="$BUILD_DIR/ektp"
TMP=$(mktemp -d /tmp/ektp-webhook.XXXXXX)
CENTRAL_PID= STATION_PID= RECEIVER_PID= RECEIVER_B_PID=
stop() { [[ -n ${1:-} ]] && kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null || true; }
cleanup() {
  for pid in $STATION_PID $CENTRAL_PID $RECEIVER_PID $RECEIVER_B_PID; do stop "$pid"; done
  rm -rf "$TMP"
}
trap cleanup EXIT
passed=0 failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: expected '$2', got '$3'"; head -c 600 "$TMP/body" 2>/dev/null; echo; fi
}
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
json() { python3 -c "import json,sys; d=json.load(open('$TMP/body')); print(eval(sys.argv[1]))" "$1"; }
code_file() { (umask 077; printf '%s\n' "$2" >"$TMP/$1.code"); echo "$TMP/$1.code"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Certificates: central's, and the receiver's (which central is told to trust, --webhook-ca-file).
for who in central receiver; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$TMP/$who.key" -out "$TMP/$who.crt" 2>/dev/null
  chmod 600 "$TMP/$who.key"
done

# The agency's receiver: its own code, Python's standard library and `cryptography` (or openssl).
cat >"$TMP/receiver.py" <<'PY'
import base64, http.server, json, os, socketserver, ssl, subprocess, sys, tempfile, time
port_file, cert, key, whpk, out_dir, port = sys.argv[1:7]
public_key = base64.b64decode(whpk[len("whpk_"):])
try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    verifier = Ed25519PublicKey.from_public_bytes(public_key)
    def valid(signature, content):
        try:
            verifier.verify(signature, content); return True
        except Exception:
            return False
    how = "cryptography"
except ImportError:
    pem = os.path.join(out_dir, "webhook-key.pem")  # SubjectPublicKeyInfo of an Ed25519 key
    with open(pem, "w") as f:
        der = bytes.fromhex("302a300506032b6570032100") + public_key
        f.write("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n")
    def valid(signature, content):
        with tempfile.NamedTemporaryFile() as m, tempfile.NamedTemporaryFile() as s:
            m.write(content); m.flush(); s.write(signature); s.flush()
            return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pem, "-rawin",
                                   "-in", m.name, "-sigfile", s.name], capture_output=True).returncode == 0
    how = "openssl"
seen = set()
def log(name, record):
    with open(os.path.join(out_dir, name), "a") as f: f.write(json.dumps(record) + "\n")
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        msg_id, ts = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "")
        content = f"{msg_id}.{ts}.".encode() + body
        ok = any(s.startswith("v1a,") and valid(base64.b64decode(s[4:]), content)
                 for s in self.headers.get("webhook-signature", "").split())
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300  # replayed old messages are refused
        event = json.loads(body) if ok else {}
        cloud = self.headers.get("Content-Type", "").startswith("application/cloudevents+json") and \
            event.get("specversion") == "1.0" and event.get("source") == "/ektp/central"
        log("requests.jsonl", {"webhook_id": msg_id, "id": event.get("id"), "verified": ok, "fresh": fresh,
                               "cloudevent": cloud, "how": how})
        if not (ok and fresh and cloud):
            self.send_response(401); self.end_headers(); return
        if event["id"] in seen:
            log("duplicates.jsonl", {"id": event["id"], "webhook_id": msg_id})
        else:
            seen.add(event["id"])
            log("events.jsonl", {"id": event["id"], "type": event["type"], "subject": event.get("subject"),
                                 "webhook_id": msg_id, "data": event["data"]})
        self.send_response(204); self.end_headers()
    def log_message(self, *args): pass
socketserver.TCPServer.allow_reuse_address = True
with socketserver.ThreadingTCPServer(("127.0.0.1", int(port)), Receiver) as server:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(port_file, "w") as f: f.write(str(server.server_address[1]))
    server.serve_forever()
PY
start_receiver() {  # start_receiver NAME PORT → sets RECEIVER_PID (or RECEIVER_B_PID for "b")
  mkdir -p "$TMP/$1"; rm -f "$TMP/$1/port"
  python3 "$TMP/receiver.py" "$TMP/$1/port" "$TMP/receiver.crt" "$TMP/receiver.key" "$WHPK" "$TMP/$1" "$2" \
    >>"$TMP/$1/log" 2>&1 &
  if [[ $1 == b ]]; then RECEIVER_B_PID=$!; else RECEIVER_PID=$!; fi
  for _ in $(seq 50); do [[ -s "$TMP/$1/port" ]] && break; sleep 0.1; done
}
lines() { [[ -f "$1" ]] && wc -l <"$1" | tr -d ' ' || echo 0; }
wait_lines() {  # wait_lines FILE N SECONDS
  for _ in $(seq $(($3 * 10))); do [[ $(lines "$1") -ge $2 ]] && return; sleep 0.1; done
}

CDB="sqlite:$TMP/central.db"
"$EKTP" db migrate --db "$CDB" >/dev/null
source "$SRC/scripts/lib/staff.sh"
add_two_admins "$CDB" admin "kunci-pengelola-1" admin2 "kunci-pengelola-2"
echo "operator-password-1" | "$EKTP" user add --db "$CDB" --username op1 --role operator --office 3327 --password-stdin >/dev/null
start_central() {
  "$EKTP" serve --db "$CDB" --port "${CPORT:-0}" --demo 3327 --demo-size 3000 --require-totp-for none \
    --tls-cert "$TMP/central.crt" --tls-key "$TMP/central.key" --allow-private-webhooks \
    --webhook-retry-scale 0.0001 --webhook-ca-file "$TMP/receiver.crt" >>"$TMP/central.log" 2>&1 &
  CENTRAL_PID=$!
  CPORT=$(wait_port "$TMP/central.log" "$CENTRAL_PID")
}
start_central
CENTRAL="https://127.0.0.1:$CPORT"
CAPI="$CENTRAL/api/v1"
check "the log says private webhooks are allowed" 1 "$(grep -c 'allow-private-webhooks: subscriptions may send' "$TMP/central.log")"

# The admin registers BPJS Kesehatan under an agreement with "subscribe" for Kabupaten Pemalang.
status -X POST "$CAPI/auth/login" -d '{"username":"admin","password":"kunci-pengelola-1"}' >/dev/null
ADMIN=(-H "Authorization: Bearer $(json 'd["token"]')")
TODAY=$(TZ=Asia/Jakarta date +%F)
check "agency" 201 "$(status -X POST "${ADMIN[@]}" "$CAPI/admin/agencies" -d '{"code":"bpjs-kesehatan","name":"BPJS Kesehatan","kind":"health_insurance"}')"
# The agreement covers BPJS's whole use: verification of all 27 profile fields, and events.
FIELDS_27='["nik","kk_number","name","birth_place","birth_date","sex","blood_type","religion","marital_status","family_relation","education","occupation","father_name","mother_name","citizenship","street","rt","rw","village_code","village","district","regency","province","alive","death_date","biometrics_recorded","card_status"]'
check "agreement with subscribe" 201 "$(status -X POST "${ADMIN[@]}" "$CAPI/admin/agencies/bpjs-kesehatan/agreements" -d "{\"number\":\"440/77/PKS/2026\",\"purposes\":[\"pemutakhiran data peserta JKN\",\"verifikasi kepesertaan JKN\"],\"verify_fields\":$FIELDS_27,\"retrieve_fields\":[\"nik\",\"name\",\"birth_date\",\"sex\",\"alive\",\"death_date\"],\"operations\":[\"verify\",\"retrieve\",\"subscribe\"],\"regions\":[\"3327\"],\"name_score\":true,\"daily_quota\":1020,\"valid_from\":\"$TODAY\",\"valid_until\":\"$(date -d '+1 year' +%F)\"}")"
check "API key" 201 "$(status -X POST "${ADMIN[@]}" "$CAPI/admin/agencies/bpjs-kesehatan/keys" -d '{"label":"webhooks"}')"
BPJS_KEY=$(json 'd["key"]')
AGENCY=(-H "Authorization: ApiKey $BPJS_KEY")
check "the webhook key is public" 200 "$(status "$CAPI/agency/webhook-key")"
WHPK=$(json 'd["whpk"]')
check "in the Standard Webhooks form" True "$(json 'd["whpk"] == "whpk_" + d["public_key"] and d["signature_scheme"] == "v1a"')"
check "the key file beside the audit anchor is 0600" 600 "$(stat -c %a "$TMP/central.db.anchor/webhook-signing.key")"

start_receiver a 0
RPORT=$(cat "$TMP/a/port")
URL="https://127.0.0.1:$RPORT/ektp/events"
check "a subscription over plain http is refused" "400 webhook_url_not_https" "$(status -X POST "${AGENCY[@]}" "$CAPI/agency/subscriptions" -d "{\"url\":\"http://127.0.0.1:$RPORT/e\",\"event_types\":[\"birth\"]}") $(json 'd["error"]["reason"]')"
check "a subscription without a key is refused" 401 "$(status -X POST "$CAPI/agency/subscriptions" -d "{\"url\":\"$URL\",\"event_types\":[\"birth\"]}")"
check "subscribe" 201 "$(status -X POST "${AGENCY[@]}" "$CAPI/agency/subscriptions" -d "{\"url\":\"$URL\",\"event_types\":[\"birth\",\"death\",\"move\",\"marriage\",\"divorce\"]}")"
# A second receiver that never answers (nothing listens there yet): its deaths will be dead-lettered.
BPORT=$(free_port)
check "subscribe a receiver that is not there" 201 "$(status -X POST "${AGENCY[@]}" "$CAPI/agency/subscriptions" -d "{\"url\":\"https://127.0.0.1:$BPORT/b\",\"event_types\":[\"death\"]}")"
SUB_B=$(json 'd["id"]')
check "both listed" 2 "$(status "${AGENCY[@]}" "$CAPI/agency/subscriptions" >/dev/null; json 'len(d["subscriptions"])')"

# A station of the district with most residents, provisioned, with op1 activated there.
status -X POST "${ADMIN[@]}" "$CAPI/stations" -d "{\"station_id\":\"st-1\",\"district_code\":\"$(sqlite3 "$TMP/central.db" "select district_code from persons group by district_code order by count(*) desc limit 1")\",\"name\":\"Kantor Kecamatan\",\"operators\":[\"op1\"]}" >/dev/null
DISTRICT=$(sqlite3 "$TMP/central.db" "select district_code from stations where station_id = 'st-1'")
SDB="sqlite:$TMP/station.db"
check "station init" 0 "$("$EKTP" station init --db "$SDB" --central "$CENTRAL" --station-id st-1 --code-file "$(code_file st1 "$(json 'd["provisioning_code"]')")" >"$TMP/init.log" 2>&1; echo $?)"
"$EKTP" station --db "$SDB" --port 0 --pull-every 1 >>"$TMP/station.log" 2>&1 &
STATION_PID=$!
SAPI="http://127.0.0.1:$(wait_port "$TMP/station.log" "$STATION_PID")/api/v1"
status -X POST "${ADMIN[@]}" "$CAPI/stations/st-1/operators/op1/activation-code" >/dev/null
check "operator activated at the station" 200 "$(status -X POST "$SAPI/station/operators/activate" -d "{\"username\":\"op1\",\"code\":\"$(json 'd["code"]')\",\"password\":\"kata-sandi-stasiun-1\"}")"

# Central goes down; a birth is recorded at the station offline, with a NIK from its lease.
stop "$CENTRAL_PID"; CENTRAL_PID=
status -X POST "$SAPI/auth/login" -d '{"username":"op1","password":"kata-sandi-stasiun-1"}' >/dev/null
STATION_OP=(-H "Authorization: Bearer $(json 'd["token"]')")
mother() {  # a woman of the district who may give birth, other than $1
  sqlite3 "$TMP/station.db" "select p.nik from persons p join families f on f.kk_number = p.kk_number where f.district_code = '$DISTRICT' and p.sex = 'F' and p.alive = 1 and p.birth_date between '1983-01-01' and '2004-01-01' and p.nik <> '${1:-}' order by p.nik limit 1"
}
MOTHER=$(mother)
check "birth recorded offline at the station" 201 "$(status -X POST "${STATION_OP[@]}" "$SAPI/station/births" -d "{\"idempotency_key\":\"wh-birth-1\",\"name\":\"Putri Sejati\",\"birth_place\":\"Pemalang\",\"birth_date\":\"$(date -d '1 day ago' +%F)\",\"sex\":\"F\",\"mother_nik\":\"$MOTHER\"}")"
BABY=$(json 'd["nik"]')
sleep 1
check "nothing reached the receiver while central was down" 0 "$(lines "$TMP/a/events.jsonl")"

# Central comes back; the station's outbox goes up, central applies the birth and the receiver
# gets the CloudEvent minutes — here seconds — later.
BACK=$(date +%s)
start_central
wait_lines "$TMP/a/events.jsonl" 1 60
check "the receiver got the birth" 1 "$(lines "$TMP/a/events.jsonl")"
check "within a minute of central coming back" True "$(python3 -c "print($(date +%s) - $BACK < 60)")"
EVENT=$(head -1 "$TMP/a/events.jsonl")
check "a birth CloudEvent" id.go.dukcapil.birth "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['type'])" "$EVENT")"
check "about the station's baby, by its NIK" "$BABY" "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['subject'])" "$EVENT")"
check "with the agreed fields only" "['alive', 'birth_date', 'death_date', 'name', 'nik', 'sex']" "$(python3 -c "import json,sys; print(sorted(json.loads(sys.argv[1])['data']['persons'][0]['fields']))" "$EVENT")"
check "every request was signed with the published key" 0 "$(grep -c '"verified": false' "$TMP/a/requests.jsonl" || true)"
HOW=$(python3 -c 'import cryptography' 2>/dev/null && echo cryptography || echo openssl)
check "the receiver checked each signature with $HOW" "$(lines "$TMP/a/requests.jsonl")" "$(grep -c "\"how\": \"$HOW\"" "$TMP/a/requests.jsonl")"
check "the receiver refuses a message not signed by central" 401 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/receiver.crt" -X POST "$URL" -H 'Content-Type: application/cloudevents+json' -H 'webhook-id: msg_forged' -H "webhook-timestamp: $(date +%s)" -H "webhook-signature: v1a,$(head -c 64 /dev/urandom | base64 -w0)" -d '{"specversion":"1.0","id":"ektp-event-1","source":"/ektp/central","type":"id.go.dukcapil.death","data":{}}')"
check "the birth came from the station, at central" 1 "$(sqlite3 "$TMP/central.db" "select count(*) from events where type = 'birth' and actor = 'op1@st-1'")"
check "delivered, as the agency sees it" 1 "$(status "${AGENCY[@]}" "$CAPI/agency/deliveries?state=delivered" >/dev/null; json 'len(d["deliveries"])')"
check "the resident can see BPJS received their data" 1 "$(sleep 0.3; sqlite3 "$TMP/central.db" "select count(*) from audit_log where action = 'agency.event_delivered' and actor = 'agency:bpjs-kesehatan' and subject = '$BABY'")"

# The receiver goes down. Two events at central's desk and one at the station follow.
stop "$RECEIVER_PID"; RECEIVER_PID=
status -X POST "$CAPI/auth/login" -d '{"username":"op1","password":"operator-password-1"}' >/dev/null
DESK=(-H "Authorization: Bearer $(json 'd["token"]')")
read -r OLD1 OLD2 <<<"$(sqlite3 "$TMP/central.db" "select nik from persons where district_code = '$DISTRICT' and alive = 1 and birth_date < '1960-01-01' order by nik limit 2" | tr '\n' ' ')"
check "a death at central's desk" 201 "$(status -X POST "${DESK[@]}" "$CAPI/events/death" -d "{\"idempotency_key\":\"wh-death-1\",\"nik\":\"$OLD1\",\"date\":\"$(date -d '1 day ago' +%F)\",\"place\":\"Pemalang\"}")"
MOTHER2=$(mother "$MOTHER")
check "a birth at central's desk" 201 "$(status -X POST "${DESK[@]}" "$CAPI/events/birth" -d "{\"idempotency_key\":\"wh-birth-2\",\"name\":\"Dewi Lestari\",\"birth_place\":\"Pemalang\",\"birth_date\":\"$(date -d '1 day ago' +%F)\",\"sex\":\"F\",\"mother_nik\":\"$MOTHER2\"}")"
BABY2=$(json 'd["nik"]')
check "a death at the station" 201 "$(status -X POST "${STATION_OP[@]}" "$SAPI/events/death" -d "{\"idempotency_key\":\"wh-death-2\",\"nik\":\"$OLD2\",\"date\":\"$(date -d '1 day ago' +%F)\",\"place\":\"Pemalang\"}")"
for _ in $(seq 80); do
  [[ $(sqlite3 "$TMP/central.db" "select count(*) from agency_deliveries where subscription_id <> $SUB_B and state = 'pending' and attempts >= 2") == 3 ]] && break
  sleep 0.25
done
check "three pending, each tried and failed already" 3 "$(status "${AGENCY[@]}" "$CAPI/agency/deliveries?state=pending" >/dev/null; json 'len([x for x in d["deliveries"] if x["subscription_id"] != '"$SUB_B"' and x["attempts"] >= 2 and x["history"][0]["status"] == 0])')"
check "the attempts say why" True "$(json 'all(x["last_error"] != "" for x in d["deliveries"])')"
# Central restarts while they wait: the deliveries are in the database.
stop "$CENTRAL_PID"; CENTRAL_PID=
start_central
start_receiver a "$RPORT"
wait_lines "$TMP/a/events.jsonl" 4 60
check "the receiver got every event" 4 "$(lines "$TMP/a/events.jsonl")"
check "each once by its id" 4 "$(python3 -c "import json; print(len({json.loads(l)['id'] for l in open('$TMP/a/events.jsonl')}))")"
check "the ones it missed" "$(printf '%s\n' "$OLD1" "$BABY2" "$OLD2" | sort | tr '\n' ' ')" "$(tail -n 3 "$TMP/a/events.jsonl" | python3 -c "import json,sys; print(' '.join(sorted(json.loads(l)['subject'] for l in sys.stdin)) + ' ')")"
check "the same webhook-id in every attempt of one message" True "$(python3 -c "
import json; ids = {}
for l in open('$TMP/a/events.jsonl'): r = json.loads(l); ids.setdefault(r['id'], set()).add(r['webhook_id'])
print(all(len(v) == 1 for v in ids.values()))")"
check "all delivered" 0 "$(status "${AGENCY[@]}" "$CAPI/agency/deliveries?state=pending" >/dev/null; json 'len([x for x in d["deliveries"] if x["subscription_id"] != '"$SUB_B"'])')"

# The receiver that never answered: its two deaths are dead-lettered after the whole schedule
# (13 attempts; about 36 s at this scale), visible to the agency and the admin, and replayed.
for _ in $(seq 600); do
  [[ $(sqlite3 "$TMP/central.db" "select count(*) from agency_deliveries where subscription_id = $SUB_B and state = 'dead'") == 2 ]] && break
  sleep 0.1
done
check "dead-lettered after every attempt" "2 13" "$(status "${AGENCY[@]}" "$CAPI/agency/deliveries?state=dead" >/dev/null; json '"%d %d" % (len(d["deliveries"]), min(x["attempts"] for x in d["deliveries"]))')"
DEAD=$(json '" ".join(str(x["id"]) for x in d["deliveries"])')
check "the admin sees them" 2 "$(status "${ADMIN[@]}" "$CAPI/admin/agencies/bpjs-kesehatan/deliveries?state=dead" >/dev/null; json 'len(d["deliveries"])')"
check "an operator does not" 403 "$(status "${DESK[@]}" "$CAPI/admin/agencies/bpjs-kesehatan/deliveries")"
start_receiver b "$BPORT"
for id in $DEAD; do check "replay delivery $id" "200 pending" "$(status -X POST "${AGENCY[@]}" "$CAPI/agency/deliveries/$id/replay") $(json 'd["state"]')"; done
wait_lines "$TMP/b/events.jsonl" 2 30
check "the replayed deaths arrived, each once" "2 2" "$(lines "$TMP/b/events.jsonl") $(python3 -c "import json; print(len({json.loads(l)['id'] for l in open('$TMP/b/events.jsonl')}))")"
check "a delivered one is not replayed" 409 "$(status -X POST "${AGENCY[@]}" "$CAPI/agency/deliveries/${DEAD%% *}/replay")"
check "nothing twice at the first receiver" 0 "$(lines "$TMP/a/duplicates.jsonl")"
check "every replay audited" 2 "$(sqlite3 "$TMP/central.db" "select count(*) from audit_log where action = 'agency.delivery_replay'")"

# The same BPJS, the same central, over HTTPS: 1,000 verifications of the 27 fields, a sweep
# that suspends a second key, the quota crossed (bpjs_verifications.py, its own client).
ADMIN_TOKEN=${ADMIN[1]#Authorization: Bearer }
if BPJS_KEY=$BPJS_KEY ADMIN_TOKEN=$ADMIN_TOKEN python3 "$SRC/tests/http/bpjs_verifications.py" "$CENTRAL" \
     "$TMP/central.db" "$TMP/central.crt" >"$TMP/verifications.log" 2>&1; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL BPJS's verifications:"; tail -20 "$TMP/verifications.log"
fi
tail -2 "$TMP/verifications.log"
echo "agency webhook walkthrough: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
