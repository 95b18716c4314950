# Shared helpers for the bench scripts: free ports, starting and stopping
# servers by pid, waiting for readiness with a deadline.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/tally-bench.XXXXXX)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing (apt-get install redis-server redis-tools wrk)" >&2; exit 1; }
    done
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (10 s deadline).
wait_port() {
    local deadline=$((SECONDS + 10))
    until (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "bench: nothing listens on port $1" >&2; exit 1; }
        sleep 0.05
    done
}

release_binaries() {
    (cd "$ROOT" && swift build -c release --product tally-server >/dev/null && swift build -c release --product tally-web >/dev/null)
    TALLY_SERVER="$ROOT/.build/release/tally-server"
    TALLY_WEB="$ROOT/.build/release/tally-web"
}

# start_tally PORT FSYNC: tally-server on a fresh database.
start_tally() {
    local dir="$WORK/tally-$1"
    mkdir -p "$dir"
    "$TALLY_SERVER" --port "$1" --db "$dir/tally.db" --fsync "$2" --log-level warn > "$dir/log" 2>&1 &
    PIDS+=($!)
    LAST_PID=$!
    wait_port "$1"
}

# start_redis PORT ARGS...: redis-server in its own directory.
start_redis() {
    local port=$1; shift
    local dir="$WORK/redis-$port"
    mkdir -p "$dir"
    redis-server --port "$port" --dir "$dir" --daemonize no --logfile "$dir/log" "$@" &
    PIDS+=($!)
    LAST_PID=$!
    wait_port "$port"
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# rss_kib PID: resident set size in KiB.
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}x' if b else 'n/a')" "$1" "$2"; }
