// The dashboard in headless Chromium against the real system holding the golden data set: what a
// staff member sees must be what expected.json says (or, under filters, what the query API and a
// count of the golden events made here say), and nothing from the data may run as markup.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatChange, formatCount, formatDuration, formatPercent } from '../../src/format.js';
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

const HEADLINE = [
  ['pageviews', 'pageviews'],
  ['visitors', 'visitors'],
  ['sessions', 'sessions'],
  ['avg-session', 'avgSessionSeconds'],
  ['avg-time-per-visitor', 'avgTimePerVisitorSeconds'],
  ['bounce-rate', 'bounceRate'],
];
const HEADLINE_METRICS = HEADLINE.map(([, field]) => field);
const CRAWLER = /bot|crawl|spider|facebookexternalhit/i;
// RULES.md: an id and a visitor id are strings of 1 to 128 characters.
const validId = (id) => typeof id === 'string' && id.length >= 1 && id.length <= 128;

/**
 * Pageviews of `path` on `site` in [from, to) counted from the golden events file here, by
 * RULES.md (valid lines, duplicates once, crawlers left out, the page is the URL's path), not by
 * the server.
 */
function goldenPageviews({ site, path, from, to }) {
  const ids = new Set();
  for (const line of golden.events().toString('utf8').split('\n')) {
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (event?.type !== 'pageview' || event.site !== site || !validId(event.id) || !validId(event.vid) || !Number.isInteger(event.ts)) continue;
    if (event.ts < Date.parse(from) || event.ts >= Date.parse(to) || CRAWLER.test(event.ua ?? '')) continue;
    let url;
    try {
      url = new URL(event.url);
    } catch {
      continue;
    }
    if (url.host && (url.pathname || '/') === path) ids.add(event.id);
  }
  return ids.size;
}

/** The headline figures of the page, by the query API's metric names (raw values). */
async function headlineShown(page) {
  const shown = {};
  for (const [testid, field] of HEADLINE) shown[field] = (await metric(page, testid)).value;
  return shown;
}

/** The headline figures the query API answers for the golden week under `filters`. */
async function headlineAsked(filters) {
  const answer = await system.query({ site: 'clozette-id', dateRange: [GOLDEN_WEEK.from, GOLDEN_WEEK.to], metrics: HEADLINE_METRICS, filters });
  const values = answer.results[0]?.metrics ?? HEADLINE_METRICS.map(() => 0);
  return Object.fromEntries(HEADLINE_METRICS.map((field, i) => [field, values[i]]));
}

const assertHeadline = (shown, expected, what) => {
  for (const field of HEADLINE_METRICS) assertClose(shown[field], expected[field], `${what}: ${field}`);
};

test('clicking a page row filters the whole view, shows a chip, and keeps the filter in the URL', { timeout: 60_000 }, async () => {
  const { context, page, seen } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    const firstRow = page.getByTestId('top-pages').locator('tbody tr').first();
    const path = await firstRow.locator('td').first().getAttribute('title');
    await firstRow.click();
    await page.getByTestId('filter-chip').waitFor();
    const panels = await settledPanels(page);
    assert.deepEqual(panels, Object.fromEntries(PANELS.map((id) => [id, 'ready'])), 'every panel loads under the filter');

    const filters = [['is', 'page', [path]]];
    assert.deepEqual(new URL(page.url()).searchParams.getAll('f'), [`is,page,${path}`]);
    assert.deepEqual(await page.getByTestId('filter-chip').evaluateAll((chips) => chips.map((chip) => chip.textContent)), [`Page is ${path}×`]);
    const asked = await headlineAsked(filters);
    const filtered = await headlineShown(page);
    assertHeadline(filtered, asked, 'the headline under the filter is what the query API answers');
    const counted = goldenPageviews({ site: 'clozette-id', path, ...GOLDEN_WEEK });
    assert.equal(filtered.pageviews, counted, `pageviews of ${path} counted in the golden events`);
    assert.ok(counted < golden.report({ site: 'clozette-id', ...GOLDEN_WEEK }).pageviews, 'the filter narrows the view');
    // Every list and the chart are asked under the filter too.
    assert.deepEqual((await tableRows(page, 'top-pages')).map(([shown]) => shown), [path]);
    assert.equal(Number(await page.getByTestId('chart').getAttribute('data-pageviews')), counted);
    const platforms = await system.query({ site: 'clozette-id', dateRange: [GOLDEN_WEEK.from, GOLDEN_WEEK.to], metrics: ['pageviews'], dimensions: ['platform'], filters });
    const platformRows = await page.getByTestId('platforms').locator('tbody tr td.num').first().getAttribute('data-value');
    assert.equal(Number(platformRows), platforms.results[0].metrics[0]);
    assert.ok(seen.apiRequests.some((url) => url.pathname === '/api/v2/query'));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-filtered.png'), fullPage: true });

    // A reload (the token is still in the tab) shows the same filtered view from the URL.
    await page.reload();
    await page.getByTestId('filter-chip').waitFor();
    await settledPanels(page);
    assertHeadline(await headlineShown(page), filtered, 'after a reload');

    // Removing the chip returns to the unfiltered figures of expected.json.
    await page.getByTestId('filter-chip').getByRole('button').click();
    await page.getByTestId('filter-bar').waitFor({ state: 'hidden' });
    await settledPanels(page);
    assert.deepEqual(new URL(page.url()).searchParams.getAll('f'), []);
    const expected = golden.report({ site: 'clozette-id', ...GOLDEN_WEEK });
    assertHeadline(await headlineShown(page), expected, 'without the filter');
    assert.equal((await tableRows(page, 'top-pages')).length, 10);
    assert.deepEqual(seen.errors, []);
  } finally {
    await context.close();
  }
});

test('filters on two dimensions all hold, Site vs App rows included', { timeout: 60_000 }, async () => {
  const { context, page } = await openDashboard(`?from=${GOLDEN_WEEK.from}&to=${GOLDEN_WEEK.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    const app = page.getByTestId('platforms').locator('tbody tr', { hasText: /^App/ });
    await app.click();
    await page.getByTestId('filter-chip').waitFor();
    await settledPanels(page);
    const referrer = await page.getByTestId('referrers').locator('tbody tr td').first().getAttribute('title');
    await page.getByTestId('referrers').locator('tbody tr').first().click();
    await page.getByTestId('filter-chip').nth(1).waitFor();
    await settledPanels(page);
    assert.deepEqual(new URL(page.url()).searchParams.getAll('f'), ['is,platform,app', `is,referrer,${referrer}`]);
    const filters = [['is', 'platform', ['app']], ['is', 'referrer', [referrer]]];
    assertHeadline(await headlineShown(page), await headlineAsked(filters), 'under both filters');
  } finally {
    await context.close();
  }
});

test('each headline figure shows its change against the previous period', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The second half of the golden week against the first: both periods hold traffic.
  const range = { from: '2026-11-05T12:00:00Z', to: '2026-11-09T00:00:00Z' };
  const { context, page } = await openDashboard(`?from=${range.from}&to=${range.to}&site=clozette-id`);
  try {
    await signIn(page, system.staffToken);
    await settledPanels(page);
    const answer = await system.query({ site: 'clozette-id', dateRange: [range.from, range.to], metrics: HEADLINE_METRICS, compare: 'previous_period' });
    const [row] = answer.results;
    for (const [i, [testid, field]] of HEADLINE.entries()) {
      const change = await page.getByTestId(`${testid}-change`).evaluate((element) => ({ hidden: element.hidden, text: element.textContent, previous: Number(element.dataset.previous) }));
      assert.equal(change.hidden, false, testid);
      assertClose(change.previous, row.comparison.metrics[i], `${testid}: previous ${field}`);
      assert.ok(row.comparison.metrics[i] > 0, `${field}: the previous period has traffic`);
      assert.equal(change.text, formatChange(row.metrics[i], row.comparison.metrics[i], { rate: field === 'bounceRate' }).text, testid);
      assert.match(change.text, field === 'bounceRate' ? /^[▲▼=] [+−]?\d+\.\d pp$/ : /^[▲▼=] [+−]?\d+\.\d%$/, testid);
    }
  } finally {
    await context.close();
  }
});

test('an unusable filter of the link is ignored with a notice, a hostile one shows as text', { timeout: TEST_TIMEOUT_MS }, async () => {
  const hostile = '/<img src=x onerror="window.__hostile=3">';
  const link = new URLSearchParams({ from: GOLDEN_WEEK.from, to: GOLDEN_WEEK.to, site: 'clozette-id' });
  link.append('f', 'is,pag,/looks/1');
  link.append('f', `is,page,${hostile}`);
  const { context, page, seen } = await openDashboard(`?${link}`);
  try {
    await signIn(page, system.staffToken);
    const panels = await settledPanels(page);
    assert.deepEqual(panels, Object.fromEntries(PANELS.map((id) => [id, 'ready'])));
    assert.match(await page.getByTestId('filter-notice').textContent(), /is,pag,\/looks\/1 \(unknown dimension 'pag'\)/);
    assert.equal(await page.getByTestId('filter-chip').textContent(), `Page is ${hostile}×`);
    assert.equal((await metric(page, 'pageviews')).value, 0, 'no pageview of that page');
    assert.equal(await page.locator('#dashboard img, #dashboard script').count(), 0);
    assert.equal(await page.evaluate(() => window.__hostile), undefined);
    assert.deepEqual(new URL(page.url()).searchParams.getAll('f'), [`is,page,${hostile}`], 'the URL keeps only the filter in use');
    assert.deepEqual(seen.errors, []);
  } finally {
    await context.close();
  }
});
