#!/usr/bin/env bash
# HTTP test of the registry API against a real `ektp serve` on SQLite: the README walk-through
# (login → birth → marriage → move → audit verify) plus the error statuses of docs/api.md.
# Usage: tests/http/api_walkthrough.sh BUILD_DIR
set -euo pipefail
BUILD_DIR=$(cd "${1:?usage: api_walkthrough.sh BUILD_DIR}" && pwd)
EKTP="$BUILD_DIR/ektp"
TMP=$(mktemp -d /tmp/ektp-http.XXXXXX)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
DB="sqlite:$TMP/ektp.db"
passed=0 failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: expected '$2', got '$3'"; fi
}
# The audit log as the chain holds it: read records reach it from the server's journal within
# a tenth of a second, so give them that before counting.
audit_sql() { sleep 0.3; sqlite3 "$1" "$2"; }

"$EKTP" db migrate --db "$DB" >/dev/null
source "$(dirname "$0")/../../scripts/lib/staff.sh"
check "an admin needs their NIK" 1 "$(echo kunci-pengelola-1 | "$EKTP" user add --db "$DB" --username admin --role admin --password-stdin >/dev/null 2>&1; echo $?)"
add_two_admins "$DB" admin "kunci-pengelola-1" admin2 "kunci-pengelola-2"
check "the console names the creator of an adjudicator" 1 "$(echo adjudicator-password-1 | "$EKTP" user add --db "$DB" --username adj0 --role adjudicator --nik 3327014107880011 --password-stdin >/dev/null 2>&1; echo $?)"
check "--by proves the creator's password" 1 "$(printf 'adjudicator-password-1\nnot-the-password\n' | "$EKTP" user add --db "$DB" --username adj0 --role adjudicator --nik 3327014107880011 --by admin --password-stdin >/dev/null 2>&1; echo $?)"
printf 'adjudicator-password-1\nkunci-pengelola-1\n' | "$EKTP" user add --db "$DB" --username adj0 --role adjudicator --nik 3327014107880011 --by admin --password-stdin >/dev/null
check "the creator does not approve (CLI)" 1 "$(echo kunci-pengelola-1 | "$EKTP" user approve --db "$DB" --username adj0 --approver admin >/dev/null 2>&1; echo $?)"
check "the approver proves their password (CLI)" 1 "$(echo wrong-password-x | "$EKTP" user approve --db "$DB" --username adj0 --approver admin2 >/dev/null 2>&1; echo $?)"
check "a second admin approves (CLI)" 0 "$(echo kunci-pengelola-2 | "$EKTP" user approve --db "$DB" --username adj0 --approver admin2 >/dev/null 2>&1; echo $?)"
echo "operator-password-1" | "$EKTP" user add --db "$DB" --username op1 --role operator --office 3327 --password-stdin >/dev/null
# An operator of another regency's office (Tegal, 3328), and one without an office yet.
echo "operator-password-2" | "$EKTP" user add --db "$DB" --username op.tegal --role operator --office 3328 --password-stdin >/dev/null
echo "operator-password-3" | "$EKTP" user add --db "$DB" --username op.baru --role operator --password-stdin >/dev/null
check "user office refuses a region that does not exist" 1 "$("$EKTP" user office --db "$DB" --username op.baru --region 9999 >/dev/null 2>&1; echo $?)"
check "user add rejects a bad role" 1 "$(echo x12345678 | "$EKTP" user add --db "$DB" --username x1 --role king --password-stdin >/dev/null 2>&1; echo $?)"
"$EKTP" serve --db "$DB" --port 0 --demo 3327 --demo-size 3000 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$TMP/server.log" | head -1)
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log"; exit 1; }
  sleep 0.5
done
[[ -n $PORT ]] || { echo "server did not start"; cat "$TMP/server.log"; exit 1; }
API="http://127.0.0.1:$PORT/api/v1"
status() { curl -s -o "$TMP/body" -w '%{http_code}' "$@"; }
json() { python3 -c "import json,sys; d=json.load(open('$TMP/body')); print(eval(sys.argv[1]))" "$1"; }

check "health" 200 "$(status "$API/health")"
# The OpenAPI description, compiled into the binary: the file in docs/ byte for byte, from any directory.
check "openapi.json" 200 "$(status "$API/openapi.json")"
check "openapi.json is docs/openapi.json" "$(sha256sum <"$(dirname "$0")/../../docs/openapi.json")" "$(sha256sum <"$TMP/body")"
check "login wrong password" 401 "$(status -X POST "$API/auth/login" -d '{"username":"op1","password":"wrong-one"}')"
check "login" 200 "$(status -X POST "$API/auth/login" -d '{"username":"op1","password":"operator-password-1"}')"
OP=$(json 'd["token"]')
# TOTP (RFC 6238) computed here independently of the server, from the secret it showed once.
totp() { python3 -c "import base64,hmac,struct,sys,time
k=base64.b32decode(sys.argv[1]); m=hmac.new(k,struct.pack('>Q',int(time.time())//30),'sha1').digest()
o=m[-1]&15; print('%06d'%((struct.unpack('>I',m[o:o+4])[0]&0x7fffffff)%1000000))" "$1"; }
# Admins and adjudicators must sign in with a second factor (the default of `ektp serve`): a
# session made with the password alone may only enrol one. enrol_totp TOKEN PASSWORD prints the secret.
enrol_totp() {
  status -H "Authorization: Bearer $1" -X POST "$API/auth/totp" -d '{"password":"'"$2"'"}' >/dev/null
  local secret; secret=$(json 'd["secret"]')
  status -H "Authorization: Bearer $1" -X POST "$API/auth/totp/confirm" -d '{"code":"'"$(totp "$secret")"'"}' >/dev/null
  echo "$secret"
}
check "admin login (password only)" "200 enrolment_required" "$(status -X POST "$API/auth/login" -d '{"username":"admin","password":"kunci-pengelola-1"}') $(json 'd["second_factor"]')"
ADMIN=$(json 'd["token"]')
check "an admin without a second factor administers nothing" "403 totp_enrolment_required" "$(status -H "Authorization: Bearer $ADMIN" "$API/users") $(json 'd["error"]["reason"]')"
check "enrolment needs the password" 403 "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/auth/totp" -d '{"password":"not-the-password"}')"
check "enrolment gives a secret and its QR code" "200 True" "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/auth/totp" -d '{"password":"kunci-pengelola-1"}') $(json 'd["qr_svg"].startswith("<svg") and d["uri"].startswith("otpauth://totp/ektp:admin?secret=" + d["secret"])')"
ADMIN_TOTP=$(json 'd["secret"]')
check "a wrong code does not confirm" "403 totp_wrong" "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/auth/totp/confirm" -d '{"code":"000000"}') $(json 'd["error"]["reason"]')"
CODE=$(totp "$ADMIN_TOTP")
check "the app's code confirms" 200 "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/auth/totp/confirm" -d '{"code":"'$CODE'"}')"
check "then the session administers" 200 "$(status -H "Authorization: Bearer $ADMIN" "$API/users")"
check "the password alone no longer signs in" "401 totp_required" "$(status -X POST "$API/auth/login" -d '{"username":"admin","password":"kunci-pengelola-1"}') $(json 'd["error"]["reason"]')"
check "a used code is not good twice" "401 totp_wrong" "$(status -X POST "$API/auth/login" -d '{"username":"admin","password":"kunci-pengelola-1","totp":"'$CODE'"}') $(json 'd["error"]["reason"]')"
check "the database holds no TOTP secret in clear" 0 "$(sqlite3 "$TMP/ektp.db" "select count(*) from user_totp where secret_sealed like '%$ADMIN_TOTP%'")"
check "its key is outside the database, private" 600 "$(stat -c %a "$TMP/ektp.db.anchor/totp.key")"
H=(-H "Authorization: Bearer $OP")

check "no token" 401 "$(status "$API/persons/3327015508900001")"
check "forged token" 401 "$(status -H "Authorization: Bearer $(printf 'a%.0s' {1..64})" "$API/persons/3327015508900001")"
check "operator on admin endpoint" 403 "$(status "${H[@]}" "$API/audit/verify")"
check "unknown NIK" 404 "$(status "${H[@]}" "$API/persons/3327015508900001")"

# A married woman from the demo, with her husband heading the card.
WIFE=$(sqlite3 "$TMP/ektp.db" "select w.nik from persons w join families f on f.kk_number = w.kk_number
  where w.relation = 'istri' and w.alive = 1 and f.active = 1 and w.birth_date > date('now','-40 years') limit 1")
check "read person" 200 "$(status "${H[@]}" "$API/persons/$WIFE")"
KK=$(json 'd["kk_number"]')
check "family card" 200 "$(status "${H[@]}" "$API/families/$KK")"
check "biodata pdf" 200 "$(status "${H[@]}" "$API/persons/$WIFE/biodata.pdf")"
check "pdf magic" "%PDF-" "$(head -c5 "$TMP/body")"
# Operators see only their own office's residents.
status -X POST "$API/auth/login" -d '{"username":"op.tegal","password":"operator-password-2"}' >/dev/null
TEGAL=(-H "Authorization: Bearer $(json 'd["token"]')")
check "another regency's operator reads a resident" 403 "$(status "${TEGAL[@]}" "$API/persons/$WIFE")"
check "another regency's operator reads the family card" 403 "$(status "${TEGAL[@]}" "$API/families/$KK")"
WIFE_NAME=$(sqlite3 "$TMP/ektp.db" "select name from persons where nik = '$WIFE'")
check "another regency's operator searches" 200 "$(status "${TEGAL[@]}" -G "$API/persons" --data-urlencode "name=$WIFE_NAME")"
check "and finds nobody" 0 "$(json 'len(d["results"])')"
check "the refusal is audited" 1 "$(audit_sql "$TMP/ektp.db" "select count(*) from audit_log where actor = 'op.tegal' and action = 'refused_read_person' and subject = '$WIFE'")"
status -X POST "$API/auth/login" -d '{"username":"op.baru","password":"operator-password-3"}' >/dev/null
BARU=(-H "Authorization: Bearer $(json 'd["token"]')")
check "an operator without an office reads nobody" 403 "$(status "${BARU[@]}" "$API/persons/$WIFE")"
check "an operator may not give offices" 403 "$(status "${H[@]}" -X POST "$API/users/op.baru/office" -d '{"region_code":"3327"}')"
check "an office that does not exist" 404 "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/users/op.baru/office" -d '{"region_code":"9999"}')"
WIFE_DISTRICT=$(sqlite3 "$TMP/ektp.db" "select substr(village_code, 1, 6) from persons where nik = '$WIFE'")
check "the admin gives the wife's district office" 200 "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/users/op.baru/office" -d '{"region_code":"'$WIFE_DISTRICT'"}')"
check "then its residents are seen" 200 "$(status "${BARU[@]}" "$API/persons/$WIFE")"

BIRTH='{"idempotency_key":"walk-birth-1","name":"Dewi Lestari","birth_place":"Pemalang","birth_date":"2026-11-01","sex":"F","mother_nik":"'$WIFE'","documents":[{"type":"surat_keterangan_lahir","number":"SKL/1/2026"}]}'
check "birth" 201 "$(status "${H[@]}" -X POST "$API/events/birth" -d "$BIRTH")"
CHILD=$(json 'd["nik"]')
check "child NIK is female (day+40)" "41" "$(echo "${CHILD:6:2}")"
check "birth replay" 200 "$(status "${H[@]}" -X POST "$API/events/birth" -d "$BIRTH")"
check "replay same NIK" "$CHILD" "$(json 'd["nik"]')"
check "same key other body" 409 "$(status "${H[@]}" -X POST "$API/events/birth" -d "${BIRTH/Dewi/Sari}")"
check "birth in the future" 400 "$(status "${H[@]}" -X POST "$API/events/birth" -d "${BIRTH/2026-11-01/2030-01-01}")"
check "future message" True "$(json '"in the future" in d["error"]["message"]')"
check "truncated JSON" 400 "$(status "${H[@]}" -X POST "$API/events/birth" -d '{"idempotency_key":"x","name":')"
DEEP=$(python3 -c 'print("["*10000 + "]"*10000)')
check "JSON 10,000 deep" 400 "$(status "${H[@]}" -X POST "$API/events/birth" -d "$DEEP")"
head -c 52428800 /dev/zero | tr '\0' ' ' > "$TMP/big.json"
check "50 MB body" 413 "$(status "${H[@]}" -X POST "$API/events/birth" --data-binary "@$TMP/big.json")"
check "name with control character" 400 "$(status "${H[@]}" -X POST "$API/events/birth" -d "${BIRTH/Dewi Lestari/Dewi\\u0001}")"

# Marriage of two unmarried adults, then a move of the new couple to Kota Tegal.
read -r HUSBAND BRIDE < <(sqlite3 -separator ' ' "$TMP/ektp.db" "select m.nik, f.nik from persons m, persons f
  where m.sex='M' and f.sex='F' and m.marital_status='belum_kawin' and f.marital_status='belum_kawin'
  and m.relation='anak' and f.relation='anak' and m.kk_number <> f.kk_number
  and m.birth_date < date('now','-25 years') and f.birth_date < date('now','-22 years') limit 1")
MINOR=$(sqlite3 "$TMP/ektp.db" "select nik from persons where sex='F' and birth_date > date('now','-15 years') limit 1")
check "marriage of a minor" 409 "$(status "${H[@]}" -X POST "$API/events/marriage" -d '{"idempotency_key":"walk-m0","husband_nik":"'$HUSBAND'","wife_nik":"'$MINOR'","date":"2026-11-20"}')"
MARRIAGE='{"idempotency_key":"walk-m1","husband_nik":"'$HUSBAND'","wife_nik":"'$BRIDE'","date":"2026-11-20","documents":[{"type":"buku_nikah","number":"KUA/7/2026"}],"new_family":{"address":{"street":"Jl. Melati 3","rt":"2","rw":"5","village_code":"3327012001"}}}'
check "marriage" 201 "$(status "${H[@]}" -X POST "$API/events/marriage" -d "$MARRIAGE")"
NEWKK=$(json 'd["kk_number"]')
check "already married" 409 "$(status "${H[@]}" -X POST "$API/events/marriage" -d "${MARRIAGE/walk-m1/walk-m2}")"
TEGAL=$(sqlite3 "$TMP/ektp.db" "select 1" >/dev/null; grep -m1 '^3376' "$(dirname "$0")/../../data/wilayah/villages.csv" | cut -d, -f1)
check "move to a village that does not exist" 400 "$(status "${H[@]}" -X POST "$API/events/move" -d '{"idempotency_key":"walk-mv0","niks":["'$HUSBAND'","'$BRIDE'"],"date":"2026-11-22","to":{"street":"Jl. X","rt":"1","rw":"1","village_code":"3327999999"}}')"
check "move" 201 "$(status "${H[@]}" -X POST "$API/events/move" -d '{"idempotency_key":"walk-mv1","niks":["'$HUSBAND'","'$BRIDE'"],"date":"2026-11-22","to":{"street":"Jl. Pancasila 9","rt":"3","rw":"1","village_code":"'$TEGAL'"}}')"
check "new card in Kota Tegal" 3376 "$(json 'd["kk_number"][:4]')"
# Moved away, the family is no longer Pemalang's to see; nationally it keeps its NIK.
check "the old office no longer sees the moved family" 403 "$(status "${H[@]}" "$API/persons/$HUSBAND")"
check "NIK kept after the move" 200 "$(status -H "Authorization: Bearer $ADMIN" "$API/persons/$HUSBAND")"
check "address in Tegal" 3376 "$(json 'd["address"]["village_code"][:4]')"
check "history" 200 "$(status -H "Authorization: Bearer $ADMIN" "$API/persons/$HUSBAND/history")"
check "history events" "marriage move" "$(json '" ".join(e["type"] for e in d["events"])')"
DEATH='{"idempotency_key":"walk-d0","nik":"'$CHILD'","date":"2020-01-01","place":"Pemalang"}'
check "death before birth" 400 "$(status "${H[@]}" -X POST "$API/events/death" -d "$DEATH")"
check "coverage" 200 "$(status "${H[@]}" "$API/coverage/3327")"
check "coverage districts" 14 "$(json 'len(d["districts"])')"
# One admin mints an adjudicator over the API: it waits for a second admin, not the creator.
check "admin creates an adjudicator" "201 pending_approval" "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/users" -d '{"username":"adj.api","password":"adjudicator-password-2","role":"adjudicator","nik":"3327010309790012"}') $(json 'd["approval"]')"
status -X POST "$API/auth/login" -d '{"username":"adj.api","password":"adjudicator-password-2"}' >/dev/null
ADJ=$(json 'd["token"]')
check "a pending adjudicator reads no case" "403 account_pending_approval" "$(status -H "Authorization: Bearer $ADJ" "$API/adjudication/cases") $(json 'd["error"]["reason"]')"
check "pending accounts listed" "adj.api" "$(status -H "Authorization: Bearer $ADMIN" "$API/users?approval=pending_approval" >/dev/null; json '",".join(u["username"] for u in d["users"])')"
check "the creator does not approve" "403 approver_is_creator" "$(status -H "Authorization: Bearer $ADMIN" -X POST "$API/users/adj.api/approve") $(json 'd["error"]["reason"]')"
status -X POST "$API/auth/login" -d '{"username":"admin2","password":"kunci-pengelola-2"}' >/dev/null
ADMIN2=$(json 'd["token"]')
check "a second admin enrols a second factor" 32 "$(enrol_totp "$ADMIN2" kunci-pengelola-2 | tr -d '\n' | wc -c)"
check "a second admin approves" 200 "$(status -H "Authorization: Bearer $ADMIN2" -X POST "$API/users/adj.api/approve")"
check "an approved adjudicator still needs a second factor" "403 totp_enrolment_required" "$(status -H "Authorization: Bearer $ADJ" "$API/adjudication/cases") $(json 'd["error"]["reason"]')"
check "the adjudicator enrols" 32 "$(enrol_totp "$ADJ" adjudicator-password-2 | tr -d '\n' | wc -c)"
check "an operator may not reset a second factor" 403 "$(status "${H[@]}" -X DELETE "$API/users/adj.api/totp")"
check "the adjudicator reads cases" 200 "$(status -H "Authorization: Bearer $ADJ" "$API/adjudication/cases")"
check "an admin resets a lost second factor" 204 "$(status -H "Authorization: Bearer $ADMIN2" -X DELETE "$API/users/adj.api/totp")"
check "which ends the adjudicator's sessions" 401 "$(status -H "Authorization: Bearer $ADJ" "$API/adjudication/cases")"
check "second-factor steps are audited" 5 "$(audit_sql "$TMP/ektp.db" "select count(distinct action) from audit_log where action in ('totp.begin','totp.confirm','totp.confirm_failed','login_totp_asked','user.totp_reset')")"
check "audit verify (admin)" 200 "$(status -H "Authorization: Bearer $ADMIN" "$API/audit/verify")"
check "audit chain valid" True "$(json 'd["valid"]')"
check "logout" 204 "$(status "${H[@]}" -X POST "$API/auth/logout")"
check "token after logout" 401 "$(status "${H[@]}" "$API/persons/$WIFE")"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=
check "audit verify (CLI)" 0 "$("$EKTP" audit verify --db "$DB" >/dev/null; echo $?)"
sqlite3 "$TMP/ektp.db" "update audit_log set actor='mallory' where seq = 3"
check "tampered chain detected" 2 "$("$EKTP" audit verify --db "$DB" >/dev/null; echo $?)"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
