#!/bin/sh
# bench/extract.sh - throughput of `tidings extract` (the whole pipeline).
#
#   bench/extract.sh [SIZE_MB]      (default 200)
#
# Makes a corpus of at least SIZE_MB by repeating the bundled sample corpus
# (data/sample/wikinews-meantime.jsonl, ids made unique) and the reference
# article in text layout, then times `tidings extract` with --jobs 1 and
# --jobs 2, five runs each, and prints the median MB/s and documents/s.
# Baseline in the same run: `wc -l` over the same file (the cost of just
# reading the bytes), so the ratio says how far above raw I/O the pipeline is.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=${TIDINGS:-$ROOT/build/tidings}
SIZE=${1:-200}
OUT=${TMPDIR:-/tmp}/tidings-bench
mkdir -p "$OUT"
CORPUS=$OUT/corpus-$SIZE.jsonl
if [ ! -s "$CORPUS" ]; then
    python3 - "$ROOT/data/sample/wikinews-meantime.jsonl" "$ROOT/data/sample/lavrov.txt" "$CORPUS" "$SIZE" <<'PY'
import json, sys
src, lav, out, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) * 1000000
docs = [json.loads(l) for l in open(src, encoding="utf-8")]
docs.append({"id": "lavrov", "text": open(lav, encoding="utf-8").read()})
n = 0; k = 0
with open(out, "w", encoding="utf-8") as f:
    while n < size:
        for d in docs:
            d2 = dict(d); d2["id"] = "%s-%d" % (d["id"], k)
            line = json.dumps(d2, ensure_ascii=False) + "\n"
            f.write(line); n += len(line.encode())
        k += 1
PY
fi
bytes=$(wc -c <"$CORPUS")
docs=$(wc -l <"$CORPUS")
echo "corpus: $CORPUS, $bytes bytes, $docs documents"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # prints seconds of one run of "$@"
    s=$(date +%s.%N)
    "$@" >/dev/null
    e=$(date +%s.%N)
    echo "$e - $s" | bc -l
}
run5() {
    i=0
    while [ $i -lt 5 ]; do timeit "$@"; i=$((i + 1)); done | median
}
base=$(run5 wc -l "$CORPUS")
j1=$(run5 "$T" extract --jobs 1 -q "$CORPUS")
j2=$(run5 "$T" extract --jobs 2 -q "$CORPUS")
awk -v b="$bytes" -v d="$docs" -v base="$base" -v j1="$j1" -v j2="$j2" 'BEGIN {
    printf "baseline wc -l      %8.1f MB/s\n", b / base / 1e6
    printf "extract --jobs 1    %8.1f MB/s  %8.0f docs/s  (%.3f s, %.1fx slower than wc)\n", b / j1 / 1e6, d / j1, j1, j1 / base
    printf "extract --jobs 2    %8.1f MB/s  %8.0f docs/s  (%.3f s, speed-up %.2fx over --jobs 1)\n", b / j2 / 1e6, d / j2, j2, j1 / j2
}'
