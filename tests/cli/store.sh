#!/bin/sh
# tests/cli/store.sh - tidings ingest and the query commands.
#
# Part 1 ingests a small corpus written for these tests
# (tests/fixtures/store/) and data/sample/lavrov.txt through the whole
# pipeline, and checks what the store decides: counts, idempotent re-ingest,
# --replace, the same text under another id, date ranges, errors (locked,
# read-only), and a kill -9 in the middle of an ingest.
# Part 2 queries a database built by `test_store --fixture` from documents
# whose facts are filled by hand (tests/unit/test_store.c), so each query
# command is checked against an EXACT expected output that does not change
# when the pipeline stages do: tests/fixtures/store/expected/*.out
# (regenerate on purpose with UPDATE_GOLDEN=1).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
TIDINGS=${TIDINGS:-$ROOT/$BUILD/tidings}
. "$ROOT/tests/hostile/lib.sh"
T=$TIDINGS
FIX=$ROOT/tests/fixtures/store
EXP=$FIX/expected
cd "$ROOT" || exit 2
have_sqlite3=0
command -v sqlite3 >/dev/null 2>&1 && have_sqlite3=1

# exact NAME CMD...: stdout of CMD equals expected/NAME.out
exact() {
    name=$1
    shift
    "$@" > "$TMP/$name.out" 2> "$TMP/$name.err"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        mkdir -p "$EXP"
        cp "$TMP/$name.out" "$EXP/$name.out"
    fi
    if cmp -s "$TMP/$name.out" "$EXP/$name.out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name (diff expected got)"
        diff "$EXP/$name.out" "$TMP/$name.out" | head -n 20
    fi
}
rows() { # rows TABLE DB: the number of rows of a table
    "$T" export --table "$1" --db "$2" --format jsonl | wc -l | tr -d ' '
}
all_rows() {
    for t in documents entities mentions quotes times events; do printf '%s ' "$(rows $t "$1")"; done
}
summary_of() { grep 'ingest:' "$1" | sed 's/ (.*//'; }

# ---- part 1: ingest through the pipeline -----------------------------------
DB=$TMP/corpus.db
"$T" ingest --db "$DB" "$FIX/corpus.jsonl" "$FIX/ferry.txt" data/sample/lavrov.txt \
    2> "$TMP/ingest1.err"
check "ingest exits 0" [ $? = 0 ]
check "ingest summary counts" [ "$(summary_of "$TMP/ingest1.err")" = \
    "tidings: ingest: 7 documents: 7 stored, 0 unchanged, 0 replaced, 0 refused, 0 failed" ]
check "ingest quiet off a terminal (no progress line)" \
    [ "$(grep -c "$(printf '\r')" "$TMP/ingest1.err")" = 0 ]
before=$(all_rows "$DB")
"$T" ingest --db "$DB" "$FIX/corpus.jsonl" "$FIX/ferry.txt" data/sample/lavrov.txt \
    2> "$TMP/ingest2.err"
check "re-ingest exits 0" [ $? = 0 ]
check "re-ingest stores nothing" [ "$(summary_of "$TMP/ingest2.err")" = \
    "tidings: ingest: 7 documents: 0 stored, 7 unchanged, 0 replaced, 0 refused, 0 failed" ]
check "re-ingest adds 0 rows to any table" [ "$(all_rows "$DB")" = "$before" ]
check "same text under another id is another document" \
    [ "$("$T" search 'Marrow river' --db "$DB" --format csv | cut -d, -f1 | sort | tr '\n' ' ')" = \
      "id st-bridge st-bridge-mirror " ]
check "a month-precise document matches a range inside its month, marked 2021-10" \
    [ "$("$T" search harbour --from 2021-10-05 --to 2021-10-06 --db "$DB" --format csv | cut -d, -f1,2 | grep '^st-')" = \
      "st-festival,2021-10" ]
check "an undated document matches no date range" \
    [ "$("$T" search museum --from 1900 --db "$DB" --format csv 2>/dev/null | grep -c st-undated)" = 0 ]
check "show prints the stored document" \
    [ "$("$T" show st-harbour --db "$DB" --no-body | head -n 2 | tr -s ' ')" = \
      "$(printf 'id: st-harbour\ntitle: Harbour reopens after storm')" ]
check "show --format json prints the stored record" \
    [ "$("$T" show st-bridge --db "$DB" --format json | cut -c1-18)" = '{"id":"st-bridge",' ]
if [ $have_sqlite3 = 1 ]; then
    check "the stored record is compressed, and the sqlite3 shell reads it whole" \
        [ "$(sqlite3 "$DB" "SELECT length(record) < record_size, sqlar_uncompress(record, record_size) FROM documents WHERE id = 'st-bridge'")" = \
          "1|$("$T" show st-bridge --db "$DB" --format json)" ]
fi
check "export --record writes the whole record" \
    [ "$("$T" export --table documents --record --db "$DB" --format jsonl --limit 1 | grep -c ',"record":"{\\"id\\":')" = 1 ]

# --replace
sed 's/reopened on Thursday/reopened on Wednesday/' "$FIX/corpus.jsonl" > "$TMP/changed.jsonl"
"$T" ingest --db "$DB" "$TMP/changed.jsonl" 2> "$TMP/ingest3.err"
check "changed content without --replace exits 1" [ $? = 1 ]
check "changed content without --replace is refused" [ "$(summary_of "$TMP/ingest3.err")" = \
    "tidings: ingest: 5 documents: 0 stored, 4 unchanged, 0 replaced, 1 refused, 0 failed" ]
check "the refusal names the id" grep -q 'use --replace), e.g. st-harbour' "$TMP/ingest3.err"
"$T" ingest --db "$DB" --replace "$TMP/changed.jsonl" 2> "$TMP/ingest4.err"
check "--replace updates" [ "$(summary_of "$TMP/ingest4.err")" = \
    "tidings: ingest: 5 documents: 0 stored, 4 unchanged, 1 replaced, 0 refused, 0 failed" ]
check "--replace: the new text is searchable, the old is not" \
    [ "$("$T" search Wednesday --db "$DB" --format csv | cut -d, -f1 | tail -n +2)" = st-harbour ]
check "--replace: the old text is gone from the index" \
    [ "$("$T" search Thursday --db "$DB" --format csv 2>/dev/null | tail -n +2 | wc -l | tr -d ' ')" = 0 ]
check "--replace keeps the document count" [ "$(rows documents "$DB")" = 7 ]

# the reference article: Lavrov's direct quotes, also in a November 2022 range
n=$("$T" quotes --speaker lavrov --kind direct --db "$DB" --format csv 2>/dev/null | tail -n +2 | wc -l | tr -d ' ')
if [ "$n" = 0 ]; then
    echo "note: no quotes by Lavrov stored yet (the quotes stage is pending): reference checks skipped"
else
    check "quotes --speaker lavrov --kind direct: the 8 direct quotes" [ "$n" = 8 ]
    m=$("$T" quotes --speaker lavrov --kind direct --from 2022-11-01 --to 2022-11-30 --db "$DB" \
        --format csv | tail -n +2 | cut -d, -f1 | sort -u | tr '\n' ' ')
    check "... also in November 2022, marked with the year only" [ "$m" = "2022 " ]
fi

# errors
"$T" search x --db "$TMP/nothing.db" 2> "$TMP/err.txt"
check "query on a missing database exits 3" [ $? = 3 ]
check "... and says so" grep -q 'no database here' "$TMP/err.txt"
"$T" search x --db "$DB" --format xml 2> /dev/null
check "a bad --format is a usage error" [ $? = 2 ]
"$T" quotes --from 2022-13 --db "$DB" 2> /dev/null
check "a bad date is a usage error" [ $? = 2 ]
printf 'not a database, only text, long enough to be read as a header of a file\n' > "$TMP/junk.db"
"$T" ingest --db "$TMP/junk.db" "$FIX/corpus.jsonl" 2> "$TMP/err.txt"
check "ingest into a file that is not a database exits 3" [ $? = 3 ]
check "... and says so" grep -q 'not an SQLite database' "$TMP/err.txt"
if [ $have_sqlite3 = 1 ]; then
    # the lock is held until ingest has given up (slow sanitizer builds
    # may take seconds to start), then released
    mkfifo "$TMP/lockfifo"
    (echo 'BEGIN IMMEDIATE;'; echo 'SELECT 1;'; read _ <"$TMP/lockfifo"; echo 'COMMIT;') | sqlite3 "$DB" >"$TMP/locker.out" &
    locker=$!
    i=0
    while [ ! -s "$TMP/locker.out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    "$T" ingest --db "$DB" --busy-timeout 200 "$FIX/corpus.jsonl" 2> "$TMP/err.txt"
    rc=$?
    echo done >"$TMP/lockfifo"
    wait $locker
    check "a locked database exits 3" [ $rc = 3 ]
    check "... and says it is locked" grep -q 'locked by another process' "$TMP/err.txt"
fi
if [ "$(id -u)" != 0 ]; then
    cp "$DB" "$TMP/ro.db"
    chmod 444 "$TMP/ro.db"
    "$T" ingest --db "$TMP/ro.db" "$FIX/corpus.jsonl" 2> "$TMP/err.txt"
    check "a read-only database exits 3" [ $? = 3 ]
    check "... and says it is read-only" grep -q 'read-only' "$TMP/err.txt"
else
    echo "note: running as root, the read-only file check is skipped (root may write)"
fi

# kill -9 in the middle of an ingest of a larger input
awk '{l[NR]=$0} END {for (k = 0; k < 30; k++) for (i = 1; i <= NR; i++) {s = l[i];
     sub(/"id": "[^"]*/, "&-k" k, s); sub(/"text": "/, "&Copy " k ". ", s); print s}}' \
    data/sample/wikinews-meantime.jsonl > "$TMP/big.jsonl"
total=$(wc -l < "$TMP/big.jsonl" | tr -d ' ')
KDB=$TMP/kill.db
"$T" ingest --db "$KDB" --batch 100 --jobs 1 --verbose "$TMP/big.jsonl" 2> "$TMP/kill.err" &
pid=$!
i=0
while [ $i -lt 600 ] && [ "$(grep -c committed "$TMP/kill.err" 2>/dev/null)" -lt 3 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
committed=$(grep committed "$TMP/kill.err" | tail -n 1 | sed 's/.*, \([0-9]*\) in all/\1/')
committed=${committed:-0}
stored=$(rows documents "$KDB")
check "kill -9: batches were committed before the kill" [ "$committed" -ge 300 ]
check "kill -9: the ingest was killed before the end" [ "$stored" -lt "$total" ]
check "kill -9: every batch reported committed is there" [ "$stored" -ge "$committed" ]
if [ $have_sqlite3 = 1 ]; then
    check "kill -9: PRAGMA integrity_check is ok" [ "$(sqlite3 "$KDB" 'PRAGMA integrity_check')" = ok ]
    check "kill -9: the full-text index is sound" \
        sqlite3 "$KDB" "INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)"
fi
"$T" ingest --db "$KDB" --jobs 2 "$TMP/big.jsonl" 2> "$TMP/kill2.err"
check "kill -9: re-ingest stores only what was lost" [ "$(summary_of "$TMP/kill2.err")" = \
    "tidings: ingest: $total documents: $((total - stored)) stored, $stored unchanged, 0 replaced, 0 refused, 0 failed" ]
"$T" ingest --db "$KDB" --jobs 2 "$TMP/big.jsonl" 2> "$TMP/kill3.err"
check "kill -9: a second re-ingest adds 0 rows" [ "$(summary_of "$TMP/kill3.err")" = \
    "tidings: ingest: $total documents: 0 stored, $total unchanged, 0 replaced, 0 refused, 0 failed" ]

# ---- part 2: exact query output on the hand-filled fixture database ---------
FDB=$TMP/fixture.db
"$ROOT/$BUILD/test_store" --fixture "$FDB"
check "the fixture database is built" [ -s "$FDB" ]
export TIDINGS_DB="$FDB"
exact search_china "$T" search china
exact search_turkiye_csv "$T" search turkiye --format csv
exact search_us_json "$T" search U.S. --format json
exact search_nov2022 "$T" search lavrov --from 2022-11 --to 2022-11
# more matches than --candidates: the documents stored last are ranked
exact search_china_candidates "$T" search china --candidates 1
"$T" search china --candidates x > /dev/null 2>&1
check "a bad --candidates is a usage error" [ $? = 2 ]
exact quotes_lavrov "$T" quotes --speaker lavrov
exact quotes_sergei_direct "$T" quotes --speaker 'SERGEI LAVROV' --kind direct
exact quotes_nov2022_json "$T" quotes --speaker lavrov --from 2022-11-01 --to 2022-11-30 --format json
exact quotes_about_csv "$T" quotes --about china --format csv
# with a small --limit the matches are found by reading the quotes in date
# order (not by sorting them all): the same rows, in the same order
check "quotes --about --limit 1 (date-order scan) lists the first sorted match" \
    [ "$("$T" quotes --about china --format csv --limit 1)" = "$(head -n 2 "$EXP/quotes_about_csv.out")" ]
check "quotes --about --kind --limit 1 (date-order scan) applies the kind" \
    [ "$("$T" quotes --about china --kind reported --format csv --limit 1)" = \
      "$(sed -n '1p;3p' "$EXP/quotes_about_csv.out")" ]
exact quotes_entity "$T" quotes --entity china
exact quotes_reported "$T" quotes --kind reported
exact entities_all "$T" entities
exact entities_person_csv "$T" entities --type person --top 3 --format csv
exact entities_2023 "$T" entities --from 2023
exact timeline_lavrov "$T" timeline lavrov
exact timeline_lavrov_day "$T" timeline 'Sergey Lavrov' --by day --format csv
exact timeline_china_week "$T" timeline CHINA --by week
exact timeline_smith "$T" timeline smith
check "an ambiguous name says so" grep -q "'smith' is ambiguous, it matches 2 entities: Adam Smith (person, GB); John Smith (person, US)" "$TMP/timeline_smith.err"
exact show_fx1 "$T" show fx-1
exact show_prefix "$T" show fx-5
exact export_quotes_csv "$T" export --table quotes
exact export_entities_jsonl "$T" export --table entities --format jsonl
# one row per mention, though the table packs them one row per entity and
# document (schema version 5)
exact export_mentions_csv "$T" export --table mentions
export_docs() { # ingested_at and record_hash (of the whole record) are left out
    "$T" export --table documents --limit 2 --format jsonl |
        sed -e 's/,"ingested_at":"[^"]*"//' -e 's/,"record_hash":"[^"]*"//'
}
exact export_documents_jsonl export_docs
"$T" show nosuch > /dev/null 2>&1
check "show of an unknown id exits 1" [ $? = 1 ]
"$T" timeline nobody > /dev/null 2>&1
check "timeline of an unknown name exits 1" [ $? = 1 ]
summary
