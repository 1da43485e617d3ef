#!/bin/sh
# eval/quotes.sh - who said what: run tidings on the quotes dev set
# (PolNeAR train+dev, 924 articles) and on the seed article, and score both
# with shared/scorers/score_quotes.py. The last line printed is the dev
# set's summary line.
#   eval/quotes.sh [--by-doc]
. "$(dirname "$0")/common.sh"
DATA=$SHARED/data/quotes
SCORER=$SHARED/scorers/score_quotes.py
echo "== seed (lavrov) =="
"$TIDINGS" extract - < "$DATA/seed.input.jsonl" > "$OUT/quotes.seed.pred.jsonl" || exit 1
python3 "$SCORER" "$DATA/seed.gold.jsonl" "$OUT/quotes.seed.pred.jsonl" || exit 1
echo
echo "== pronoun speaker names (must be 0) =="
python3 - "$OUT/quotes.seed.pred.jsonl" <<'PY'
import json, sys
bad = 0
PRON = {"he", "she", "they", "it", "i", "we", "you", "who", "him", "her", "them"}
for line in open(sys.argv[1], encoding="utf-8"):
    for q in json.loads(line).get("quotes", []):
        s = q.get("speaker") or {}
        if (s.get("name") or "").strip().lower() in PRON:
            bad += 1
print("pronoun names:", bad)
PY
echo
echo "== dev (PolNeAR, 924 docs) =="
start=$(date +%s.%N)
"$TIDINGS" extract - < "$DATA/input.jsonl" > "$OUT/quotes.dev.pred.jsonl" || exit 1
end=$(date +%s.%N)
python3 - "$OUT/quotes.dev.pred.jsonl" "$DATA/input.jsonl" "$start" "$end" <<'PY'
import json, sys
bad = 0
PRON = {"he", "she", "they", "it", "i", "we", "you", "who", "him", "her", "them"}
for line in open(sys.argv[1], encoding="utf-8"):
    for q in json.loads(line).get("quotes", []):
        s = q.get("speaker") or {}
        if (s.get("name") or "").strip().lower() in PRON:
            bad += 1
import os
mb = os.path.getsize(sys.argv[2]) / 1e6
secs = float(sys.argv[4]) - float(sys.argv[3])
print("pronoun names:", bad, " whole pipeline: %.1f MB in %.2fs" % (mb, secs))
PY
python3 "$SCORER" "$DATA/gold.jsonl" "$OUT/quotes.dev.pred.jsonl" "$@"
