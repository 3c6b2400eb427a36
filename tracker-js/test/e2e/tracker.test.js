// t.js in headless Chromium against the real system: each scenario is one visitor (a fresh browser
// context) in its own time window, checked twice: by the beacons the browser sent, and by what the
// report API makes of them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ARTIFACTS,
  COLLECTORS,
  PAGE_ORIGIN,
  SITE,
  launchBrowser,
  observe,
  pathOf,
  setHidden,
  settle,
  startFixtures,
  startSystem,
} from './harness.js';

const SCENARIO_TIMEOUT_MS = 30_000;
const DAY_SECONDS = 24 * 3600;

let system;
let fixtures;
let browser;

before(
  async () => {
    system = await startSystem();
    fixtures = await startFixtures(system);
    browser = await launchBrowser(system, fixtures);
  },
  { timeout: 90_000 },
);

after(async () => {
  await browser?.close();
  await fixtures?.stop();
  await system?.stop();
});

/**
 * Plays one visit in a fresh browser context, then waits for the collector to store everything
 * and asks the report for exactly the visit's time window.
 */
async function visit(contextOptions, play) {
  const counters = await system.counters();
  const from = Date.now();
  const context = await browser.newContext(contextOptions);
  const seen = observe(context);
  let result;
  try {
    result = await play(context, seen);
  } finally {
    await context.close();
  }
  const stored = await settle(system, counters);
  const report = await system.report(from, Date.now() + 1);
  return { seen, stored, report, result };
}

const ofType = (seen, type) => seen.beacons.filter((beacon) => beacon.event.type === type).map((beacon) => beacon.event);

/** Waits for something the page does asynchronously (the async script loading, a beacon leaving). */
async function until(condition, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const visitorCookie = async (context) => (await context.cookies(PAGE_ORIGIN)).find((cookie) => cookie.name === '_cz_vid');

test('a single-page-app visit: its page views, one visitor across navigations and a reload, one session whose length the pings give, entry and exit pages', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const stayMs = 1200; // on the last page before switching away
  const returnMs = 300; // back on it before closing the tab
  const landing = `${PAGE_ORIGIN}/?utm_source=newsletter&utm_medium=email&utm_campaign=november-looks`;
  const referrer = 'https://news.example/best-of-november';
  const started = Date.now();

  const { seen, stored, report, result: cookie } = await visit({}, async (context, seen) => {
    const page = await context.newPage();
    const pageviews = () => ofType(seen, 'pageview').length;
    const navigate = async (action, expectedPageviews, what) => {
      await action();
      await until(() => pageviews() === expectedPageviews, what);
    };
    await navigate(() => page.goto(landing, { referer: referrer }), 1, 'the landing page view');
    await navigate(() => page.click('#look1'), 2, 'the pushState page view');
    await page.click('#look1'); // pushState to the URL the page already has
    await page.click('#to-comments'); // a fragment jump: popstate, same page
    await navigate(() => page.click('#look2'), 3, 'the replaceState page view');
    await navigate(() => page.evaluate(() => history.back()), 4, 'the popstate page view');
    await navigate(() => page.reload(), 5, 'the page view after the reload');
    await navigate(() => page.click('#look3'), 6, 'the last page view');
    await page.screenshot({ path: join(ARTIFACTS, 'spa-last-page.png') });
    await page.waitForTimeout(stayMs);
    await setHidden(page, true);
    await until(() => ofType(seen, 'ping').some((ping) => ping.props.engagedMs >= stayMs), 'the ping on hiding');
    await setHidden(page, false);
    await page.waitForTimeout(returnMs);
    const cookie = await visitorCookie(context);
    await page.close({ runBeforeUnload: true });
    return cookie;
  });

  // What the browser sent. The page views are all visible here: each left while its page was open.
  const pageviews = ofType(seen, 'pageview');
  assert.deepEqual(pageviews.map(pathOf), ['/', '/looks/1', '/looks/2', '/looks/1', '/looks/1', '/looks/3'], 'one page view per URL change, none for the same URL or a fragment');
  const first = new URL(pageviews[0].url);
  assert.deepEqual(Object.fromEntries(first.searchParams), { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'november-looks' }, 'UTM parameters travel in the first page view');
  assert.equal(pageviews[0].ref, referrer, 'the referrer travels with the first page view');
  assert.equal(pageviews[1].ref, landing, 'an SPA page view is referred by the page before it');
  assert.equal(pageviews[2].ref, `${PAGE_ORIGIN}/looks/1`);
  for (const beacon of seen.beacons) {
    assert.equal(beacon.transport, 'ping', 'sent with navigator.sendBeacon'); // Chromium's resource type for beacons
    assert.equal(beacon.event.site, SITE);
    assert.equal(beacon.event.platform, 'web');
    assert.equal(beacon.event.vid, cookie.value, "the visitor id is the page's own cookie");
  }
  assert.equal(new Set(seen.beacons.map((beacon) => beacon.event.id)).size, seen.beacons.length, 'every event has its own id');
  assert.ok(seen.answers.length > 0 && seen.answers.every((status) => status === 204), `the collector accepted each beacon: ${seen.answers}`);
  const pings = ofType(seen, 'ping');
  assert.ok(pings.some((ping) => pathOf(ping) === '/looks/3' && ping.props.engagedMs >= stayMs), 'hiding the page pings its engaged time');

  // What the collector stored: six page views; a ping for each page left while visible (five, one
  // of them on the reload's pagehide) and for hiding the last page; and one for closing it, which
  // left after the page was gone and so only the collector saw.
  assert.deepEqual(stored, { appended: 6 + 5 + 1 + 1, rejected: 0 });

  // What the report makes of it.
  const elapsedSeconds = (Date.now() - started) / 1000;
  assert.equal(report.pageviews, 6);
  assert.equal(report.visitors, 1, 'one visitor across SPA navigations and a reload');
  assert.equal(report.sessions, 1);
  assert.equal(report.bounceRate, 0);
  assert.ok(report.avgSessionSeconds >= (stayMs + returnMs) / 1000, `the session lasts at least until the closing ping: ${report.avgSessionSeconds}`);
  assert.ok(report.avgSessionSeconds < elapsedSeconds, `and no longer than the visit: ${report.avgSessionSeconds}`);
  assert.equal(report.avgTimePerVisitorSeconds, report.avgSessionSeconds);
  assert.deepEqual(report.entryPages, [{ path: '/', sessions: 1 }]);
  assert.deepEqual(report.exitPages, [{ path: '/looks/3', sessions: 1, exitRate: 1 }]);
});

test("the visitor cookie: first-party, Lax, long-lived, and one visitor across pages and tabs while the collector's own cookie is third-party and refused", { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored, report, result: cookies } = await visit({}, async (context, seen) => {
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/shop/a`);
    await until(() => ofType(seen, 'pageview').length === 1, 'the first page view');
    await Promise.all([page.waitForURL('**/shop/b'), page.click('#to-b')]); // a full page load
    await until(() => ofType(seen, 'pageview').length === 2, 'the second page view');
    const tab = await context.newPage();
    await tab.goto(`${PAGE_ORIGIN}/shop/c`);
    await until(() => ofType(seen, 'pageview').length === 3, 'the page view in a second tab');
    const result = { site: await context.cookies(PAGE_ORIGIN), collector: await context.cookies(COLLECTORS.live) };
    await page.close({ runBeforeUnload: true });
    await tab.close({ runBeforeUnload: true });
    return result;
  });

  assert.equal(cookies.site.length, 1);
  const [cookie] = cookies.site;
  const nowSeconds = Date.now() / 1000;
  assert.equal(cookie.name, '_cz_vid');
  assert.match(cookie.value, /^[0-9a-z]{4,28}$/);
  assert.equal(cookie.domain, 'www.clozette.co.id', "host-only, on the page's own domain");
  assert.equal(cookie.path, '/');
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(cookie.httpOnly, false);
  assert.equal(cookie.secure, false, 'Secure only on https pages');
  // t.js asks for two years; Chromium keeps a cookie at most 400 days, and t.js renews it on each load.
  assert.ok(Math.abs(cookie.expires - (nowSeconds + 400 * DAY_SECONDS)) < DAY_SECONDS, `expires in 400 days: ${new Date(cookie.expires * 1000).toISOString()}`);

  assert.deepEqual(cookies.collector, [], 'no cookie on the collector host');
  assert.ok(seen.beacons.every((beacon) => beacon.cookie === undefined), 'no beacon carried a cookie to the collector');
  assert.deepEqual(new Set(seen.beacons.map((beacon) => beacon.event.vid)), new Set([cookie.value]));

  assert.deepEqual(ofType(seen, 'pageview').map(pathOf), ['/shop/a', '/shop/b', '/shop/c']);
  assert.deepEqual(stored, { appended: 3 + 3, rejected: 0 }, 'three page views, and a ping as each page was left');
  assert.equal(report.pageviews, 3);
  assert.equal(report.visitors, 1, 'one visitor across page loads and tabs, by the first-party cookie alone');
  assert.equal(report.sessions, 1);
  assert.deepEqual(report.entryPages, [{ path: '/shop/a', sessions: 1 }]);
  assert.deepEqual(report.exitPages, [{ path: '/shop/c', sessions: 1, exitRate: 1 }]);
});

test('the noscript pixel counts page views without JavaScript; its visitor cannot be kept across loads, since the collector cookie is third-party', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const setCookies = [];
  const { seen, stored, report, result: cookies } = await visit({ javaScriptEnabled: false }, async (context) => {
    const page = await context.newPage();
    page.on('response', async (response) => {
      if (response.url().startsWith(`${COLLECTORS.live}/p.gif`)) setCookies.push((await response.allHeaders())['set-cookie']);
    });
    await page.goto(`${PAGE_ORIGIN}/noscript.html`);
    await page.reload();
    await page.screenshot({ path: join(ARTIFACTS, 'noscript.png') });
    return context.cookies(COLLECTORS.live);
  });

  assert.deepEqual(seen.beacons.map((beacon) => [beacon.transport, beacon.event.site, beacon.event.url]), [
    ['pixel', SITE, `${PAGE_ORIGIN}/noscript.html`],
    ['pixel', SITE, `${PAGE_ORIGIN}/noscript.html`],
  ]);
  assert.deepEqual(seen.answers, [200, 200]);
  assert.equal(setCookies.length, 2);
  assert.ok(setCookies.every((header) => /^_cz_vid=/.test(header)), `the collector offered its visitor cookie: ${setCookies}`);
  assert.deepEqual(cookies, [], 'and the browser refused it: a cross-site cookie');
  assert.deepEqual(stored, { appended: 2, rejected: 0 });
  assert.equal(report.pageviews, 2);
  assert.equal(report.visitors, 2, 'without a cookie that sticks, each pixel is a new visitor');
  assert.deepEqual(report.entryPages, [{ path: '/noscript.html', sessions: 2 }]);
});

test('custom events: calls queued before t.js loaded and calls after, with their props; they are not page views', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored, report } = await visit({}, async (context, seen) => {
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/events.html`);
    await until(() => ofType(seen, 'event').length === 1, 'the queued event');
    await page.click('#add');
    await until(() => ofType(seen, 'event').length === 2, 'the event after load');
    await page.close({ runBeforeUnload: true });
  });

  assert.deepEqual(
    ofType(seen, 'event').map((event) => [event.name, event.props, pathOf(event)]),
    [
      ['add_to_closet', { look: 'look-1', queued: true }, '/events.html'],
      ['add_to_closet', { look: 'look-2' }, '/events.html'],
    ],
  );
  assert.equal(ofType(seen, 'pageview').length, 1);
  assert.ok(seen.answers.every((status) => status === 204));
  assert.deepEqual(stored, { appended: 3 + 1, rejected: 0 }, 'the page view, two events and the closing ping');
  assert.equal(report.pageviews, 1);
  assert.equal(report.sessions, 1);
  assert.equal(report.bounceRate, 1, 'custom events do not make a bounce a visit of two pages');
});

test('the opt-out flag in localStorage (cz_optout) stops the tracker at once, and on later pages, without breaking them', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored, report } = await visit({}, async (context, seen) => {
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/events.html`);
    await until(() => seen.beacons.length === 2, 'the page view and the queued event');
    await page.click('#optout');
    await page.click('#add'); // in the page where the visitor opted out
    await page.reload();
    await page.click('#add'); // on a later page
    assert.equal(await page.evaluate(() => typeof window.czTrack), 'function');
    await page.close({ runBeforeUnload: true });
  });

  assert.deepEqual(seen.beacons.map((beacon) => beacon.event.type), ['pageview', 'event']);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(stored, { appended: 2, rejected: 0 }, 'nothing after the opt-out, not even the closing ping');
  assert.equal(report.pageviews, 1);
});

test('a heartbeat (data-heartbeat, in seconds) pings while the page stays visible', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored } = await visit({}, async (context, seen) => {
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/heartbeat.html`);
    await until(() => ofType(seen, 'ping').length === 2, 'two heartbeats');
    await page.close({ runBeforeUnload: true });
  });

  const pings = ofType(seen, 'ping');
  // A timer is never early but can be late on a busy machine, hence the wide upper bound.
  const engaged = pings.map((ping) => ping.props.engagedMs);
  assert.ok(engaged.every((ms) => ms >= 950 && ms < 2500), `each covers about one second: ${engaged}`);
  assert.equal(stored.rejected, 0);
});

test('a page that throws: its errors stay its own, and the tracker and the page keep working', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored, report } = await visit({}, async (context, seen) => {
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/throws.html`);
    await until(() => ofType(seen, 'pageview').length === 1, 'the page view');
    await page.click('#click');
    await page.click('#click');
    assert.equal(await page.textContent('#clicks'), '2');
    await until(() => ofType(seen, 'event').length === 2, 'the events from the click handler');
    await page.close({ runBeforeUnload: true });
  });

  assert.deepEqual(seen.errors, ['page bug before the tracker', 'page bug in a click handler', 'page bug in a click handler']);
  assert.deepEqual(stored, { appended: 3 + 1, rejected: 0 }, 'the page view, two events and the closing ping');
  assert.equal(report.pageviews, 1);
});

test('a collector that is down (t.js cannot be loaded): the page keeps working and sees no error', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored } = await visit({}, async (context) => {
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/down.html?collector=absent`);
    await page.click('#click');
    await page.click('#click');
    assert.equal(await page.textContent('#clicks'), '2');
    assert.equal(await page.getAttribute('body', 'data-rendered'), 'yes');
    assert.equal(await page.evaluate(() => window.czTrack.q.length), 3, "the stub keeps the page's calls");
    await page.close({ runBeforeUnload: true });
  });
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(stored, { appended: 0, rejected: 0 });
});

for (const [why, withoutBeacon, transports] of [
  ['/collect and /p.gif drop the connection', false, ['ping']],
  ['and sendBeacon is missing, so fetch fails, then the pixel', true, ['fetch', 'pixel']],
]) {
  test(`a collector that is down (${why}): the page keeps working and sees no error`, { timeout: SCENARIO_TIMEOUT_MS }, async () => {
    const beacons = 4; // the page view, the call queued before load, two clicks
    const { seen, stored } = await visit({}, async (context, seen) => {
      if (withoutBeacon) await context.addInitScript(() => delete Navigator.prototype.sendBeacon);
      const page = await context.newPage();
      await page.goto(`${PAGE_ORIGIN}/down.html?collector=down`);
      // The real czTrack has replaced the stub: the tracker runs, against a dead collector.
      await page.waitForFunction(() => window.czTrack.q === undefined, null, { timeout: 5000 });
      await page.click('#click');
      await page.click('#click');
      assert.equal(await page.textContent('#clicks'), '2');
      assert.equal(await page.getAttribute('body', 'data-rendered'), 'yes');
      await until(() => seen.failed.length === beacons * transports.length, 'every transport to fail');
      await page.close({ runBeforeUnload: true });
    });
    assert.deepEqual(seen.errors, [], 'no uncaught error and no unhandled rejection');
    const failed = seen.failed.filter((beacon) => beacon.event.type !== 'ping'); // the closing ping's fate is not observable
    assert.deepEqual(new Set(failed.map((beacon) => beacon.transport)), new Set(transports));
    assert.ok(failed.every((beacon) => beacon.collector === COLLECTORS.down));
    assert.deepEqual(stored, { appended: 0, rejected: 0 });
  });
}

test('without sendBeacon, beacons go by fetch with keepalive, the closing ping included', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored, report } = await visit({}, async (context, seen) => {
    await context.addInitScript(() => delete Navigator.prototype.sendBeacon);
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/looks/1`);
    await until(() => ofType(seen, 'pageview').length === 1, 'the page view');
    await page.click('#look2');
    await until(() => ofType(seen, 'pageview').length === 2, 'the SPA page view');
    await page.waitForTimeout(200);
    await page.close({ runBeforeUnload: true });
    // A keepalive fetch outlives its page but not its browser context: let the closing ping leave
    // before visit() closes the context (bounded; what arrived is asserted below).
    await until(() => ofType(seen, 'ping').length >= 2, 'the closing ping', 3000).catch(() => {});
  });

  assert.deepEqual(seen.errors, []);
  assert.ok(seen.beacons.length >= 3 && seen.beacons.every((beacon) => beacon.transport === 'fetch'), JSON.stringify(seen.beacons.map((b) => b.transport)));
  assert.deepEqual(stored, { appended: 2 + 2, rejected: 0 }, 'two page views, the ping on navigating and the one on closing');
  assert.equal(report.pageviews, 2);
  assert.ok(report.avgSessionSeconds >= 0.2, `the closing ping gives the session its length: ${report.avgSessionSeconds}`);
  assert.deepEqual(report.exitPages, [{ path: '/looks/2', sessions: 1, exitRate: 1 }]);
});

test('with sendBeacon missing and /collect blocked, the pixel carries the events, props included', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
  const { seen, stored, report } = await visit({}, async (context, seen) => {
    await context.addInitScript(() => delete Navigator.prototype.sendBeacon);
    // As a content blocker would: cancel the POST, leave the image.
    await context.route(`${COLLECTORS.live}/collect`, (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/events.html`);
    await until(() => seen.beacons.filter((beacon) => beacon.transport === 'pixel').length === 2, 'the page view and the queued event by pixel');
    // An image requested from a page that is unloading may never leave, so the ping is taken on
    // hiding, while the page is still there to load it.
    await setHidden(page, true);
    await until(() => seen.beacons.filter((beacon) => beacon.transport === 'pixel').length === 3, 'the ping by pixel');
    await page.close({ runBeforeUnload: true });
  });

  const pixels = seen.beacons.filter((beacon) => beacon.transport === 'pixel').map((beacon) => beacon.event);
  assert.deepEqual(pixels.map((event) => [event.type, event.name, event.props && Object.keys(event.props)]), [
    ['pageview', undefined, undefined],
    ['event', 'add_to_closet', ['look', 'queued']],
    ['ping', undefined, ['engagedMs']],
  ]);
  assert.deepEqual(pixels[1].props, { look: 'look-1', queued: true });
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(stored, { appended: 3, rejected: 0 }, 'nothing sent twice: the blocked POSTs never reached the collector');
  assert.equal(report.pageviews, 1);
});
