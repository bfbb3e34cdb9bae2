#!/usr/bin/env bash
# Runs every benchmark; each prints JSON. Figures are recorded in bench/README.md.
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
mkdir -p "$BUILD_DIR/bench-results"
for script in bench/*.sh; do
  [[ -e $script ]] || continue
  echo "== $script"
  bash "$script" "$BUILD_DIR"
done
