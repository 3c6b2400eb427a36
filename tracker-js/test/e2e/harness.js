// What the browser tests run against: the real system (the server jar, started as a child process on
// a free port with a temporary data dir), a tiny server for the fixture pages, and headless Chromium
// that resolves the production host names to them. Nothing here stands in for our own code.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, sleep, startServerJar } from '../../../e2e-support/server-jar.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TRACKER_DIR = join(HERE, '..', '..');
export const ARTIFACTS = join(TRACKER_DIR, 'target', 'e2e');

// The page origin is a configured site origin (config/analytics.yaml, site clozette-id), so CORS and
// cookies behave as in production. The collector sits on another site, as it would for a site that
// does not proxy it, which makes its cookies third-party.
export const SITE = 'clozette-id';
export const PAGE_ORIGIN = 'http://www.clozette.co.id';
export const COLLECTORS = {
  live: 'http://collect.clozette-analytics.test', // the real collector
  down: 'http://down.clozette-analytics.test', // serves t.js, then drops every beacon connection
  absent: 'http://absent.clozette-analytics.test', // nothing listens: t.js itself cannot load
};

// The whole run, server start included; a healthy one takes well under a minute.
const SUITE_TIMEOUT_MS = 120_000;
const SETTLE_TIMEOUT_MS = 10_000;
// How long the collector must see no new event before a scenario's beacons count as all arrived.
// Beacons sent on pagehide leave after the page is gone, so there is no browser-side signal to wait on.
const QUIET_MS = 700;

/** The server jar as a child process (e2e-support/server-jar.js), with what these tests ask of it. */
export async function startSystem() {
  const server = await startServerJar({ artifactsDir: ARTIFACTS });
  // A test run that is interrupted or hangs must not leave the JVM behind.
  const killAndQuit = (why, code) => () => {
    console.error(`e2e: ${why}; stopping the server`);
    server.kill();
    process.exit(code);
  };
  const onInterrupt = killAndQuit('interrupted', 130);
  const onTerminate = killAndQuit('terminated', 143);
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onTerminate);
  const watchdog = setTimeout(killAndQuit(`the suite ran past ${SUITE_TIMEOUT_MS} ms`, 1), SUITE_TIMEOUT_MS).unref();
  const { base, staffToken } = server;

  return {
    port: server.port,
    base,
    async stop() {
      clearTimeout(watchdog);
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      await server.stop();
    },
    /** GET /api/v1/report for [from, to) in epoch ms. */
    async report(from, to) {
      const query = new URLSearchParams({ site: SITE, from: new Date(from).toISOString(), to: new Date(to).toISOString(), top: '10' });
      const response = await fetch(`${base}/api/v1/report?${query}`, { headers: { Authorization: `Bearer ${staffToken}` } });
      if (response.status !== 200) throw new Error(`report answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    /** The collector's event counters and the loader's lag, from GET /metrics. */
    async counters() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const sum = (name) =>
        text
          .split('\n')
          .filter((line) => line.startsWith(name + '{') || line.startsWith(name + ' '))
          .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
      // A renamed metric must fail loudly here, not read as zero events.
      for (const name of ['analytics_events_appended_total', 'analytics_log_lag_bytes']) {
        if (!text.includes(name)) throw new Error(`GET /metrics has no ${name}`);
      }
      return {
        appended: sum('analytics_events_appended_total'),
        rejected: sum('analytics_events_rejected_total'),
        lag: sum('analytics_log_lag_bytes'),
      };
    },
  };
}

/**
 * Waits until every beacon of a scenario is stored and loaded: the collector's counters stop
 * moving for QUIET_MS and the loader has caught up. Answers how many events the collector appended
 * and rejected since `before` (a counters() snapshot taken when the scenario began).
 */
export async function settle(system, before) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let last = null;
  let quietSince = Date.now();
  for (;;) {
    const now = await system.counters();
    const seen = now.appended + now.rejected;
    if (last === null || seen !== last) {
      last = seen;
      quietSince = Date.now();
    } else if (now.lag === 0 && Date.now() - quietSince >= QUIET_MS) {
      return { appended: now.appended - before.appended, rejected: now.rejected - before.rejected };
    }
    if (Date.now() > deadline) throw new Error(`the collector did not settle within ${SETTLE_TIMEOUT_MS} ms: ${JSON.stringify(now)}`);
    await sleep(100);
  }
}

/**
 * The fixture pages, for every host name the browser maps to it:
 * - the site (www.clozette.co.id): test/e2e/fixtures, with {{COLLECTOR}} replaced by the origin
 *   named in ?collector= (live by default); SPA paths (/, /looks/...) answer spa.html and the
 *   multi-page paths (/shop/...) answer shop.html, as a real site's server would.
 * - the collector that is down: t.js (the one the real collector serves), then every other request
 *   has its connection dropped.
 */
export async function startFixtures(system) {
  const served = await fetch(`${system.base}/t.js`);
  if (served.status !== 200) throw new Error(`the collector answers ${served.status} for /t.js: is tracker-js on its classpath?`);
  const trackerScript = await served.text();
  const fixture = (name) => readFileSync(join(HERE, 'fixtures', name), 'utf8');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (url.hostname === new URL(COLLECTORS.down).hostname) {
      if (url.pathname !== '/t.js') return req.socket.destroy();
      res.setHeader('Content-Type', 'text/javascript');
      return res.end(trackerScript);
    }
    const name = url.pathname === '/' || url.pathname.startsWith('/looks/') ? 'spa.html' : url.pathname.startsWith('/shop/') ? 'shop.html' : url.pathname.slice(1);
    if (!/^[a-z-]+\.html$/.test(name) || !existsSync(join(HERE, 'fixtures', name))) {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(fixture(name).replaceAll('{{COLLECTOR}}', COLLECTORS[url.searchParams.get('collector') || 'live']));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, stop: () => new Promise((resolve) => server.close(resolve)) };
}

const VISITOR_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Headless Chromium (the Debian package) with the production host names mapped to this machine. */
export async function launchBrowser(system, fixtures) {
  const closedPort = await freePort();
  const host = (origin) => new URL(origin).hostname;
  const rules = [
    `MAP ${host(PAGE_ORIGIN)} 127.0.0.1:${fixtures.port}`,
    `MAP ${host(COLLECTORS.live)} 127.0.0.1:${system.port}`,
    `MAP ${host(COLLECTORS.down)} 127.0.0.1:${fixtures.port}`,
    `MAP ${host(COLLECTORS.absent)} 127.0.0.1:${closedPort}`,
  ];
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    // Headless Chromium says "HeadlessChrome" in its user agent, which the crawler list rightly
    // flags (scrapers run it); these scenarios play visitors, so it says what desktop Chrome says.
    args: ['--no-sandbox', `--host-resolver-rules=${rules.join(', ')}`, `--user-agent=${VISITOR_USER_AGENT}`],
  });
}

/**
 * Everything a scenario observes in one browser context: the beacons the tracker sent (as the
 * collector receives them: the JSON body, or the pixel's query), the collector's answers, and the
 * uncaught errors of every page (exceptions and unhandled rejections).
 */
export function observe(context) {
  const seen = { beacons: [], answers: [], failed: [], errors: [] };
  const collectorOrigins = new Set(Object.values(COLLECTORS));
  const beaconOf = (request) => {
    const url = new URL(request.url());
    if (!collectorOrigins.has(url.origin)) return null;
    if (url.pathname === '/collect') return { collector: url.origin, transport: request.resourceType(), event: JSON.parse(request.postData()) };
    if (url.pathname === '/p.gif') {
      const event = Object.fromEntries(url.searchParams);
      if (event.props) event.props = JSON.parse(event.props);
      return { collector: url.origin, transport: 'pixel', event };
    }
    return null;
  };
  context.on('request', (request) => {
    const beacon = beaconOf(request);
    if (beacon) seen.beacons.push({ ...beacon, cookie: request.headers().cookie });
  });
  context.on('response', (response) => {
    if (beaconOf(response.request())) seen.answers.push(response.status());
  });
  context.on('requestfailed', (request) => {
    const beacon = beaconOf(request);
    if (beacon) seen.failed.push(beacon);
  });
  const watch = (page) => page.on('pageerror', (error) => seen.errors.push(error.message));
  context.pages().forEach(watch);
  context.on('page', watch);
  return seen;
}

/**
 * Headless Chromium keeps every page visible (no window is ever minimized or behind another tab), so
 * a visitor switching away is played by the Page Visibility API's own signal: document.hidden and
 * visibilityState report hidden and visibilitychange fires, as when a tab goes to the background.
 * Closing a page needs no such help: page.close({ runBeforeUnload: true }) fires the real pagehide.
 */
export const setHidden = (page, hidden) =>
  page.evaluate((hidden) => {
    if (hidden) {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    } else {
      delete document.hidden;
      delete document.visibilityState;
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

/** The path of an event's URL, as the reports count pages. */
export const pathOf = (event) => new URL(event.url).pathname;
