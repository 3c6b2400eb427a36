// Writes isbot's pattern list (one JavaScript regex source per entry, matched case-insensitively)
// with the version it came from, for the Java matcher in event-model to compile.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const { list } = require('isbot');
const { version } = JSON.parse(readFileSync(require.resolve('isbot/package.json'), 'utf8'));

const out = process.argv[2];
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ source: 'isbot', version, patterns: list }, null, 1) + '\n');
console.log(`wrote ${list.length} patterns of isbot ${version} to ${out}`);
