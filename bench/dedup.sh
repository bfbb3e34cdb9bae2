#!/usr/bin/env bash
# Dedup of one enrollment (bench/README.md, "Dedup of one enrollment"): the decision threshold's
# calibration on real FVC prints, then DedupService jobs against
# stored synthetic galleries of 10,000 and 100,000 persons (10 fingers each) on SQLite, with the
# bare search of the same enrollments against the same gallery as the reference in the same run.
# Prints one JSON line for the calibration and one per gallery size; about 2 minutes on 2 busy cores.
# Usage: bench/dedup.sh BUILD_DIR   (JOBS=10 mated + 10 non-mated jobs per size by default)
set -euo pipefail
build=${1:-build}
dir=$(mktemp -d /tmp/ektp-dedup-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$build/bench/ektp_dedup_calibration"
"$build/bench/ektp_dedup_bench" --persons 10000 --persons 100000 --jobs "${JOBS:-10}" --dir "$dir/db"
