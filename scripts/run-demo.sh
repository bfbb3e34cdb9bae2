#!/usr/bin/env bash
# Serves the demo regency on an embedded SQLite database under ./var/.
set -euo pipefail
BIN=${1:-build/ektp}; PORT=${2:-8080}; DEMO=${3:-3327}; SIZE=${4:-50000}
cd "$(dirname "$0")/.."
mkdir -p var
if "$BIN" serve --help >/dev/null 2>&1; then
  exec "$BIN" serve --db "sqlite:var/ektp.db" --port "$PORT" --demo "$DEMO" --demo-size "$SIZE"
fi
echo "run-demo: this build has no 'serve' command yet" >&2
exit 1
