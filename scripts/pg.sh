# scripts/pg.sh — sourced by scripts/test: starts Debian's PostgreSQL in a
# temporary directory on 127.0.0.1 and a random port, exports
# ATALAYA_TEST_POSTGRES, and stops it when the calling script exits.
pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && pg_bin="$d"; done
if [ -z "$pg_bin" ]; then
  echo "scripts/pg.sh: PostgreSQL server not found (apt-get install postgresql)" >&2
  return 1
fi
pg_dir=$(mktemp -d /tmp/atalaya-pg.XXXXXX)
pg_port=$(( 20000 + RANDOM % 20000 ))
pg_run() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  chown postgres "$pg_dir"
  pg_run() { runuser -u postgres -- "$@"; }
fi
pg_run "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-locale >"$pg_dir/initdb.log" 2>&1 || {
  cat "$pg_dir/initdb.log" >&2; return 1; }
pg_run "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c max_connections=200" start >/dev/null || {
  cat "$pg_dir/server.log" >&2; return 1; }
pg_stop() { pg_run "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pg_dir"; }
export ATALAYA_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
