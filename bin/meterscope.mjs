#!/usr/bin/env node
// The `meterscope` command. It runs the plain-JavaScript build in build/cli/ (made by
// scripts/build-cli.mjs during `npm ci` and `npm run build`), which starts several times faster than
// compiling TypeScript on every run. In a development checkout, when the build is missing or any source
// that went into it is newer, it runs src/cli through tsx instead, so an edit is never silently ignored.
// METERSCOPE_FROM_SOURCE=1 forces the tsx path.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const built = new URL('build/cli/main.mjs', root);

function buildIsCurrent() {
  if (process.env.METERSCOPE_FROM_SOURCE === '1') return false;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('build/cli/inputs.json', root), 'utf8'));
    statSync(built);
    for (const input of inputs) {
      // A source that is gone counts as changed; an installed package without src/ has none to check.
      let mtime;
      try {
        mtime = statSync(new URL(input, root)).mtimeMs;
      } catch {
        if (!hasSources()) return true;
        return false;
      }
      if (mtime > builtAt) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function hasSources() {
  try {
    return statSync(new URL('src/cli/main.ts', root)).isFile();
  } catch {
    return false;
  }
}

if (buildIsCurrent()) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
