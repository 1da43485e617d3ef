#!/bin/sh
# bench/time.sh - throughput of the time stage (median of 5 runs), with the
# stages before it (normalize, layout, segment) measured in the same run as
# the baseline.  Input: the sample corpus and the time dev texts, repeated.
#
#   bench/time.sh [BUILD_DIR]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
SHARED=${TD_SHARED:-$ROOT/../shared}
TMP=${TMPDIR:-/tmp}/td_bench_time.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$ROOT/include" -I"$ROOT/src" \
    "$ROOT/bench/bench_time.c" "$BUILD/libtidings.a" \
    $(pkg-config --libs libutf8proc sqlite3 zlib libxml-2.0 libpcre2-8 libexttextcat) \
    $(pkg-config --libs libmicrohttpd 2>/dev/null || true) -lpthread -lm -o "$TMP/bench_time"
for i in 1 2 3 4 5 6 7 8 9 10; do
    cat "$SHARED/data/sample/wikinews-meantime.jsonl" "$SHARED/data/time/input.jsonl"
done > "$TMP/in.jsonl"
for run in 1 2 3 4 5; do
    "$TMP/bench_time" "$TMP/in.jsonl"
done | sort -t'(' -k2 -n | sed -n 3p | sed 's/^/median: /'
