#!/usr/bin/env node
// Builds the command line (src/cli) to plain JavaScript in build/cli/, so `meterscope` starts without
// compiling TypeScript at every run. Runs from `npm run build` and from `npm ci` (the `prepare` script).
// esbuild is already installed: tsx, a runtime dependency, is built on it.
//
// Next to the bundle it writes inputs.json, the source files that went into it: bin/meterscope.mjs
// compares their times with the build's and runs the sources through tsx when the build is stale, so a
// developer who edits src/ never runs yesterday's CLI by accident.
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'build', 'cli');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const started = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // The bridge is loaded on demand (`meterscope bridge`): a chunk of its own keeps `--version` and a
  // plain read from parsing it.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Packages (serialport's native binding, ws) stay in node_modules, loaded as they are.
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  minify: true,
});

const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/'));
// Stamped after the bundle is written: a source saved during the build counts as newer.
const builtAt = statSync(join(outdir, 'main.mjs')).mtimeMs;
writeFileSync(
  join(outdir, 'inputs.json'),
  `${JSON.stringify({ builtAt, inputs: inputs.map((p) => relative(root, join(root, p))) }, null, 1)}\n`,
);
process.stdout.write(`build/cli: ${inputs.length} source files bundled in ${Date.now() - started} ms\n`);
