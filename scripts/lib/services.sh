# Shell helpers that start real services for tests and stop them by PID. Source, don't run.
# Each start_* exports what clients need; stop_services stops everything that was started.

EKTP_SERVICE_PIDS=()
EKTP_SERVICE_DIRS=()

# A private PostgreSQL 15 cluster listening only on a unix socket in a fresh directory.
# Exports EKTP_TEST_POSTGRES (a libpq connection URI) and PGHOST/PGPORT/PGUSER.
start_postgres() {
  local pgbin=/usr/lib/postgresql/15/bin
  if [[ ! -x $pgbin/initdb ]]; then
    echo "services: PostgreSQL 15 is not installed; run scripts/install-deps.sh" >&2
    return 1
  fi
  local root
  root=$(mktemp -d /tmp/ektp-pg.XXXXXX)
  chmod 755 "$root"
  local run_as=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$root"
    run_as=(runuser -u postgres --)
  fi
  local port=$((50000 + RANDOM % 10000))
  "${run_as[@]}" "$pgbin/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; return 1; }
  "${run_as[@]}" "$pgbin/pg_ctl" -D "$root/data" -l "$root/pg.log" -w -t 30 start \
    -o "-c listen_addresses='' -k $root -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$root/pg.log" >&2; return 1; }
  local pid
  pid=$(head -1 "$root/data/postmaster.pid")
  EKTP_SERVICE_PIDS+=("$pid")
  EKTP_SERVICE_DIRS+=("$root")
  export PGHOST=$root PGPORT=$port PGUSER=postgres PGDATABASE=postgres
  export EKTP_TEST_POSTGRES="postgresql:///postgres?host=$root&port=$port&user=postgres"
  echo "services: PostgreSQL pid $pid on socket $root port $port"
}

stop_services() {
  local pid
  for pid in "${EKTP_SERVICE_PIDS[@]}"; do
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  EKTP_SERVICE_PIDS=()
  local dir
  for dir in "${EKTP_SERVICE_DIRS[@]}"; do rm -rf "$dir"; done
  EKTP_SERVICE_DIRS=()
}
