#!/usr/bin/env python3
# BPJS Kesehatan's verifications over HTTP(S), as a client sharing no code with the server
# (Python's standard library): 1,000 of its members verified against the agreement for the 27
# profile fields, a share with wrong fields, every field of every answer checked against the
# register (read straight from the database, as BPJS's own member list); a sweep of consecutive
# NIKs with a second key suspends that key and raises an alert; the daily quota, crossed, answers
# 429 with Retry-After. Run by agency_bpjs_walkthrough.sh (plain HTTP, registering BPJS itself)
# and by agency_webhook_walkthrough.sh (HTTPS, BPJS as that walkthrough made it), so one test
# shows the whole of BPJS's use. Prints "N passed, M failed"; exits 1 on any failure.
import http.client, json, os, random, sqlite3, ssl, sys, time

# Usage: bpjs_verifications.py URL DB_PATH [CA_FILE]
#   URL: the server (http://127.0.0.1:PORT or https://…, then CA_FILE is the certificate to trust).
#   With BPJS_KEY and ADMIN_TOKEN in the environment, BPJS Kesehatan and its agreement (which must
#   cover the 27 fields, the purpose below and at least QUOTA calls a day left) already exist, as
#   the webhook walkthrough makes them; otherwise this script registers them.
url, db_path = sys.argv[1], sys.argv[2]
ca_file = sys.argv[3] if len(sys.argv) > 3 else None
host, port = url.split("://")[1].split(":")
port = int(port)
passed = failed = 0
def check(name, expected, actual):
    global passed, failed
    if expected == actual:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: expected {expected!r}, got {actual!r}")

if url.startswith("https://"):
    conn = http.client.HTTPSConnection(host, port, timeout=30, context=ssl.create_default_context(cafile=ca_file))
else:
    conn = http.client.HTTPConnection(host, port, timeout=30)
def call(method, path, body=None, auth=None):
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    conn.request(method, "/api/v1" + path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, (json.loads(data) if data else None), dict(r.getheaders())

FIELDS = ["nik", "kk_number", "name", "birth_place", "birth_date", "sex", "blood_type", "religion",
          "marital_status", "family_relation", "education", "occupation", "father_name", "mother_name",
          "citizenship", "street", "rt", "rw", "village_code", "village", "district", "regency",
          "province", "alive", "death_date", "biometrics_recorded", "card_status"]
PURPOSE = "verifikasi kepesertaan JKN"
QUOTA = 1020
if os.environ.get("BPJS_KEY"):
    admin = "Bearer " + os.environ["ADMIN_TOKEN"]
    key = "ApiKey " + os.environ["BPJS_KEY"]
else:
    status, login, _ = call("POST", "/auth/login", {"username": "admin", "password": "kunci-pengelola-1"})
    check("admin signs in", 200, status)
    admin = "Bearer " + login["token"]
    check("agency registered", 201, call("POST", "/admin/agencies",
          {"code": "bpjs-kesehatan", "name": "BPJS Kesehatan", "kind": "health_insurance"}, admin)[0])
    status, _, _ = call("POST", "/admin/agencies/bpjs-kesehatan/agreements", {
        "number": "440/77/PKS/2026", "purposes": [PURPOSE], "verify_fields": FIELDS, "retrieve_fields": ["name"],
        "operations": ["verify", "retrieve"], "regions": ["3327"], "name_score": True, "daily_quota": QUOTA,
        "valid_from": "2026-01-01", "valid_until": "2030-12-31"}, admin)
    check("agreement for the 27 fields", 201, status)
    status, issued, _ = call("POST", "/admin/agencies/bpjs-kesehatan/keys", {"label": "produksi"}, admin)
    check("key issued", 201, status)
    key = "ApiKey " + issued["key"]
status, sweep_issued, _ = call("POST", "/admin/agencies/bpjs-kesehatan/keys", {"label": "batch"}, admin)
check("a second key issued", 201, status)
sweep_key = "ApiKey " + sweep_issued["key"]
status, _, _ = call("POST", "/agency/verify", {"nik": "3327010101900001", "purpose": PURPOSE, "fields": {"name": "X"}},
                    "ApiKey ektp_0000000000000000_wrong")
check("a wrong key is refused", 401, status)
status, public, _ = call("GET", "/agencies")
check("the public list shows BPJS and its fields", sorted(FIELDS),
      sorted(public["agencies"][0]["agreements"][0]["verify_fields"]) if status == 200 else None)

# BPJS's member list: 1,000 residents of the register, in no order (so no sweep of serials).
members = sqlite3.connect(db_path).execute(
    "SELECT nik, name, birth_date, sex, mother_name, birth_place FROM persons WHERE alive = 1").fetchall()
random.seed(20261204)
members = random.sample(members, 1000)
wrong_counts = {"birth_date": 0, "sex": 0, "mother_name": 0, "name_slip": 0}
answered = 0
started = time.monotonic()
for i, (nik, name, birth_date, sex, mother, birth_place) in enumerate(members):
    claims = {"name": name, "birth_date": birth_date, "sex": sex, "mother_name": mother}
    expected = {"name": "sesuai", "birth_date": "sesuai", "sex": "sesuai", "mother_name": "sesuai"}
    if i % 7 == 0:
        claims["birth_date"] = "1901-01-01"; expected["birth_date"] = "tidak_sesuai"; wrong_counts["birth_date"] += 1
    if i % 11 == 0:
        claims["sex"] = "F" if sex == "M" else "M"; expected["sex"] = "tidak_sesuai"; wrong_counts["sex"] += 1
    if i % 13 == 0:
        claims["mother_name"] = "ZZZ QWERTY"; expected["mother_name"] = "tidak_sesuai"; wrong_counts["mother_name"] += 1
    slipped = i % 17 == 0 and len(name) > 8
    if slipped:  # one letter wrong in a long name: still the same person
        claims["name"] = name[:-1] + ("A" if name[-1] != "A" else "E"); wrong_counts["name_slip"] += 1
    status, answer, _ = call("POST", "/agency/verify", {"nik": nik, "purpose": PURPOSE, "fields": claims}, key)
    if status != 200:
        check(f"verification {i} answered", 200, status)
        continue
    got = {f: answer["fields"][f]["result"] for f in claims}
    check(f"verification {i} ({nik})", expected, got)
    if slipped:
        score = answer["fields"]["name"]["name_score"]
        check(f"verification {i}: a slipped name scores below 1", True, 0.85 <= score < 1.0)
    # It returns no value the caller did not send.
    check(f"verification {i}: no values", True, birth_place not in json.dumps(answer) or birth_place in json.dumps(claims))
    answered += 1
elapsed = time.monotonic() - started
check("1,000 verifications answered", 1000, answered)
print(f"1,000 verifications in {elapsed:.1f} s; wrong fields claimed: {wrong_counts}")

# A sweep of consecutive NIKs under one prefix with the second key: suspended, with an alert.
prefix = members[0][0][:12]
statuses = []
for serial in range(1, 13):
    s, a, _ = call("POST", "/agency/verify", {"nik": f"{prefix}{serial:04d}", "purpose": PURPOSE,
                                              "fields": {"name": "SITI"}}, sweep_key)
    statuses.append((s, (a or {}).get("error", {}).get("reason")))
check("the sweep ends in a suspended key", (403, "agency_key_suspended"), statuses[-1])
status, keys, _ = call("GET", "/admin/agencies/bpjs-kesehatan/keys", None, admin)
suspended = {k["label"]: k["suspended"] for k in keys["keys"]} if status == 200 else {}
check("the admin sees the sweeping key suspended, the other not", (True, False),
      (suspended.get("batch"), any(v for label, v in suspended.items() if label != "batch")))
time.sleep(0.5)  # read records reach the chain from the journal within a tenth of a second
alerts = sqlite3.connect(db_path).execute(
    "SELECT COUNT(*) FROM audit_log WHERE action = 'alert.agency_harvest' AND subject = 'bpjs-kesehatan'").fetchone()[0]
check("the sweep raised an alert for the admin", 1, alerts)
audited = sqlite3.connect(db_path).execute(
    "SELECT COUNT(*) FROM audit_log WHERE actor = 'agency:bpjs-kesehatan' AND action = 'agency.verify'").fetchone()[0]
check("every verification is in the audit log", True, audited >= 1000)

# The daily quota: the calls left, then 429 with the time to wait.
last = None
for _ in range(QUOTA + 5):
    s, a, h = call("POST", "/agency/verify", {"nik": members[1][0], "purpose": PURPOSE,
                                              "fields": {"name": members[1][1]}}, key)
    if s != 200:
        last = (s, a["error"].get("reason"), int(h.get("Retry-After", "0")) > 0)
        break
check("the quota crossed answers 429 with Retry-After", (429, "agency_quota_exceeded", True), last)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
