#!/usr/bin/env bash
# Fingerprint engine benchmarks: speed (Google Benchmark) and accuracy (FVC protocol, all sets).
# Usage: bench/fingerprint.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/../shared/data/fingerprints"
"$build/bench/ektp_fingerprint_bench" --benchmark_min_time=0.2
for set in fvc2002-db1b fvc2002-db2b fvc2002-db3b fvc2002-db4b-synthetic fvc2004-db1b; do
  [ -d "$data/$set" ] && "$build/ektp" abis eval "$data/$set" --impostors all
done
