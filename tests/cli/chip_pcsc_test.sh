#!/bin/sh
# The chip through the real PC/SC stack: pcscd with vsmartcard's vpcd driver, our emulator
# (`ektp card emulate --specimen`) as the card in the virtual reader, and `ektp card read` reading
# it over PC/SC with BAC and secure messaging. A wrong MRZ is refused by the card; DG3 needs an
# authorised terminal; with the card removed the reader says so; the card survives a restart of its
# emulator. pcscd and the emulator are started here and stopped by PID. (A registry resident's
# signed card, personalised and verified: chip_personalise_test.sh.)
# Usage: chip_pcsc_test.sh EKTP_BINARY
set -eu
ektp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
pcscd_pid=
emulator_pid=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  [ -n "$pcscd_pid" ] && kill "$pcscd_pid" 2>/dev/null && wait "$pcscd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if [ ! -x /usr/sbin/pcscd ] || [ ! -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ]; then
  echo "chip_pcsc_test: pcscd or vsmartcard-vpcd is missing (scripts/install-deps.sh)" >&2
  exit 1
fi
if [ -S /run/pcscd/pcscd.comm ]; then
  echo "chip_pcsc_test: a pcscd is running already; this test starts its own" >&2
  exit 1
fi
. "$(dirname "$0")/expect.sh"

/usr/sbin/pcscd --foreground --error >"$work/pcscd.log" 2>&1 &
pcscd_pid=$!
for _ in $(seq 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
[ -S /run/pcscd/pcscd.comm ] || { echo "chip_pcsc_test: pcscd did not start: $(cat "$work/pcscd.log")" >&2; exit 1; }

mrz='I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<'
other='I<UTOD231458907<<<<<<<<<<<<<<<7408133F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<'
expect "no card in the reader yet" 1 'no reader holds a card' "$ektp" card read --mrz "$mrz"

"$ektp" card emulate --specimen >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 50); do
  "$ektp" card read --mrz "$mrz" >/dev/null 2>&1 && break
  sleep 0.2
done
expect "read over PC/SC with BAC: EF.COM and DG1" 0 '"bac":"ok","lds_version":"0107","groups":\[1,3\]' \
  "$ektp" card read --mrz "$mrz"
expect "DG1 holds the MRZ" 0 '"dg1_mrz":\["I<UTOD231458907<<<<<<<<<<<<<<<"' "$ektp" card read --mrz "$mrz"
expect "DG3 needs an authorised terminal (6982)" 0 '"dg3":"file 0103: this terminal may not read it (6982)"' \
  "$ektp" card read --mrz "$mrz" --reader "Virtual PCD 00 00"
expect "the card refuses another MRZ" 1 'refused BAC' "$ektp" card read --mrz "$other"
expect "an MRZ with a wrong check digit never reaches the card" 1 'check digit' "$ektp" card read \
  --mrz "$(printf '%s' "$mrz" | sed 's/7408122F/7408121F/')"
expect "an unknown reader" 1 "no card in reader 'Lector'" "$ektp" card read --mrz "$mrz" --reader Lector

kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; emulator_pid=
for _ in $(seq 25); do
  "$ektp" card read --mrz "$mrz" >/dev/null 2>&1 || break
  sleep 0.2
done
expect "the card removed" 1 'no reader holds a card\|transmitting' "$ektp" card read --mrz "$mrz"

# The card kept in a state file survives a restart of its emulator; a changed file is refused.
"$ektp" card emulate --specimen --state "$work/card.state" >"$work/state.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 50); do [ -s "$work/card.state" ] && "$ektp" card read --mrz "$mrz" >/dev/null 2>&1 && break; sleep 0.2; done
kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true
"$ektp" card emulate --state "$work/card.state" >"$work/state2.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 50); do "$ektp" card read --mrz "$mrz" >/dev/null 2>&1 && break; sleep 0.2; done
expect "the card from its state file, after a restart" 0 '"bac":"ok"' "$ektp" card read --mrz "$mrz"
kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; emulator_pid=
printf 'X' | dd of="$work/card.state" bs=1 seek=30 conv=notrunc 2>/dev/null
expect "a changed state file is refused" 1 'checksum' "$ektp" card emulate --state "$work/card.state"

finish
