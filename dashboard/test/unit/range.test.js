import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDays,
  autoInterval,
  daysRange,
  describeRange,
  isDate,
  isInstant,
  parseView,
  presetRange,
  rangeProblem,
  resolveRange,
  todayIn,
  viewQuery,
} from '../../src/range.js';

// 2026-11-25 18:30 UTC: already 26 November in Jakarta (UTC+7) and Singapore (UTC+8).
const EVENING_UTC = new Date('2026-11-25T18:30:00Z');

test('only real calendar dates count as dates', () => {
  assert.ok(isDate('2026-11-02'));
  assert.ok(isDate('2028-02-29'));
  assert.ok(!isDate('2026-02-30'));
  assert.ok(!isDate('2026-11-2'));
  assert.ok(!isDate('2026-11-02T00:00:00Z'));
  assert.ok(!isDate(null));
});

test('instants need a time and an explicit offset', () => {
  assert.ok(isInstant('2026-11-02T00:00:00Z'));
  assert.ok(isInstant('2026-11-02T07:00:00+07:00'));
  assert.ok(isInstant('2026-11-02T00:00:00.123Z'));
  assert.ok(!isInstant('2026-11-02T00:00:00'));
  assert.ok(!isInstant('2026-11-02'));
  assert.ok(!isInstant('2026-13-02T00:00:00Z'));
});

test('adding days crosses month and year ends', () => {
  assert.equal(addDays('2026-11-30', 1), '2026-12-01');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});

test('today is the date in the site zone, not in UTC', () => {
  assert.equal(todayIn('UTC', EVENING_UTC), '2026-11-25');
  assert.equal(todayIn('Asia/Jakarta', EVENING_UTC), '2026-11-26');
});

test('today covers one day in the site zone, to exclusive', () => {
  assert.deepEqual(presetRange('today', 'Asia/Jakarta', EVENING_UTC), { from: '2026-11-26', to: '2026-11-27' });
});

test('last 7 and last 30 days end with today', () => {
  assert.deepEqual(presetRange('7d', 'Asia/Jakarta', EVENING_UTC), { from: '2026-11-20', to: '2026-11-27' });
  assert.deepEqual(presetRange('30d', 'UTC', EVENING_UTC), { from: '2026-10-27', to: '2026-11-26' });
});

test('a custom range names its last day, and the API gets the day after as to', () => {
  assert.deepEqual(daysRange('2026-11-02', '2026-11-08'), { from: '2026-11-02', to: '2026-11-09' });
  assert.deepEqual(daysRange('2026-11-02', '2026-11-02'), { from: '2026-11-02', to: '2026-11-03' });
});

test('a custom range ending before it starts, or missing a day, is refused', () => {
  assert.throws(() => daysRange('2026-11-08', '2026-11-02'), /before the first day/);
  assert.throws(() => daysRange('', '2026-11-02'), /both/);
});

test('a range must be two dates or two instants, in order', () => {
  assert.equal(rangeProblem({ from: '2026-11-02', to: '2026-11-09' }), null);
  assert.equal(rangeProblem({ from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' }), null);
  assert.match(rangeProblem({ from: '2026-11-02', to: '2026-11-09T00:00:00Z' }), /both/);
  assert.match(rangeProblem({ from: '2026-11-09', to: '2026-11-02' }), /before/);
  assert.match(rangeProblem({ from: '2026-11-02T00:00:00Z', to: '2026-11-02T00:00:00Z' }), /before/);
});

test('ranges up to two days are charted by the hour, longer ones by the day', () => {
  assert.equal(autoInterval({ from: '2026-11-02', to: '2026-11-03' }), 'hour');
  assert.equal(autoInterval({ from: '2026-11-02', to: '2026-11-04' }), 'hour');
  assert.equal(autoInterval({ from: '2026-11-02', to: '2026-11-05' }), 'day');
  assert.equal(autoInterval({ from: '2026-11-02T00:00:00Z', to: '2026-11-04T00:00:00Z' }), 'hour');
  assert.equal(autoInterval({ from: '2026-11-02T00:00:00Z', to: '2026-11-04T00:00:01Z' }), 'day');
});

test('a days range is described with its last day inclusive and the zone', () => {
  assert.equal(describeRange({ from: '2026-11-02', to: '2026-11-09' }, 'Asia/Jakarta'), '2026-11-02 – 2026-11-08 (7 days, Asia/Jakarta)');
  assert.equal(describeRange({ from: '2026-11-25', to: '2026-11-26' }, 'Asia/Jakarta'), '2026-11-25 (1 day, Asia/Jakarta)');
  assert.equal(
    describeRange({ from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' }, 'Asia/Jakarta'),
    '2026-11-02T00:00:00Z – 2026-11-09T00:00:00Z (end excluded)',
  );
});

test('the page URL can name a site and a range of instants', () => {
  assert.deepEqual(parseView('?from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z&site=clozette-id'), {
    site: 'clozette-id',
    range: { preset: 'custom', from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' },
    interval: 'auto',
  });
});

test('the page URL can name a preset and an interval', () => {
  assert.deepEqual(parseView('?site=clozette-sg&range=30d&interval=week'), { site: 'clozette-sg', range: { preset: '30d' }, interval: 'week' });
});

test('an unusable page URL falls back to the last 7 days and the automatic interval', () => {
  const fallback = { site: null, range: { preset: '7d' }, interval: 'auto' };
  assert.deepEqual(parseView(''), fallback);
  assert.deepEqual(parseView('?range=toString&interval=year'), fallback);
  assert.deepEqual(parseView('?from=2026-11-09&to=2026-11-02'), fallback);
  assert.deepEqual(parseView('?from=2026-11-02'), fallback);
});

test('a view written to the page URL reads back the same', () => {
  const views = [
    { site: 'clozette-id', range: { preset: 'custom', from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' }, interval: 'auto' },
    { site: 'clozette-sg', range: { preset: 'custom', from: '2026-11-02', to: '2026-11-09' }, interval: 'hour' },
    { site: 'clozette-id', range: { preset: 'today' }, interval: 'month' },
  ];
  for (const view of views) assert.deepEqual(parseView(viewQuery(view)), view);
});

test('a preset resolves at the time asked, a custom range as given', () => {
  assert.deepEqual(resolveRange({ preset: 'today' }, 'Asia/Singapore', EVENING_UTC), { from: '2026-11-26', to: '2026-11-27' });
  const custom = { preset: 'custom', from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' };
  assert.deepEqual(resolveRange(custom, 'Asia/Singapore', EVENING_UTC), { from: custom.from, to: custom.to });
});
