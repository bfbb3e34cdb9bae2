#!/usr/bin/env bash
# Ready date (bench/README.md, "Ready date"): how honest the estimated ready date of a waiting print
# request is, from a seeded year of one office — a Sragen-like one (demand above supply, the backlog
# growing) and a balanced one, three seeds each. Prints one JSON line per run: the share of asked
# estimates whose actual print day fell inside [p10, p90], the p50 error, the median interval
# width, the no-date answers by reason, and the run time.
# Usage: bench/ready_date.sh BUILD_DIR   (SEEDS="20261203 7 42" by default)
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
for scenario in sragen balanced; do
  for seed in ${SEEDS:-20261203 7 42}; do
    "$BUILD_DIR/bench/ektp_ready_date_sim" --scenario "$scenario" --seed "$seed" --days 365 --json
  done
done
