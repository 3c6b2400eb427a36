import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactSeconds, formatChange, formatClock, formatCount, formatDuration, formatEstimate, formatKey, formatMean, formatPage, formatPercent } from '../../src/format.js';

test('counts are grouped by thousands', () => {
  assert.equal(formatCount(1008), '1,008');
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(1234567), '1,234,567');
});

test('a missing number shows a dash instead of NaN or undefined', () => {
  for (const format of [formatCount, formatDuration, formatPercent, formatMean, exactSeconds]) {
    assert.equal(format(undefined), '–');
    assert.equal(format(NaN), '–');
  }
});

test('durations under an hour read m:ss', () => {
  assert.equal(formatDuration(342.210891), '5:42');
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(59.4), '0:59');
  assert.equal(formatDuration(9), '0:09');
});

test('durations round to the nearest second, carrying into minutes and hours', () => {
  assert.equal(formatDuration(59.5), '1:00');
  assert.equal(formatDuration(3599.6), '1:00:00');
});

test('durations of an hour or more read h:mm:ss', () => {
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(36000), '10:00:00');
});

test('the exact seconds behind a duration keep every digit the API sent', () => {
  assert.equal(exactSeconds(342.210891), '342.210891 s');
  assert.equal(exactSeconds(0), '0 s');
});

test('shares read as percentages with one decimal', () => {
  assert.equal(formatPercent(0.493797), '49.4%');
  assert.equal(formatPercent(1), '100.0%');
  assert.equal(formatPercent(0), '0.0%');
});

test('means show two decimals', () => {
  assert.equal(formatMean(403 / 239), '1.69');
});

test('a clock time is the wall time in the given zone', () => {
  assert.equal(formatClock('2026-11-25T07:05:09Z', 'Asia/Jakarta'), '14:05:09');
  assert.equal(formatClock('2026-11-25T16:30:00Z', 'Asia/Singapore'), '00:30:00');
  assert.equal(formatClock('not a time', 'Asia/Jakarta'), '–');
});

test('platforms read as Site and App', () => {
  assert.equal(formatKey('platform', 'web'), 'Site');
  assert.equal(formatKey('platform', 'app'), 'App');
  assert.equal(formatKey('platform', 'tv'), 'tv');
});

test('a missing key reads as none, and a missing referrer as direct', () => {
  assert.equal(formatKey('device', null), '(none)');
  assert.equal(formatKey('referrer', ''), '(direct / none)');
  assert.equal(formatKey('page', '/'), '/');
});

test('a page of table rows says which rows of how many it shows', () => {
  assert.equal(formatPage(0, 10, 37), '1–10 of 37');
  assert.equal(formatPage(30, 7, 37), '31–37 of 37');
  assert.equal(formatPage(10, 10, undefined), '11–20');
  assert.equal(formatPage(40, 0, 37), 'none of 37');
});

test('visitors estimated from a sketch are marked and their error stated; exact ones are plain', () => {
  assert.deepEqual(formatEstimate(239, { visitors: 239 }), { text: '239', title: undefined });
  const estimate = formatEstimate(1239, { visitorsApprox: true, visitorsRelativeStandardError: 0.01625 });
  assert.equal(estimate.text, '≈1,239');
  assert.match(estimate.title, /±1\.6% \(relative standard error\)/);
});

test('a change against the previous period is a signed percentage with an arrow, a rate in points', () => {
  assert.deepEqual(formatChange(120, 100), { text: '▲ +20.0%', direction: 'up' });
  assert.deepEqual(formatChange(75, 100), { text: '▼ −25.0%', direction: 'down' });
  assert.deepEqual(formatChange(100, 100), { text: '= 0.0%', direction: 'same' });
  assert.deepEqual(formatChange(0.55, 0.5, { rate: true }), { text: '▲ +5.0 pp', direction: 'up' });
  assert.deepEqual(formatChange(0.4, 0.5, { rate: true }), { text: '▼ −10.0 pp', direction: 'down' });
});

test('no change is shown against a previous value of 0 or a missing one', () => {
  assert.deepEqual(formatChange(5, 0), { text: 'new', direction: null });
  assert.deepEqual(formatChange(0, 0), { text: '–', direction: null });
  assert.deepEqual(formatChange(0.3, 0, { rate: true }), { text: 'new', direction: null });
  assert.deepEqual(formatChange(5, undefined), { text: '–', direction: null });
});
