#!/usr/bin/env python3
# An agency's bulk-matching job over HTTP, as a client sharing no code with the server (Python's
# standard library): run by bulk_match_resume_walkthrough.sh in two phases around a `kill -9` of
# the server.
#
#   bulk_match_client.py submit URL DB STATE   the admin registers BPJS Kesehatan, an agreement with
#       bulk_match and a key; an operator records deaths; BPJS's member file is made from the
#       register with faults of every kind; refused callers and bad uploads are tried; the file is
#       uploaded in pieces, one upload broken off and resumed at the offset the server names; then
#       the job is watched until it has recorded a checkpoint and is still running, and this
#       phase ends (the script kills the server). STATE keeps the job, the key and what to expect.
#   bulk_match_client.py finish URL DB STATE   the restarted server takes the job up again: it is
#       waited for, its result read in pieces and parsed by Python's csv module; every row has
#       exactly one result, in the file's order, the one its fault calls for.
#
# DB is sqlite:PATH or a postgresql:// URI (read with sqlite3 / psql, as the agency's own member
# list). Prints "N passed, M failed"; exits 1 on any failure.
import csv, hashlib, http.client, io, json, os, random, sqlite3, subprocess, sys, time

phase, url, db_url, state_path = sys.argv[1:5]
host, port = url.split("://")[1].split(":")
conn = http.client.HTTPConnection(host, int(port), timeout=60)
passed = failed = 0
PURPOSE = "pemadanan data peserta JKN"
PIECE = 256 * 1024


def check(name, expected, actual):
    global passed, failed
    if expected == actual:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: expected {expected!r}, got {actual!r}")


def call(method, path, body=None, auth=None, raw=None, json_body=True):
    headers = {}
    if auth:
        headers["Authorization"] = auth
    if raw is not None:
        payload = raw
        headers["Content-Type"] = "application/octet-stream"
    elif body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    else:
        payload = None
    conn.request(method, "/api/v1" + path, payload, headers)
    r = conn.getresponse()
    data = r.read()
    if r.getheader("Connection", "").lower() == "close":
        conn.close()
    answer = data
    if json_body and data and (r.getheader("Content-Type") or "").startswith("application/json"):
        answer = json.loads(data)
    return r.status, answer, {k.lower(): v for k, v in r.getheaders()}


def reason(answer):
    return answer.get("error", {}).get("reason") if isinstance(answer, dict) else None


def query(sql):
    """Rows of the register, read as the agency's own list would be (not through the server)."""
    if db_url.startswith("sqlite:"):
        return sqlite3.connect(db_url[len("sqlite:"):]).execute(sql).fetchall()
    out = subprocess.run(["psql", "-X", "-q", "--csv", "-t", "-d", db_url, "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return [tuple(row) for row in csv.reader(io.StringIO(out))]


def login(username, password):
    status, answer, _ = call("POST", "/auth/login", {"username": username, "password": password})
    check(f"{username} signs in", 200, status)
    return "Bearer " + answer["token"]


def submit():
    admin = login("admin", "ektp-demo-2026")  # the demo users of a database without users
    check("agency registered", 201, call("POST", "/admin/agencies",
          {"code": "bpjs-kesehatan", "name": "BPJS Kesehatan", "kind": "health_insurance"}, admin)[0])
    agreement = {"number": "440/99/PKS/2026", "purposes": [PURPOSE],
                 "verify_fields": ["nik", "name", "birth_date", "sex"], "retrieve_fields": ["nik"],
                 "operations": ["verify", "retrieve", "bulk_match"], "regions": ["3327"], "name_score": True,
                 "daily_quota": 1000000, "valid_from": "2026-01-01", "valid_until": "2030-12-31"}
    check("agreement with bulk_match", 201, call("POST", "/admin/agencies/bpjs-kesehatan/agreements", agreement, admin)[0])
    status, issued, _ = call("POST", "/admin/agencies/bpjs-kesehatan/keys", {"label": "pemadanan"}, admin)
    check("key issued", 201, status)
    key = "ApiKey " + issued["key"]
    # A bank whose agreement has no bulk_match is refused, before it may upload a byte.
    check("a bank registered", 201, call("POST", "/admin/agencies",
          {"code": "bank-jateng", "name": "Bank Jateng", "kind": "bank"}, admin)[0])
    bank_agreement = dict(agreement, number="500/12/PKS/2026", purposes=["pembukaan rekening"],
                          operations=["verify", "retrieve"])
    check("the bank's agreement", 201, call("POST", "/admin/agencies/bank-jateng/agreements", bank_agreement, admin)[0])
    bank = "ApiKey " + call("POST", "/admin/agencies/bank-jateng/keys", {}, admin)[1]["key"]

    # Deaths the agency's file still lists as members, recorded by the office's operator.
    operator = login("operator", "ektp-demo-2026")
    people = query("SELECT nik, name, birth_date, sex FROM persons WHERE alive = 1 ORDER BY nik")
    random.seed(20261205)
    random.shuffle(people)
    dead = people[:40]
    for i, (nik, *_rest) in enumerate(dead):
        status, answer, _ = call("POST", "/events/death", {
            "idempotency_key": f"kematian-{nik}", "nik": nik, "date": "2026-11-0" + str(1 + i % 9),
            "place": "RSUD Cirebon", "documents": [{"type": "surat_kematian", "number": f"SK/{i}/2026"}]}, operator)
        check(f"death of {nik} recorded", 201, status)
        if status != 201:
            print(answer)
            break

    # BPJS's member file: every resident once, with the faults real files hold.
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["row_id", "nik", "name", "birth_date", "sex"])
    expected, order, unknown = {}, [], set()
    for i, (nik, name, birth, sex) in enumerate(people):
        row_id = f"P{i:07d}"
        y, m, d = birth.split("-")
        birth_out = f"{d}-{m}-{y}"
        want = "match"
        if i < len(dead):
            want = "deceased"
        elif i % 10 == 3:
            nik, want = "", "demographics:" + nik                  # no NIK: found by name and birth date
        elif i % 50 == 7 and nik[:12] + "9999" not in unknown:
            nik, want = nik[:12] + "9999", "unknown_nik"           # a NIK nobody holds
            unknown.add(nik)
        elif i % 13 == 5:
            birth_out, want = f"{d}-{m}-{int(y) - 4}", "birth_date_differs"  # (29 February stays a day)
        elif i % 97 == 11:
            birth_out, want = f"32-{m}-{y}", "invalid_row"         # day 32
        if i % 211 == 17 and want == "match":
            name, want = "=HYPERLINK(\"http://x\")", "invalid_name"  # not a name: refused, naming the character
        shown = row_id
        if i % 223 == 19:
            row_id = "@" + row_id                                  # a formula the result neutralises
            shown = "'" + row_id
        w.writerow([row_id, nik, name, birth_out, "L" if sex == "M" else "P"])
        expected[shown] = want
        order.append(shown)
    for i in range(5):  # rows repeated by the agency's export
        w.writerow([f"P{i + 100:07d}", "", "SITI AMINAH", "01-01-1990", "P"])
    data = out.getvalue().encode()
    order += [f"P{i + 100:07d}" for i in range(5)]
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(os.path.dirname(state_path), "members.csv"), "wb") as f:
        f.write(data)  # for the script's uninterrupted run to compare with

    create = {"purpose": PURPOSE, "size_bytes": len(data), "sha256": digest, "file_name": "peserta-jkn.csv"}
    status, answer, _ = call("POST", "/agency/bulk-matches", create, bank)
    check("an agency without bulk_match is refused", (403, "agency_operation_not_agreed"), (status, reason(answer)))
    status, answer, _ = call("POST", "/agency/bulk-matches", create, "ApiKey ektp_0000000000000000_salah")
    check("a wrong key is refused", (401, "agency_key_invalid"), (status, reason(answer)))
    status, answer, _ = call("POST", "/agency/bulk-matches", dict(create, size_bytes=100 * 10**9), key)
    check("a 100 GB file is refused before a byte is sent", (413, "bulk_file_too_large"), (status, reason(answer)))
    status, answer, _ = call("POST", "/agency/bulk-matches", dict(create, purpose="pemasaran"), key)
    check("a purpose not agreed is refused", (403, "agency_purpose_not_agreed"), (status, reason(answer)))

    status, job, _ = call("POST", "/agency/bulk-matches", create, key)
    check("the job is created", (201, "uploading"), (status, job.get("state")))
    job_id = job["id"]
    status, answer, _ = call("PUT", f"/agency/bulk-matches/{job_id}/file?offset=0", auth=bank, raw=data[:PIECE])
    check("the bank may not upload into it", 403, status)
    # The first pieces, then the upload breaks off mid-way; the job says where to go on.
    sent = 0
    for _ in range(3):
        status, answer, _ = call("PUT", f"/agency/bulk-matches/{job_id}/file?offset={sent}", auth=key,
                                 raw=data[sent:sent + PIECE])
        check(f"piece at {sent}", 200, status)
        sent += PIECE
    status, answer, _ = call("PUT", f"/agency/bulk-matches/{job_id}/file?offset=0", auth=key, raw=data[:PIECE])
    check("a piece at the wrong offset is refused", (409, "bulk_upload_offset_mismatch"), (status, reason(answer)))
    status, answer, _ = call("GET", f"/agency/bulk-matches/{job_id}", auth=key)
    resume_at = answer["upload"]["next_offset"]
    check("the job names where the upload goes on", sent, resume_at)
    while resume_at < len(data):
        status, answer, _ = call("PUT", f"/agency/bulk-matches/{job_id}/file?offset={resume_at}", auth=key,
                                 raw=data[resume_at:resume_at + PIECE])
        if status != 200:
            check(f"piece at {resume_at}", 200, status)
            break
        resume_at += PIECE
    check("the whole file is in and the job queued", True, answer.get("state") in ("queued", "running"))
    status, answer, _ = call("POST", "/agency/bulk-matches", create, key)
    check("the same file again is recognised", (409, "bulk_file_already_submitted"), (status, reason(answer)))

    # Watched until it has a checkpoint and is still running: then the server is killed.
    seen = None
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status, answer, _ = call("GET", f"/agency/bulk-matches/{job_id}", auth=key)
        seen = answer
        moving = (answer.get("progress") or {}).get("rows_done", 0) > 0  # the worker's word, besides the checkpoint
        if answer["state"] == "running" and answer["audited"] > 0 and moving and answer["rows_done"] < len(order) // 2:
            break
        if answer["state"] in ("done", "failed"):
            break
        time.sleep(0.01)
    check("the job is running with a checkpoint when the server is killed", "running", seen and seen["state"])
    progress = (seen or {}).get("progress") or {}
    check("its progress says how far and how fast", True,
          progress.get("phase") == "matching" and progress.get("rows_per_second", 0) > 0)
    print(f"killing the server at {seen and seen['rows_done']} of {len(order)} rows; progress {progress}")
    json.dump({"job": job_id, "key": key, "expected": expected, "order": order, "rows_at_kill": seen["rows_done"],
               "resident": next([p[0], p[2]] for i, p in enumerate(people) if expected.get(f"P{i:07d}") == "match")},
              open(state_path, "w"))


def finish():
    state = json.load(open(state_path))
    key, job_id, expected, order = state["key"], state["job"], state["expected"], state["order"]
    job = None
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status, job, _ = call("GET", f"/agency/bulk-matches/{job_id}", auth=key)
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    check("the restarted server finished the job", "done", job["state"])
    check("it says the job was resumed", True, job["resumed"])
    check("every row counted once", len(order), sum(job["results"].values()))
    # The result, read in pieces of 300 KiB, as a large one would be.
    body, offset, total = b"", 0, None
    while total is None or offset < total:
        status, piece, headers = call("GET", f"/agency/bulk-matches/{job_id}/result?offset={offset}&length=307200",
                                      auth=key, json_body=False)
        if status != 200:
            check("a piece of the result", 200, status)
            break
        total = int(headers["x-ektp-result-bytes"])
        body += piece
        offset += len(piece)
    check("the result read whole", job["result_bytes"], len(body))
    with open(os.path.join(os.path.dirname(state_path), "result.csv"), "wb") as f:
        f.write(body)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    check("exactly one result per row, in the file's order", order, [r["row_id"] for r in rows])
    by_id = {r["row_id"]: r for r in rows[:-5]}  # the last five repeat earlier row_ids
    wrong_person = demographic = demographic_found = 0
    tally = {}
    for row_id, want in expected.items():
        got = by_id.get(row_id)
        if got is None:
            continue
        result = got["result"]
        if want.startswith("demographics:"):
            demographic += 1
            if result == "found_by_demographics":
                demographic_found += 1
                if got["matched_nik"] != want.split(":")[1]:
                    wrong_person += 1
            continue
        outcome = {"match": result == "match",
                   "deceased": result == "deceased",
                   "unknown_nik": result in ("nik_not_found", "found_by_demographics"),
                   "birth_date_differs": result == "match_fields_differ" and got["birth_date_verdict"] == "tidak_sesuai"
                                         and got["name_verdict"] == "sesuai",
                   "invalid_name": result == "invalid_row" and "column name: character '='" in got["reason"],
                   "invalid_row": result == "invalid_row" and "no day 32" in got["reason"]}[want]
        tally.setdefault(want, [0, 0])[0 if outcome else 1] += 1
        if not outcome and tally[want][1] <= 3:
            print(f"row {row_id}: expected {want}, got {got}")
    for want, (good, bad) in sorted(tally.items()):
        check(f"every '{want}' row has its result ({good} good)", 0, bad)
    check("the repeated rows", [("duplicate_in_file", f"P{i + 100:07d}") for i in range(5)],
          [(r["result"], r["row_id"]) for r in rows[-5:]])
    check("no wrong person found by demographics", 0, wrong_person)
    check(f"rows without NIK found ({demographic_found} of {demographic})", True, demographic_found >= 0.95 * demographic)
    check("no formula reaches the spreadsheet", True,
          all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v))
    status, answer, _ = call("GET", f"/agency/bulk-matches/{job_id}/result?length=0", auth=key)
    check("a read of no bytes is refused", 400, status)
    # Every person a row touched is in the audit log, once per chunk, and reaches their access log.
    chunks = int(query("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.bulk_match' AND "
                       f"detail LIKE '%job {job_id}%'")[0][0])
    check("one audit entry per chunk of 16,384 rows, none twice after the kill", -(-len(order) // 16384), chunks)
    reads = int(query("SELECT COUNT(*) FROM bulk_match_reads r JOIN audit_log a ON a.seq = r.audit_seq WHERE "
                      f"a.action = 'agency.bulk_match' AND a.detail LIKE '%job {job_id}%'")[0][0])
    check("the job's reads are recorded once each", job["audited"], reads)
    # A resident the file matched sees BPJS's bulk match among the reads of their data.
    nik, birth = state["resident"]
    status, pin, _ = call("POST", f"/persons/{nik}/resident-pin", {}, login("operator", "ektp-demo-2026"))
    check("the office gives the resident a PIN", 201, status)
    status, session, _ = call("POST", "/resident/login", {"nik": nik, "birth_date": birth, "pin": pin["pin"]})
    check("the resident signs in", 200, status)
    status, seen, _ = call("GET", "/resident/reads", auth="Resident " + session["token"])
    kinds = [(r["kind"], r["who"].get("agency_code"), r["purpose"]) for r in seen.get("reads", [])]
    check("the resident sees BPJS's bulk match", True, ("bulk_match", "bpjs-kesehatan", PURPOSE) in kinds)
    print(f"job {job_id}: {job['results']}; {len(body)} result bytes")


if phase == "submit":
    submit()
else:
    finish()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
