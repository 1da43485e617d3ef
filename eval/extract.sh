#!/bin/sh
# eval/extract.sh - main-text extraction from HTML pages: run tidings on the
# scrapinghub dev split (../shared/data/extract/, JSON lines with an `html`
# field) and score the `text` of each record with the shared scorer.
# Extra arguments go to the scorer (--by-doc, --compare other.jsonl).
set -e
. "$(dirname "$0")/common.sh"
DATA=$SHARED/data/extract
"$TIDINGS" extract "$DATA/input.jsonl" > "$OUT/extract.jsonl"
python3 "$SHARED/scorers/score_extract.py" "$DATA/gold.jsonl" "$OUT/extract.jsonl" "$@"
