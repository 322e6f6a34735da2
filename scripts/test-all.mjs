#!/usr/bin/env node
// Every test in one run: type check, unit tests (Vitest), build, browser tests (Playwright on Debian's
// Chromium). Ends with one plain line `N passed, N failed` summing unit and browser tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
const steps = [];
let passed = 0;
let failed = 0;

function run(name, cmd, args, extraEnv = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = r.status === 0;
  steps.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  return ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

// 1. Type check (counts as one test: a type error is a failure).
if (run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])) passed++;
else failed++;

// 2. Unit, property and virtual-time session tests. The MQTT tests need Debian's mosquitto: installed here
// when missing (as root), so they never skip; without it they fail with a message saying how to install it.
run('mosquitto', 'bash', ['scripts/ensure-mosquitto.sh']);
// 2. Unit, property and virtual-time session tests.
rmSync('.vitest-results.json', { force: true });
const unitOk = run('unit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=.vitest-results.json']);
const unit = readJson('.vitest-results.json');
if (unit) {
  passed += unit.numPassedTests ?? 0;
  failed += (unit.numFailedTests ?? 0) + (unitOk || unit.numFailedTests ? 0 : 1);
} else failed++;

// 3. Browser tests against the built app.
const chromiumOk = run('chromium', 'bash', ['scripts/ensure-chromium.sh']);
const buildOk = run('build', 'npx', ['vite', 'build']);
rmSync('.playwright-results.json', { force: true });
if (chromiumOk && buildOk) {
  const e2eOk = run('e2e', 'npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: '.playwright-results.json',
  });
  const e2e = existsSync('.playwright-results.json') ? readJson('.playwright-results.json') : undefined;
  if (e2e?.stats) {
    passed += (e2e.stats.expected ?? 0) + (e2e.stats.flaky ?? 0);
    failed += e2e.stats.unexpected ?? 0;
    if (!e2eOk && !e2e.stats.unexpected) failed++;
  } else failed++;
} else failed++;

console.log('\nsteps: ' + steps.map((s) => `${s.name} ${s.ok ? 'ok' : 'FAILED'} (${s.seconds}s)`).join(', '));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
