#!/bin/sh
# tests/run.sh - the whole test suite against one build.
#
#   tests/run.sh [BUILD_DIR]     (default: build; `make` variants: build-asan, build-tsan)
#
# Runs, in order: the unit tests (tests/unit/test_*.c), the golden tests
# (tests/golden/*/: `args` holds the arguments of `tidings extract` run in
# that folder, `expected.jsonl` the whole expected output), the hostile-input
# tests (tests/hostile/run.sh) and the CLI tests (tests/cli/*.sh).
# The last line is "N passed, N failed"; the exit status is 0 only when
# nothing failed.
#
# To regenerate the golden files on purpose (after a deliberate change of
# output, reviewed with `git diff tests/golden`):
#   UPDATE_GOLDEN=1 tests/run.sh
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
TIDINGS="$ROOT/$BUILD/tidings"
export TIDINGS ROOT BUILD
if [ ! -x "$TIDINGS" ]; then
    echo "tests/run.sh: $TIDINGS is not built (run make)" >&2
    exit 2
fi
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# 1. unit tests: each binary prints "FILE: N passed, N failed"
for t in "$BUILD"/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    rc=$?
    line=$(printf '%s\n' "$out" | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        fail "$t crashed or printed no summary (exit $rc)"
        printf '%s\n' "$out" | tail -n 20
        continue
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" != 0 ] || [ "$f" != 0 ]; then
        [ "$f" = 0 ] && failed=$((failed + 1))
        echo "FAIL: $t"
        printf '%s\n' "$out" | tail -n 30
    fi
done

# 2. golden tests
for d in tests/golden/*/; do
    [ -f "$d/args" ] || continue
    name=$(basename "$d")
    got=$(cd "$d" && eval "\"$TIDINGS\" extract --jobs 2 $(cat args)" 2>/dev/null)
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        printf '%s\n' "$got" > "$d/expected.jsonl"
        echo "golden: regenerated $name"
    fi
    if printf '%s\n' "$got" | cmp -s - "$d/expected.jsonl"; then
        pass
    else
        fail "golden $name (diff expected got):"
        printf '%s\n' "$got" | diff "$d/expected.jsonl" - | head -n 20
    fi
done

# 3. hostile inputs and CLI behaviour: scripts print "N passed, N failed" last
for s in tests/hostile/run.sh tests/cli/*.sh; do
    [ -f "$s" ] || continue
    out=$(sh "$s" 2>&1)
    line=$(printf '%s\n' "$out" | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        fail "$s printed no summary"
        printf '%s\n' "$out" | tail -n 20
        continue
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" != 0 ] && printf '%s\n' "$out" | grep -E '^(FAIL|not ok)' | head -n 30
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
