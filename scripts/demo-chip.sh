#!/bin/sh
# The chip demo of `make run` (scripts/run-demo.sh): on the demo regency's database, the issuer's
# keys in a SoftHSM2 token of STATE_DIR, pcscd with vsmartcard's vpcd as the reader, and one demo
# resident's printed card personalised and left in the reader (`ektp card emulate --state`), so
# `ektp card read` can read and verify it. Prints the commands to do so.
#
# Idempotent across restarts: the token, its PIN file, the issued CSCA (STATE_DIR/csca.pem) and
# the personalised card (STATE_DIR/card.state, its MRZ in card.mrz) are made once and reused while
# the database still holds that CSCA and that chip; a new database starts them afresh.
#
# pcscd and the emulator are left running, their PIDs in STATE_DIR/pcscd.pid and emulator.pid
# (scripts/run-demo.sh stops them when it exits). Never fails: when something is missing (pcscd,
# vpcd, softhsm2-util, sqlite3) or a pcscd runs already, it prints one line saying the chip demo is
# skipped and why, stops what it started, and exits 0.
# Usage: demo-chip.sh BUILD_DIR DB_URL STATE_DIR   (DB_URL: sqlite:PATH)
set -u
export LC_ALL=C
source_dir=$(cd "$(dirname "$0")/.." && pwd)
fingers="$source_dir/tests/data/fingerprints/fvc2002-db1b"
keep=
pcscd_pid=
emulator_pid=
stop_started() {
  [ -n "$keep" ] && return 0
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  [ -n "$pcscd_pid" ] && kill "$pcscd_pid" 2>/dev/null && wait "$pcscd_pid" 2>/dev/null
  [ -n "${state:-}" ] && rm -f "$state/pcscd.pid" "$state/emulator.pid"
  return 0
}
trap stop_started EXIT
trap 'exit 0' INT TERM HUP
skip() { echo "chip demo: skipped, $*"; exit 0; }

[ $# -eq 3 ] || skip "usage: demo-chip.sh BUILD_DIR DB_URL STATE_DIR"
ektp=$(cd "$1" 2>/dev/null && pwd)/ektp
db_url=$2
[ -x "$ektp" ] || skip "$1/ektp is missing"
case $db_url in
  sqlite:*) db_path=${db_url#sqlite:} ;;
  *) skip "the chip demo needs a SQLite demo database (sqlite:PATH), not $db_url" ;;
esac
[ -f "$db_path" ] || skip "$db_path does not exist yet"
for tool in /usr/sbin/pcscd softhsm2-util opensc-tool sqlite3 sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing (scripts/install-deps.sh)"
done
[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || skip "vsmartcard-vpcd is missing (scripts/install-deps.sh)"
[ -f /usr/lib/softhsm/libsofthsm2.so ] || skip "the SoftHSM2 PKCS#11 module is missing (scripts/install-deps.sh)"
[ -S /run/pcscd/pcscd.comm ] && skip "a pcscd is running already (only one can run on a machine)"

mkdir -p "$3" && chmod 700 "$3" || skip "cannot make $3"
state=$(cd "$3" && pwd)
sql() { sqlite3 -cmd ".timeout 10000" "$db_path" "$@"; }

# The token: made once, with its PIN in a 0600 file.
export SOFTHSM2_CONF="$state/softhsm2.conf"
label=ektp-demo
token="--token-label $label --pin-file $state/pin"
new_token() {
  rm -rf "$state/tokens" "$state/csca.pem" "$state/card.state" "$state/card.mrz" "$state/card.json"
  mkdir "$state/tokens" && chmod 700 "$state/tokens" || skip "cannot make $state/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$state/tokens" >"$SOFTHSM2_CONF"
  (umask 077; printf '%s0000000000000000\n' "$(od -An -N16 -tu4 /dev/urandom | tr -dc 0-9)" | cut -c1-16 >"$state/pin")
  chmod 600 "$state/pin"
  softhsm2-util --init-token --free --label "$label" --so-pin "$(cat "$state/pin")" --pin "$(cat "$state/pin")" \
    >"$state/softhsm2.log" 2>&1 || skip "softhsm2-util could not make the token: $(tail -1 "$state/softhsm2.log")"
}
# The issuer's CSCA: made once per database. Reused when the database holds the CSCA in csca.pem;
# a database without a CSCA (a new demo) gets a new token and CSCA; one with another CSCA is left alone.
"$ektp" card issuer csca --db "$db_url" >"$state/db-csca.pem" 2>/dev/null || : >"$state/db-csca.pem"
if [ -s "$state/csca.pem" ] && [ -f "$state/pin" ] && [ -d "$state/tokens" ] && cmp -s "$state/csca.pem" "$state/db-csca.pem"; then
  reused="reused the token and CSCA in $state"
elif grep -q 'BEGIN CERTIFICATE' "$state/db-csca.pem"; then
  skip "$db_path has a CSCA from a token that is not in $state (remove $state and the database to start afresh)"
else
  new_token
  "$ektp" card issuer init --db "$db_url" $token --csca-out "$state/csca.pem" >"$state/issuer.json" 2>&1 ||
    skip "card issuer init failed: $(tail -1 "$state/issuer.json")"
  reused="made a SoftHSM2 token and the issuer's CSCA in $state"
fi
rm -f "$state/db-csca.pem"

# The card: reused while the database records its chip.
if [ -s "$state/card.state" ] && [ -s "$state/card.mrz" ] && [ -s "$state/card.json" ]; then
  serial=$(sed -n 's/.*"chip_serial":"\([0-9a-f]*\)".*/\1/p' "$state/card.json")
  [ -n "$serial" ] && [ "$(sql "select count(*) from chip_personalisations where chip_serial = '$serial'")" = 1 ] ||
    rm -f "$state/card.state" "$state/card.mrz" "$state/card.json"
fi

/usr/sbin/pcscd --foreground --error >"$state/pcscd.log" 2>&1 &
pcscd_pid=$!
echo "$pcscd_pid" >"$state/pcscd.pid"
for _ in $(seq 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
[ -S /run/pcscd/pcscd.comm ] || skip "pcscd did not start: $(tail -1 "$state/pcscd.log")"

emulate() {
  "$ektp" card emulate --state "$state/card.state" >"$state/emulator.log" 2>&1 &
  emulator_pid=$!
  echo "$emulator_pid" >"$state/emulator.pid"
  for _ in $(seq 100); do
    grep -q 'emulating' "$state/emulator.log" && opensc-tool --reader 0 --atr >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  skip "the emulator did not come up: $(tail -1 "$state/emulator.log")"
}

if [ -s "$state/card.mrz" ]; then
  emulate
  card="reused the personalised card $state/card.state"
else
  # A printed card without a chip; its holder's enrollment given the right index finger of FVC2002
  # DB1 subject 101 (impression 1), as a station would have captured it, so the chip holds a DG3.
  request=$(sql "select id from print_requests where status in ('printed','collected') and revoked_at_ms = 0 and id not in (select print_request from chip_personalisations) order by id limit 1")
  [ -n "$request" ] || skip "the demo database has no printed card without a chip"
  nik=$(sql "select nik from print_requests where id = $request")
  enrollment=$(sql "select enrollment_id from enrollments where nik = '$nik' order by captured_at_ms desc limit 1")
  if [ -n "$enrollment" ] && "$ektp" abis extract "$fingers/101_1.tif" "$state/101_1.tpl" >/dev/null 2>&1; then
    sql "insert or replace into enrollment_fingers (enrollment_id, position, image, image_sha256, template, quality) values ('$enrollment', 2, readfile('$fingers/101_1.tif'), '$(sha256sum "$fingers/101_1.tif" | cut -c1-64)', readfile('$state/101_1.tpl'), 2)" ||
      echo "chip demo: could not give the resident a finger; the chip will have no DG3"
  fi
  rm -f "$state/card.state" "$state/101_1.tpl"
  "$ektp" card manufacture --state "$state/card.state" $token >"$state/manufacture.json" 2>&1 ||
    skip "card manufacture failed: $(tail -1 "$state/manufacture.json")"
  emulate
  if ! "$ektp" card personalise --db "$db_url" $token --request "$request" --by petugas.cetak >"$state/card.json" 2>&1; then
    why=$(tail -1 "$state/card.json")
    rm -f "$state/card.state" "$state/card.json"
    skip "card personalise --request $request failed: $why"
  fi
  sed -n 's/.*"mrz":"\([^"]*\)".*/\1/p' "$state/card.json" >"$state/card.mrz"
  [ -s "$state/card.mrz" ] || skip "no MRZ in the personalisation's answer: $(cat "$state/card.json")"
  card="personalised print request $request (NIK $nik) into $state/card.state"
fi

mrz=$(cat "$state/card.mrz")
keep=1
echo "chip demo: $reused; $card; pcscd (pid $pcscd_pid) and the emulator (pid $emulator_pid) are running"
echo "chip demo: read and verify the card: $ektp card read --mrz '$mrz' --trust $state/csca.pem"
echo "chip demo: with the terminal key (DG3) and a finger: SOFTHSM2_CONF=$SOFTHSM2_CONF $ektp card verify --mrz '$mrz' --trust $state/csca.pem $token --finger $fingers/101_2.tif"
exit 0
