// What the browser test runs against: the real system, the server jar named by CLOZETTE_SERVER_JAR,
// started as a child process on a free port with a temporary data dir and fresh staff and partner
// tokens, and
// headless Chromium (the Debian package). Nothing here stands in for the server or the page.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const DASHBOARD = fileURLToPath(new URL('../..', import.meta.url));
const REPO = join(DASHBOARD, '..');
const GOLDEN = join(REPO, 'event-model', 'src', 'test', 'resources', 'golden');
export const ARTIFACTS = join(DASHBOARD, 'target');

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

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

/** The server jar as a child process; resolves once GET /health answers 200. */
export async function startSystem() {
  const jar = process.env.CLOZETTE_SERVER_JAR;
  if (!jar) throw new Error('set CLOZETTE_SERVER_JAR to the server jar (server/target/clozette-analytics.jar)');
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  // Also the working directory: the server must find the page in its jar, not in a folder beside it.
  const dataDir = mkdtempSync(join(tmpdir(), 'clozette-dashboard-e2e-'));
  const staffToken = randomBytes(24).toString('hex');
  const partnerToken = randomBytes(24).toString('hex');
  const log = createWriteStream(join(ARTIFACTS, 'e2e-server.log'));
  const child = spawn('java', ['-Xmx512m', '-jar', jar], {
    cwd: dataDir,
    env: {
      ...process.env,
      ANALYTICS_CONFIG: join(REPO, 'config', 'analytics.yaml'),
      ANALYTICS_PORT: String(port),
      ANALYTICS_HOST: '127.0.0.1',
      ANALYTICS_DATA_DIR: dataDir,
      ANALYTICS_STAFF_TOKEN: staffToken,
      ANALYTICS_PARTNER_TOKEN: partnerToken,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  // A test run that dies must not leave the JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const base = `http://127.0.0.1:${port}`;
  const system = {
    base,
    staffToken,
    partnerToken,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => child.kill('SIGKILL'))]);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
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
    /** GET an API path with the staff token, as JSON. */
    async get(path) {
      const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${staffToken}` } });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await system.stop();
      throw new Error(`the server exited with ${child.exitCode}; see ${join(ARTIFACTS, 'e2e-server.log')}`);
    }
    try {
      if ((await fetch(`${base}/health`)).status === 200) return system;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await system.stop();
      throw new Error(`the server did not answer /health within ${STARTUP_TIMEOUT_MS} ms; see ${join(ARTIFACTS, 'e2e-server.log')}`);
    }
    await sleep(200);
  }
}

/** Headless Chromium from Debian; Playwright's own browser download cannot be had here. */
export const launchBrowser = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
