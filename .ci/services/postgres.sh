# A throwaway PostgreSQL for the tests: `source .ci/services/postgres.sh` (after `make install`,
# before `make test`) starts one and exports COUNTERPOINT_TEST_PG_URL; `pg_service_stop` stops it.
# Debian's package is installed when initdb is missing and we are root; the cluster lives in a
# temporary folder, owned by an unprivileged user (PostgreSQL refuses to run as root), on a free
# local port, with fsync off (test data only). Without PostgreSQL the store tests skip with a reason.
# Also runnable as a script: `bash .ci/services/postgres.sh` prints the URL and leaves it running.

_pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_service_start() {
  local bindir user port dir
  if ! bindir=$(_pg_bindir); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        postgresql) >/dev/null || echo "warning: could not install postgresql; PostgreSQL tests will skip" >&2
    fi
    bindir=$(_pg_bindir) || { echo "PostgreSQL not available; its tests will skip" >&2; return 0; }
  fi
  user=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    user=counterpoint
    id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user" \
      || { echo "could not create user $user; PostgreSQL tests will skip" >&2; return 0; }
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir=$(mktemp -d /tmp/counterpoint-pg.XXXXXX)
  chown "$user" "$dir" 2>/dev/null || true
  _pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi; }
  _pg_as "$bindir/initdb" -D "$dir/data" -U counterpoint --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { echo "initdb failed (see $dir/initdb.log); PostgreSQL tests will skip" >&2; return 0; }
  # settings in the cluster's own config, so a plain `pg_ctl start` (the restart test) brings it back
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  _pg_as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null \
    || { echo "PostgreSQL did not start (see $dir/server.log); its tests will skip" >&2; return 0; }
  _pg_as "$bindir/createdb" -h 127.0.0.1 -p "$port" -U counterpoint counterpoint \
    || { echo "createdb failed; PostgreSQL tests will skip" >&2; return 0; }
  export COUNTERPOINT_TEST_PG_URL="postgresql://counterpoint@127.0.0.1:$port/counterpoint"
  export COUNTERPOINT_PG_DIR="$dir" COUNTERPOINT_PG_BINDIR="$bindir" COUNTERPOINT_PG_USER="$user"
  echo "PostgreSQL for the tests: $COUNTERPOINT_TEST_PG_URL (data in $dir)" >&2
}

pg_service_stop() {
  [ -n "${COUNTERPOINT_PG_DIR:-}" ] || return 0
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$COUNTERPOINT_PG_USER" -- "$COUNTERPOINT_PG_BINDIR/pg_ctl" -D "$COUNTERPOINT_PG_DIR/data" -m fast stop >/dev/null || true
  else
    "$COUNTERPOINT_PG_BINDIR/pg_ctl" -D "$COUNTERPOINT_PG_DIR/data" -m fast stop >/dev/null || true
  fi
  rm -rf "$COUNTERPOINT_PG_DIR"
  unset COUNTERPOINT_TEST_PG_URL COUNTERPOINT_PG_DIR
}

pg_service_start
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "$COUNTERPOINT_TEST_PG_URL"
fi
