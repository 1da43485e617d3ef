#!/bin/sh
# eval/all.sh - every evaluation, one after another; prints each scorer's
# summary line (the last line of its output) under the task's name.
# Usage: eval/all.sh   (TIDINGS=path/to/tidings to choose the binary)
cd "$(dirname "$0")" || exit 2
rc=0
for t in layout ner quotes time extract events; do
    [ -f "$t.sh" ] || continue
    echo "== $t"
    sh "$t.sh" >"out/$t.log" 2>&1 || rc=1
    grep -E '^(layout|blocks|ner|quotes|time|extract|events|lavrov|pronoun)' "out/$t.log" | grep -v '^time  ' || tail -n 3 "out/$t.log"
done
exit $rc
