#!/usr/bin/env bash
# A throwaway PostgreSQL server for the registry suite (CI and developers alike).
#
#   bash .ci/postgres.sh start   # start one (installing Debian's postgresql if needed); prints its URL
#   bash .ci/postgres.sh url     # print the URL of the running one (exit 1 if none)
#   bash .ci/postgres.sh stop    # stop it and delete its files (nothing running: does nothing)
#
# The server is a cluster of its own in a temporary directory: `initdb -A trust -U hdil2`,
# listening on 127.0.0.1 only, on a free port, with its socket in that directory; it holds the
# empty database hdil2_test.  The URL is postgresql://hdil2@127.0.0.1:PORT/hdil2_test, the
# value HDIL2_TEST_DATABASE_URL takes.  Durability is switched off (fsync=off): it is for tests.
#
# PostgreSQL refuses to run as root, so under root the cluster belongs to the system user
# hdil2ci (created with useradd when missing); otherwise it belongs to the current user.
#
# Server binaries: $HDIL2_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin (Debian), else
# the directory of `pg_ctl` on PATH.  None found and root with apt-get: installs Debian's
# postgresql without the "main" cluster Debian creates by default (this script uses its own).
#
# `start` is safe to repeat: a server that is still up is reused (its URL printed again), a dead
# one is cleaned away first.  The state (directory, port, URL, owner) is kept in the file
# $HDIL2_PG_STATE, by default one per checkout under ${TMPDIR:-/tmp}.  Progress goes to stderr,
# only the URL to stdout: `url=$(bash .ci/postgres.sh start)`.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CI_USER=hdil2ci
DB_USER=hdil2
DB_NAME=hdil2_test
STATE="${HDIL2_PG_STATE:-${TMPDIR:-/tmp}/hdil2-ci-pg-$(id -u)-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1).state}"

say() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- the server binaries ---------------------------------------------------------------------

has_server() { [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]; }

find_bindir() {
  local d
  if [ -n "${HDIL2_PG_BINDIR:-}" ]; then printf '%s\n' "$HDIL2_PG_BINDIR"; return 0; fi
  # Debian installs each major version under /usr/lib/postgresql/VERSION/bin: take the newest
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
    if has_server "$d"; then printf '%s\n' "$d"; return 0; fi
  done
  if command -v pg_ctl >/dev/null 2>&1; then
    d="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    if has_server "$d"; then printf '%s\n' "$d"; return 0; fi
  fi
  return 1
}

install_postgresql() {
  is_root && command -v apt-get >/dev/null 2>&1 ||
    die "PostgreSQL server binaries not found (looked in \$HDIL2_PG_BINDIR, /usr/lib/postgresql/*/bin and PATH); install PostgreSQL (Debian: apt-get install postgresql) or set HDIL2_PG_BINDIR"
  say "installing Debian's postgresql with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # postgresql-common first, so that its createcluster.conf can say not to create the "main"
  # cluster before the server package's installation would create (and start) it
  apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
  local conf=/etc/postgresql-common/createcluster.conf
  if [ -f "$conf" ]; then
    if grep -Eq '^[#[:space:]]*create_main_cluster' "$conf"; then
      sed -i -E 's/^[#[:space:]]*create_main_cluster.*/create_main_cluster = false/' "$conf"
    else
      printf 'create_main_cluster = false\n' >>"$conf"
    fi
  fi
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# --- running as the cluster's owner ----------------------------------------------------------

ensure_ci_user() {
  id -u "$CI_USER" >/dev/null 2>&1 && return 0
  say "creating the system user $CI_USER"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$CI_USER"
}

# as_owner OWNER DIR CMD...: run CMD in DIR as OWNER (the current user when not root)
as_owner() {
  local owner="$1" dir="$2"; shift 2
  if ! is_root; then
    (cd "$dir" && "$@"); return
  fi
  if command -v runuser >/dev/null 2>&1; then
    (cd "$dir" && runuser -u "$owner" -- "$@")
  else
    (cd "$dir" && su -s /bin/sh "$owner" -c "$(printf '%q ' "$@")")
  fi
}

# --- state -----------------------------------------------------------------------------------

load_state() {
  [ -f "$STATE" ] || return 1
  # written by save_state below: DIR, PORT, URL, OWNER, BINDIR, one per line, %q-quoted
  # shellcheck disable=SC1090
  . "$STATE"
  [ -n "${DIR:-}" ] && [ -n "${PORT:-}" ] && [ -n "${URL:-}" ]
}

save_state() {
  printf 'DIR=%q\nPORT=%q\nURL=%q\nOWNER=%q\nBINDIR=%q\n' \
    "$DIR" "$PORT" "$URL" "$OWNER" "$BINDIR" >"$STATE"
}

client() {  # a client program: beside the server binaries, else on PATH
  if [ -x "$BINDIR/$1" ]; then printf '%s\n' "$BINDIR/$1"
  elif command -v "$1" >/dev/null 2>&1; then command -v "$1"
  else die "$1 not found beside $BINDIR/pg_ctl nor on PATH"
  fi
}

ready() { "$(client pg_isready)" -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -t 2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- commands --------------------------------------------------------------------------------

cmd_stop() {
  if ! load_state; then
    say "no server of ours is running (no state in $STATE)"
    rm -f "$STATE"
    return 0
  fi
  case "$DIR" in
    */hdil2-pg.*) ;;
    *) die "refusing to delete $DIR (not a directory this script made); remove $STATE by hand" ;;
  esac
  if [ -f "$DIR/data/postmaster.pid" ]; then
    say "stopping the server on port $PORT"
    if ! as_owner "$OWNER" "$DIR" "$BINDIR/pg_ctl" stop -D "$DIR/data" -m fast -w -t 30 >/dev/null; then
      as_owner "$OWNER" "$DIR" "$BINDIR/pg_ctl" stop -D "$DIR/data" -m immediate -w -t 30 >/dev/null ||
        say "pg_ctl could not stop it (already gone?)"
    fi
  fi
  rm -rf -- "$DIR"
  rm -f "$STATE"
  say "stopped; removed $DIR"
}

cmd_url() {
  load_state || die "no server of ours is running (no state in $STATE); run: bash .ci/postgres.sh start"
  BINDIR="${BINDIR:?}"
  ready || die "the server recorded in $STATE does not answer on port $PORT"
  printf '%s\n' "$URL"
}

cmd_start() {
  if load_state; then
    if ready; then
      say "already running on port $PORT; reusing it"
      printf '%s\n' "$URL"; return 0
    fi
    say "the server recorded in $STATE is not answering: cleaning it away"
    cmd_stop
  fi

  if [ -n "${HDIL2_PG_BINDIR:-}" ] && ! has_server "$HDIL2_PG_BINDIR"; then
    die "HDIL2_PG_BINDIR=$HDIL2_PG_BINDIR holds no initdb, pg_ctl and postgres"
  fi
  BINDIR="$(find_bindir)" || { install_postgresql; BINDIR="$(find_bindir)" || die "no PostgreSQL server binaries after installing postgresql"; }
  say "server binaries: $BINDIR ($("$BINDIR/postgres" --version))"

  local parent="${HDIL2_PG_TMP:-${TMPDIR:-/tmp}}"
  if is_root; then
    ensure_ci_user
    OWNER="$CI_USER"
    parent="${HDIL2_PG_TMP:-/tmp}"  # a directory every user can traverse
  else
    OWNER="$(id -un)"
  fi
  DIR="$(mktemp -d "$parent/hdil2-pg.XXXXXX")"
  chmod 700 "$DIR"
  is_root && chown "$OWNER:" "$DIR"
  PORT=0 URL=pending
  save_state  # from here on `stop` can clean up whatever happens

  as_owner "$OWNER" "$DIR" "$BINDIR/initdb" -D "$DIR/data" -A trust -U "$DB_USER" \
    -E UTF8 --no-locale --no-sync >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; rm -f "$DIR/initdb.log"; die "initdb failed"; }
  rm -f "$DIR/initdb.log"

  local attempt
  for attempt in 1 2 3; do
    PORT="$(free_port)"
    if as_owner "$OWNER" "$DIR" "$BINDIR/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
        -o "-k '$DIR' -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null; then
      break
    fi
    say "the server did not start on port $PORT (attempt $attempt of 3); its log:"
    cat "$DIR/server.log" >&2 || true
    [ "$attempt" = 3 ] && die "could not start PostgreSQL"
  done
  URL="postgresql://$DB_USER@127.0.0.1:$PORT/$DB_NAME"
  save_state

  local waited=0
  until ready; do
    waited=$((waited + 1))
    [ "$waited" -le 30 ] || { cat "$DIR/server.log" >&2; die "the server is not accepting connections after 30 s"; }
    sleep 1
  done
  "$(client createdb)" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$DB_NAME"
  say "running as $OWNER on 127.0.0.1:$PORT, cluster in $DIR"
  printf '%s\n' "$URL"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  *) printf 'usage: bash .ci/postgres.sh start|stop|url\n' >&2; exit 2 ;;
esac
