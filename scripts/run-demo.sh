#!/usr/bin/env bash
# Serves the demo regency on an embedded SQLite database under ./var/. Once the server listens
# (the demo database then exists), scripts/demo-chip.sh puts one demo resident's personalised chip
# in a virtual reader (pcscd + vpcd, keys in a SoftHSM2 token under ./var/chip), or says why not;
# what it started is stopped when this script exits.
set -euo pipefail
BIN=${1:-build/ektp}; PORT=${2:-8080}; DEMO=${3:-3327}; SIZE=${4:-50000}
cd "$(dirname "$0")/.."
mkdir -p var
if ! "$BIN" serve --help >/dev/null 2>&1; then
  echo "run-demo: this build has no 'serve' command yet" >&2
  exit 1
fi
server_pid=
chip_pid=
# alive PID: the process runs (a zombie left to init counts as gone).
alive() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1); [[ -n $s && $s != Z ]]; }
stop() {
  set +e
  [[ -n $chip_pid ]] && { kill "$chip_pid" 2>/dev/null; wait "$chip_pid" 2>/dev/null; }
  for name in emulator pcscd; do
    [[ -s var/chip/$name.pid ]] || continue
    pid=$(<"var/chip/$name.pid")
    kill "$pid" 2>/dev/null && for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
    rm -f "var/chip/$name.pid"
  done
  [[ -n $server_pid ]] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  return 0
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
: >var/serve.log
"$BIN" serve --db "sqlite:var/ektp.db" --port "$PORT" --demo "$DEMO" --demo-size "$SIZE" > >(tee var/serve.log) 2>&1 &
server_pid=$!
(
  for _ in $(seq 1200); do grep -q "listening on" var/serve.log 2>/dev/null && break; sleep 0.5; done
  grep -q "listening on" var/serve.log 2>/dev/null || { echo "chip demo: skipped, the server did not start listening"; exit 0; }
  exec scripts/demo-chip.sh "$(dirname "$BIN")" "sqlite:var/ektp.db" var/chip
) &
chip_pid=$!
set +e
wait "$server_pid"
status=$?
server_pid=
exit "$status"
