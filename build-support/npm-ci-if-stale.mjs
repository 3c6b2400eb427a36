// Runs `npm ci` in the working directory (an npm project of this repository: tracker-js, the crawler
// list in event-model/bot-list) unless its node_modules was installed from this very package-lock.json: every Maven
// build calls this, and a clean reinstall on each one would cost seconds for nothing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const stamp = 'node_modules/.installed-from-lock.sha256';

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) {
  console.log('node_modules matches package-lock.json: npm ci skipped');
} else {
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (ci.status !== 0) process.exit(ci.status ?? 1);
  writeFileSync(stamp, lockHash);
}
