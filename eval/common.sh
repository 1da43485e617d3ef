# eval/common.sh - sourced by eval/<task>.sh: where things are.
# Each eval/<task>.sh builds predictions with the tidings binary and runs the
# task's scorer from ../shared/scorers/ on ../shared/data/<task>/, printing
# the scorer's output (its last line is the summary quoted in notes).
# Predictions go to eval/out/ (ignored by git).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${TD_SHARED:-$ROOT/../shared}
TIDINGS=${TIDINGS:-$ROOT/build/tidings}
OUT=$ROOT/eval/out
mkdir -p "$OUT"
if [ ! -d "$SHARED/data" ]; then
    echo "eval: $SHARED/data not found (set TD_SHARED)" >&2
    exit 2
fi
if [ ! -x "$TIDINGS" ]; then
    echo "eval: $TIDINGS not built (run make)" >&2
    exit 2
fi
