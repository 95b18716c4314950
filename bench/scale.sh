#!/usr/bin/env bash
# How tally-server scales with the number of keys, one run:
#   INCR throughput (redis-benchmark -c 50 -P 1) over 10k and over 10M
#   distinct keys, database bytes per key, and server RSS under that load.
# The keys are loaded straight into SQLite (as the server would store them)
# so that the 10M case does not spend minutes loading over RESP.
# Usage: bench/scale.sh [BIG_KEYS]   (default 10000000)
source "$(dirname "$0")/lib.sh"
need redis-benchmark sqlite3
BIG=${1:-10000000}
SMALL=10000
release_binaries

# load DB N: N counters named like redis-benchmark's "counter:__rand_int__".
load() {
    local port; port=$(free_port)
    # Start and stop the server once so that it creates the schema.
    "$TALLY_SERVER" --port "$port" --db "$1" --fsync no --log-level warn >/dev/null 2>&1 &
    local pid=$!
    wait_port "$port"; stop_pid "$pid"
    sqlite3 "$1" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $2)
INSERT INTO keyspace (db, key, type, value) SELECT 0, printf('counter:%012d', i), 'string', 0 FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}

# run KEYS: prints rps, bytes/key and peak RSS (KiB) for an INCR load over KEYS keys.
run() {
    local keys=$1 port db pid peak=0 rss rps
    port=$(free_port)
    db="$WORK/tally-$port/tally.db"
    mkdir -p "$(dirname "$db")"
    load "$db" "$keys"
    "$TALLY_SERVER" --port "$port" --db "$db" --fsync always --log-level warn >/dev/null 2>&1 &
    pid=$!; PIDS+=($pid); wait_port "$port"
    redis-benchmark -p "$port" -c 50 -r "$keys" -n 300000 -t incr --csv 2>/dev/null > "$WORK/out.csv" &
    local bench=$!
    while kill -0 "$bench" 2>/dev/null; do
        rss=$(rss_kib "$pid"); [ "${rss:-0}" -gt "$peak" ] && peak=$rss
        sleep 0.2
    done
    rps=$(awk -F'","' 'NR==2 {gsub(/"/, "", $2); print $2}' "$WORK/out.csv")
    stop_pid "$pid"
    local bytes; bytes=$(stat -c %s "$db")
    echo "$rps $((bytes / keys)) $peak"
}

read -r small_rps small_bpk small_rss < <(run "$SMALL")
read -r big_rps big_bpk big_rss < <(run "$BIG")
printf '%-10s %12s %10s %10s\n' keys incr_rps bytes/key rss_KiB
printf '%-10s %12s %10s %10s\n' "$SMALL" "$small_rps" "$small_bpk" "$small_rss" "$BIG" "$big_rps" "$big_bpk" "$big_rss"
echo "INCR over $BIG keys / over $SMALL keys: $(ratio "$big_rps" "$small_rps")   (target >= 0.7x)"
echo "peak server RSS under the 50-client load: $(( (big_rss > small_rss ? big_rss : small_rss) / 1024 )) MiB   (target <= 32 MiB)"
