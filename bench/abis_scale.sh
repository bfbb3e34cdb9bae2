#!/usr/bin/env bash
# 1:N scaling on synthetic galleries (bench/README.md, "1:N on synthetic galleries"): one
# `ektp abis identify-eval` run per gallery size, 10-finger probes, 2 threads, one JSON line each
# (FNIR at FPIR 0.1 %, rank-1, search time mean/max and CPU time, stage one/two split, enrolment
# time, gallery bytes, peak resident memory).
# Usage: bench/abis_scale.sh BUILD_DIR
#   PERSONS   gallery sizes, default "10000" (about 5 minutes on 2 busy cores); the README's table is
#             PERSONS="10000 100000 1000000" (about 7 GiB of memory at 1,000,000 persons;
#             about an hour on 2 free cores, several on a busy host)
#   MATED     mated searches per size, default 500 (the table: 3000 at 100,000 persons)
#   NON_MATED non-mated searches per size, default 500 (the table: 1000)
#   FINGERS   fingers per probe, default 10
set -euo pipefail
build=${1:-build}
for persons in ${PERSONS:-10000}; do
  nice -n 10 "$build/ektp" abis identify-eval --persons "$persons" --searches "${MATED:-500}" \
    --non-mated "${NON_MATED:-500}" --fingers "${FINGERS:-10}" --threads 2
done
