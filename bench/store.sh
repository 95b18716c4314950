#!/usr/bin/env bash
# tally-server against redis-server, side by side in one run, alternating:
# redis-benchmark -c 50 -r 100000 for INCR, GET, SET at -P 1 and -P 16.
#   fsync always  vs  redis --appendonly yes --appendfsync always
#   fsync no      vs  redis --save '' --appendonly no
# Usage: bench/store.sh [REQUESTS]   (default 100000 per test)
source "$(dirname "$0")/lib.sh"
need redis-server redis-benchmark
REQUESTS=${1:-100000}
release_binaries

# rps PORT TEST PIPELINE: requests per second from redis-benchmark's CSV.
rps() {
    redis-benchmark -p "$1" -c 50 -r 100000 -n "$REQUESTS" -P "$3" -t "$2" --csv 2>/dev/null \
        | awk -F'","' 'NR==2 {gsub(/"/, "", $2); print $2}'
}

printf '%-8s %-6s %-4s %14s %14s %8s\n' mode test P tally_rps redis_rps ratio
for mode in always no; do
    tport=$(free_port); start_tally "$tport" "$mode"; tpid=$LAST_PID
    rport=$(free_port)
    if [ "$mode" = always ]; then
        start_redis "$rport" --save '' --appendonly yes --appendfsync always
    else
        start_redis "$rport" --save '' --appendonly no
    fi
    rpid=$LAST_PID
    for pipeline in 1 16; do
        for test in incr get set; do
            t=$(rps "$tport" "$test" "$pipeline")
            r=$(rps "$rport" "$test" "$pipeline")
            printf '%-8s %-6s %-4s %14s %14s %8s\n' "$mode" "$test" "$pipeline" "$t" "$r" "$(ratio "$t" "$r")"
        done
    done
    stop_pid "$tpid"; stop_pid "$rpid"
done
