# scripts/pg.sh — sourced by scripts/test: starts Debian's PostgreSQL in a
# temporary directory on 127.0.0.1 and a random port, exports
# ATALAYA_TEST_POSTGRES, and defines pg_stop, which the caller runs on exit:
#
#   source scripts/pg.sh && trap pg_stop EXIT
#
# fsync is off: the cluster is thrown away, and tests run several times faster.
pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && pg_bin="$d"; done
if [ -z "$pg_bin" ]; then
  echo "scripts/pg.sh: PostgreSQL server not found (apt-get install postgresql)" >&2
  return 1
fi
pg_dir=$(mktemp -d /tmp/atalaya-pg.XXXXXX)
pg_run() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root; Debian's package creates this user.
  chown postgres "$pg_dir"
  pg_run() { runuser -u postgres -- "$@"; }
fi
pg_stop() {
  [ -f "$pg_dir/data/postmaster.pid" ] &&
    pg_run "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_dir"
}
pg_run "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-locale >"$pg_dir/initdb.log" 2>&1 || {
  cat "$pg_dir/initdb.log" >&2; pg_stop; return 1; }

# A random port may be taken (another engineer's server, a parallel run):
# try a few before giving up, each with a fresh log.
pg_port=""
for pg_try in 1 2 3 4 5; do
  pg_candidate=$(( 20000 + RANDOM % 20000 ))
  if pg_run "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $pg_candidate -k $pg_dir -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
    pg_port=$pg_candidate
    break
  fi
  echo "scripts/pg.sh: could not start on port $pg_candidate (try $pg_try of 5):" >&2
  tail -n 3 "$pg_dir/server.log" >&2
  rm -f "$pg_dir/server.log"
done
unset pg_try pg_candidate
if [ -z "$pg_port" ]; then
  echo "scripts/pg.sh: PostgreSQL did not start" >&2
  pg_stop
  return 1
fi
export ATALAYA_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
