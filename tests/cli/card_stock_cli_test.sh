#!/bin/sh
# `ektp card stock …` end to end on a fresh SQLite database: movements print the office's balance,
# refusals exit 1 naming the problem and move nothing, and `verify` exits 0 on a whole ledger and 2
# when the stock table was edited behind the ledger's back.
# Usage: card_stock_cli_test.sh EKTP_BINARY
set -eu
ektp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="sqlite:$work/card.db"
. "$(dirname "$0")/expect.sh"

expect "receive 500" 0 '"on_hand":500' "$ektp" card stock receive --db "$db" --office 3327 --by petugas.stok \
  --first 1001 --last 1500 --allocation ALOK-2026-12
expect "transfer 120 to a kecamatan" 0 '"first":1001,"last":1120' "$ektp" card stock transfer --db "$db" \
  --office 3327 --to 332709 --count 120 --by petugas.stok
expect "spoil one" 0 '"spoiled":1' "$ektp" card stock spoil --db "$db" --office 3327 --serial 1121 \
  --reason "retak di kotak" --by petugas.stok
expect "a spoil needs a reason" 1 'reason' "$ektp" card stock spoil --db "$db" --office 3327 --serial 1122 \
  --reason "" --by petugas.stok
expect "a number is received once" 1 'blanko 1500 is already in the ledger' "$ektp" card stock receive \
  --db "$db" --office 3328 --by petugas.stok --first 1500 --last 1600 --allocation LAIN
expect "no more than on hand" 1 'holds 379' "$ektp" card stock transfer --db "$db" --office 3327 \
  --to 332709 --count 380 --by petugas.stok
expect "a bad office" 1 'office' "$ektp" card stock show --db "$db" --office 33
expect "nothing to print" 1 'no print request waits' "$ektp" card print-next --db "$db" --office 3327 --by p
expect "the ledger reconciles" 0 '"valid":true' "$ektp" card stock verify --db "$db"
# Behind the ledger's back: a blanko marked used with no movement.
sqlite3 "$work/card.db" "UPDATE blanko_serials SET state = 'used' WHERE serial = 1400"
expect "an edited stock table is found" 2 'blanko 1400 is used at 3327 but the ledger says on_hand' \
  "$ektp" card stock verify --db "$db"

echo "card stock cli: $((count - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
