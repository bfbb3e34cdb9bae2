#!/usr/bin/env bash
# Bulk-matching job benchmark (make bench; bench/README.md "Bulk matching job"): the whole
# `ektp match bulk` run — register loaded from the database, the agency's file read, checked,
# matched, every touched person audited, results written — over a demo register of PERSONS
# persons and a file of ROWS rows taken from it (NIK, name, birth date, sex; every 10th row
# without its NIK, every 20th with the day and month swapped, every 50th with an unknown NIK),
# beside SQLite's bare exact left join of the same file on NIK, name and birth date in the same
# run. Prints one JSON line: the time split, rows per second, peak memory, the results and the
# ratio to the bare join. Generation and loading are not timed.
# With CHECK=1 (the ctest `cli.match_bulk`, small sizes) it also reads the result with Python's
# csv module and checks that every row got exactly one result and that nearly all were found,
# and that `ektp audit verify` finds the chain and every read of the job under it whole.
# Usage: bench/bulk_job.sh BUILD_DIR   (PERSONS=200000 ROWS=200000 THREADS=2 by default)
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
EKTP="$BUILD_DIR/ektp"
PERSONS=${PERSONS:-200000}
ROWS=${ROWS:-200000}
THREADS=${THREADS:-2}
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || { echo '{"bench":"bulk_match_job","skipped":"sqlite3 is not installed"}'; exit 0; }
command -v python3 >/dev/null || { echo '{"bench":"bulk_match_job","skipped":"python3 is not installed"}'; exit 0; }
TMP=$(mktemp -d /tmp/ektp-bench-bulk.XXXXXX)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && { kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -rf "$TMP"
}
trap cleanup EXIT
DB="sqlite:$TMP/register.db"
"$EKTP" db migrate --db "$DB" >/dev/null
"$EKTP" db load-demo --db "$DB" --regency 3327 --persons "$PERSONS" >/dev/null 2>&1
source scripts/lib/staff.sh
add_two_admins "$DB" admin "pemadanan-pengelola-1" admin2 "pemadanan-pengelola-2"
# The agency and its agreement, through the admin API of a server started for that only.
"$EKTP" serve --db "$DB" --port 0 --require-totp-for none >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.25
done
API="http://127.0.0.1:$PORT/api/v1"
ADMIN=$(curl -s -X POST "$API/auth/login" -d '{"username":"admin","password":"pemadanan-pengelola-1"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
post() { curl -s -X POST -H "Authorization: Bearer $ADMIN" "$API$1" -d "$2"; }
post /admin/agencies '{"code":"bpjs-kesehatan","name":"BPJS Kesehatan","kind":"health_insurance"}' >/dev/null
AGREEMENT=$(post /admin/agencies/bpjs-kesehatan/agreements '{"number":"440/99/PKS/2026","purposes":["pemadanan data peserta JKN"],
  "verify_fields":["nik","name","birth_date","sex"],"retrieve_fields":["nik"],"operations":["verify","retrieve","bulk_match"],
  "regions":["3327"],"name_score":true,"daily_quota":10000000,"valid_from":"2026-01-01","valid_until":"2030-12-31"}')
[[ $AGREEMENT == *'"id"'* ]] || { echo "agreement refused: $AGREEMENT" >&2; exit 1; }
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
# The agency's file, from the register (not timed).
sqlite3 "$TMP/register.db" >"$TMP/members.csv" <<SQL
.mode csv
.headers off
SELECT 'R' || printf('%08d', rn), nik, name, birth_date, sex FROM (
  SELECT row_number() OVER (ORDER BY random()) AS rn, nik, name, birth_date, sex FROM persons WHERE alive = 1)
WHERE rn <= $ROWS;
SQL
python3 - "$TMP/members.csv" "$TMP/file.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["row_id", "nik", "name", "birth_date", "sex"])
    for i, (row_id, nik, name, birth, sex) in enumerate(csv.reader(src)):
        y, m, d = birth.split("-")
        if i % 50 == 7:
            nik = nik[:12] + "9999"                       # a NIK nobody holds
        if i % 10 == 3:
            nik = ""                                      # no NIK: found by demographics
        if i % 20 == 5 and int(d) <= 12 and d != m:
            birth = f"{m}-{d}-{y}"                        # day and month swapped (DD-MM-YYYY)
        else:
            birth = f"{d}-{m}-{y}"
        w.writerow([row_id, nik, name, birth, "L" if sex == "M" else "P"])
PY
rows=$(($(wc -l <"$TMP/file.csv") - 1))
# The job, timed, with its peak memory.
/usr/bin/time -f '%e %M' -o "$TMP/time" "$EKTP" match bulk --db "$DB" --agency bpjs-kesehatan \
  --purpose "pemadanan data peserta JKN" --run-by admin --threads "$THREADS" "$TMP/file.csv" \
  --out "$TMP/result.csv" --summary "$TMP/summary.json" >/dev/null 2>"$TMP/progress"
read -r job_s peak_kb <"$TMP/time"
# The chain, and the job's reads under it, verify (the chunk entries state their reads' digest).
if [[ ${CHECK:-0} == 1 ]]; then
  "$EKTP" audit verify --db "$DB" >"$TMP/verify.json" 2>/dev/null || true
else
  echo '{}' >"$TMP/verify.json"
fi
# The reference, same run: SQLite's bare exact left join of the file on NIK, name and birth date.
sqlite3 "$TMP/register.db" <<SQL >/dev/null
CREATE TABLE agency_file (row_id TEXT, nik TEXT, name TEXT, birth_date TEXT, sex TEXT);
.mode csv
.import --skip 1 $TMP/file.csv agency_file
SQL
join_s=$(python3 - "$TMP/register.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
start = time.monotonic()
rows = db.execute("SELECT f.row_id, p.nik IS NOT NULL FROM agency_file f LEFT JOIN persons p "
                  "ON p.nik = f.nik AND p.name = f.name AND p.birth_date = f.birth_date").fetchall()
print(f"{time.monotonic() - start:.3f}")
PY
)
python3 - "$TMP/summary.json" "$TMP/result.csv" "$rows" "$job_s" "$peak_kb" "$join_s" "$PERSONS" "${CHECK:-0}" \
  "$TMP/verify.json" <<'PY'
import csv, json, sys
summary_file, result_file, rows, job_s, peak_kb, join_s, persons, check, verify_file = sys.argv[1:10]
s = json.load(open(summary_file))
rows, job_s, join_s = int(rows), float(job_s), float(join_s)
out = {"bench": "bulk_match_job", "register_persons": s["register_persons"], "rows": s["rows"],
       "job_seconds": job_s, "load_register_seconds": s["load_seconds"], "match_seconds": s["match_seconds"],
       "rows_per_second": round(s["rows"] / s["match_seconds"]) if s["match_seconds"] else None,
       "peak_memory_mb": round(int(peak_kb) / 1024), "results": s["results"], "match_rate": s["match_rate"],
       "audited": s["audited"], "sqlite_bare_join_seconds": join_s,
       "ratio_to_bare_join": round(job_s / join_s, 2) if join_s else None}
if check == "1":
    with open(result_file, newline="") as f:
        got = list(csv.DictReader(f))
    ids = [r["row_id"] for r in got]
    problems = []
    if len(got) != rows or len(set(ids)) != rows: problems.append(f"{len(got)} results for {rows} rows")
    if s["rows"] != rows: problems.append("summary rows differ")
    found = sum(1 for r in got if r["result"] in ("match", "match_fields_differ", "found_by_demographics", "deceased"))
    if found < 0.95 * rows: problems.append(f"only {found} of {rows} found")
    if s["results"]["found_by_demographics"] < rows // 20: problems.append("too few found by demographics")
    # Only a swap that makes an impossible date (a future one) may make a row invalid.
    if s["results"]["invalid_row"] > rows // 100: problems.append("too many invalid rows")
    v = json.load(open(verify_file))
    if not v.get("valid") or v.get("bulk_match_reads") != s["audited"]:
        problems.append(f"audit verify: {v}")
    out["check"] = "ok" if not problems else problems
print(json.dumps(out))
if check == "1" and problems: sys.exit(1)
PY
