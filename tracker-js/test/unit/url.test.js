import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectorBase, pageKey, pixelQuery } from '../../src/url.js';

describe('collectorBase', () => {
  test('is the directory the script was served from', () => {
    assert.equal(collectorBase('https://collect.clozette.co.id/t.js'), 'https://collect.clozette.co.id/');
  });
  test('keeps a path prefix and drops the script query', () => {
    assert.equal(collectorBase('https://cdn.example/analytics/t.js?v=3'), 'https://cdn.example/analytics/');
  });
});

describe('pageKey', () => {
  test('drops the fragment, so an in-page jump is the same page', () => {
    assert.equal(pageKey('https://www.clozette.co.id/looks/1#comments'), 'https://www.clozette.co.id/looks/1');
  });
  test('keeps the query, so a UTM-tagged landing differs from the bare page', () => {
    assert.equal(pageKey('https://www.clozette.co.id/?utm_source=ig'), 'https://www.clozette.co.id/?utm_source=ig');
  });
});

describe('pixelQuery', () => {
  test('carries every field as one encoded parameter, props as JSON', () => {
    const event = {
      site: 'clozette-id',
      type: 'ping',
      url: 'https://www.clozette.co.id/looks/1?utm_source=ig&x=a b',
      ref: 'https://news.example/?q=1&r=2',
      vid: 'v1',
      id: 'e1',
      platform: 'web',
      props: { engagedMs: 1234 },
    };
    const query = pixelQuery(event).toString();
    assert.deepEqual(Object.fromEntries(new URLSearchParams(query)), { ...event, props: '{"engagedMs":1234}' });
    assert.doesNotMatch(query, /utm_source=ig&/, 'the page URL is encoded as one value, not spilled into the query');
  });
  test('leaves out absent and empty fields', () => {
    const query = pixelQuery({ site: 's', type: 'pageview', url: 'https://a/', ref: '', name: undefined, props: undefined });
    assert.equal(query.toString(), 'site=s&type=pageview&url=https%3A%2F%2Fa%2F');
  });
});
