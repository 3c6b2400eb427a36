import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safe } from '../../src/safe.js';

test('passes the arguments through', () => {
  const seen = [];
  safe((...args) => seen.push(args))('a', 1);
  assert.deepEqual(seen, [['a', 1]]);
});

test('swallows what the wrapped function throws', () => {
  assert.doesNotThrow(() =>
    safe(() => {
      throw new TypeError('boom');
    })(),
  );
});
