// The whole system for the browser tests of tracker-js and dashboard: the server jar (named by
// CLOZETTE_SERVER_JAR, or server/target/clozette-analytics.jar) as a child process on a free port,
// with a temporary data dir that is also its working directory, the repository's config and fresh
// tokens. Node built-ins only, so both npm projects can import it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/**
 * Starts the jar and resolves once GET /health answers 200. The server runs inside its temporary
 * data dir, so it must find everything it serves in its jar, never in a folder beside it.
 * Answers { base, port, staffToken, partnerToken, exited, stop() }; stop() is safe to call twice.
 */
export async function startServerJar({ artifactsDir, logName = 'server.log' }) {
  const jar = process.env.CLOZETTE_SERVER_JAR || join(REPO, 'server', 'target', 'clozette-analytics.jar');
  if (!existsSync(jar)) {
    throw new Error(`no server jar at ${jar}: build it (mvn -q -B -DskipTests package) or set CLOZETTE_SERVER_JAR`);
  }
  mkdirSync(artifactsDir, { recursive: true });
  const logPath = join(artifactsDir, logName);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'clozette-e2e-'));
  const staffToken = randomBytes(24).toString('hex');
  const partnerToken = randomBytes(24).toString('hex');
  const log = createWriteStream(logPath);
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
  const server = {
    base,
    port,
    staffToken,
    partnerToken,
    kill: killOnExit,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => child.kill('SIGKILL'))]);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await server.stop();
      throw new Error(`the server exited with ${child.exitCode}; see ${logPath}`);
    }
    try {
      if ((await fetch(`${base}/health`)).status === 200) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server did not answer /health within ${STARTUP_TIMEOUT_MS} ms; see ${logPath}`);
    }
    await sleep(200);
  }
}
