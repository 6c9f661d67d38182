#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port, for tests and CI.
#
#   .ci/pg-server.sh start DIR   initdb DIR, start it, print `export DATABASE_URL=…`
#   .ci/pg-server.sh stop DIR    stop it and delete DIR
#
# Uses the PostgreSQL binaries already on the machine (PATH, then /usr/lib/postgresql/*/bin);
# with --install, installs Debian's `postgresql` package when there are none. The cluster is
# owned by a non-root user (initdb refuses root) and never touches a server someone else runs.
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"; install="${3:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR [--install]" >&2; exit 2; }

find_bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$d" && -x "$d/initdb" ]] && { echo "$d"; return 0; }
  return 1
}

as_owner() {
  if [[ "$(id -u)" == "0" ]]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if ! bindir="$(find_bindir)"; then
      if [[ "$install" == "--install" && "$(id -u)" == "0" ]]; then
        echo "no PostgreSQL binaries found: installing Debian's postgresql" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
        bindir="$(find_bindir)" || { echo "PostgreSQL install did not provide initdb" >&2; exit 1; }
      else
        echo "no PostgreSQL binaries (initdb, pg_ctl) found: install Debian's postgresql package or set DATABASE_URL" >&2
        exit 1
      fi
    fi
    owner="$(id -un)"
    if [[ "$(id -u)" == "0" ]]; then
      if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    password="hub-test-$RANDOM$RANDOM"
    printf '%s\n' "$password" > "$dir/.pw"
    chown -R "$owner" "$dir" 2>/dev/null || true
    # The owner must be able to reach DIR through its parents.
    chmod o+x "$(dirname "$dir")" 2>/dev/null || true
    as_owner "$bindir/initdb" -D "$dir/data" -U hub --pwfile="$dir/.pw" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || as_owner "$bindir/initdb" -D "$dir/data" -U hub --pwfile="$dir/.pw" --auth=scram-sha-256 \
           --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    # Durability off: a test cluster is thrown away, and fsync would dominate test time.
    # max_wal_size 4GB: a whole-province link writes gigabytes of WAL, and at the default 1GB
    # the server checkpoints every few seconds meanwhile (1M children: write 24.6 -> 22.2 s).
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "$bindir" > "$dir/.bindir"
    echo "export DATABASE_URL=postgres://hub:$password@127.0.0.1:$port/postgres"
    ;;
  stop)
    [[ -d "$dir" ]] || exit 0
    bindir="$(cat "$dir/.bindir" 2>/dev/null || find_bindir || true)"
    owner="$(stat -c %U "$dir/data" 2>/dev/null || id -un)"
    if [[ -n "$bindir" && -d "$dir/data" ]]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR [--install]" >&2; exit 2 ;;
esac
