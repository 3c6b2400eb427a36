// The dashboard in headless Chromium against the real system holding the golden data set: what a
// staff member sees must be what expected.json says, and nothing from the data may run as markup.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatCount, formatDuration, formatPercent } from '../../src/format.js';
import { ARTIFACTS, golden, launchBrowser, startSystem } from './system.js';

const TEST_TIMEOUT_MS = 30_000;
const FLOAT_TOLERANCE = 1e-6;
const GOLDEN_WEEK = { from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' };
// Every panel of the page; each ends in data-state "ready" or "error".
const PANELS = ['realtime', 'headline', 'frequency', 'timeseries', 'top-pages', 'entry-pages', 'exit-pages', 'platforms', 'referrers', 'devices', 'bots'];

let system;
let browser;

before(
  async () => {
    system = await startSystem();
    const imported = await system.importEvents(golden.events());
    assert.equal(imported.rejected, 9, `the golden import: ${JSON.stringify(imported)}`);
    browser = await launchBrowser();
  },
  { timeout: 90_000 },
);

after(async () => {
  await browser?.close();
  await system?.stop();
});

/**
 * A fresh browser context (so a fresh sessionStorage) on /dashboard/ with `query`, recording the
 * page's uncaught errors and console errors, its API requests, and any request to another origin.
 */
async function openDashboard(query = '') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const seen = { errors: [], apiRequests: [], foreign: [] };
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(message.text());
  });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:') return;
    if (url.origin !== system.base) seen.foreign.push(request.url());
    else if (url.pathname.startsWith('/api/')) seen.apiRequests.push(url);
  });
  await page.goto(`${system.base}/dashboard/${query}`);
  return { context, page, seen };
}

async function signIn(page, token) {
  await page.getByTestId('token').fill(token);
  await page.getByTestId('sign-in').click();
}

/** Waits until every panel has answered, and returns each panel's state and error text. */
async function settledPanels(page) {
  await page.waitForFunction(
    (panels) => panels.every((id) => ['ready', 'error'].includes(document.querySelector(`[data-testid="${id}"]`)?.dataset.state)),
    PANELS,
  );
  return page.evaluate(
    (panels) =>
      Object.fromEntries(
        panels.map((id) => {
          const panel = document.querySelector(`[data-testid="${id}"]`);
          return [id, panel.dataset.state === 'ready' ? 'ready' : panel.querySelector(':scope > .error').textContent];
        }),
      ),
    PANELS,
  );
}

/** A headline number as the page shows it: its text, raw data-value and tooltip. */
const metric = (page, testid) =>
  page.getByTestId(testid).evaluate((element) => ({ text: element.textContent, value: Number(element.dataset.value), title: element.title }));

/** The cell texts of a table panel's rows. */
const tableRows = (page, testid) =>
  page.getByTestId(testid).locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent)));

const assertClose = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) <= FLOAT_TOLERANCE, `${what}: the page shows ${actual}, expected.json says ${expected}`);

test('the golden week shows the headline numbers, entry and exit pages of expected.json', { timeout: TEST_TIMEOUT_MS }, async () => {
  const expected = golden.report({ site: 'clozette-id', ...GOLDEN_WEEK });
  const { context, page, seen } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    const panels = await settledPanels(page);
    assert.deepEqual(panels, Object.fromEntries(PANELS.map((id) => [id, 'ready'])), 'every panel loads without an error');
    assert.equal(await page.getByTestId('site').inputValue(), 'clozette-id');

    for (const [testid, field] of [['pageviews', 'pageviews'], ['visitors', 'visitors'], ['sessions', 'sessions']]) {
      const shown = await metric(page, testid);
      assert.equal(shown.value, expected[field], testid);
      assert.equal(shown.text, formatCount(expected[field]), testid);
    }
    for (const [testid, field] of [['avg-session', 'avgSessionSeconds'], ['avg-time-per-visitor', 'avgTimePerVisitorSeconds']]) {
      const shown = await metric(page, testid);
      assertClose(shown.value, expected[field], testid);
      assert.equal(shown.text, formatDuration(expected[field]), testid);
      assert.match(shown.title, new RegExp(`^${expected[field]}`), `${testid} tooltip has the exact seconds`);
    }
    const bounce = await metric(page, 'bounce-rate');
    assertClose(bounce.value, expected.bounceRate, 'bounce-rate');
    assert.equal(bounce.text, formatPercent(expected.bounceRate));

    const [topEntry] = await tableRows(page, 'entry-pages');
    assert.deepEqual(topEntry, [expected.entryPages[0].path, formatCount(expected.entryPages[0].sessions)]);
    const [topExit] = await tableRows(page, 'exit-pages');
    assert.deepEqual(topExit, [expected.exitPages[0].path, formatCount(expected.exitPages[0].sessions), formatPercent(expected.exitPages[0].exitRate)]);

    // Bots are left out of every number above and shown apart, with the rule that flagged them.
    assert.deepEqual(await tableRows(page, 'bots'), [
      ['AhrefsBot', 'Yauaa', formatCount(37)],
      ['Facebookexternalhit', 'Yauaa', formatCount(26)],
      ['YandexBot', 'Yauaa', formatCount(9)],
    ]);

    // A week is charted by the day, and the day buckets add up to the week's pageviews.
    const chart = await page.getByTestId('chart').evaluate((element) => ({ ...element.dataset, canvases: element.querySelectorAll('canvas').length }));
    assert.equal(chart.interval, 'day');
    assert.equal(Number(chart.pageviews), expected.pageviews);
    assert.equal(chart.canvases, 1);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    assert.deepEqual(seen.errors, [], 'no script error and no Content-Security-Policy violation');
    assert.deepEqual(seen.foreign, [], 'nothing is loaded from another origin');
  } finally {
    await context.close();
  }
});

test('picking another site shows that site numbers for the same range', { timeout: TEST_TIMEOUT_MS }, async () => {
  const expected = golden.report({ site: 'clozette-sg', ...GOLDEN_WEEK });
  const { context, page } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    await page.getByTestId('site').selectOption('clozette-sg');
    await settledPanels(page);
    assert.equal((await metric(page, 'pageviews')).value, expected.pageviews);
    assert.equal((await metric(page, 'visitors')).value, expected.visitors);
    assert.equal((await metric(page, 'sessions')).value, expected.sessions);
    assertClose((await metric(page, 'bounce-rate')).value, expected.bounceRate, 'bounce-rate');
    assert.equal(new URL(page.url()).searchParams.get('site'), 'clozette-sg', 'the page URL keeps the view');
  } finally {
    await context.close();
  }
});

test('a custom range of days asks the API for dates in the site zone, the day after the last as to', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page, seen } = await openDashboard('?site=clozette-id');
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    await page.getByTestId('range').selectOption('custom');
    await page.getByTestId('first-day').fill('2026-11-02');
    await page.getByTestId('last-day').fill('2026-11-08');
    await page.getByTestId('apply-range').click();
    await settledPanels(page);

    const reportRequest = seen.apiRequests.findLast((url) => url.pathname === '/api/v1/report');
    assert.equal(reportRequest.searchParams.get('from'), '2026-11-02');
    assert.equal(reportRequest.searchParams.get('to'), '2026-11-09');
    const direct = await system.get('/api/v1/report?site=clozette-id&from=2026-11-02&to=2026-11-09');
    assert.equal((await metric(page, 'pageviews')).value, direct.pageviews);
    assert.equal((await metric(page, 'visitors')).value, direct.visitors);
    assert.match(await page.getByTestId('range-summary').textContent(), /^2026-11-02 – 2026-11-08 \(7 days, Asia\/Jakarta\)$/);
  } finally {
    await context.close();
  }
});

test('switching the interval redraws the chart from the time series of that interval', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page, seen } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    await page.getByTestId('interval').selectOption('week');
    await page.waitForFunction(() => document.querySelector('[data-testid="timeseries"]').dataset.state === 'ready');
    const timeseries = seen.apiRequests.findLast((url) => url.pathname === '/api/v1/timeseries');
    assert.equal(timeseries.searchParams.get('interval'), 'week');
    const chart = await page.getByTestId('chart').evaluate((element) => ({ ...element.dataset }));
    assert.equal(chart.interval, 'week');
    assert.equal(Number(chart.pageviews), golden.report({ site: 'clozette-id', ...GOLDEN_WEEK }).pageviews);
    assert.equal(new URL(page.url()).searchParams.get('interval'), 'week');
  } finally {
    await context.close();
  }
});

test('a breakdown table pages through its rows', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    const topPages = page.getByTestId('top-pages');
    const first = await tableRows(page, 'top-pages');
    assert.equal(first.length, 10);
    await topPages.getByRole('button', { name: 'Next' }).click();
    await topPages.locator('.pager', { hasText: /^11–20 of / }).waitFor();
    const second = await tableRows(page, 'top-pages');
    assert.equal(second.length, 10);
    assert.deepEqual(second.filter(([path]) => first.some(([seen]) => seen === path)), [], 'the second page has other pages');
    await topPages.getByRole('button', { name: 'Previous' }).click();
    await topPages.locator('.pager', { hasText: /^1–10 of / }).waitFor();
    assert.deepEqual(await tableRows(page, 'top-pages'), first);
  } finally {
    await context.close();
  }
});

test('real-time numbers take in a new pageview without a reload', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openDashboard('?site=clozette-sg&range=today');
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    const before = (await metric(page, 'realtime-pageviews')).value;
    const now = Date.now();
    const event = { id: `e2e-realtime-${now}`, site: 'clozette-sg', type: 'pageview', ts: now, vid: `e2e-${now}`, url: 'https://www.clozette.co/e2e', platform: 'web' };
    assert.equal((await system.importEvents(`${JSON.stringify(event)}\n`)).accepted, 1);
    // The page asks every 10 s.
    await page.waitForFunction((expected) => Number(document.querySelector('[data-testid="realtime-pageviews"]').dataset.value) === expected, before + 1, {
      timeout: 15_000,
    });
  } finally {
    await context.close();
  }
});

test('a wrong token shows the sign-in error and keeps the dashboard hidden', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, 'not-the-staff-token-at-all');
    const error = page.getByTestId('signin-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /not known to the server \(401/);
    assert.equal(await page.locator('#dashboard').isHidden(), true);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the refused token is not kept');
  } finally {
    await context.close();
  }
});

test('a partner token is turned back to the sign-in with the staff-only message', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.partnerToken);
    const error = page.getByTestId('signin-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /not allowed to read staff reports \(403/);
    assert.equal(await page.locator('#dashboard').isHidden(), true);
    assert.equal(await page.getByTestId('pageviews').textContent(), '–', 'no number stays on the page');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  } finally {
    await context.close();
  }
});

test('signing out forgets the token and the numbers', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    assert.equal(await page.evaluate(() => sessionStorage.length), 1);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.equal(await page.getByTestId('pageviews').textContent(), '–');
    assert.equal(await page.getByTestId('entry-pages').locator('tbody tr').count(), 0);
  } finally {
    await context.close();
  }
});

test('a hostile page path shows as text and runs nothing', { timeout: TEST_TIMEOUT_MS }, async () => {
  // A day before the golden week: this test's events change no golden number.
  const hostile = '/<img src=x onerror="window.__hostile=1">';
  const events = [
    { id: 'e2e-hostile-1', site: 'clozette-id', type: 'pageview', ts: Date.parse('2026-10-03T04:00:00Z'), vid: 'e2e-hostile', url: `https://www.clozette.co.id${hostile}` },
    { id: 'e2e-hostile-2', site: 'clozette-id', type: 'pageview', ts: Date.parse('2026-10-03T04:00:05Z'), vid: 'e2e-hostile', url: 'https://www.clozette.co.id/<script>window.__hostile=2</script>' },
  ];
  assert.equal((await system.importEvents(events.map((e) => JSON.stringify(e)).join('\n'))).accepted, 2);
  const { context, page } = await openDashboard('?site=clozette-id&from=2026-10-03T00:00:00Z&to=2026-10-04T00:00:00Z');
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    assert.deepEqual(await tableRows(page, 'entry-pages'), [[hostile, '1']]);
    assert.deepEqual((await tableRows(page, 'exit-pages'))[0][0], '/<script>window.__hostile=2</script>');
    assert.deepEqual(
      (await tableRows(page, 'top-pages')).map(([path]) => path).sort(),
      [hostile, '/<script>window.__hostile=2</script>'].sort(),
    );
    assert.equal(await page.locator('#dashboard img, #dashboard script').count(), 0, 'no element was made from a path');
    assert.equal(await page.evaluate(() => window.__hostile), undefined);
  } finally {
    await context.close();
  }
});
