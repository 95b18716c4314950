#!/usr/bin/env bash
# Builds the libFuzzer binaries into .build/fuzz/: request-parser,
# reply-parser, http-request-parser and commands.
#
# SwiftPM cannot link an executable with -sanitize=fuzzer (its renamed entry
# point clashes with libFuzzer's main, and the build-tool plugin's own
# executable would get libFuzzer's main too). So SwiftPM compiles the
# FuzzTargets library and its dependencies with AddressSanitizer and
# libFuzzer's coverage instrumentation (what -sanitize=fuzzer adds when
# compiling), and each fuzzer is linked here from Fuzz/Entry/<name>.swift
# with `swiftc -sanitize=fuzzer,address`.
#
# -enable-testing lets FuzzTargets `@testable import RESPServer` in an
# optimized build; -DTALLY_FUZZING selects the real command target.
#
#   Fuzz/build.sh            build every fuzzer
#   SWIFT=... SWIFTC=...     other toolchain binaries

set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SWIFTC=${SWIFTC:-swiftc}
SCRATCH=.build/fuzz
COVERAGE=edge,trace-cmp,inline-8bit-counters,pc-table
TARGETS=(request-parser reply-parser http-request-parser commands)
# The library's modules and their object files, in link order.
MODULES=(FuzzTargets RESPServer Store RESP HTTP EventLoop Logging CSystem)

# ld.gold warns once per ASan helper symbol ("Cannot export local symbol");
# the warnings are harmless and would bury real errors. (pipefail keeps
# the compiler's exit status.)
quiet() { grep -v "Cannot export local symbol" || true; }

"$SWIFT" build --scratch-path "$SCRATCH" -c release --target FuzzTargets \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage="$COVERAGE" \
    -Xswiftc -enable-testing -Xswiftc -DTALLY_FUZZING \
    -Xcc -fsanitize=fuzzer-no-link,address \
    2>&1 | quiet

BIN="$SCRATCH/release"
# The objects of the sources SwiftPM compiled this time (its `sources` list),
# not every *.o in the directory: a renamed or deleted source leaves its old
# object behind.
objects=()
for module in "${MODULES[@]}"; do
    dir="$BIN/$module.build"
    if [ -f "$dir/sources" ]; then
        while IFS= read -r source; do
            objects+=("$dir/$(basename "$source").o")
        done < "$dir/sources"
    else
        objects+=("$dir"/*.c.o)
    fi
done
for object in "${objects[@]}"; do
    [ -f "$object" ] || { echo "Fuzz/build.sh: missing $object" >&2; exit 1; }
done

for target in "${TARGETS[@]}"; do
    "$SWIFTC" -O -sanitize=fuzzer,address -parse-as-library "Fuzz/Entry/$target.swift" \
        -I "$BIN/Modules" \
        -Xcc -fmodule-map-file="$BIN/CSystem.build/module.modulemap" -Xcc -ISources/CSystem/include \
        -Xcc -fmodule-map-file=Sources/CSQLite/module.modulemap \
        "${objects[@]}" -lsqlite3 -o "$SCRATCH/$target" \
        2>&1 | quiet
    echo "built $SCRATCH/$target"
done
