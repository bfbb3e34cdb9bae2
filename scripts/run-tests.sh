#!/usr/bin/env bash
# Runs every test: starts the services the tests need (a private PostgreSQL cluster on a unix
# socket), runs ctest, and stops the services by PID whatever happens.
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
source scripts/lib/services.sh

trap stop_services EXIT
start_postgres
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" --timeout 600
