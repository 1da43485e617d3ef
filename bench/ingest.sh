#!/bin/sh
# bench/ingest.sh - ingest speed and query latency of the SQLite store.
#
#   bench/ingest.sh [COPIES] [RUNS]     (default 1112 copies = 100,080 documents, 5 runs)
#   QUERY_ONLY=1 bench/ingest.sh        (query latency on the database of the last run)
#
# Makes COPIES copies of the bundled sample corpus
# (data/sample/wikinews-meantime.jsonl, 90 articles), each copy's id made
# unique and its text altered (a sentence naming the copy is put in front),
# so no two documents are duplicates. Then, RUNS times each (median):
#   baseline  tidings extract --jobs 2 > /dev/null   (the pipeline, no store)
#   ingest    tidings ingest --jobs 2 into a new database
# and prints documents/s (wall clock) and the CPU seconds (user + sys).
# On the last database, query latency p50/p95 over 40 runs of each of
# search, quotes and timeline (each run is a whole `tidings` process, so
# start-up is included), with varied arguments.
# Targets (issue 7): ingest >= 3,000 documents/s on 2 cores; p95 < 50 ms.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=${TIDINGS:-$ROOT/build/tidings}
COPIES=${1:-1112}
RUNS=${2:-5}
OUT=${TMPDIR:-/tmp}/tidings-bench-ingest
mkdir -p "$OUT"
CORPUS=$OUT/corpus-$COPIES.jsonl
if [ ! -s "$CORPUS" ]; then
    awk -v N="$COPIES" '{l[NR] = $0} END {for (k = 0; k < N; k++) for (i = 1; i <= NR; i++) {
        s = l[i]; sub(/"id": "[^"]*/, "&-c" k, s);
        sub(/"text": "/, "&Copy " k " of the sample corpus. ", s); print s}}' \
        "$ROOT/data/sample/wikinews-meantime.jsonl" > "$CORPUS"
fi
docs=$(wc -l < "$CORPUS" | tr -d ' ')
bytes=$(wc -c < "$CORPUS" | tr -d ' ')
echo "corpus: $CORPUS, $docs documents, $bytes bytes; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# timed CMD...: "wall cpu" seconds of one run
timed() {
    /usr/bin/time -f '%e %U %S' -o "$OUT/time" "$@" > /dev/null 2>&1
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$OUT/time"
}
i=0
: > "$OUT/base"
: > "$OUT/ingest"
[ "${QUERY_ONLY:-0}" = 1 ] && [ -s "$OUT/bench.db" ] && RUNS=0 # latency on the last database
while [ $i -lt "$RUNS" ]; do
    timed "$T" extract --jobs 2 -q "$CORPUS" >> "$OUT/base"
    rm -f "$OUT/bench.db" "$OUT/bench.db-wal" "$OUT/bench.db-shm"
    timed "$T" ingest --jobs 2 -q --db "$OUT/bench.db" "$CORPUS" >> "$OUT/ingest"
    i=$((i + 1))
done
if [ "$RUNS" -gt 0 ]; then
bw=$(cut -d' ' -f1 "$OUT/base" | median)
bc=$(cut -d' ' -f2 "$OUT/base" | median)
iw=$(cut -d' ' -f1 "$OUT/ingest" | median)
ic=$(cut -d' ' -f2 "$OUT/ingest" | median)
size=$(du -m "$OUT/bench.db" | cut -f1)
awk -v d="$docs" -v bw="$bw" -v bc="$bc" -v iw="$iw" -v ic="$ic" -v sz="$size" 'BEGIN {
    printf "baseline extract --jobs 2  %7.0f docs/s  (%.1f s wall, %.1f s CPU)\n", d / bw, bw, bc
    printf "ingest --jobs 2            %7.0f docs/s  (%.1f s wall, %.1f s CPU; database %d MB)\n", d / iw, iw, ic, sz
    printf "store cost                 %7.0f us CPU per document\n", (ic - bc) / d * 1e6
}'
fi

# query latency
lat() { # lat NAME: read "cmd args" lines on stdin, print p50/p95 in ms
    name=$1
    : > "$OUT/lat"
    while IFS= read -r line; do
        s=$(date +%s%N)
        eval "\"$T\" $line --db \"$OUT/bench.db\"" > /dev/null 2>&1 || true
        e=$(date +%s%N)
        echo $(((e - s) / 1000)) >> "$OUT/lat"
    done
    sort -n "$OUT/lat" | awk -v n="$name" '{a[NR] = $1} END {
        printf "%-9s p50 %6.1f ms   p95 %6.1f ms   (%d runs)\n", n, a[int(NR * 0.5 + 0.5)] / 1000,
               a[int(NR * 0.95 + 0.5)] / 1000, NR}'
}
words="Boeing contract Airbus Apple iPod bankruptcy Chrysler tanker strike Jobs"
names="Boeing Airbus Apple GM Ford Chrysler EADS Jobs Obama Toyota"
k=0
while [ $k -lt 4 ]; do
    for w in $words; do echo "search $w --limit 20"; done
    k=$((k + 1))
done | lat search
k=0
while [ $k -lt 2 ]; do
    for w in $words; do echo "quotes --about $w --limit 50"; done
    for n in $names; do echo "quotes --speaker $n --limit 50"; done
    k=$((k + 1))
done | lat quotes
k=0
while [ $k -lt 4 ]; do
    for n in $names; do echo "timeline $n --by month"; done
    k=$((k + 1))
done | lat timeline
