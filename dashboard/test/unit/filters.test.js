import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilters, queryFilters, withFilter, withoutFilter } from '../../src/filters.js';
import { parseView, viewQuery } from '../../src/range.js';

test('filters of the page URL read as Plausible writes them, a comma in the value kept', () => {
  assert.deepEqual(parseFilters('?site=clozette-id&f=is,page,/looks/1&f=is,referrer,www.instagram.com'), {
    filters: [
      { dimension: 'page', value: '/looks/1' },
      { dimension: 'referrer', value: 'www.instagram.com' },
    ],
    ignored: [],
  });
  assert.deepEqual(parseFilters(`?f=${encodeURIComponent('is,page,/a,b&c=d')}`).filters, [{ dimension: 'page', value: '/a,b&c=d' }]);
});

test('an unusable filter of the URL is left out and said why, the others kept', () => {
  const { filters, ignored } = parseFilters(
    `?f=is,pag,/x&f=contains,page,/x&f=is,page,&f=is&f=is,device,Phone&f=is,device,Tablet&f=is,os,${'x'.repeat(1001)}`,
  );
  assert.deepEqual(filters, [{ dimension: 'device', value: 'Phone' }]);
  assert.equal(ignored.length, 6);
  assert.match(ignored[0], /^is,pag,\/x \(unknown dimension 'pag'\)$/);
  assert.match(ignored[1], /only 'is' filters/);
  assert.match(ignored[2], /no value/);
  assert.match(ignored[3], /unknown dimension ''/);
  assert.match(ignored[4], /a second filter on device/);
  assert.match(ignored[5], /^is,os,x{74}… \(a value longer than 1000 characters\)$/);
});

test('a view with filters written to the page URL reads back the same', () => {
  const view = { site: 'clozette-id', range: { preset: '30d' }, interval: 'day', filters: [{ dimension: 'page', value: '/a b?c=1&d,e' }, { dimension: 'platform', value: 'app' }] };
  const query = viewQuery(view);
  assert.deepEqual({ ...parseView(query), filters: parseFilters(query).filters }, view);
  assert.equal(viewQuery({ ...view, filters: [] }), '?site=clozette-id&range=30d&interval=day');
});

test('a row click sets its dimension filter, replacing one on the same dimension', () => {
  let filters = withFilter([], 'page', '/a');
  filters = withFilter(filters, 'device', 'Phone');
  filters = withFilter(filters, 'page', '/b');
  assert.deepEqual(filters, [{ dimension: 'device', value: 'Phone' }, { dimension: 'page', value: '/b' }]);
  assert.deepEqual(withoutFilter(filters, 'device'), [{ dimension: 'page', value: '/b' }]);
  assert.deepEqual(queryFilters(filters), [['is', 'device', ['Phone']], ['is', 'page', ['/b']]]);
});
