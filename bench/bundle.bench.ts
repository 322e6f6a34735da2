import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './types';

/** Static imports of a built chunk (`import…from"./x.js"`, `import"./x.js"`), not `import("./x.js")`. */
function staticImports(dist: string, file: string): string[] {
  const text = readFileSync(join(dist, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([^"]+\.js)"/g)) out.push(join(dirname(file), m[1]!));
  return out;
}

/**
 * The app's weight as a browser downloads it: the first screen's JavaScript (the entry chunk, the Read
 * page's chunk, and every chunk either imports statically, gzipped) against the 80 KB budget, and the
 * worker chunk where all protocol code lives. Builds the app first when there is no dist/
 * (BUNDLE_DIST names another build).
 */
export async function run(): Promise<BenchRow[]> {
  const dist = process.env.BUNDLE_DIST ?? 'dist';
  if (!existsSync(join(dist, 'index.html'))) execFileSync('npx', ['vite', 'build', '--outDir', dist], { stdio: 'ignore' });
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const roots: string[] = [];
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) roots.push(m[1]!.replace(/^\.?\//, ''));
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) roots.push(m[1]!.replace(/^\.?\//, ''));
  // The default route's page, loaded by the shell right after it renders.
  const readPage = readdirSync(join(dist, 'assets')).find((f) => /^read-page-[\w-]+\.js$/.test(f));
  if (readPage) roots.push(`assets/${readPage}`);
  const firstScreen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const f = queue.pop()!;
    if (firstScreen.has(f)) continue;
    firstScreen.add(f);
    queue.push(...staticImports(dist, f));
  }
  const gz = (file: string) => gzipSync(readFileSync(join(dist, file.replace(/^\.?\//, '')))).length;
  const firstKb = [...firstScreen].reduce((n, f) => n + gz(f), 0) / 1024;
  const assets = readdirSync(join(dist, 'assets'));
  const workerFiles = assets.filter((f) => (f.startsWith('engine.worker') || f.startsWith('worker-')) && f.endsWith('.js'));
  const allJs = assets.filter((f) => f.endsWith('.js')).reduce((n, f) => n + gz(`assets/${f}`), 0) / 1024;
  const rows: BenchRow[] = [
    { name: 'first screen JS (gzip)', value: firstKb, unit: 'KB', note: `budget 80 KB; ${firstScreen.size} file(s): the entry, the Read page and their static imports` },
  ];
  if (workerFiles.length > 0) {
    const kb = workerFiles.reduce((n, f) => n + gz(`assets/${f}`), 0) / 1024;
    rows.push({ name: 'engine worker chunks (gzip)', value: kb, unit: 'KB', note: `all protocol code, loaded by the worker only (${workerFiles.length} files)` });
  }
  rows.push({ name: 'all JS chunks (gzip)', value: allJs, unit: 'KB', note: 'precached by the service worker for offline use' });
  return rows;
}
