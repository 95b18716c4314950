#!/usr/bin/env bash
# `make run`: tally-server on 127.0.0.1:6379 with data/tally.db, and
# tally-web on port 5000 pointed at it. Ctrl-C stops both.
#   SERVER_PORT, WEB_PORT, WEB_BIND and DB override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_PORT=${SERVER_PORT:-6379}
WEB_PORT=${WEB_PORT:-5000}
WEB_BIND=${WEB_BIND:-127.0.0.1}
DB=${DB:-data/tally.db}
SERVER=.build/release/tally-server
WEB=.build/release/tally-web

port_taken() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
for port in "$SERVER_PORT" "$WEB_PORT"; do
    if port_taken "$port"; then
        echo "make run: port $port is already in use (another Redis or a previous 'make run'?)." >&2
        echo "          Stop it, or choose another: make run SERVER_PORT=6380 WEB_PORT=5001" >&2
        exit 1
    fi
done

pids=()
stopping=0
stop() {
    stopping=1
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

"$SERVER" --bind 127.0.0.1 --port "$SERVER_PORT" --db "$DB" &
pids+=($!)
# Wait (bounded) until the server answers, or report why it did not start.
for _ in $(seq 100); do
    port_taken "$SERVER_PORT" && break
    kill -0 "${pids[0]}" 2>/dev/null || { echo "make run: tally-server did not start (see its message above)" >&2; exit 1; }
    sleep 0.1
done
port_taken "$SERVER_PORT" || { echo "make run: tally-server is not answering on port $SERVER_PORT" >&2; exit 1; }

PORT=$WEB_PORT BIND=$WEB_BIND REDIS_HOST=127.0.0.1 REDIS_PORT=$SERVER_PORT "$WEB" &
pids+=($!)
for _ in $(seq 100); do
    port_taken "$WEB_PORT" && break
    kill -0 "${pids[1]}" 2>/dev/null || { echo "make run: tally-web did not start (see its message above)" >&2; exit 1; }
    sleep 0.1
done

echo
echo "  Tally is running:  http://$WEB_BIND:$WEB_PORT/"
echo "  the cache:         redis-cli -p $SERVER_PORT get hits"
echo "  the database:      sqlite3 $DB \"select value from counters where key='hits'\""
echo "  Ctrl-C stops both."
echo
# The demo is the pair: when one of them stops (it was killed, or failed),
# say which, and stop the other.
wait -n "${pids[@]}" || true
if [ "$stopping" = 1 ]; then
    :
elif ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "make run: tally-server stopped; stopping tally-web too" >&2
elif ! kill -0 "${pids[1]}" 2>/dev/null; then
    echo "make run: tally-web stopped; stopping tally-server too" >&2
fi
