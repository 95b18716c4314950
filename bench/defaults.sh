#!/usr/bin/env bash
# redis-benchmark's whole default test set (no -t: PING, SET, GET, INCR, the
# list, set, hash and sorted-set tests, LRANGE_100..600, MSET) against
# tally-server --fsync always and redis-server --appendonly yes
# --appendfsync always, in one run, and the ratio per test. redis-benchmark
# stops at the first error reply, so this is also the check that every
# default test runs on Tally.
# Usage: bench/defaults.sh [REQUESTS]   (default 50000 per test)
source "$(dirname "$0")/lib.sh"
need redis-server redis-benchmark
REQUESTS=${1:-50000}
release_binaries

# results PORT FILE: "test,rps" lines from redis-benchmark's CSV.
results() {
    redis-benchmark -p "$1" -n "$REQUESTS" --csv 2>/dev/null \
        | awk -F'","' 'NR > 1 {gsub(/"/, "", $1); gsub(/"/, "", $2); print $1 "," $2}' > "$2"
}

tport=$(free_port); start_tally "$tport" always; tpid=$LAST_PID
rport=$(free_port); start_redis "$rport" --save '' --appendonly yes --appendfsync always; rpid=$LAST_PID
results "$tport" "$WORK/tally.csv"
results "$rport" "$WORK/redis.csv"
stop_pid "$tpid"; stop_pid "$rpid"

tests=$(wc -l < "$WORK/tally.csv")
[ "$tests" -gt 0 ] || { echo "bench: redis-benchmark produced nothing against tally-server" >&2; exit 1; }
printf '%-40s %12s %12s %8s\n' test tally_rps redis_rps ratio
while IFS=, read -r test t; do
    r=$(awk -F, -v t="$test" '$1 == t {print $2; exit}' "$WORK/redis.csv")
    printf '%-40s %12s %12s %8s\n' "$test" "$t" "${r:-n/a}" "$(ratio "$t" "${r:-0}")"
done < "$WORK/tally.csv"
echo "($tests tests; tally-server --fsync always, redis-server appendfsync always; $REQUESTS requests each, 50 clients)"
