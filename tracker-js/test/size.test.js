import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

// The budget: what a visitor downloads, minified and gzipped (zlib's default level, as web servers
// use), must stay within 1 KB. BENCHMARKS.md records the current figure.
const BUDGET_BYTES = 1024;
const BUILT = new URL('../target/dist/t.js', import.meta.url);

test(`t.js is at most ${BUDGET_BYTES} bytes minified and gzipped`, () => {
  // Throws ENOENT when the build has not run: npm test builds first (pretest).
  const minified = readFileSync(BUILT);
  const gzipped = gzipSync(minified).length;
  console.log(`t.js: ${minified.length} bytes minified, ${gzipped} bytes gzipped (budget ${BUDGET_BYTES})`);
  assert.ok(gzipped <= BUDGET_BYTES, `t.js is ${gzipped} bytes gzipped, over the ${BUDGET_BYTES}-byte budget`);
});
