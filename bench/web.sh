#!/usr/bin/env bash
# The web tier side by side, one run: wrk -c 32 on GET / for
#   tally-web + tally-server             (our stack)
#   the article's Flask app under gunicorn -w 4 + redis-server
#   tally-web + redis-server             (the cache swapped for Redis)
# Prints requests/s and the ratios the issue asks for.
# Usage: bench/web.sh [SECONDS]   (default 10 per run)
source "$(dirname "$0")/lib.sh"
need redis-server wrk
DURATION=${1:-10}
VENV_PY="$ROOT/.venv/bin/python"
[ -x "$VENV_PY" ] || { echo "bench: $VENV_PY missing: run 'make test' (or make deps) first to create the venv" >&2; exit 1; }
"$VENV_PY" -c 'import flask, redis, gunicorn' 2>/dev/null \
    || { echo "bench: the venv lacks flask/redis/gunicorn (compat/requirements.txt)" >&2; exit 1; }
release_binaries

# rps URL: wrk's requests/s, after a short warm-up.
rps() {
    wrk -t2 -c32 -d2s "$1" >/dev/null 2>&1 || true
    wrk -t2 -c32 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print $2}'
}

start_web() { # PORT CACHE_PORT
    PORT=$1 BIND=127.0.0.1 REDIS_HOST=127.0.0.1 REDIS_PORT=$2 LOG_LEVEL=warn "$TALLY_WEB" >/dev/null 2>&1 &
    PIDS+=($!); LAST_PID=$!
    wait_port "$1"
}

# 1. tally-web + tally-server
cport=$(free_port); start_tally "$cport" always; tally_pid=$LAST_PID
wport=$(free_port); start_web "$wport" "$cport"; web_pid=$LAST_PID
ours=$(rps "http://127.0.0.1:$wport/")
stop_pid "$web_pid"; stop_pid "$tally_pid"

# 2. Flask (the article's app.py, unmodified; bench/flask_wsgi.py points its
#    client at this run's redis-server) under gunicorn -w 4
rport=$(free_port); start_redis "$rport" --save '' --appendonly no; redis_pid=$LAST_PID
fport=$(free_port)
(cd "$ROOT" && REDIS_BENCH_PORT=$rport exec "$VENV_PY" -m gunicorn -w 4 -b "127.0.0.1:$fport" --chdir bench \
    --pythonpath "$ROOT/compat/flask-app" flask_wsgi:app >/dev/null 2>&1) &
PIDS+=($!); flask_pid=$!
wait_port "$fport"
flask=$(rps "http://127.0.0.1:$fport/")
stop_pid "$flask_pid"

# 3. tally-web + the same redis-server
wport=$(free_port); start_web "$wport" "$rport"; web_pid=$LAST_PID
swapped=$(rps "http://127.0.0.1:$wport/")
stop_pid "$web_pid"; stop_pid "$redis_pid"

printf '%-34s %12s\n' stack requests/s
printf '%-34s %12s\n' "tally-web + tally-server" "$ours" "flask/gunicorn -w 4 + redis-server" "$flask" "tally-web + redis-server" "$swapped"
echo "tally stack / flask stack:        $(ratio "$ours" "$flask")   (target >= 30x)"
echo "tally stack / tally-web + redis:  $(ratio "$ours" "$swapped")   (target >= 0.9x)"
