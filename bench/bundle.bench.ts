import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './types';

/**
 * The app's weight as a browser downloads it: the first screen's JavaScript (the entry chunk and what it
 * preloads, gzipped) against the 80 KB budget, and the worker chunk where all protocol code lives.
 * Builds the app first when there is no dist/.
 */
export async function run(): Promise<BenchRow[]> {
  if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build'], { stdio: 'ignore' });
  const html = readFileSync('dist/index.html', 'utf8');
  const firstScreen = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) firstScreen.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) firstScreen.add(m[1]);
  const gz = (file: string) => gzipSync(readFileSync(join('dist', file.replace(/^\.?\//, '')))).length;
  const firstKb = [...firstScreen].reduce((n, f) => n + gz(f), 0) / 1024;
  const assets = readdirSync('dist/assets');
  const workerFiles = assets.filter((f) => (f.startsWith('engine.worker') || f.startsWith('worker-')) && f.endsWith('.js'));
  const allJs = assets.filter((f) => f.endsWith('.js')).reduce((n, f) => n + gz(`assets/${f}`), 0) / 1024;
  const rows: BenchRow[] = [
    { name: 'first screen JS (gzip)', value: firstKb, unit: 'KB', note: `budget 80 KB; ${firstScreen.size} file(s) loaded by index.html` },
  ];
  if (workerFiles.length > 0) {
    const kb = workerFiles.reduce((n, f) => n + gz(`assets/${f}`), 0) / 1024;
    rows.push({ name: 'engine worker chunks (gzip)', value: kb, unit: 'KB', note: `all protocol code, loaded by the worker only (${workerFiles.length} files)` });
  }
  rows.push({ name: 'all JS chunks (gzip)', value: allJs, unit: 'KB', note: 'precached by the service worker for offline use' });
  return rows;
}
