#!/usr/bin/env bash
# Fingerprint engine benchmarks (bench/README.md, "Fingerprint engine"): speed with Google
# Benchmark, accuracy with the FVC protocol on every shared set and score calibration. 1:N search
# on synthetic galleries is bench/abis_scale.sh. Usage: bench/fingerprint.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
root="$(cd "$(dirname "$0")/.." && pwd)"
# The full FVC corpora: ../shared/data beside the checkout, or the folder $EKTP_DATA_DIR names
# (tests/data carries only the few images the tests read).
data="${EKTP_DATA_DIR:-$root/../shared/data}/fingerprints"
sets=(fvc2002-db1b fvc2002-db2b fvc2002-db3b fvc2002-db4b-synthetic fvc2004-db1b)
"$build/bench/ektp_fingerprint_bench" --benchmark_min_time=0.5
dirs=()
for set in "${sets[@]}"; do
  [ -d "$data/$set" ] && dirs+=("$data/$set")
done
if [ ${#dirs[@]} -eq 0 ]; then
  echo "fingerprint bench: no FVC set under $data (set EKTP_DATA_DIR to the corpora's folder); accuracy and calibration skipped" >&2
else
  "$build/ektp" abis eval "${dirs[@]}" --impostors all --det "${DET_PNG:-$build/fingerprint-det.png}"
  "$build/ektp" abis calibrate "${dirs[@]}"
fi
