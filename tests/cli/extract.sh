#!/bin/sh
# tests/cli/extract.sh - `tidings extract` as a stream: order, ids, formats.
. "$(dirname "$0")/../hostile/lib.sh"
T=${TIDINGS:?}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}

# JSON input with ids round-trips in input order with --jobs 2 (and 1)
python3 - "$TMP/in.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(2000):
        f.write(json.dumps({"id": "doc-%04d" % (1999 - i), "text": "Story %d. " % i * (1 + i % 7)}) + "\n")
PY
"$T" extract --jobs 2 "$TMP/in.jsonl" >"$TMP/j2.jsonl" 2>"$TMP/err"
check "jobs 2 exits 0" [ $? -eq 0 ]
"$T" extract --jobs 1 "$TMP/in.jsonl" >"$TMP/j1.jsonl"
check "jobs 1 and jobs 2 give the same bytes" cmp -s "$TMP/j1.jsonl" "$TMP/j2.jsonl"
check "ids in input order" python3 -c '
import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1])]
want = ["doc-%04d" % (1999 - i) for i in range(2000)]
sys.exit(0 if ids == want else 1)' "$TMP/j2.jsonl"
check "source.line counts lines" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if [r["source"]["line"] for r in recs] == list(range(1, 2001)) else 1)' "$TMP/j2.jsonl"

# --stats: the same records, and on stderr one line per stage in order with
# CPU seconds that add up to the "stages" line
"$T" extract --stats --jobs 2 "$TMP/in.jsonl" >"$TMP/stats.jsonl" 2>"$TMP/stats.err"
check "--stats exits 0" [ $? -eq 0 ]
check "--stats leaves the records alone" cmp -s "$TMP/j2.jsonl" "$TMP/stats.jsonl"
check "--stats lists the stages in order, adding up" python3 -c '
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
names = [r[0] for r in rows[1:-1]]
want = ["normalize", "layout", "segment", "time", "docdate", "entities", "quotes", "events"]
secs = [float(r[1]) for r in rows[1:-1]]
ok = rows[0][0] == "stage" and names == want and rows[-1][0] == "stages" \
    and all(s >= 0 for s in secs) and abs(sum(secs) - float(rows[-1][1])) < 0.01 \
    and "2000 documents" in " ".join(rows[-1])
sys.exit(0 if ok else 1)' "$TMP/stats.err"
"$T" extract --jobs 2 "$TMP/in.jsonl" 2>"$TMP/nostats.err" >/dev/null
check "no --stats, no table" [ ! -s "$TMP/nostats.err" ]

# records go out in one write per batch: a reader that goes away ends the
# run quietly (exit 0), a full disk is a write error (exit 3)
"$T" extract --jobs 2 "$TMP/in.jsonl" 2>"$TMP/err-head" | head -n 1 >"$TMP/head.jsonl"
check "a closed pipe ends quietly" [ ! -s "$TMP/err-head" ]
check "head gets the first record" grep -q '"id":"doc-1999"' "$TMP/head.jsonl"
if [ -w /dev/full ]; then
    "$T" extract "$TMP/in.jsonl" >/dev/full 2>"$TMP/err-full"
    check "a full disk exits 3" [ $? -eq 3 ]
    check "a full disk says write error" grep -q "write error" "$TMP/err-full"
fi

# standard input and --pretty
"$T" extract --pretty - <"$TMP/in.jsonl" >"$TMP/pretty.json"
check "pretty output parses as a stream of objects" python3 -c '
import json, sys
s = open(sys.argv[1]).read(); d = json.JSONDecoder(); i = n = 0
while i < len(s):
    while i < len(s) and s[i].isspace(): i += 1
    if i >= len(s): break
    o, i = d.raw_decode(s, i); n += 1
sys.exit(0 if n == 2000 else 1)' "$TMP/pretty.json"

# the reference article: one record, offsets and spans index the file bytes
"$T" extract "$ROOT/data/sample/lavrov.txt" >"$TMP/lavrov.jsonl"
check "lavrov: one record" [ "$(wc -l <"$TMP/lavrov.jsonl")" -eq 1 ]
check "lavrov: spans index the file's bytes" python3 -c '
import json, sys
base = open(sys.argv[2], "rb").read()
r = json.loads(open(sys.argv[1]).read())
assert r["source"]["offset"] == 0 and r["lang"] == "en", r["source"]
def spans(o):
    if isinstance(o, dict):
        if "span" in o and "text" in o:
            s, e = o["span"]
            assert base[s:e].decode() == o["text"], (o, base[s:e])
        for v in o.values(): spans(v)
    elif isinstance(o, list):
        for v in o: spans(v)
spans(r)
lines = base.decode().split("\n")
covered = sorted(tuple(b["span"]) for b in r["blocks"])
assert covered[0][0] == 0 and covered[-1][1] == len(base), covered
' "$TMP/lavrov.jsonl" "$ROOT/data/sample/lavrov.txt"

# gzip input is transparent
gzip -c "$TMP/in.jsonl" >"$TMP/in.jsonl.gz"
"$T" extract --jobs 2 "$TMP/in.jsonl.gz" >"$TMP/gz.jsonl"
check "gzip gives the same records but the path" python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]; b = [json.loads(l) for l in open(sys.argv[2])]
for x in a + b: x["source"].pop("path")
sys.exit(0 if a == b else 1)' "$TMP/j2.jsonl" "$TMP/gz.jsonl"

# a directory is read recursively in name order
mkdir -p "$TMP/d/sub"
echo '{"id": "b", "text": "B."}' >"$TMP/d/b.jsonl"
echo '{"id": "a", "text": "A."}' >"$TMP/d/sub/a.jsonl"
echo '{"id": "c", "text": "C."}' >"$TMP/d/c.jsonl"
"$T" extract "$TMP/d" >"$TMP/dir.jsonl"
check "directory order" [ "$(python3 -c 'import json,sys; print(",".join(json.loads(l)["id"] for l in open(sys.argv[1])))' "$TMP/dir.jsonl")" = "b,c,a" ]

# ids: input id, else URL, else a stable hash of the body
printf '{"text": "Same body."}\n{"text": "Same body.", "url": "http://u/1"}\n{"text": "Same body."}\n' >"$TMP/ids.jsonl"
"$T" extract "$TMP/ids.jsonl" >"$TMP/ids.out"
check "id from url, else stable hash" python3 -c '
import json, sys
r = [json.loads(l)["id"] for l in open(sys.argv[1])]
sys.exit(0 if r[1] == "http://u/1" and r[0] == r[2] and r[0].startswith("h") and len(r[0]) == 17 else 1)' "$TMP/ids.out"

# --help on the command, exit codes documented
"$T" extract --help >"$TMP/help"
check "extract --help" grep -q "Exit status" "$TMP/help"
"$T" --help >"$TMP/help"
check "tidings --help lists extract" grep -q "extract" "$TMP/help"

# the compact record (written by record.c's own fast path) says exactly what
# the pretty one says, key by key and in the same order
head -n 40 "$ROOT/data/sample/wikinews-meantime.jsonl" >"$TMP/wm.jsonl"
cat "$ROOT/data/sample/lavrov.txt" >"$TMP/wm.txt"
"$T" extract "$TMP/wm.jsonl" "$TMP/wm.txt" >"$TMP/wm-compact.jsonl"
"$T" extract --pretty "$TMP/wm.jsonl" "$TMP/wm.txt" >"$TMP/wm-pretty.json"
check "compact and pretty records agree key by key" python3 -c '
import json, sys
pairs = lambda s: json.loads(s, object_pairs_hook=lambda kv: kv)
a = [pairs(l) for l in open(sys.argv[1], encoding="utf-8")]
s = open(sys.argv[2], encoding="utf-8").read()
d = json.JSONDecoder(object_pairs_hook=lambda kv: kv); i = 0; b = []
while i < len(s):
    while i < len(s) and s[i].isspace(): i += 1
    if i >= len(s): break
    o, i = d.raw_decode(s, i); b.append(o)
n = sum(len(dict(r).get("times", [])) + len(dict(r).get("entities", [])) for r in a)
sys.exit(0 if a == b and len(a) == 41 and n > 0 else 1)' "$TMP/wm-compact.jsonl" "$TMP/wm-pretty.json"

summary
