#!/usr/bin/env bash
# Bulk matching (bench/README.md, "Bulk matching accuracy"): a 200,000-person demo register, an
# agency file of 100,000 rows with faults, matched and scored against the truth — once with every
# column, once with only NIK, name and birth date. Prints the accuracy tables, rates and memory.
# Usage: bench/bulk_match.sh BUILD_DIR   (SEED=11, PERSONS=200000, ROWS=100000 by default)
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
TOOL="$BUILD_DIR/bench/ektp_bulk_match_accuracy"
[[ -x $TOOL ]] || { echo "bulk_match.sh: $TOOL not built (needs ektp_registry)"; exit 0; }
"$TOOL" --persons "${PERSONS:-200000}" --rows "${ROWS:-100000}" --seed "${SEED:-11}"
"$TOOL" --persons "${PERSONS:-200000}" --rows "${ROWS:-100000}" --seed "${SEED:-11}" --minimal
