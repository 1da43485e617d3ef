#!/bin/sh
# bench/events.sh - throughput of the events stage, in sentences per second
# on one core.
#
#   bench/events.sh [SENTENCES]      (default 200000)
#
# Method. A corpus of English news sentences is made from the bundled sample
# corpus (data/sample/wikinews-meantime.jsonl, CC BY 4.0): its body lines are
# split into sentences, one sentence a line, 25 lines a document, repeated
# until SENTENCES lines. `tidings extract --jobs 1 --no-lang` runs over it five
# times with the bundled Phoenix/CAMEO 2.0 dictionaries (the full coder) and
# five times with --event-dict pointing to an empty dictionary set (every
# other stage, and the events stage finding nothing: the baseline), in the
# same run. The events stage's cost is the difference of the medians, less
# the difference in start-up (dictionary loading), measured the same way on
# a one-document input and reported on its own. sentences/s = SENTENCES /
# that cost. Times are CPU seconds (user + system, from /usr/bin/time) of
# the single-threaded process, not wall-clock time, so that other processes
# on a shared machine do not blur the difference of two long runs.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=${TIDINGS:-$ROOT/build/tidings}
N=${1:-200000}
OUT=${TMPDIR:-/tmp}/tidings-bench-events
mkdir -p "$OUT/empty-dict"
CORPUS=$OUT/sentences-$N.jsonl
printf 'verbs = v.txt\nactors = a.txt\nagents = g.txt\ndiscards = d.txt\n' >"$OUT/empty-dict/dictionaries.ini"
for f in v a g d; do : >"$OUT/empty-dict/$f.txt"; done
if [ ! -s "$CORPUS" ]; then
    python3 - "$ROOT/data/sample/wikinews-meantime.jsonl" "$CORPUS" "$N" <<'PY'
import json, re, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sents = []
for line in open(src, encoding="utf-8"):
    for para in json.loads(line)["text"].split("\n"):
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para.strip()):
            if len(s.split()) >= 5:
                sents.append(s)
k = 0
with open(out, "w", encoding="utf-8") as f:
    while k < n:
        chunk = [sents[(k + i) % len(sents)] for i in range(min(25, n - k))]
        f.write(json.dumps({"id": "s%d" % k, "text": "\n".join(chunk), "date": "2022-11-18"}) + "\n")
        k += len(chunk)
PY
fi
echo '{"id": "one", "text": "Russia and China signed an agreement on Friday."}' >"$OUT/one.jsonl"
echo "corpus: $CORPUS, $N sentences, $(wc -c <"$CORPUS") bytes"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # CPU seconds of one run of "$@"
    /usr/bin/time -f "%U %S" -o "$OUT/time.txt" "$@" >/dev/null
    awk '{print $1 + $2}' "$OUT/time.txt"
}
run5() {
    i=0
    while [ $i -lt 5 ]; do timeit "$@"; i=$((i + 1)); done | median
}
base=$(run5 "$T" extract --jobs 1 --no-lang -q --event-dict "$OUT/empty-dict" "$CORPUS")
full=$(run5 "$T" extract --jobs 1 --no-lang -q "$CORPUS")
base1=$(run5 "$T" extract --jobs 1 --no-lang -q --event-dict "$OUT/empty-dict" "$OUT/one.jsonl")
full1=$(run5 "$T" extract --jobs 1 --no-lang -q "$OUT/one.jsonl")
awk -v n="$N" -v b="$base" -v f="$full" -v b1="$base1" -v f1="$full1" 'BEGIN {
    load = f1 - b1; cost = (f - b) - load
    if (cost <= 0) cost = 1e-9
    printf "extract, empty dictionaries (baseline)  %.3f s  %9.0f sentences/s\n", b, n / b
    printf "extract, Phoenix dictionaries           %.3f s  %9.0f sentences/s\n", f, n / f
    printf "dictionary load (start-up difference)   %.3f s\n", load
    printf "events stage alone                      %.3f s  %9.0f sentences/s  (%.2f us/sentence)\n", cost, n / cost, cost / n * 1e6
}'
