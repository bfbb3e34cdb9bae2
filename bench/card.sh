#!/usr/bin/env bash
# Cards (bench/README.md, "Cards"): card-face layout and rendering (300-dpi PNG, PDF) beside the
# reference of a blank card-sized PNG from the same cairo in the same run, and the replay of a
# 10,000-movement blanko ledger, and a SUKET (QR size, sign, verify). Prints Google Benchmark's JSON summary as one line per benchmark.
# Usage: bench/card.sh BUILD_DIR
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
"$BUILD_DIR/bench/ektp_card_bench" --benchmark_min_time=0.5 --benchmark_format=json | python3 -c '
import json, sys
runs = {b["name"]: b for b in json.load(sys.stdin)["benchmarks"]}
ref = runs["BM_ReferenceBlankCardPng"]["real_time"]
for name, b in runs.items():
    line = {"bench": name, "ms": round(b["real_time"], 3), "ratio_to_blank_png": round(b["real_time"] / ref, 2)}
    for key in ("bytes", "movements", "qr_chars", "face_bytes"):
        if key in b: line[key] = int(b[key])
    print(json.dumps(line))
'
