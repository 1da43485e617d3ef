// bench/readability.js - Mozilla Readability on jsdom over a JSON lines file
// with an `html` field (one page a line), for bench/html.sh. Prints one JSON
// line per page ({"id", "text"}) to stdout when OUT=1, and the page count and
// the HTML bytes read to stderr. A page Readability throws on counts as empty.
'use strict';
const fs = require('fs');
const readline = require('readline');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

async function main() {
  const rl = readline.createInterface({ input: fs.createReadStream(process.argv[2]), crlfDelay: Infinity });
  const out = process.env.OUT === '1';
  const vc = new VirtualConsole(); // silence page console and CSS errors
  let pages = 0, bytes = 0, failed = 0;
  for await (const line of rl) {
    if (!line.trim()) continue;
    const o = JSON.parse(line);
    pages++;
    bytes += Buffer.byteLength(o.html, 'utf8');
    let text = '';
    try {
      const dom = new JSDOM(o.html, { url: o.url || 'https://example.com/', virtualConsole: vc });
      const art = new Readability(dom.window.document).parse();
      text = art && art.textContent ? art.textContent : '';
      dom.window.close();
    } catch (e) {
      failed++;
    }
    if (out) process.stdout.write(JSON.stringify({ id: o.id, text }) + '\n');
  }
  process.stderr.write(`pages ${pages} bytes ${bytes} failed ${failed}\n`);
}
main();
