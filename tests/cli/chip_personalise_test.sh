#!/bin/sh
# The chip end to end through the real PC/SC stack and a real PKCS#11 token: SoftHSM2 holds the
# issuer's keys, pcscd with vsmartcard's vpcd is the reader, our emulator is a blank chip from
# `ektp card manufacture`. A demo resident's printed card (enrolled with a real FVC finger) is
# personalised by `ektp card personalise` and read back by `ektp card read`: Passive
# Authentication passes. Tools the project did not write then check it: opensc-tool and pcsc_scan
# see the card like any other, `openssl cms -verify` verifies the dumped EF.SOD against the CSCA
# certificate, and its data-group hashes equal `sha256sum` of the dumped data groups. Then: one
# byte of DG2 changed in the emulator's state → DG2 alone fails; a card from another issuer → the
# chain fails; the card reported lost → revoked; DG3 without the terminal key → 6982; the holder's
# other impression of the finger matches, another person's does not.
# pcscd and the emulators are started here and stopped by PID.
# Usage: chip_personalise_test.sh EKTP_BINARY SOURCE_DIR
set -eu
ektp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fingers="$2/tests/data/fingerprints/fvc2002-db1b"
work=$(mktemp -d)
pcscd_pid=
emulator_pid=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  [ -n "$pcscd_pid" ] && kill "$pcscd_pid" 2>/dev/null && wait "$pcscd_pid" 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
for tool in /usr/sbin/pcscd softhsm2-util opensc-tool pcsc_scan openssl sqlite3 sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "chip_personalise_test: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
if [ -S /run/pcscd/pcscd.comm ]; then
  echo "chip_personalise_test: a pcscd is running already; this test starts its own" >&2
  exit 1
fi
. "$(dirname "$0")/expect.sh"
export LC_ALL=C

# The issuer's token and another issuer's, in a SoftHSM2 store of this test's own.
export SOFTHSM2_CONF="$work/softhsm2.conf"
mkdir "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
  "$work/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label issuer --so-pin 31415926 --pin 27182818 >/dev/null
softhsm2-util --init-token --free --label stranger --so-pin 31415926 --pin 27182818 >/dev/null
umask 077
printf '27182818\n' >"$work/pin"
umask 022
token="--token-label issuer --pin-file $work/pin"

# A demo regency; one resident's printed card, their enrollment given the right index finger of
# FVC2002 DB1 subject 101 (impression 1), as a station would have captured it.
"$ektp" serve --db "sqlite:$work/demo.db" --port 0 --demo 3327 --demo-size 600 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 120); do grep -q "listening on" "$work/serve.log" && break; sleep 0.5; done
kill "$server"; wait "$server" 2>/dev/null || true
request=$(sqlite3 "$work/demo.db" "select id from print_requests where status in ('printed','collected') and revoked_at_ms = 0 order by id limit 1")
nik=$(sqlite3 "$work/demo.db" "select nik from print_requests where id = $request")
enrollment=$(sqlite3 "$work/demo.db" "select enrollment_id from enrollments where nik = '$nik' order by captured_at_ms desc limit 1")
"$ektp" abis extract "$fingers/101_1.tif" "$work/101_1.tpl" >/dev/null
sqlite3 "$work/demo.db" "insert or replace into enrollment_fingers (enrollment_id, position, image, image_sha256, template, quality) values ('$enrollment', 2, readfile('$fingers/101_1.tif'), '$(sha256sum "$fingers/101_1.tif" | cut -c1-64)', readfile('$work/101_1.tpl'), 2)"
cp "$work/demo.db" "$work/stranger.db"

expect "the issuer's CSCA and masters are made in the token" 0 '"csca":"CN=CSCA Indonesia' \
  "$ektp" card issuer init --db "sqlite:$work/demo.db" $token --csca-out "$work/csca.pem"
expect "a second init is refused" 1 'has a CSCA already' "$ektp" card issuer init --db "sqlite:$work/demo.db" $token
expect "a PIN file others may read is refused" 1 'chmod 600' sh -c \
  "cp '$work/pin' '$work/pin.open'; chmod 644 '$work/pin.open'; '$ektp' card issuer init --db 'sqlite:$work/x.db' --token-label issuer --pin-file '$work/pin.open'"

/usr/sbin/pcscd --foreground --error >"$work/pcscd.log" 2>&1 &
pcscd_pid=$!
for _ in $(seq 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
[ -S /run/pcscd/pcscd.comm ] || { echo "chip_personalise_test: pcscd did not start: $(cat "$work/pcscd.log")" >&2; exit 1; }

# emulate STATE: inserts the card kept in STATE and waits until the reader sees it.
emulate() {
  "$ektp" card emulate --state "$1" >"$work/emulator.log" 2>&1 &
  emulator_pid=$!
  for _ in $(seq 50); do grep -q 'emulating' "$work/emulator.log" && opensc-tool --reader 0 --atr >/dev/null 2>&1 && \
    return 0; sleep 0.2; done
  echo "the emulator did not come up: $(cat "$work/emulator.log")"
}
# stop_emulator: stops it and waits until the reader is empty.
stop_emulator() {
  kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; emulator_pid=
  for _ in $(seq 50); do opensc-tool --reader 0 --atr >/dev/null 2>&1 || return 0; sleep 0.2; done
}

expect "a blank chip from the factory (serial, K_perso from the token)" 0 '"chip_serial":"[0-9a-f]\{16\}"' \
  "$ektp" card manufacture --state "$work/card.state" $token
emulate "$work/card.state"
serial=$(sed -n 's/.*its serial: \([0-9a-f]*\).*/\1/p' "$work/emulator.log")
expect "opensc-tool lists the reader with a card in it" 0 'Virtual PCD 00 00' opensc-tool --list-readers
expect "pcsc_scan lists the reader" 0 'Virtual PCD 00 00' pcsc_scan -r
expect "opensc-tool reads the chip serial with GET UID" 0 "$(printf '%s' "$serial" | sed 's/../& /g; s/ $//' | tr a-f A-F)" \
  opensc-tool --reader 0 --send-apdu FF:CA:00:00:00

"$ektp" card personalise --db "sqlite:$work/demo.db" $token --request "$request" --by petugas.cetak \
  >"$work/personalised.json" 2>&1 || true
expect "the printed card's chip is personalised, read back and recorded" 0 "\"chip_serial\":\"$serial\".*\"nik\":\"$nik\"" \
  cat "$work/personalised.json"
mrz=$(sed -n 's/.*"mrz":"\([^"]*\)".*/\1/p' "$work/personalised.json")
expect "a chip is personalised once" 1 'has its chip already' \
  "$ektp" card personalise --db "sqlite:$work/demo.db" $token --request "$request" --by petugas.cetak
stop_emulator
emulate "$work/card.state"
expect "after a restart the emulator holds the personalised chip" 0 "its MRZ: $mrz" cat "$work/emulator.log"

expect "read: Passive Authentication passes with the CSCA alone" 0 '"passed":true' \
  "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem" --dump "$work/dump"
expect "read: every data group read matches the SOD; DG3 is not read" 0 \
  '"groups":{"dg1":"match","dg2":"match","dg3":"not_read","dg7":"match","dg11":"match","dg12":"match","dg13":"match"}' \
  "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem"
expect "read: the holder's NIK, as in the register" 0 "\"nik\":\"$nik\"" "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem"
expect "DG3 without the terminal key: 6982" 0 '"dg3":"file 0103: this terminal may not read it (6982)"' \
  "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem"
expect "DG3 with the authorised reader's terminal key: read and signed" 0 '"dg3":"match"' \
  "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem" $token

expect "openssl cms verifies the dumped EF.SOD against the CSCA certificate" 0 'Verification successful' \
  openssl cms -verify -inform DER -in "$work/dump/sod.der" -CAfile "$work/csca.pem" -binary -out "$work/lds.der"
openssl asn1parse -inform DER -in "$work/lds.der" >"$work/lds.txt"
checked=0
mismatched=
for group in 1 2 7 11 12 13; do
  listed=$(awk -v g="$(printf '%02X' "$group")" '/INTEGER/ { n = $NF; sub(/^:/, "", n) } /OCTET STRING/ && n == g { sub(/.*:/, ""); print; exit }' "$work/lds.txt")
  actual=$(sha256sum "$work/dump/DG$group.bin" | cut -c1-64 | tr a-f A-F)
  if [ -n "$listed" ] && [ "$listed" = "$actual" ]; then checked=$((checked + 1)); else mismatched="$mismatched DG$group"; fi
done
expect "the SOD's hashes equal sha256sum of the dumped data groups (DG1 DG2 DG7 DG11 DG12 DG13)" 0 '^6 ' \
  printf '%s %s' "$checked" "$mismatched"

expect "the holder's other impression of the finger matches DG3" 0 '"matched":true' \
  "$ektp" card verify --mrz "$mrz" --trust "$work/csca.pem" $token --finger "$fingers/101_2.tif"
expect "another person's finger does not" 1 '"matched":false' \
  "$ektp" card verify --mrz "$mrz" --trust "$work/csca.pem" $token --finger "$fingers/102_1.tif"
expect "an image that is not a fingerprint is refused" 1 'not_a_fingerprint\|image' \
  "$ektp" card verify --mrz "$mrz" --trust "$work/csca.pem" $token --finger "$2/README.md"
expect "five tries are refused" 1 '1 to 4 images' \
  "$ektp" card verify --mrz "$mrz" --trust "$work/csca.pem" $token --finger "$fingers/102_1.tif" \
  --finger "$fingers/102_1.tif" --finger "$fingers/102_1.tif" --finger "$fingers/102_1.tif" --finger "$fingers/102_1.tif"

# Reported lost: the card goes on the signed revocation list, which a reader checks offline.
expect "the list before: the chip is not on it" 0 '"revoked":false' sh -c \
  "'$ektp' card issuer revocations --db 'sqlite:$work/demo.db' --token-label issuer --pin-file '$work/pin' --out '$work/revoked.json' && \
   '$ektp' card read --mrz '$mrz' --trust '$work/csca.pem' --revocations '$work/revoked.json'"
"$ektp" card request-replacement --db "sqlite:$work/demo.db" --nik "$nik" --reason lost --detail "LP/771/XII/2026" \
  --by petugas.loket >/dev/null
sleep 1
"$ektp" card issuer revocations --db "sqlite:$work/demo.db" $token --out "$work/revoked.json"
# A verifier fetches central's newest list into its cache (checked with its own CSCA list).
"$ektp" serve --db "sqlite:$work/demo.db" --port 0 >"$work/central.log" 2>&1 &
central=$!
for _ in $(seq 120); do grep -q "listening on" "$work/central.log" && break; sleep 0.25; done
port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/central.log" | head -1)
expect "the verifier fetches the signed list from central into its cache" 0 '"entries":1' \
  "$ektp" card fetch-revocations --central "http://127.0.0.1:$port" --trust "$work/csca.pem" --out "$work/cache.json"
kill "$central"; wait "$central" 2>/dev/null || true
expect "a card reported lost reads as revoked (from the cached list, central stopped)" 1 \
  '"revocation":{"checked":true,"revoked":true,"reason":"lost"' \
  "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem" --revocations "$work/cache.json"
sed 's/\\"lost\\"/\\"damaged\\"/' "$work/revoked.json" >"$work/revoked-altered.json"
expect "an altered revocation list is refused" 1 'not signed by a trusted CSCA' \
  "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem" --revocations "$work/revoked-altered.json"
stop_emulator

# One byte of DG2 changed in the emulator's state (its checksum made again): DG2 alone fails.
cp "$work/card.state" "$work/altered.state"
record=$(grep -obUaP '\x43\x02\x01\x02\x44\x01\x00\x45\x82' "$work/altered.state" | head -1 | cut -d: -f1)
at=$((record + 11 + 600))
byte=$(od -An -tu1 -j "$at" -N1 "$work/altered.state" | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 1)))" | dd of="$work/altered.state" bs=1 seek="$at" conv=notrunc 2>/dev/null
size=$(stat -c %s "$work/altered.state")
head -c $((size - 32)) "$work/altered.state" >"$work/altered.body"
{ cat "$work/altered.body"; openssl dgst -sha256 -binary "$work/altered.body"; } >"$work/altered.state"
emulate "$work/altered.state"
expect "one byte of DG2 changed: PA fails on DG2 only" 1 \
  '"groups":{"dg1":"match","dg2":"mismatch","dg3":"not_read","dg7":"match","dg11":"match","dg12":"match","dg13":"match"},"signature_valid":true' \
  "$ektp" card read --mrz "$mrz" --trust "$work/csca.pem"
stop_emulator

# Another issuer (its own token and register) personalises the same resident's card: signed, but
# by a Document Signer that chains to no CSCA this verifier trusts.
"$ektp" card issuer init --db "sqlite:$work/stranger.db" --token-label stranger --pin-file "$work/pin" >/dev/null
"$ektp" card manufacture --state "$work/stranger.state" --token-label stranger --pin-file "$work/pin" >/dev/null
emulate "$work/stranger.state"
"$ektp" card personalise --db "sqlite:$work/stranger.db" --token-label stranger --pin-file "$work/pin" \
  --request "$request" --by petugas.lain >"$work/stranger.json"
stranger_mrz=$(sed -n 's/.*"mrz":"\([^"]*\)".*/\1/p' "$work/stranger.json")
expect "a SOD signed by an unknown Document Signer: the chain check fails" 1 \
  '"signature_valid":true,"signature_error":"","chain_valid":false,"chain_error":"the Document Signer does not chain to a trusted CSCA' \
  "$ektp" card read --mrz "$stranger_mrz" --trust "$work/csca.pem"
stop_emulator

# The print step with a chip the issuer's factory did not make (its K_perso is another master's):
# the issuer is refused, and the blanko just printed is spoiled like a failed print.
"$ektp" card manufacture --state "$work/foreign.state" --token-label stranger --pin-file "$work/pin" >/dev/null
emulate "$work/foreign.state"
office=$(sqlite3 "$work/demo.db" "select office_code from print_requests where status = 'waiting' and office_code in (select office_code from blanko_serials where state = 'on_hand') order by id limit 1")
spoiled_before=$(sqlite3 "$work/demo.db" "select count(*) from blanko_serials where state = 'spoiled'")
expect "print + personalise with a foreign chip: the issuer is refused" 1 'refused K_perso\|issuer_auth_refused' \
  "$ektp" card personalise --db "sqlite:$work/demo.db" $token --next --office "$office" --by petugas.cetak
expect "... and its blanko is spoiled" 0 "^$((spoiled_before + 1))\$" \
  sqlite3 "$work/demo.db" "select count(*) from blanko_serials where state = 'spoiled'"
stop_emulator

expect "every signature is counted: CSCA (its certificate, the DS certificate, two lists), DS (one SOD)" 0 \
  '"label":"ektp-csca","kind":"csca","period":"","not_before":[0-9]*,"not_after":[0-9]*,"signatures":4}' \
  "$ektp" card issuer status --db "sqlite:$work/demo.db"
finish
