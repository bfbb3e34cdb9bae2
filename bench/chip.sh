#!/bin/sh
# Chip (bench/README.md, "Chip"): the e-KTP chip through the real stack — pcscd with vsmartcard's
# vpcd as the reader, our emulator (`ektp card emulate`) as the card, the issuer's keys in a
# SoftHSM2 token. Measures, in one run:
#   - personalisation of CARDS cards (default 20): each a blank chip from `ektp card manufacture`,
#     emulated, written and checked by `ektp card personalise` for a distinct printed request of a
#     demo regency, whose enrollment is first given a real finger (tests/data/fingerprints/fvc2002-db1b,
#     cycled), so every chip holds a DG3;
#   - READS reads (default 50) of the first card: `ektp card read --trust` (BAC, Passive
#     Authentication, DG3 not read), the same with the terminal key (DG3 read too), and
#     `ektp card verify --finger` (read, DG3, a 1:1 match of the holder's other impression);
#   - the reference, in the same run: the ICAO specimen card (`ektp card emulate --specimen`) read
#     with BAC only.
# Each figure is the median and p90 of the `seconds` the command reports, and its APDUs; times are
# also given as ratios to the reference. Prints progress on stderr and a Markdown table on stdout.
# pcscd, the emulators and the demo server are started here and stopped by PID; everything lives
# in one temporary folder, removed on exit (KEEP_WORK=1 keeps it). Only one pcscd can run on a
# machine, so this refuses to run beside another.
# Usage: bench/chip.sh BUILD_DIR   (CARDS=20 READS=50 DEMO_SIZE=600 by default)
set -eu
BUILD_DIR=$(cd "${1:-build}" && pwd)
ektp="$BUILD_DIR/ektp"
source_dir=$(cd "$(dirname "$0")/.." && pwd)
fingers="$source_dir/tests/data/fingerprints/fvc2002-db1b"
cards=${CARDS:-20}
reads=${READS:-50}
demo_size=${DEMO_SIZE:-600}
export LC_ALL=C

skip() { echo "chip bench: skipped, $*" >&2; exit 0; }
[ -x "$ektp" ] || { echo "chip bench: $ektp is missing (build first)" >&2; exit 1; }
for tool in /usr/sbin/pcscd softhsm2-util opensc-tool sqlite3; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing (scripts/install-deps.sh)"
done
[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || skip "vsmartcard-vpcd is missing (scripts/install-deps.sh)"
[ -f /usr/lib/softhsm/libsofthsm2.so ] || skip "the SoftHSM2 PKCS#11 module is missing (scripts/install-deps.sh)"
[ -S /run/pcscd/pcscd.comm ] && skip "a pcscd is running already (only one can run; stop it, e.g. make run's chip demo)"

work=$(mktemp -d)
server_pid=
pcscd_pid=
emulator_pid=
cleanup() {
  status=$?
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$pcscd_pid" ] && kill "$pcscd_pid" 2>/dev/null && wait "$pcscd_pid" 2>/dev/null
  if [ -n "${KEEP_WORK:-}" ]; then echo "chip bench: kept $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "chip bench: $*" >&2; exit 1; }
note() { echo "chip bench: $*" >&2; }

# field NAME FILE: the number after "NAME": in a one-line JSON answer.
field() { sed -n "s/.*\"$1\":\([0-9.eE+-]*\).*/\1/p" "$2" | head -1; }
# stats FILE: "median p90" of the numbers in FILE, one a line (nearest rank).
stats() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "- -"; exit }
  m = int((NR + 1) / 2); p = int(NR * 0.9); if (p < NR * 0.9) p++; print v[m], v[p] }'; }

# The issuer's token, in a SoftHSM2 store of this run's own; its PIN in a 0600 file.
export SOFTHSM2_CONF="$work/softhsm2.conf"
mkdir "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
  "$work/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label issuer --so-pin 31415926 --pin 27182818 >/dev/null
umask 077
printf '27182818\n' >"$work/pin"
umask 022
token="--token-label issuer --pin-file $work/pin"

# A demo regency; CARDS of its printed requests, each enrollment given a real finger.
note "making a demo regency of $demo_size persons"
"$ektp" serve --db "sqlite:$work/demo.db" --port 0 --demo 3327 --demo-size "$demo_size" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 240); do grep -q "listening on" "$work/serve.log" && break; sleep 0.5; done
grep -q "listening on" "$work/serve.log" || fail "the demo server did not start: $(tail -5 "$work/serve.log")"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
sqlite3 "$work/demo.db" "select id from print_requests where status in ('printed','collected') and revoked_at_ms = 0 order by id limit $cards" \
  >"$work/requests"
found=$(wc -l <"$work/requests")
[ "$found" -ge 1 ] || fail "the demo regency has no printed request"
[ "$found" -lt "$cards" ] && { note "only $found printed requests in the demo regency; personalising $found"; cards=$found; }
images="101_1 102_1 101_2 101_3"
for image in $images; do "$ektp" abis extract "$fingers/$image.tif" "$work/$image.tpl" >/dev/null; done
i=0
for request in $(cat "$work/requests"); do
  image=$(echo $images | awk -v k=$((i % 4 + 1)) '{ print $k }')
  nik=$(sqlite3 "$work/demo.db" "select nik from print_requests where id = $request")
  enrollment=$(sqlite3 "$work/demo.db" "select enrollment_id from enrollments where nik = '$nik' order by captured_at_ms desc limit 1")
  [ -n "$enrollment" ] || fail "request $request ($nik) has no enrollment"
  sqlite3 "$work/demo.db" "insert or replace into enrollment_fingers (enrollment_id, position, image, image_sha256, template, quality) values ('$enrollment', 2, readfile('$fingers/$image.tif'), '$(sha256sum "$fingers/$image.tif" | cut -c1-64)', readfile('$work/$image.tpl'), 2)"
  i=$((i + 1))
done
"$ektp" card issuer init --db "sqlite:$work/demo.db" $token --csca-out "$work/csca.pem" >"$work/issuer.json" 2>&1 ||
  fail "card issuer init: $(cat "$work/issuer.json")"

/usr/sbin/pcscd --foreground --error >"$work/pcscd.log" 2>&1 &
pcscd_pid=$!
for _ in $(seq 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
[ -S /run/pcscd/pcscd.comm ] || fail "pcscd did not start: $(cat "$work/pcscd.log")"

# emulate ARGS...: inserts a card and waits until the reader sees it.
emulate() {
  "$ektp" card emulate "$@" >"$work/emulator.log" 2>&1 &
  emulator_pid=$!
  for _ in $(seq 100); do
    grep -q 'emulating' "$work/emulator.log" && opensc-tool --reader 0 --atr >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "the emulator did not come up: $(cat "$work/emulator.log")"
}
# stop_emulator: stops it and waits until the reader is empty.
stop_emulator() {
  kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; emulator_pid=
  for _ in $(seq 100); do opensc-tool --reader 0 --atr >/dev/null 2>&1 || return 0; sleep 0.1; done
  fail "the reader still holds a card after the emulator stopped"
}
# now: the wall clock in nanoseconds. wall_since START: the seconds since START.
now() { date +%s%N; }
wall_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }'; }
# measure NAME COUNT COMMAND...: runs COMMAND COUNT times; each answer's seconds into NAME.seconds
# (none where the command reports none), its APDUs (the "apdus" field) into NAME.apdus, the wall
# time of the whole command (process start, token login included) into NAME.wall. A failed run
# stops the bench.
measure() {
  name=$1 count=$2
  shift 2
  : >"$work/$name.seconds"; : >"$work/$name.apdus"; : >"$work/$name.wall"
  for _ in $(seq "$count"); do
    start=$(now)
    "$@" >"$work/answer.json" 2>&1 || fail "$name: $* failed: $(cat "$work/answer.json")"
    wall_since "$start" >>"$work/$name.wall"
    field seconds "$work/answer.json" >>"$work/$name.seconds"
    field apdus "$work/answer.json" >>"$work/$name.apdus"
  done
  cp "$work/answer.json" "$work/$name.last.json"
}

# The reference: the specimen card, BAC only (EF.COM and DG1, no signature check).
specimen='I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<'
emulate --specimen
note "reference: $reads reads of the specimen card (BAC only)"
measure specimen "$reads" "$ektp" card read --mrz "$specimen"
stop_emulator

# Personalisation, card after card.
note "personalising $cards cards"
: >"$work/perso.seconds"; : >"$work/perso.apdus"; : >"$work/perso.written"; : >"$work/perso.read"
: >"$work/perso.wall"
n=0
for request in $(cat "$work/requests"); do
  n=$((n + 1))
  "$ektp" card manufacture --state "$work/card$n.state" $token >"$work/manufacture.json" 2>&1 ||
    fail "card manufacture: $(cat "$work/manufacture.json")"
  emulate --state "$work/card$n.state"
  start=$(now)
  "$ektp" card personalise --db "sqlite:$work/demo.db" $token --request "$request" --by petugas.cetak \
    >"$work/perso$n.json" 2>&1 || fail "card personalise --request $request: $(cat "$work/perso$n.json")"
  wall_since "$start" >>"$work/perso.wall"
  stop_emulator
  written=$(field apdus_written "$work/perso$n.json"); read_back=$(field apdus_read "$work/perso$n.json")
  field seconds "$work/perso$n.json" >>"$work/perso.seconds"
  echo "$written" >>"$work/perso.written"; echo "$read_back" >>"$work/perso.read"
  echo $((written + read_back)) >>"$work/perso.apdus"
done
mrz=$(sed -n 's/.*"mrz":"\([^"]*\)".*/\1/p' "$work/perso1.json")
[ -n "$mrz" ] || fail "no MRZ in the first card's answer: $(cat "$work/perso1.json")"

# Reads of the first card (finger 101_1 in DG3; the holder's other impression 101_2 is the live one).
emulate --state "$work/card1.state"
note "$reads reads of the first card: PA; PA with the terminal key; verify --finger"
measure read "$reads" "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem"
grep -q '"passed":true' "$work/read.last.json" || fail "the read did not pass: $(cat "$work/read.last.json")"
measure terminal "$reads" "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem" $token
grep -q '"dg3":"match"' "$work/terminal.last.json" || fail "DG3 was not read: $(cat "$work/terminal.last.json")"
measure verify "$reads" "$ektp" card verify --mrz "$mrz" --trust "$work/csca.pem" $token --finger "$fingers/101_2.tif"
grep -q '"matched":true' "$work/verify.last.json" || fail "the holder's finger did not match: $(cat "$work/verify.last.json")"
stop_emulator

# The table. Times are the `seconds` each command reports (the card session itself: connect, BAC,
# the reads, the checks) and the wall time of the whole command; `card verify` reports no seconds
# and no APDUs, so only its wall time is given.
ref=$(stats "$work/specimen.seconds" | cut -d' ' -f1)
ref_wall=$(stats "$work/specimen.wall" | cut -d' ' -f1)
ref_apdus=$(stats "$work/specimen.apdus" | cut -d' ' -f1)
row() { # row LABEL COUNT NAME [APDU-NOTE]
  awk -v label="$1" -v n="$2" -v s="$(stats "$work/$3.seconds")" -v w="$(stats "$work/$3.wall")" \
      -v a="$(stats "$work/$3.apdus")" -v extra="${4:-}" -v ref="$ref" -v refw="$ref_wall" -v refa="$ref_apdus" '
  function ms(x) { return sprintf("%.1f ms", x * 1000) }
  BEGIN {
    split(s, t, " "); split(w, u, " "); split(a, p, " ")
    if (t[1] == "-") { sec = "—"; p90 = "—"; ratio = "—" } else { sec = ms(t[1]); p90 = ms(t[2]); ratio = sprintf("%.2f", t[1] / ref) }
    if (p[1] == "-") { apdus = "not reported"; aratio = "—" } else {
      apdus = (p[1] == p[2]) ? p[1] : p[1] " (p90 " p[2] ")"; aratio = sprintf("%.2f", p[1] / refa) }
    printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s%s | %s |\n", label, n, sec, p90, ratio,
      ms(u[1]), ms(u[2]), sprintf("%.2f", u[1] / refw), apdus, extra, aratio }'
}
written=$(stats "$work/perso.written" | cut -d' ' -f1)
read_back=$(stats "$work/perso.read" | cut -d' ' -f1)
echo
echo "| operation | runs | median \`seconds\` | p90 | ratio | median wall (whole command) | p90 | ratio | APDUs (median) | APDU ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
row "specimen card, BAC only (EF.COM, DG1): **the reference**" "$reads" specimen
row "personalise a card (write the LDS, lock, read back and verify as a reader)" "$cards" perso " = $written written + $read_back read"
row "read + Passive Authentication (\`card read --trust\`, DG3 not read)" "$reads" read
row "the same with the terminal key (\`--token-label --pin-file\`, DG3 read too)" "$reads" terminal
row "\`card verify --finger\` (read with the terminal key, DG3, a 1:1 match)" "$reads" verify
read_s=$(stats "$work/read.seconds" | cut -d' ' -f1)
read_w=$(stats "$work/read.wall" | cut -d' ' -f1)
verify_w=$(stats "$work/verify.wall" | cut -d' ' -f1)
awk -v r="$read_s" -v rw="$read_w" -v vw="$verify_w" 'BEGIN {
  printf "\nThe e-KTP reader'"'"'s published 10 s a verification, as a ratio to ours: %.0f (read + PA, %.1f ms), %.0f (read + PA, whole command, %.1f ms), %.0f (`card verify --finger`, whole command, %.1f ms).\n",
    10 / r, r * 1000, 10 / rw, rw * 1000, 10 / vw, vw * 1000 }'
echo "Fingers: the cards' enrollments got 101_1, 102_1, 101_2, 101_3 of tests/data/fingerprints/fvc2002-db1b in turn (every chip holds a DG3); the card read holds 101_1, verified against 101_2."
