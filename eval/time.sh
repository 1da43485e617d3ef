#!/bin/sh
# eval/time.sh - TIMEX3 tagging and document dating on ../shared/data/time/.
#
#   eval/time.sh [--errors N]
#
# 1. time expressions: input.jsonl (document dates given) -> score_time.py
# 2. document dating: input_dct.jsonl (dates hidden) -> score_time.py --dct
# The last line of each scorer run is its summary.
. "$(dirname "$0")/common.sh"
D=$SHARED/data/time
S=$SHARED/scorers/score_time.py
"$TIDINGS" extract "$D/input.jsonl" > "$OUT/time.jsonl" || exit 1
python3 "$S" "$D/gold.jsonl" "$OUT/time.jsonl" "$@" || exit 1
echo
"$TIDINGS" extract "$D/input_dct.jsonl" > "$OUT/time_dct.jsonl" || exit 1
python3 "$S" --dct "$D/gold_dct.jsonl" "$OUT/time_dct.jsonl" || exit 1
