#!/bin/sh
# eval/events.sh - the events stage on its dev sets (shared/data/events):
#   1. unittest: PETRARCH's unit records, coded with their own PETR.Validate.*
#      dictionaries (--event-dict $SHARED/data/events/unittest);
#   2. plover: PLOVER gold-standard records, coded with the Phoenix/CAMEO 2.0
#      dictionaries (the bundled copy, also at $SHARED/data/events/dictionaries);
#   3. the reference article (data/sample/lavrov.txt): no event may come from
#      its boilerplate lines ("Bulgaria detains five ...").
# Both dev sets are English by construction: they run with --no-lang (the
# made-up names of the unit records fool language identification, which would
# otherwise skip two of them as Dutch).
# Usage: eval/events.sh   (TIDINGS=path/to/tidings to choose the binary)
. "$(dirname "$0")/common.sh"
set -u
rc=0
D=$SHARED/data/events
echo "== events: unittest (PETR.Validate dictionaries)"
"$TIDINGS" extract --no-lang --event-dict "$D/unittest" "$D/unittest/input.jsonl" > "$OUT/events-unittest.jsonl" || rc=1
python3 "$SHARED/scorers/score_events.py" "$D/unittest/gold.jsonl" "$OUT/events-unittest.jsonl" || rc=1
echo "== events: plover (Phoenix / CAMEO 2.0 dictionaries)"
"$TIDINGS" extract --no-lang --event-dict "$D/dictionaries" "$D/plover/input.jsonl" > "$OUT/events-plover.jsonl" || rc=1
python3 "$SHARED/scorers/score_events.py" "$D/plover/gold.jsonl" "$OUT/events-plover.jsonl" || rc=1
echo "== events: reference article, nothing from boilerplate"
"$TIDINGS" extract "$ROOT/data/sample/lavrov.txt" > "$OUT/events-lavrov.jsonl" || rc=1
python3 - "$OUT/events-lavrov.jsonl" <<'PY' || rc=1
import json, sys
bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    spans = [b["span"] for b in r.get("blocks", []) if b.get("kind") == "boilerplate"]
    for ev in r.get("events", []):
        s, e = ev["span"]
        inside = any(bs <= s and e <= be for bs, be in spans)
        print("event", ev["actor"], ev["target"], ev["code"], "boilerplate" if inside else "body", repr(ev.get("text", "")[:80]))
        bad += inside
print("lavrov events_from_boilerplate %d" % bad)
sys.exit(1 if bad else 0)
PY
exit $rc
