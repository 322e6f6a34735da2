import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types';

/**
 * How long `meterscope --version` takes from process start to exit: the floor under every CLI run.
 * Measured three ways, each the median of several runs: the built CLI (what `npx meterscope` runs after
 * `npm ci` / `npm run build`), the same through tsx (the development fallback, what every start cost
 * before the build), and an empty `node` as the machine's own floor. Wall time is what a user waits;
 * on a shared, busy machine it is mostly waiting for a core, so the CPU time the process used (user +
 * system, from bash's `times`) is reported next to it.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/meterscope.mjs', import.meta.url));
const bundle = fileURLToPath(new URL('../build/cli/main.mjs', import.meta.url));
const RUNS = 11;
const BASH = '/bin/bash';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(args: string[], env: NodeJS.ProcessEnv): { wallMs: number; cpuMs?: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
    wall.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    if (existsSync(BASH)) {
      const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const t = spawnSync(BASH, ['-c', `${quoted} >/dev/null; times`], { cwd: root, env, encoding: 'utf8' });
      // Second line of `times`: user and system time of the children, e.g. "0m0.123s 0m0.045s".
      const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(t.stdout.trim());
      if (m) cpu.push((Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000);
    }
  }
  return { wallMs: median(wall), ...(cpu.length > 0 ? { cpuMs: median(cpu) } : {}) };
}

export async function run(): Promise<BenchRow[]> {
  // Build first so the figure is the build's, not a stale-build fallback to tsx.
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build-cli failed: ${build.stderr}`);
  const env = { ...process.env, METERSCOPE_FROM_SOURCE: '' };
  const built = measure([bin, '--version'], env);
  const alone = measure([bundle, '--version'], env);
  const tsx = measure([bin, '--version'], { ...process.env, METERSCOPE_FROM_SOURCE: '1' });
  const bare = measure(['-e', ''], env);
  const cpu = (m: { cpuMs?: number }) => (m.cpuMs === undefined ? 'CPU time not measured (no bash)' : `CPU ${m.cpuMs.toFixed(0)} ms`);
  return [
    { name: 'CLI start-up: meterscope --version (built)', value: built.wallMs, unit: 'ms', note: `goal < 150 ms; median of ${RUNS} runs; ${cpu(built)}` },
    { name: '  the bundle alone (no staleness check)', value: alone.wallMs, unit: 'ms', note: `node build/cli/main.mjs --version; ${cpu(alone)}` },
    { name: '  same through tsx (development fallback)', value: tsx.wallMs, unit: 'ms', note: `${(tsx.wallMs / built.wallMs).toFixed(1)}x the build; ${cpu(tsx)}` },
    { name: '  empty node process on this machine', value: bare.wallMs, unit: 'ms', note: `the floor no CLI can go under; ${cpu(bare)}` },
    { name: '  the build above that floor', value: built.wallMs - bare.wallMs, unit: 'ms', note: 'what the CLI itself adds' },
  ];
}
