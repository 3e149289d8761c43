# shellcheck shell=bash
# shellcheck disable=SC2034 # the paths and ports are used by the scripts that source this file
# Shared helpers for scripts/bootstrap and scripts/services. Sourced, never executed.
#
# Everything the embedded stack needs lives under "$BRIDGE_ROOT/.bridge" (git-ignored), and the
# project root is derived from this file's own location, so the scripts work from any cwd and in
# any clone folder.

# Physical path (-P): PostgreSQL's traverse check and the unix socket length are about the real
# path, not a symlinked one.
BRIDGE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BRIDGE_DIR="$BRIDGE_ROOT/.bridge"
BRIDGE_VENV="$BRIDGE_DIR/venv"
BRIDGE_LIB="$BRIDGE_DIR/lib"
BRIDGE_BIN="$BRIDGE_DIR/bin"
BRIDGE_RUN="$BRIDGE_DIR/run"
BRIDGE_LOGS="$BRIDGE_DIR/logs"
BRIDGE_ETC="$BRIDGE_DIR/etc"
BRIDGE_PGDATA="$BRIDGE_DIR/pg"
BRIDGE_REDIS_DATA="$BRIDGE_DIR/redis"
BRIDGE_CLUSTER_DATA="$BRIDGE_DIR/cluster"

# Ports can be overridden (e.g. to run a second checkout side by side); the defaults are the ones
# the bridge's own defaults expect (docs/contract.md section 4). Everything binds to loopback.
BRIDGE_HOST=127.0.0.1
BRIDGE_PG_PORT=${BRIDGE_PG_PORT:-15432}
BRIDGE_REDIS_PORT=${BRIDGE_REDIS_PORT:-16379}
BRIDGE_BROKER_PORT=${BRIDGE_BROKER_PORT:-19092}
# The Redis Cluster's six nodes take this port and the five after it (and each port + 10000 for
# the cluster bus).
BRIDGE_CLUSTER_PORT=${BRIDGE_CLUSTER_PORT:-17000}

PG_BIN=${BRIDGE_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=postgres

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, else through passwordless sudo.
# Callers check can_be_root first so that the failure message can name what is missing.
as_root() {
  if is_root; then "$@"; else sudo -n -- "$@"; fi
}
can_be_root() { is_root || sudo -n true 2>/dev/null; }

# PostgreSQL refuses to run as root. As root we run it as the postgres OS user; as anybody else
# it simply runs as that user (no ownership games needed). From / because the postgres user
# may not be allowed into the caller's cwd (e.g. /root), which its tools complain about.
as_pg() {
  if is_root; then (cd / && runuser -u "$PG_USER" -- "$@"); else "$@"; fi
}

# Prints the pids listening on a TCP port (any address), one per line. Empty output with a
# non-zero status means nothing listens; "?" means something listens but ss could not tell who
# (another user's process when we are not root, or another network namespace).
listener_pids() {
  local port=$1 out
  out=$(ss -Hltnp "sport = :$port" 2>/dev/null) || return 1
  [ -n "$out" ] || return 1
  local pids
  pids=$(grep -o 'pid=[0-9]*' <<<"$out" | cut -d= -f2 | sort -u || true)
  if [ -n "$pids" ]; then say "$pids"; else say "?"; fi
}

# A one-line description of a process for error messages.
describe_pid() {
  local pid=$1
  if [ "$pid" = "?" ]; then
    say "an unknown process (ss cannot show its pid; try: sudo ss -ltnp)"
    return
  fi
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed 's/ $//' | cut -c1-160) || true
  say "pid $pid (${cmd:-unknown command})"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# First line of a pidfile (PostgreSQL's postmaster.pid has more lines), empty when absent.
read_pidfile() {
  local f=$1
  [ -r "$f" ] || return 0
  head -n 1 "$f" | tr -dc '0-9'
}
