import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types';

/**
 * How long `meterscope --version` takes from process start to exit: the floor under every CLI run.
 * Measured three ways on this machine, each the median of several runs: the built CLI (what `npx
 * meterscope` runs after `npm ci` / `npm run build`), the same command through tsx (the development
 * fallback, what every start cost before the build), and an empty `node` as the machine's own floor.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/meterscope.mjs', import.meta.url));
const RUNS = 11;

function medianMs(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function run(): Promise<BenchRow[]> {
  // Build first so the figure is the build's, not a stale-build fallback to tsx.
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build-cli failed: ${build.stderr}`);
  const env = { ...process.env, METERSCOPE_FROM_SOURCE: '' };
  const built = medianMs([bin, '--version'], env);
  // The bundle on its own, without bin's staleness check: if the two differ much, a source changed
  // during the run and bin fell back to tsx.
  const bundle = medianMs([fileURLToPath(new URL('../build/cli/main.mjs', import.meta.url)), '--version']);
  const tsx = medianMs([bin, '--version'], { ...process.env, METERSCOPE_FROM_SOURCE: '1' });
  const bare = medianMs(['-e', '']);
  return [
    { name: 'CLI start-up: meterscope --version (built)', value: built, unit: 'ms', note: `goal < 150 ms; median of ${RUNS} runs` },
    { name: '  the bundle alone (no staleness check)', value: bundle, unit: 'ms', note: 'node build/cli/main.mjs --version' },
    { name: '  same through tsx (development fallback)', value: tsx, unit: 'ms', note: `${(tsx / built).toFixed(1)}x the build` },
    { name: '  empty node process on this machine', value: bare, unit: 'ms', note: 'the floor no CLI can go under' },
    { name: '  the build above that floor', value: built - bare, unit: 'ms', note: 'what the CLI itself costs; the figure to watch on a busy machine' },
  ];
}
