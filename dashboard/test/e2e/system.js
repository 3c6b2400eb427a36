// What the browser test runs against: the real system (the server jar, started by
// e2e-support/server-jar.js) and headless Chromium (the Debian package). Nothing here stands in for
// the server or the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServerJar } from '../../../e2e-support/server-jar.js';

const DASHBOARD = fileURLToPath(new URL('../..', import.meta.url));
const REPO = join(DASHBOARD, '..');
const GOLDEN = join(REPO, 'event-model', 'src', 'test', 'resources', 'golden');
export const ARTIFACTS = join(DASHBOARD, 'target');

/** The golden event set (NDJSON text) and what the reports over it must answer. */
export const golden = {
  events: () => readFileSync(join(GOLDEN, 'events.ndjson')),
  /** The expected report for a query of expected.json, e.g. { site, from, to }. */
  report({ site, from, to }) {
    const { reports } = JSON.parse(readFileSync(join(GOLDEN, 'expected.json'), 'utf8'));
    const match = reports.find(({ query }) => query.site === site && query.from === from && query.to === to);
    if (!match) throw new Error(`expected.json has no report for ${site} ${from}..${to}`);
    return match.expected;
  },
};

/** The server jar as a child process (e2e-support/server-jar.js), with what these tests ask of it. */
export async function startSystem() {
  const server = await startServerJar({ artifactsDir: ARTIFACTS, logName: 'e2e-server.log' });
  const { base, staffToken } = server;
  return {
    base,
    staffToken,
    partnerToken: server.partnerToken,
    stop: server.stop,
    /** POST /api/v1/import with the staff token; answers the import summary. */
    async importEvents(ndjson) {
      const response = await fetch(`${base}/api/v1/import`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${staffToken}`, 'Content-Type': 'application/x-ndjson' },
        body: ndjson,
      });
      if (response.status !== 200) throw new Error(`import answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    /** POST /api/v2/query with the staff token; answers the query answer. */
    async query(body) {
      const response = await fetch(`${base}/api/v2/query`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${staffToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 200) throw new Error(`the query answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    /** GET an API path with the staff token, as JSON. */
    async get(path) {
      const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${staffToken}` } });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
  };
}

/** Headless Chromium from Debian; Playwright's own browser download cannot be had here. */
export const launchBrowser = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
