#!/bin/sh
# bench/html.sh - HTML main-text extraction speed, side by side in one run on
# the same pages (the extract dev set, ../shared/data/extract/input.jsonl):
#   tidings extract (the whole pipeline, one thread: --jobs 1)
#   Mozilla Readability 0.6.0 + jsdom 27.0.0 (node, bench/readability.js)
#   readability-lxml (Debian python3-readability, libxml2 underneath)
# Each is timed as a whole process (start-up included), median of 5 runs
# (RUNS=n to change); pages/s and MB/s of HTML, and tidings' ratios.
# The peers are installed here on demand; they are never runtime
# dependencies of tidings.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${TD_SHARED:-$ROOT/../shared}
TIDINGS=${TIDINGS:-$ROOT/build/tidings}
IN=${1:-$SHARED/data/extract/input.jsonl}
RUNS=${RUNS:-5}
cd "$ROOT/bench"
[ -x "$TIDINGS" ] || { echo "bench: $TIDINGS not built" >&2; exit 2; }
if [ ! -d node_modules/@mozilla/readability ] || [ ! -d node_modules/jsdom ]; then
    npm install --no-audit --no-fund >/dev/null
fi
if ! /usr/bin/python3 -c 'import readability' 2>/dev/null; then
    apt-get install -y python3-readability >/dev/null
fi
PAGES=$(grep -c . "$IN")
BYTES=$(/usr/bin/python3 -c '
import json, sys
print(sum(len(json.loads(l)["html"].encode()) for l in open(sys.argv[1]) if l.strip()))' "$IN")

# median of RUNS runs of a command: "wall cpu" seconds (cpu = user + sys of
# the process and its children; on a loaded machine it is the steadier one)
median() {
    for i in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S" -o "$TMPF" "$@" >/dev/null 2>&1 || true
        awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$TMPF"
    done | sort -n -k2 | awk '{w[NR]=$1; c[NR]=$2} END {m=int((NR+1)/2); print w[m], c[m]}'
}
TMPF=$(mktemp)
trap 'rm -f "$TMPF" "$READER_BIN"' EXIT

# tidings' reader alone (HTML decoding, parsing, metadata, main text: the
# work the peers do), built here against the library of the same build
BUILD_DIR=$(dirname "$TIDINGS")
READER_BIN=$(mktemp)
cat > "$READER_BIN.c" <<'C'
#include "tidings.h"
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        td_reader *rd;
        if (td_reader_open(argv[i], NULL, &rd) != TD_OK)
            return 1;
        td_doc *d;
        td_status st;
        while ((st = td_reader_next(rd, &d)) != TD_EOF)
            if (st == TD_OK)
                td_doc_free(d);
        td_reader_free(rd);
    }
    return 0;
}
C
MHD=$(pkg-config --exists libmicrohttpd && pkg-config --libs libmicrohttpd || true)
cc -O2 -I"$ROOT/include" -o "$READER_BIN" "$READER_BIN.c" "$BUILD_DIR/libtidings.a" \
    $(pkg-config --libs libxml-2.0 libutf8proc sqlite3 zlib libpcre2-8 libexttextcat) $MHD \
    -lpthread -lm
rm -f "$READER_BIN.c"

LXML_PY='
import json, sys
from readability import Document
for l in open(sys.argv[1]):
    if l.strip():
        o = json.loads(l)
        try:
            Document(o["html"]).summary()
        except Exception:
            pass'

T_TD=$(median "$TIDINGS" extract --jobs 1 "$IN")
T_RE=$(median "$READER_BIN" "$IN")
T_RD=$(median node readability.js "$IN")
T_LX=$(median /usr/bin/python3 -c "$LXML_PY" "$IN")
report() { # NAME "WALL CPU"
    echo "$2" | awk -v n="$1" -v p="$PAGES" -v b="$BYTES" '{
        printf "%-26s wall %7.2f s cpu %7.2f s  %8.1f pages/s %7.2f MB/s (by cpu)\n",
               n, $1, $2, p / $2, b / $2 / 1e6 }'
}
echo "pages $PAGES, HTML $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB, median of $RUNS runs, load $(cut -d' ' -f1 /proc/loadavg)"
report "tidings reader only" "$T_RE"
report "tidings extract --jobs 1" "$T_TD"
report "Readability + jsdom" "$T_RD"
report "readability-lxml" "$T_LX"
echo "$T_RE $T_TD $T_RD $T_LX" | awk '{
    printf "reader only, speed-up (cpu):  %5.1fx Readability+jsdom, %4.1fx readability-lxml\n", $6 / $2, $8 / $2
    printf "reader only, speed-up (wall): %5.1fx Readability+jsdom, %4.1fx readability-lxml\n", $5 / $1, $7 / $1
    printf "whole pipeline, speed-up (cpu): %5.1fx Readability+jsdom, %4.1fx readability-lxml\n", $6 / $4, $8 / $4 }'
