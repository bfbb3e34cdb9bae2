#!/bin/sh
# `ektp suket …` end to end: a demo regency (seeded by a short `ektp serve --demo`) has residents
# waiting for their card; `suket issue` writes the PDF and PNG and prints the QR text; `suket
# verify` reads it back from the PNG (zxing), from the text and offline from the saved lists and
# the pinned root; a tampered text, a picture with no QR code and a list under another root are
# refused; a resident never enrolled gets no SUKET.
# Usage: suket_cli_test.sh EKTP_BINARY
set -eu
ektp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
db="sqlite:$work/suket.db"
. "$(dirname "$0")/expect.sh"

# The demo: population, stock, residents at each stage (the server stops once it listens).
"$ektp" serve --db "$db" --port 0 --demo 3327 --demo-size 600 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 120); do grep -q "listening on" "$work/serve.log" && break; sleep 0.5; done
kill "$server"; wait "$server" 2>/dev/null || true; server=
grep -q "demo cards of 3327" "$work/serve.log" && pass "the demo seeds residents at each stage" || fail "no demo cards: $(tail -5 "$work/serve.log")"

waiting=$(sqlite3 "$work/suket.db" "select r.nik from print_requests r where r.status = 'waiting' and not exists (select 1 from sukets s where s.nik = r.nik) order by r.id limit 1")
collected=$(sqlite3 "$work/suket.db" "select nik from print_requests where status = 'collected' limit 1")
never=$(sqlite3 "$work/suket.db" "select p.nik from persons p where p.alive = 1 and not exists (select 1 from enrollments e where e.nik = p.nik) limit 1")

expect "issue for a waiting resident" 0 '^[0-9A-Z $%*+./:-]*$' "$ektp" suket issue --db "$db" --nik "$waiting" \
  --pdf "$work/suket.pdf" --png "$work/suket.png" --by petugas.loket
qr=$("$ektp" suket issue --db "$db" --nik "$waiting" --pdf "$work/suket2.pdf" --by petugas.loket 2>/dev/null)
head -c 4 "$work/suket.pdf" | grep -q '%PDF' && pass "the PDF is a PDF" || fail "not a PDF"
expect "verify the PNG (zxing) against the registry" 0 '"status":"valid"' "$ektp" suket verify "$work/suket.png" --db "$db"
expect "verify the text against the registry" 0 "\"nik\":\"$waiting\"" "$ektp" suket verify "$qr" --db "$db"

"$ektp" suket trust-list --db "$db" >"$work/trust.json"
"$ektp" suket trust-list --db "$db" --superseded >"$work/superseded.json"
root=$("$ektp" suket trust-list --db "$db" --root | sed 's/.*"public_key":"\([^"]*\)".*/\1/')
grep -q '"alg":"EdDSA"' "$work/trust.json" && grep -q '"not_after"' "$work/trust.json" && pass "the trust list names each key" || fail "trust list: $(cat "$work/trust.json")"
printf '%s\n' "$qr" >"$work/qr.txt"
expect "verify offline from a text file, the saved lists and the pinned root" 0 '"status":"valid"' \
  "$ektp" suket verify "$work/qr.txt" --trust-list "$work/trust.json" --root-key "$root" --superseded "$work/superseded.json"

tampered=$(printf '%s' "$qr" | sed 's/^\(.\{40\}\)\(.\)/\1\2\2/' | cut -c1-${#qr})
expect "a tampered text is not valid" 2 '"status":"\(forged\|malformed\)"' "$ektp" suket verify "$tampered" --db "$db"
expect "a truncated text is malformed" 2 '"status":"malformed"' "$ektp" suket verify "$(printf '%s' "$qr" | cut -c1-100)" --db "$db"
"$ektp" card face --db "$db" --nik "$collected" --png "$work/face.png" >/dev/null
expect "a picture with no QR code (the card face)" 1 'no readable QR code' "$ektp" suket verify "$work/face.png" --db "$db"
expect "a list under another root is refused" 1 'trust_list\|signature\|signed_by' "$ektp" suket verify "$qr" \
  --trust-list "$work/trust.json" --root-key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect "offline needs the lists" 1 'trust-list' "$ektp" suket verify "$qr"
expect "no SUKET for a resident who holds their card" 1 'collected their e-KTP' "$ektp" suket issue --db "$db" \
  --nik "$collected" --pdf "$work/x.pdf"
expect "no SUKET for a resident never enrolled" 1 'no enrollment' "$ektp" suket issue --db "$db" --nik "$never" --pdf "$work/y.pdf"

echo "1..$count"
[ "$failed" -eq 0 ]
