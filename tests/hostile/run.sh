#!/bin/sh
# tests/hostile/run.sh - bad input gets a clear error naming the file and
# position, the other documents still come out, and the exit code says so.
# Needs $TIDINGS (set by tests/run.sh). Last line: "N passed, N failed".
. "$(dirname "$0")/lib.sh"
T=${TIDINGS:?}
good='{"id": "good", "text": "A good document."}'

# run FILE...: stdout to $TMP/out, stderr to $TMP/err, exit code to $rc
run() {
    "$T" extract --jobs 2 "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}
has_err() { grep -q -- "$1" "$TMP/err"; }
n_out() { [ "$(wc -l <"$TMP/out")" -eq "$1" ]; }

# empty file: no document, no error
: >"$TMP/empty.txt"
run "$TMP/empty.txt"
check "empty file exits 0" [ "$rc" -eq 0 ]
check "empty file prints nothing" n_out 0

# binary junk: one text document, invalid bytes repaired and counted
head -c 4096 /dev/urandom >"$TMP/junk.bin"
printf '\0\0\0\377\376' >>"$TMP/junk.bin"
run "$TMP/junk.bin"
check "binary junk does not crash" [ "$rc" -eq 0 ]
check "binary junk gives one record" n_out 1
check "binary junk output is valid JSON" python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out"

# invalid UTF-8 in a text file: repaired, warned in the record
printf ' date 2022-05-06 Cap\nBad \377 byte and \300\200 overlong.\n' >"$TMP/bad.txt"
run "$TMP/bad.txt"
check "invalid UTF-8 exits 0" [ "$rc" -eq 0 ]
check "invalid UTF-8 counted in the record" grep -q 'invalid UTF-8 sequences replaced by U+FFFD, the first at byte' "$TMP/out"

# lone surrogate and \u0000 in a JSON line: repaired, warned with the line
printf '%s\n{"id": "sur", "text": "x \\ud83d y \\u0000 z"}\n' "$good" >"$TMP/sur.jsonl"
run "$TMP/sur.jsonl"
check "surrogate line kept" n_out 2
check "surrogate warning names file and line" has_err "sur.jsonl:2: 2 invalid"

# malformed JSON line between good ones
printf '%s\n{"id": "x", "text": \n%s\n' "$good" "$good" >"$TMP/mal.jsonl"
run "$TMP/mal.jsonl"
check "malformed line: exit 1" [ "$rc" -eq 1 ]
check "malformed line: others come out" n_out 2
check "malformed line: error names line and column" has_err "mal.jsonl:2:[0-9]*: malformed JSON line"

# a 100 MB single line (JSON, over the 64 MiB line cap) between good lines
{
    echo "$good"
    printf '{"text": "'
    head -c 100000000 /dev/zero | tr '\0' 'a'
    printf '"}\n'
    echo "$good"
} >"$TMP/huge.jsonl"
run "$TMP/huge.jsonl"
check "huge line: exit 1" [ "$rc" -eq 1 ]
check "huge line: others come out" n_out 2
check "huge line: error names the line" has_err "huge.jsonl:2: line over the"

# a 20 MB text document (over the 16 MiB document cap) then a good one
{
    printf ' date 2022-01-02 big\n'
    head -c 20000000 /dev/zero | tr '\0' 'b'
    printf '\n date 2022-01-03 small\nSmall body.\n'
} >"$TMP/big.txt"
run "$TMP/big.txt"
check "big document: exit 1" [ "$rc" -eq 1 ]
check "big document: the next comes out" n_out 1
check "big document: error names line and byte" has_err "big.txt:1: document at byte 0 is over"

# truncated gzip: the documents before the cut come out, then a clear error
i=0
while [ $i -lt 200 ]; do echo "{\"id\": \"d$i\", \"text\": \"document number $i of the gzip test\"}"; i=$((i + 1)); done | gzip >"$TMP/full.jsonl.gz"
size=$(wc -c <"$TMP/full.jsonl.gz")
head -c $((size / 2)) "$TMP/full.jsonl.gz" >"$TMP/cut.jsonl.gz"
run "$TMP/cut.jsonl.gz"
check "truncated gzip: exit 1" [ "$rc" -eq 1 ]
check "truncated gzip: error says truncated" has_err "cut.jsonl.gz:[0-9]*: gzip stream truncated"
check "truncated gzip: earlier documents out" [ "$(wc -l <"$TMP/out")" -gt 10 ]

# gzip bomb-ish: garbage after the gzip magic
printf '\037\213\010\000garbage garbage garbage' >"$TMP/corrupt.gz"
run "$TMP/corrupt.gz"
check "corrupt gzip: exit 1" [ "$rc" -eq 1 ]
check "corrupt gzip: named" has_err "corrupt.gz"

# unreadable inputs: missing file, a directory of nothing, then a good file
echo "$good" >"$TMP/good.jsonl"
run "$TMP/missing.txt" "$TMP/good.jsonl"
check "missing file: exit 1" [ "$rc" -eq 1 ]
check "missing file: named" has_err "missing.txt: cannot read: no such file"
check "missing file: the next file is read" n_out 1

# usage errors exit 2
"$T" extract --jobs 0 "$TMP/good.jsonl" >/dev/null 2>&1
check "bad --jobs: exit 2" [ $? -eq 2 ]
"$T" extract --nope >/dev/null 2>&1
check "unknown option: exit 2" [ $? -eq 2 ]

# a closed pipe ends quietly
i=0
while [ $i -lt 3000 ]; do echo "$good"; i=$((i + 1)); done >"$TMP/many.jsonl"
"$T" extract "$TMP/many.jsonl" 2>"$TMP/err" | head -n 1 >/dev/null
check "closed pipe: no message" [ ! -s "$TMP/err" ]

# unbalanced quote marks and pathological lines do not blow up
python3 - "$TMP/patho.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"id": "q", "text": "\u201c" * 300000}) + "\n")
    f.write(json.dumps({"id": "a", "text": ("He said. " * 50000)}) + "\n")
    f.write(json.dumps({"id": "c", "text": "\n".join(["Headline Like Line"] * 20000)}) + "\n")
PY
start=$(date +%s)
run "$TMP/patho.jsonl"
end=$(date +%s)
check "pathological input: exit 0" [ "$rc" -eq 0 ]
check "pathological input: 3 records" n_out 3
check "pathological input: under 60 s" [ $((end - start)) -lt 60 ]

summary
