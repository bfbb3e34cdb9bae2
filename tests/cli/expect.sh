# What the command-line tests share (sourced): TAP-style results and `expect`.
#   expect DESCRIPTION STATUS PATTERN COMMAND...: the command exits STATUS and prints PATTERN
#   (a grep basic regular expression, on stdout or stderr).
# `finish` prints the plan and exits 1 when a check failed.
count=0
failed=0
pass() { count=$((count + 1)); echo "ok $count - $1"; }
fail() { count=$((count + 1)); failed=$((failed + 1)); echo "not ok $count - $1"; }
expect() {
  description=$1 status=$2 pattern=$3
  shift 3
  set +e
  out=$("$@" 2>&1)
  rc=$?
  set -e
  if [ "$rc" -eq "$status" ] && printf '%s' "$out" | grep -q -- "$pattern"; then pass "$description"; else
    fail "$description (exit $rc): $out"
  fi
}
finish() {
  echo "1..$count"
  [ "$failed" -eq 0 ]
}
