#!/usr/bin/env bash
# The long random differential run: N seeded random commands sent to a fresh
# redis-server and a fresh tally-server, in RESP2 and then in RESP3, every
# reply compared byte for byte (Tests/IntegrationTests/RandomDifferential*).
#
#   scripts/fuzz-diff.sh [SEED] [N]
#
# SEED: decimal or 0x-hex; empty or "random" picks one (printed). N: commands
# per protocol, default 200000. On the first divergence it prints the seed,
# the command's index, the command, both replies, a shrunk reproduction, and
# how to replay it (the same SEED with N = index + 1), and exits non-zero.
#
# Environment: TALLY_FUZZ_DIFF_RESP=2|3|both (default both);
# TALLY_SERVER_BIN (default: the debug build this script makes);
# SWIFT_SCRATCH_PATH (a --scratch-path for swift build/test); SWIFT (swift).
set -euo pipefail
cd "$(dirname "$0")/.."

seed="${1:-${SEED:-}}"
count="${2:-${N:-200000}}"
if [ -z "$seed" ] || [ "$seed" = random ]; then
  seed=$(( $(od -An -N4 -tu4 /dev/urandom) ))
fi
case "$count" in
  ''|*[!0-9]*) echo "fuzz-diff: N must be a positive number, not '$count'" >&2; exit 2;;
esac

swift="${SWIFT:-swift}"
scratch=()
if [ -n "${SWIFT_SCRATCH_PATH:-}" ]; then scratch=(--scratch-path "$SWIFT_SCRATCH_PATH"); fi

command -v redis-server >/dev/null 2>&1 || { echo "fuzz-diff: redis-server not found: install Debian's redis-server (make deps does)" >&2; exit 1; }

"$swift" build "${scratch[@]}" --build-tests
bin="${TALLY_SERVER_BIN:-$("$swift" build "${scratch[@]}" --show-bin-path)/tally-server}"

echo "fuzz-diff: seed $seed, $count commands per protocol (replay: scripts/fuzz-diff.sh $seed $count)"
status=0
TALLY_FUZZ_DIFF_SEED="$seed" TALLY_FUZZ_DIFF_N="$count" TALLY_SERVER_BIN="$bin" \
  "$swift" test "${scratch[@]}" --skip-build --filter RandomDifferentialLongRunTests || status=$?
if [ "$status" = 0 ]; then
  echo "fuzz-diff: seed $seed: no divergence in $count commands per protocol"
else
  echo "fuzz-diff: seed $seed: FAILED (see the first divergence above; replay with the N it names)" >&2
fi
exit "$status"
