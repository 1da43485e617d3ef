#!/bin/sh
# eval/ner.sh - entity recognition on the three NER dev sets (CoNLL-2003 dev,
# wikigold, GUM news): runs `tidings extract` on each input and the scorer
# $SHARED/scorers/score_ner.py (PER/LOC/ORG micro F1; country and location
# score as LOC, group is not scored, demonym mentions are skipped).
#   eval/ner.sh [--errors]    (TIDINGS=path/to/tidings to choose the binary)
# The sets are English, so extract runs with --no-lang: the score is that of the
# entity stage, not of language identification (NER_LANGID=1 keeps langid on).
. "$(dirname "$0")/common.sh"
status=0
langopt=--no-lang
[ "${NER_LANGID:-0}" = 1 ] && langopt=
for set in conll-dev wikigold gum-news; do
    in="$SHARED/data/ner/$set/input.jsonl"
    gold="$SHARED/data/ner/$set/gold.jsonl"
    pred="$OUT/ner-$set.jsonl"
    echo "== $set"
    if ! "$TIDINGS" extract $langopt "$in" > "$pred"; then
        echo "eval: tidings failed on $set" >&2
        status=1
        continue
    fi
    python3 "$SHARED/scorers/score_ner.py" "$gold" "$pred" "$@" || status=1
done
exit $status
