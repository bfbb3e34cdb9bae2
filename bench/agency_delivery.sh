#!/usr/bin/env bash
# Agency event delivery benchmark (make bench): how long a civil event takes from its commit at
# central to the agency's receiver. Central (`ektp serve` over HTTPS, SQLite) with BPJS Kesehatan
# under an agreement with "subscribe" and one subscription to a Python 3 HTTPS receiver on this
# host, which logs each POST's arrival (time.time(), ms) and its CloudEvent's id and answers 204.
# The production delivery path: no --webhook-retry-scale, so the worker polls every second and is
# woken when an event that wrote deliveries commits (Connection::after_commit).
#   sequential: EVENTS births at the desk as an operator, one at a time, each answered before
#               the next is sent, each delivered before the next is sent;
#   burst:      BURST births sent as fast as 4 clients can, together (the worker sends one
#               attempt at a time, so they queue behind each other).
# The commit lies between two instants measured on this host's clock: the event's recorded time
# (its `time` in the CloudEvent, events.recorded_at_ms: taken when central began the request,
# before its transaction) and the moment the 201 answer reached the client (after the commit).
# So   arrival − answer  ≤  arrival − commit  ≤  arrival − recorded.
# median_ms/p99_ms/max_ms are the upper bound (from the recorded time); answer_* the lower bound.
# wake_* is the worker's part: from the recorded time to the start of the attempt that delivered.
# Prints one JSON line. Usage: bench/agency_delivery.sh BUILD_DIR
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
EKTP="$BUILD_DIR/ektp"
EVENTS=${EVENTS:-200}
BURST=${BURST:-100}
cd "$(dirname "$0")/.."
for tool in python3 openssl; do
  command -v "$tool" >/dev/null || { echo "{\"bench\":\"agency_event_delivery\",\"skipped\":\"$tool is not installed\"}"; exit 0; }
done
TMP=$(mktemp -d /tmp/ektp-bench-delivery.XXXXXX)
CENTRAL_PID='' RECEIVER_PID=''
stop() {
  if [[ -n ${1:-} ]] && kill -TERM "$1" 2>/dev/null; then wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  stop "$CENTRAL_PID"; stop "$RECEIVER_PID"
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "agency_delivery: $*" >&2; tail -n 20 "$TMP/central.log" >&2 2>/dev/null || true; exit 1; }

for who in central receiver; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/$who.key" -out "$TMP/$who.crt" 2>/dev/null
  chmod 600 "$TMP/$who.key"
done

# The receiver: logs {"id", "time" (the CloudEvent's), "arrived_ms"} per POST, answers 204 at once.
cat >"$TMP/receiver.py" <<'PY'
import http.server, json, ssl, sys, threading, time
port_file, cert, key, log_path = sys.argv[1:5]
lock = threading.Lock()
log = open(log_path, "a", buffering=1)
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        arrived_ms = time.time() * 1000.0
        self.send_response(204); self.end_headers()
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        with lock:
            log.write(json.dumps({"id": event.get("id"), "time": event.get("time"), "arrived_ms": arrived_ms}) + "\n")
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file, "w") as f: f.write(str(server.server_address[1]))
server.serve_forever()
PY

# The desk: births by one operator over kept-alive HTTPS connections, CLIENTS at a time; logs
# {"event_id", "sent_ms", "answered_ms"} per birth; with WAIT_FOR, each waits for its delivery.
cat >"$TMP/desk.py" <<'PY'
import datetime, http.client, json, os, ssl, sys, threading, time
port, cafile, token, mothers_file, phase, count, clients, out_path, received = sys.argv[1:10]
count, clients = int(count), int(clients)
mothers = [l.strip() for l in open(mothers_file) if l.strip()]
offset = 0 if phase == "seq" else 100000
names = ["Putri Sejati", "Dewi Lestari", "Budi Santoso", "Ayu Wulandari", "Rizki Pratama", "Sri Rahayu"]
born = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
context = ssl.create_default_context(cafile=cafile)
results, lock, failures = [], threading.Lock(), []
def arrived(event_id, deadline):
    want = f'"ektp-event-{event_id}"'
    while time.time() < deadline:
        with open(received) as f:
            if want in f.read(): return True
        time.sleep(0.005)
    return False
def work(k):
    conn = http.client.HTTPSConnection("127.0.0.1", int(port), context=context, timeout=30)
    for i in range(k, count, clients):
        n = offset + i
        body = json.dumps({"idempotency_key": f"bench-delivery-{phase}-{i}", "name": names[n % len(names)],
                           "birth_place": "Pemalang", "birth_date": born, "sex": "FM"[n % 2],
                           "mother_nik": mothers[n % len(mothers)]})
        sent = time.time() * 1000.0
        conn.request("POST", "/api/v1/events/birth", body,
                     {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        answer = conn.getresponse(); text = answer.read()
        answered = time.time() * 1000.0
        if answer.status not in (200, 201):
            with lock: failures.append(f"{answer.status} {text[:300]!r}")
            continue
        event_id = json.loads(text)["event_id"]
        with lock: results.append({"event_id": event_id, "sent_ms": sent, "answered_ms": answered})
        if phase == "seq" and not arrived(event_id, time.time() + 10):
            with lock: failures.append(f"event {event_id} not delivered within 10 s")
threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
with open(out_path, "w") as f:
    for r in results: f.write(json.dumps(r) + "\n")
if failures:
    print(f"{len(failures)} births failed, e.g. {failures[0]}", file=sys.stderr); sys.exit(1)
PY

CDB="sqlite:$TMP/central.db"
"$EKTP" db migrate --db "$CDB" >/dev/null
source scripts/lib/staff.sh
add_two_admins "$CDB" admin "beban-uji-pengelola-1" admin2 "beban-uji-pengelola-2"
echo "operator-password-1" | "$EKTP" user add --db "$CDB" --username op1 --role operator --office 3327 --password-stdin >/dev/null
"$EKTP" serve --db "$CDB" --port 0 --demo 3327 --demo-size 3000 --require-totp-for none \
  --tls-cert "$TMP/central.crt" --tls-key "$TMP/central.key" --allow-private-webhooks \
  --webhook-ca-file "$TMP/receiver.crt" >"$TMP/central.log" 2>&1 &
CENTRAL_PID=$!
CPORT=
for _ in $(seq 240); do
  CPORT=$(sed -n 's|.*listening on https://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/central.log" | head -1)
  [[ -n $CPORT ]] && break
  kill -0 "$CENTRAL_PID" 2>/dev/null || fail "central did not start"
  sleep 0.25
done
[[ -n $CPORT ]] || fail "central did not listen"
API="https://127.0.0.1:$CPORT/api/v1"
call() { curl -s --cacert "$TMP/central.crt" -X POST "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ''))" "$1"; }
ADMIN=$(call "$API/auth/login" -d '{"username":"admin","password":"beban-uji-pengelola-1"}' | field token)
[[ -n $ADMIN ]] || fail "admin login refused"
call -H "Authorization: Bearer $ADMIN" "$API/admin/agencies" \
  -d '{"code":"bpjs-kesehatan","name":"BPJS Kesehatan","kind":"health_insurance"}' >/dev/null
TODAY=$(TZ=Asia/Jakarta date +%F)
AGREEMENT=$(call -H "Authorization: Bearer $ADMIN" "$API/admin/agencies/bpjs-kesehatan/agreements" -d "{\"number\":\"440/77/PKS/2026\",
  \"purposes\":[\"pemutakhiran data peserta JKN\"],\"verify_fields\":[\"nik\",\"name\",\"birth_date\",\"sex\",\"alive\"],
  \"retrieve_fields\":[\"nik\",\"name\",\"birth_date\",\"sex\",\"alive\"],\"operations\":[\"retrieve\",\"subscribe\"],
  \"regions\":[\"3327\"],\"daily_quota\":100000,\"valid_from\":\"$TODAY\",\"valid_until\":\"$(date -d '+1 year' +%F)\"}")
[[ $AGREEMENT == *'"id"'* ]] || fail "agreement refused: $AGREEMENT"
KEY=$(call -H "Authorization: Bearer $ADMIN" "$API/admin/agencies/bpjs-kesehatan/keys" -d '{"label":"bench"}' | field key)
[[ -n $KEY ]] || fail "no API key"

python3 "$TMP/receiver.py" "$TMP/receiver.port" "$TMP/receiver.crt" "$TMP/receiver.key" "$TMP/received.jsonl" \
  >"$TMP/receiver.log" 2>&1 &
RECEIVER_PID=$!
for _ in $(seq 100); do [[ -s $TMP/receiver.port ]] && break; sleep 0.1; done
[[ -s $TMP/receiver.port ]] || fail "the receiver did not start: $(cat "$TMP/receiver.log")"
touch "$TMP/received.jsonl"
SUBSCRIPTION=$(call -H "Authorization: ApiKey $KEY" "$API/agency/subscriptions" \
  -d "{\"url\":\"https://127.0.0.1:$(cat "$TMP/receiver.port")/ektp/events\",\"event_types\":[\"birth\"]}")
[[ $SUBSCRIPTION == *'"id"'* ]] || fail "subscription refused: $SUBSCRIPTION"

# Mothers: women of the regency of an age to give birth, a different one for each birth while
# there are enough.
python3 - "$TMP/central.db" "$TMP/mothers" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "select nik from persons where sex = 'F' and alive = 1 and birth_date between '1983-01-01' and '2004-01-01' "
    "order by nik").fetchall()
open(sys.argv[2], "w").write("".join(r[0] + "\n" for r in rows))
PY
[[ -s $TMP/mothers ]] || fail "no mothers in the demo register"
OPERATOR=$(call "$API/auth/login" -d '{"username":"op1","password":"operator-password-1"}' | field token)
[[ -n $OPERATOR ]] || fail "operator login refused"

desk() {  # desk PHASE COUNT CLIENTS
  python3 "$TMP/desk.py" "$CPORT" "$TMP/central.crt" "$OPERATOR" "$TMP/mothers" "$1" "$2" "$3" "$TMP/$1.jsonl" \
    "$TMP/received.jsonl" || fail "the $1 births failed"
}
received() { wc -l <"$TMP/received.jsonl" | tr -d ' '; }
desk seq "$EVENTS" 1
desk burst "$BURST" 4
for _ in $(seq 300); do [[ $(received) -ge $((EVENTS + BURST)) ]] && break; sleep 0.1; done
sleep 0.5  # anything sent twice would arrive now

python3 - "$TMP" "$EVENTS" "$BURST" <<'PY'
import datetime, json, math, sqlite3, sys
tmp, events, burst = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
arrivals = {}
for line in open(f"{tmp}/received.jsonl"):
    r = json.loads(line); arrivals.setdefault(r["id"], []).append(r)
db = sqlite3.connect(f"{tmp}/central.db")
recorded = dict(db.execute("select id, recorded_at_ms from events"))
started = dict(db.execute(  # the start of the attempt that delivered each event
    "select d.event_id, a.at_ms from agency_deliveries d join agency_delivery_attempts a on a.delivery_id = d.id "
    "and a.attempt = d.attempts where d.state = 'delivered'"))
def ms(rfc3339):
    return datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000.0
def pct(values, p):  # nearest rank
    s = sorted(values); return round(s[max(0, math.ceil(p / 100 * len(s)) - 1)], 1) if s else None
sent, once = 0, True
def phase(name):
    global sent, once
    upper, lower, wake, answered, arrived = [], [], [], [], []
    for line in open(f"{tmp}/{name}.jsonl"):
        r = json.loads(line); sent += 1
        answered += [r["sent_ms"], r["answered_ms"]]
        got = arrivals.get(f"ektp-event-{r['event_id']}", [])
        if len(got) != 1: once = False
        if not got: continue
        first = min(g["arrived_ms"] for g in got)
        assert abs(ms(got[0]["time"]) - recorded[r["event_id"]]) < 1  # the CloudEvent's time is the event's
        upper.append(first - recorded[r["event_id"]]); lower.append(first - r["answered_ms"]); arrived.append(first)
        if r["event_id"] in started: wake.append(started[r["event_id"]] - recorded[r["event_id"]])
    span = lambda t: max(t) - min(t) if len(t) > 1 else 0.0
    return upper, lower, wake, span(answered), (len(arrived) - 1) / span(arrived) * 1000 if span(arrived) else None
seq_u, seq_l, seq_w, _, _ = phase("seq")
burst_u, burst_l, _, burst_desk_ms, burst_rate = phase("burst")
once = once and sent == events + burst and sum(len(v) for v in arrivals.values()) == sent
print(json.dumps({"bench": "agency_event_delivery", "events": len(seq_u),
                  "median_ms": pct(seq_u, 50), "p99_ms": pct(seq_u, 99), "max_ms": pct(seq_u, 100),
                  "answer_median_ms": pct(seq_l, 50), "answer_p99_ms": pct(seq_l, 99),
                  "wake_median_ms": pct(seq_w, 50), "wake_p99_ms": pct(seq_w, 99),
                  "burst_events": len(burst_u), "burst_clients": 4,
                  "burst_median_ms": pct(burst_u, 50), "burst_p99_ms": pct(burst_u, 99), "burst_max_ms": pct(burst_u, 100),
                  "burst_answer_median_ms": pct(burst_l, 50), "burst_answer_p99_ms": pct(burst_l, 99),
                  "burst_desk_ms": round(burst_desk_ms), "burst_delivered_per_s": burst_rate and round(burst_rate),
                  "delivered_once": once}))
PY
