import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { randomId, readVisitor, visitorCookie } from '../../src/id.js';

describe('randomId', () => {
  test('is 128 bits from the given crypto, in base 36', () => {
    const allOnes = { getRandomValues: (words) => words.fill(0xffffffff) };
    assert.equal(randomId(allOnes), '1z141z3'.repeat(4));
  });
  test('from the platform crypto, is a valid vid and does not repeat', () => {
    const ids = new Set();
    for (let i = 0; i < 10000; i++) {
      const id = randomId(globalThis.crypto);
      assert.match(id, /^[0-9a-z]{4,28}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 10000);
  });
});

describe('readVisitor', () => {
  const cookies = 'theme=dark; x_cz_vid=other; _cz_vid=abc-123_Z; _ga=GA1.2.3';
  test('finds the named cookie among others, not one whose name only ends the same', () => {
    assert.equal(readVisitor(cookies, '_cz_vid'), 'abc-123_Z');
    assert.equal(readVisitor('x_cz_vid=other', '_cz_vid'), undefined);
  });
  test('reads a configured name', () => {
    assert.equal(readVisitor(cookies, 'theme'), 'dark');
  });
  test('is undefined when absent, so the caller makes a new id', () => {
    assert.equal(readVisitor('', '_cz_vid'), undefined);
    assert.equal(readVisitor('theme=dark', '_cz_vid'), undefined);
  });
  test('refuses a value the collector would not take as a vid', () => {
    assert.equal(readVisitor('_cz_vid=' + 'a'.repeat(129), '_cz_vid'), undefined);
    assert.equal(readVisitor('_cz_vid=a%22b', '_cz_vid'), undefined);
    assert.equal(readVisitor('_cz_vid=; theme=dark', '_cz_vid'), undefined);
    assert.equal(readVisitor('_cz_vid=' + 'a'.repeat(128), '_cz_vid'), 'a'.repeat(128));
  });
  test('reads back what randomId wrote through visitorCookie', () => {
    const vid = randomId(globalThis.crypto);
    const written = visitorCookie('_cz_vid', vid, false).split(';')[0];
    assert.equal(readVisitor('theme=dark; ' + written, '_cz_vid'), vid);
  });
});

describe('visitorCookie', () => {
  test('lives two years on the whole site, Lax', () => {
    const twoYears = 2 * 365 * 24 * 3600;
    assert.equal(visitorCookie('_cz_vid', 'v1', false), `_cz_vid=v1;path=/;max-age=${twoYears};samesite=lax`);
  });
  test('is Secure on https pages', () => {
    assert.equal(visitorCookie('_cz_vid', 'v1', true), '_cz_vid=v1;path=/;max-age=63072000;samesite=lax;secure');
  });
});
