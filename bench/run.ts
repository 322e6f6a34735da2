// `npm run bench`: runs every bench/*.bench.ts in Node and prints one table of figures. Figures are
// reported, never asserted: performance claims come from here, not from timed tests.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchRow } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const rows: (BenchRow & { file: string })[] = [];
for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench ${file} ...`);
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
    for (const row of await mod.run()) rows.push({ ...row, file });
    process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (e) {
    process.stderr.write(` FAILED: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  }
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(4)).toString();
const table = rows.map((r) => [r.name, fmt(r.value), r.unit, r.note ?? '']);
const widths = [0, 1, 2].map((i) => Math.max(...table.map((t) => t[i].length), ['figure', 'value', 'unit'][i].length));
const line = (cols: string[]) =>
  `${cols[0].padEnd(widths[0])}  ${cols[1].padStart(widths[1])}  ${cols[2].padEnd(widths[2])}  ${cols[3]}`.trimEnd();
console.log(line(['figure', 'value', 'unit', 'note']));
console.log(line(['-'.repeat(widths[0]), '-'.repeat(widths[1]), '-'.repeat(widths[2]), '----']));
for (const t of table) console.log(line(t));
