#!/bin/sh
# tests/cli/html_warc.sh - `tidings extract` on HTML pages, WARC and WARC.gz
# files and JSON lines with an `html` field, all generated here: the body
# is the article, the page's metadata reaches the record, WARC records
# carry their ids and offsets, a truncated WARC.gz gives its complete
# records and a clear error, and libxml2 never prints.
. "$(dirname "$0")/../hostile/lib.sh"
T=${TIDINGS:?}

python3 - "$TMP" <<'PY'
import gzip, json, os, sys
d = sys.argv[1]
P1 = ("The council voted on Tuesday to rebuild the old stone bridge, a decision that ends "
      "two years of argument among residents, engineers and the regional office.")
P2 = ("Work starts in spring, the mayor said, and the crossing will stay open to pedestrians "
      "for most of the time, although cars will use the ferry instead.")
page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Bridge to be rebuilt | Valley Post</title>"
        "<meta property='og:site_name' content='Valley Post'>"
        "<meta property='article:published_time' content='2021-03-04T10:00:00Z'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News section</a></nav>"
        "<article><h1>Bridge to be rebuilt</h1><p>%s</p><p>%s</p>"
        "<div class='related'><a href='/x'>Ferry prices to rise next month</a></div></article>"
        "<div id='comments'><p>I think the council is wasting money, as usual, on this one, "
        "and I have said so for years.</p></div></body></html>") % (P1, P2)
open(os.path.join(d, "page.html"), "w").write(page)
broken = "<div><p>" + P1 + "<p>" + P2 + "</span></div></div></table><b><!-- open"
open(os.path.join(d, "broken.html"), "w").write(broken)
with open(os.path.join(d, "pages.jsonl"), "w") as f:
    f.write(json.dumps({"id": "p1", "url": "https://v.example/2020/01/02/b", "html": page}) + "\n")
    f.write(json.dumps({"id": "p2", "html": broken}) + "\n")

def record(typ, rid, uri, block):
    h = ("WARC/1.0\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
         "WARC-Target-URI: %s\r\nContent-Type: application/http; msgtype=%s\r\n"
         "Content-Length: %d\r\n\r\n" % (typ, rid, uri, typ, len(block)))
    return h.encode() + block + b"\r\n\r\n"

def http(body, ctype="text/html; charset=utf-8"):
    return ("HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n" % ctype).encode() + body

recs = [record("request", "q1", "https://v.example/a", b"GET /a HTTP/1.1\r\n\r\n"),
        record("response", "r1", "https://v.example/a", http(page.encode())),
        record("response", "r2", "https://v.example/b",
               http(page.replace("Tuesday", "Friday").encode(), "text/html; charset=windows-1252")),
        record("response", "r3", "https://v.example/c.png", http(b"\x89PNG", "image/png")),
        record("response", "r4", "https://v.example/d", http(page.replace("Tuesday", "Monday").encode()))]
offs = []
with open(os.path.join(d, "a.warc"), "wb") as f:
    for r in recs:
        offs.append(f.tell())
        f.write(r)
open(os.path.join(d, "offsets"), "w").write(" ".join(str(o) for o in offs))
with open(os.path.join(d, "a.warc.gz"), "wb") as f:
    for r in recs:
        f.write(gzip.compress(r))
full = open(os.path.join(d, "a.warc.gz"), "rb").read()
last = len(gzip.compress(recs[-1]))
open(os.path.join(d, "cut.warc.gz"), "wb").write(full[:len(full) - last // 2])
PY

field() { # FILE EXPR: print a Python expression over the records list r
    python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print($2)" "$1"
}

"$T" extract "$TMP/page.html" >"$TMP/page.out" 2>"$TMP/page.err"
check "html: exits 0" [ $? -eq 0 ]
check "html: one record" [ "$(field "$TMP/page.out" 'len(r)')" = 1 ]
check "html: body is the article" [ "$(field "$TMP/page.out" '"council voted on Tuesday" in r[0]["text"] and "ferry instead" in r[0]["text"]')" = True ]
check "html: nav, related links and comments are not body" [ "$(field "$TMP/page.out" 'any(w in r[0]["text"] for w in ("News section", "Ferry prices", "wasting money"))')" = False ]
check "html: two paragraphs" [ "$(field "$TMP/page.out" 'r[0]["text"].count(chr(10))')" = 1 ]
check "html: title without the site suffix" [ "$(field "$TMP/page.out" 'r[0]["title"]')" = "Bridge to be rebuilt" ]
check "html: date from metadata" [ "$(field "$TMP/page.out" 'r[0]["date"]["value"]')" = 2021-03-04 ]
check "html: nothing on stderr" [ ! -s "$TMP/page.err" ]

"$T" extract "$TMP/broken.html" >"$TMP/broken.out" 2>"$TMP/broken.err"
check "broken html: text kept" [ "$(field "$TMP/broken.out" '"ferry instead" in r[0]["text"]')" = True ]
check "broken html: libxml2 prints nothing" [ "$(grep -c -i 'parser error\|htmlParse' "$TMP/broken.err")" = 0 ]

"$T" extract "$TMP/pages.jsonl" >"$TMP/jl.out" 2>/dev/null
check "jsonl html: two records" [ "$(field "$TMP/jl.out" 'len(r)')" = 2 ]
check "jsonl html: extracted text" [ "$(field "$TMP/jl.out" '"council voted" in r[0]["text"] and "<p>" not in r[0]["text"]')" = True ]

"$T" extract "$TMP/a.warc" >"$TMP/w.out" 2>"$TMP/w.err"
check "warc: exits 0" [ $? -eq 0 ]
check "warc: three HTML responses" [ "$(field "$TMP/w.out" 'len(r)')" = 3 ]
check "warc: record ids" [ "$(field "$TMP/w.out" '",".join(x["source"]["warc_record_id"] for x in r)')" = "<urn:uuid:r1>,<urn:uuid:r2>,<urn:uuid:r4>" ]
set -- $(cat "$TMP/offsets")
check "warc: record offsets" [ "$(field "$TMP/w.out" '" ".join(str(x["source"]["offset"]) for x in r)')" = "$2 $3 $5" ]
check "warc: lying charset keeps the text" [ "$(field "$TMP/w.out" '"Friday" in r[1]["text"]')" = True ]
check "warc: url from WARC-Target-URI" [ "$(field "$TMP/w.out" 'r[2]["source"]["url"]')" = "https://v.example/d" ]

"$T" extract "$TMP/a.warc.gz" >"$TMP/wgz.out" 2>/dev/null
check "warc.gz: same records as the plain file (but the path)" python3 -c '
import json, sys
def load(p):
    out = []
    for l in open(p):
        r = json.loads(l)
        r["source"].pop("path")
        out.append(r)
    return out
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)' "$TMP/w.out" "$TMP/wgz.out"

"$T" extract "$TMP/cut.warc.gz" >"$TMP/cut.out" 2>"$TMP/cut.err"
check "truncated warc.gz: fails" [ $? -ne 0 ]
check "truncated warc.gz: complete records out" [ "$(field "$TMP/cut.out" 'len(r)')" = 2 ]
check "truncated warc.gz: error names file and truncation" grep -q "cut.warc.gz.*truncated" "$TMP/cut.err"

summary
