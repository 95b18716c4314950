#!/usr/bin/env bash
# Runs each fuzzer built by Fuzz/build.sh for a quarter of TOTAL seconds, one
# after another, and prints the executions per target and in total.
#
#   Fuzz/run.sh TOTAL [TARGET...]    default: every target
#
# Corpus:  Fuzz/Corpus/<target>/; the committed seeds are seed-*, what
#          libFuzzer adds (named by hash) stays there for the next run and
#          is ignored by git.
# Crashes: Fuzz/Crashes/<target>-crash-*, -timeout-*, -oom-* (ignored by
#          git). After a crash the target is restarted for the rest of its
#          time, at most FUZZ_RESTARTS (3) times.
# Logs:    .build/fuzz/logs/<target>.log
#
# Exits 1 when any target crashed, hung or ran out of memory.
#
# AddressSanitizer records no allocation stacks (malloc_context_size=0),
# which makes the parsers' fuzzers about a third faster; re-run a crash
# input with ASAN_OPTIONS= set to something else for the full report.

set -uo pipefail
cd "$(dirname "$0")/.."

TOTAL=${1:?usage: Fuzz/run.sh TOTAL_SECONDS [TARGET...]}
shift
case "$TOTAL" in (*[!0-9]*|'') echo "Fuzz/run.sh: TOTAL_SECONDS must be a whole number" >&2; exit 2;; esac
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(request-parser reply-parser http-request-parser commands)
RESTARTS=${FUZZ_RESTARTS:-3}
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}

BIN=.build/fuzz
LOGS=$BIN/logs
mkdir -p "$LOGS" Fuzz/Crashes

# Per target: the dictionary, the longest input, and the per-input timeout.
# 1 KiB keeps parser inputs under the default limits (64 KiB inline, 8 KiB
# request line), so the whole-versus-one-byte-per-read properties are exact,
# while the small limits the targets also apply reach every "too big" path;
# it fits 100 header lines or 64 nested aggregates, or a hundred commands.
# Longer inputs mostly cost time: one byte per read is quadratic in a line's
# length for ReplyParser, which rescans an incomplete line from its start.
options() {
    case "$1" in
    request-parser)      echo "-dict=Fuzz/Dictionaries/resp.dict -max_len=1024 -timeout=10" ;;
    reply-parser)        echo "-dict=Fuzz/Dictionaries/resp.dict -max_len=1024 -timeout=10" ;;
    http-request-parser) echo "-dict=Fuzz/Dictionaries/http.dict -max_len=1024 -timeout=10" ;;
    commands)            echo "-dict=Fuzz/Dictionaries/commands.dict -max_len=1024 -timeout=20" ;;
    *) return 1 ;;
    esac
}

for target in "${TARGETS[@]}"; do
    options "$target" >/dev/null || { echo "Fuzz/run.sh: unknown target $target" >&2; exit 2; }
    [ -x "$BIN/$target" ] || { echo "Fuzz/run.sh: $BIN/$target is missing: run Fuzz/build.sh" >&2; exit 2; }
done

# Stopped early: stop the running fuzzer too and remove its database.
child=
workdir=
trap '[ -n "$child" ] && kill "$child" 2>/dev/null; [ -n "$workdir" ] && rm -rf "$workdir"; exit 130' INT TERM

per_target=$(( TOTAL / 4 ))
[ "$per_target" -ge 1 ] || per_target=1
grand_total=0
failed=0

for target in "${TARGETS[@]}"; do
    corpus=Fuzz/Corpus/$target
    log=$LOGS/$target.log
    mkdir -p "$corpus"
    : > "$log"
    executions=0
    problems=0
    started=$(date +%s)
    attempt=0
    while :; do
        left=$(( per_target - ($(date +%s) - started) ))
        [ "$left" -ge 1 ] || break
        # The command target's database lives here (tmpfs when there is one).
        workdir=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp )/tally-fuzz-XXXXXX")
        # shellcheck disable=SC2046
        TALLY_FUZZ_DIR=$workdir "$BIN/$target" $(options "$target") \
            -max_total_time="$left" -print_final_stats=1 \
            -artifact_prefix="Fuzz/Crashes/$target-" "$corpus" >"$log.run" 2>&1 &
        child=$!
        wait "$child"
        status=$?
        child=
        rm -rf "$workdir"
        workdir=
        cat "$log.run" >>"$log"
        # libFuzzer prints its final stats on a normal end and on a crash alike.
        runs=$(awk '/^stat::number_of_executed_units:/ { n = $2 } END { print n + 0 }' "$log.run")
        executions=$(( executions + runs ))
        [ "$status" -eq 0 ] && break
        problems=$(( problems + 1 ))
        grep -E 'Test unit written to|==ERROR|SUMMARY|Fatal error|fuzz invariant' "$log.run" | tail -n 4 | sed "s/^/  $target: /"
        attempt=$(( attempt + 1 ))
        [ "$attempt" -le "$RESTARTS" ] || break
    done
    elapsed=$(( $(date +%s) - started ))
    entries=$(find "$corpus" -type f | wc -l)
    printf '%-20s %12d executions in %5d s (%d/s), corpus %d, crashes %d\n' \
        "$target" "$executions" "$elapsed" "$(( executions / (elapsed > 0 ? elapsed : 1) ))" "$entries" "$problems"
    rm -f "$log.run"
    grand_total=$(( grand_total + executions ))
    [ "$problems" -eq 0 ] || failed=1
done

printf '%-20s %12d executions\n' "total" "$grand_total"
exit "$failed"
