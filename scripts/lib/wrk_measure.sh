# One wrk run against a server, for the benchmarks (source it; needs $SERVER_PID, $TMP, $DURATION
# and a Lua script at $TMP/clients.lua that sets each request's client address).
# measure URL [wrk options…] prints: requests/s, p99 latency (ms), the server's CPU time per
# request (µs, utime + stime from /proc around the run: it holds even when other work shares the
# cores, unlike requests/s), and the count of non-2xx/3xx answers.
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
measure() {
  local before after hz
  hz=$(getconf CLK_TCK)
  before=$(server_cpu_ticks)
  wrk -t2 -c16 -d"$DURATION" --latency -s "$TMP/clients.lua" "$@" >"$TMP/wrk.out"
  after=$(server_cpu_ticks)
  awk -v ticks=$((after - before)) -v hz="$hz" '
    /Requests\/sec/ {rps = $2}
    / requests in / {n = $1}
    /Non-2xx/ {bad = $5}
    $1 == "99%" {v = $2; unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v);
                 p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v}
    END {printf "%s %s %.1f %d\n", rps, p99, (n > 0) ? ticks / hz * 1e6 / n : 0, bad + 0}' "$TMP/wrk.out"
}
