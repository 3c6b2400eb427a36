// Writes the sample of the two corpora that event-model's tests keep (with the corpora's licences
// beside it): every 5th distinct crawler user agent and every 3rd distinct browser user agent.
//   cd bench/bots && npm ci && node sample-fixture.js ../../event-model/src/test/resources/bots
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const out = process.argv[2];
const data = (name, file) => JSON.parse(readFileSync(resolve('node_modules', name, file), 'utf8'));
const crawlers = [...new Set(data('crawler-user-agents', 'crawler-user-agents.json').flatMap((entry) => entry.instances ?? []))];
const browsers = [...new Set(data('user-agents', 'dist/user-agents.json').map((entry) => entry.userAgent))];
const every = (list, n) => list.filter((_, i) => i % n === 0);

mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, 'crawlers.txt'), every(crawlers, 5).join('\n') + '\n');
writeFileSync(resolve(out, 'browsers.txt'), every(browsers, 3).join('\n') + '\n');
copyFileSync(resolve('node_modules/crawler-user-agents/LICENSE'), resolve(out, 'LICENSE-crawler-user-agents'));
copyFileSync(resolve('node_modules/user-agents/LICENSE'), resolve(out, 'LICENSE-user-agents'));
copyFileSync(resolve('node_modules/isbot/LICENSE'), resolve(out, 'LICENSE-isbot'));
