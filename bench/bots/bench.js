// Recall on crawler user agents and false positives on browser user agents, for isbot and for our
// classifier (Yauaa + isbot's list, as the jar ships it), on two public corpora neither was written
// from: crawler-user-agents' instances (MIT) and user-agents' weighted real-browser data (BSD-2).
//   cd bench/bots && npm ci && node bench.js [path/to/clozette-analytics.jar]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { isbot } = require('isbot');
// Read from node_modules directly: neither package exports its data file.
const packageFile = (name, file) => resolve('node_modules', name, file);
const crawlers = [...new Set(JSON.parse(readFileSync(packageFile('crawler-user-agents', 'crawler-user-agents.json'), 'utf8'))
  .flatMap((entry) => entry.instances ?? []))];
const browsers = [...new Set(JSON.parse(readFileSync(packageFile('user-agents', 'dist/user-agents.json'), 'utf8'))
  .map((entry) => entry.userAgent))];

const jar = resolve(process.argv[2] ?? '../../server/target/clozette-analytics.jar');
const classpath = process.env.CLASSPATH_OVERRIDE ?? jar;
function ours(userAgents) {
  // Newlines inside a user agent would split it: the corpora have none, and none can be sent in a header.
  const run = spawnSync('java', ['-cp', classpath, 'Classify.java'], {
    input: userAgents.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`java exited ${run.status}`);
  return run.stdout.trimEnd().split('\n');
}

const pct = (n, of) => `${(100 * n / of).toFixed(1)}%`;
const oursCrawlers = ours(crawlers);
const oursBrowsers = ours(browsers);
const bySource = {};
oursCrawlers.forEach((source) => { bySource[source] = (bySource[source] ?? 0) + 1; });
const row = (name, recall, fp) => console.log(`${name.padEnd(28)} ${pct(recall, crawlers.length).padStart(7)} ${pct(fp, browsers.length).padStart(16)}`);

console.log(`corpus: ${crawlers.length} distinct crawler user agents (crawler-user-agents instances), ${browsers.length} distinct browser user agents (user-agents)`);
console.log(`${'classifier'.padEnd(28)} ${'recall'.padStart(7)} ${'false positives'.padStart(16)}`);
row('isbot', crawlers.filter((ua) => isbot(ua)).length, browsers.filter((ua) => isbot(ua)).length);
row('clozette (yauaa + list)', oursCrawlers.filter((s) => s !== '-').length, oursBrowsers.filter((s) => s !== '-').length);
row('clozette, yauaa alone', oursCrawlers.filter((s) => s === 'yauaa').length, oursBrowsers.filter((s) => s === 'yauaa').length);
console.log('crawlers by flagging rule:', JSON.stringify(bySource));
const missed = crawlers.filter((ua, i) => oursCrawlers[i] === '-');
if (missed.length) console.log(`missed by clozette:\n  ${missed.join('\n  ')}`);
const flagged = browsers.filter((ua, i) => oursBrowsers[i] !== '-');
if (flagged.length) console.log(`browsers flagged by clozette:\n  ${flagged.join('\n  ')}`);
