#!/bin/sh
# tests/cli/serve.sh - tidings serve: the query commands over HTTP.
#
# Ingests the store fixture corpus and the reference article, starts
# `tidings serve --port 0` (a free port, read from its start-up line), and
# checks that every endpoint answers exactly what the command line prints
# with --format json (or csv), the HTTP status of each kind of error,
# concurrent requests, and a clean stop on SIGTERM. The HTTP client is
# python3's urllib (no curl needed).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
TIDINGS=${TIDINGS:-$ROOT/$BUILD/tidings}
. "$ROOT/tests/hostile/lib.sh"
T=$TIDINGS
cd "$ROOT" || exit 2

if ! "$T" serve --help >/dev/null 2>&1; then
    echo "serve: built without libmicrohttpd, skipped"
    check "serve says why it is missing" sh -c "\"$T\" serve 2>&1 | grep -q libmicrohttpd"
    summary
    [ "$failed" -eq 0 ]
    exit
fi

DB=$TMP/serve.db
"$T" ingest -q --db "$DB" tests/fixtures/store/corpus.jsonl data/sample/lavrov.txt 2>/dev/null

# The requests, one line each: NAME METHOD PATH. fetch runs them all in one
# python3 (lines whose NAME starts with "par" at the same time, on threads)
# and leaves each body in $TMP/NAME.http and "STATUS CONTENT-TYPE" in
# $TMP/NAME.st.
fetch() {
    python3 - "http://127.0.0.1:$PORT" "$TMP" <<'PY'
import sys, os, urllib.request, urllib.error
from concurrent.futures import ThreadPoolExecutor
base, tmp = sys.argv[1], sys.argv[2]
def one(line):
    name, method, path = line.split(" ", 2)
    req = urllib.request.Request(base + path, method=method,
                                 data=b"x" if method == "POST" else None)
    try:
        r = urllib.request.urlopen(req, timeout=60)
        code, body, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        code, body, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
    open(os.path.join(tmp, name + ".http"), "wb").write(body)
    open(os.path.join(tmp, name + ".st"), "w").write("%d %s" % (code, ctype))
lines = [l.rstrip("\n") for l in open(os.path.join(tmp, "requests")) if l.strip()]
for l in lines:
    if not l.startswith("par"):
        one(l)
with ThreadPoolExecutor(16) as ex:
    list(ex.map(one, [l for l in lines if l.startswith("par")]))
PY
}
req() { echo "$1 ${3:-GET} $2" >> "$TMP/requests"; }
st() { cat "$TMP/$1.st"; }

"$T" serve --db "$DB" --port 0 -q 2>"$TMP/serve.log" &
SPID=$!
i=0
while [ $i -lt 100 ] && ! grep -q 'http://' "$TMP/serve.log" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/serve.log")
check "serve prints its address" test -n "$PORT"

req quotes "/quotes?speaker=lavrov&kind=direct"
req quotes_range "/quotes?speaker=lavrov&from=2022-11-01&to=2022-11-30&limit=3"
req search "/search?q=sanctions%20drive&limit=5"
req entities "/entities?type=person&top=5"
req timeline "/timeline?name=lavrov&by=month"
req csv "/entities?top=3&format=csv"
req index "/"
req health "/health"
req none "/quotes?speaker=nobody-at-all-here"
k=0
for p in "/search" "/search?q=x&bogus=1" "/search?q=-x" "/quotes?kind=bogus" \
    "/search?q=x&format=xml" "/documents/no-such-document" "/nothing/here"; do
    k=$((k + 1))
    req "err$k" "$p"
done
req post "/search?q=x" POST
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
    req "par$k" "/quotes?speaker=lavrov&kind=direct"
done
fetch
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["document"])' "$TMP/quotes.http")
: > "$TMP/requests"
req show "/documents/$ID"
fetch

# same NAME CLI-ARGS...: the endpoint answered 200 and the CLI's bytes.
same() {
    nm=$1
    shift
    "$T" "$@" --db "$DB" > "$TMP/$nm.cli" 2>/dev/null
    check "$nm: 200" test "$(cut -d' ' -f1 < "$TMP/$nm.st")" = 200
    check "$nm: same bytes as the command line" cmp -s "$TMP/$nm.http" "$TMP/$nm.cli"
    check "$nm: not empty" test -s "$TMP/$nm.http"
}
same quotes quotes --format json --speaker lavrov --kind direct
same quotes_range quotes --format json --speaker lavrov --from 2022-11-01 --to 2022-11-30 --limit 3
same search search --format json --limit 5 "sanctions drive"
same entities entities --format json --type person --top 5
same timeline timeline --format json --by month lavrov
same show show --format json "$ID"
check "eight direct quotes of Lavrov over HTTP" \
    test "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/quotes.http")" = 8

"$T" entities --db "$DB" --top 3 --format csv > "$TMP/csv.cli"
check "format=csv: text/csv" test "$(st csv)" = "200 text/csv; charset=utf-8"
check "format=csv: the CLI's CSV" cmp -s "$TMP/csv.http" "$TMP/csv.cli"
check "index: 200 JSON" test "$(st index)" = "200 application/json"
check "index lists /quotes" grep -q '"/quotes"' "$TMP/index.http"
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["documents"])' "$TMP/health.http")
m=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from documents").fetchone()[0])' "$DB")
check "health: 200" test "$(st health | cut -d' ' -f1)" = 200
check "health counts the documents ($n = $m)" test "$n" = "$m"

# expect NAME STATUS: the answer's status, and an {"error": ...} body.
expect() {
    check "$1 -> $2 (got $(st "$1"))" test "$(st "$1" | cut -d' ' -f1)" = "$2"
    check "$1: error message" grep -q '"error":"' "$TMP/$1.http"
}
expect err1 400 # no q
expect err2 400 # unknown parameter
expect err3 400 # leading '-'
expect err4 400 # the command's own usage error
expect err5 400 # format
expect err6 404 # no such document
expect err7 404 # no such endpoint
expect post 405
check "no match: 200 with an empty list" test "$(st none | cut -d' ' -f1)" = 200
check "no match: []" test "$(tr -d '\n' < "$TMP/none.http")" = "[]"
par_ok=1
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
    st "par$k" | grep -q '^200 ' && cmp -s "$TMP/par$k.http" "$TMP/quotes.cli" || par_ok=0
done
check "16 concurrent requests all right" test $par_ok = 1

kill -TERM "$SPID"
wait "$SPID"
check "SIGTERM stops serve with status 0" test $? = 0

"$T" serve --db "$TMP/missing.db" --port 0 2>"$TMP/missing.err"
check "missing database: exit 3" test $? = 3
check "missing database: named" grep -q "missing.db" "$TMP/missing.err"
"$T" serve --db "$DB" --port 99999 2>/dev/null
check "bad port: exit 2" test $? = 2
"$T" serve --db "$DB" --bind nowhere 2>/dev/null
check "bad address: exit 2" test $? = 2

summary
[ "$failed" -eq 0 ]
