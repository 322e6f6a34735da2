#!/usr/bin/env node
// The `meterscope` command. It runs the plain-JavaScript build in build/cli/ (made by
// scripts/build-cli.mjs during `npm ci` and `npm run build`), which starts several times faster than
// compiling TypeScript on every run. In a development checkout, when the build is missing or any source
// that went into it is newer, it runs src/cli through tsx instead, so an edit is never silently ignored.
// METERSCOPE_FROM_SOURCE=1 forces the tsx path.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const built = `${root}build/cli/main.mjs`;

function mtime(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

function buildIsCurrent() {
  if (process.env.METERSCOPE_FROM_SOURCE === '1' || mtime(built) === undefined) return false;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(`${root}build/cli/inputs.json`, 'utf8'));
  } catch {
    return false;
  }
  // An installed package has no sources to compare with: its build is what it ships.
  if (mtime(`${root}src/cli/main.ts`) === undefined) return true;
  for (const input of manifest.inputs) {
    const t = mtime(`${root}${input}`);
    // A source that is gone or newer than the build means the build is not what the sources say.
    if (t === undefined || t > manifest.builtAt) return false;
  }
  return true;
}

if (buildIsCurrent()) {
  await import(new URL('../build/cli/main.mjs', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
