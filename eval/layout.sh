#!/bin/sh
# eval/layout.sh - the layout stage on its dev sets.
#   1. shared/data/layout (crawler plain text, 114 articles): score_layout.py
#      (title, caption, body F1, boilerplate F1, leak, header date);
#   2. the NER (conll-dev, wikigold, gum-news), time and quotes dev sets, which
#      have no boilerplate at all: score_blocks.py (share of annotations lost
#      inside boilerplate blocks; must stay ~0).
# Usage: eval/layout.sh   (TIDINGS=path/to/tidings to choose the binary)
. "$(dirname "$0")/common.sh"
set -u
rc=0
echo "== layout (shared/data/layout)"
"$TIDINGS" extract "$SHARED/data/layout/input.jsonl" > "$OUT/layout.jsonl" || rc=1
python3 "$SHARED/scorers/score_layout.py" "$SHARED/data/layout/gold.jsonl" "$OUT/layout.jsonl" || rc=1
for set in ner/conll-dev ner/wikigold ner/gum-news time quotes; do
    name=$(echo "$set" | tr / _)
    echo "== blocks $set"
    "$TIDINGS" extract "$SHARED/data/$set/input.jsonl" > "$OUT/layout_blocks_$name.jsonl" || rc=1
    python3 "$SHARED/scorers/score_blocks.py" "$SHARED/data/$set/gold.jsonl" \
        "$OUT/layout_blocks_$name.jsonl" | tail -n 1 || rc=1
done
exit $rc
