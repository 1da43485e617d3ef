#!/bin/sh
# bench/ner.sh - entity recognition speed in tokens/s (median of 5).
#
#   bench/ner.sh [BUILD_DIR] [SIZE_MB]     (default build, 20)
#
# Method: bench/bench_ner.c is compiled here against BUILD_DIR/libtidings.a
# (no CMake change). It loads a corpus made by repeating the bundled sample
# (data/sample/wikinews-meantime.jsonl) to SIZE_MB, runs the stages before the
# entities stage untimed, then times td_entities_run alone on every document,
# five passes, and prints the median tokens/s per core (the time is the
# thread's CPU time, CLOCK_THREAD_CPUTIME_ID, so other load on the machine
# does not inflate it).
# Baseline in the same run: the timed region with nothing in it (timer cost),
# subtracted. For scale the script also prints the CPU time of the whole
# pipeline on the same corpus (`tidings extract --jobs 1 --no-lang`).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
SIZE=${2:-20}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
OUT=${TMPDIR:-/tmp}/tidings-bench-ner
mkdir -p "$OUT"
CORPUS=$OUT/corpus-$SIZE.jsonl
if [ ! -s "$CORPUS" ]; then
    python3 - "$ROOT/data/sample/wikinews-meantime.jsonl" "$CORPUS" "$SIZE" <<'PY'
import json, sys
src, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1000000
docs = [json.loads(l) for l in open(src, encoding="utf-8")]
n = k = 0
with open(out, "w", encoding="utf-8") as f:
    while n < size:
        for d in docs:
            line = json.dumps({"id": "%s-%d" % (d.get("id", "d"), k), "text": d["text"]}) + "\n"
            f.write(line); n += len(line)
        k += 1
PY
fi
BIN=$OUT/bench_ner
# shellcheck disable=SC2046
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$ROOT/include" -I"$ROOT/src" \
    "$ROOT/bench/bench_ner.c" "$BUILD/libtidings.a" \
    $(pkg-config --libs libutf8proc sqlite3 zlib libxml-2.0 libpcre2-8 libexttextcat) \
    $(pkg-config --libs libmicrohttpd 2>/dev/null || true) -lpthread -lm -o "$BIN"
"$BIN" "$CORPUS" 5
if [ -x "$BUILD/tidings" ]; then
    /usr/bin/time -f "whole pipeline, one run: %U s user + %S s system CPU" \
        "$BUILD/tidings" extract --jobs 1 --no-lang "$CORPUS" >/dev/null
    echo "corpus bytes: $(wc -c <"$CORPUS")"
fi
