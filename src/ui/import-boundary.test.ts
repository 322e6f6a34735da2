/**
 * The main thread must never load protocol or engine code: it would bloat the first screen and
 * tempt UI code to talk to meters without the worker. Follow every runtime import from the entry
 * (type-only imports are erased by the compiler and do not count) and check where it leads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FORBIDDEN = ['protocols/', 'engine/', 'transports/', 'sim/', 'bridge/', 'cli/', 'worker/'];

/** Runtime module specifiers of a TypeScript file: static imports, re-exports and dynamic import(). */
export function runtimeImports(source: string): string[] {
  const out: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(statement)) {
    if (m[2]) continue; // import type / export type
    if (m[1] === 'export' && !m[3]) continue;
    // `import { type A } from` is NOT erased under verbatimModuleSyntax: it stays as a side-effect
    // import, so the module is still loaded and counts.
    out.push(m[4]!);
  }
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined; // packages (lit, comlink, idb, virtual:...) are fine
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  throw new Error(`${relative(SRC, from)}: cannot resolve ${spec}`);
}

function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>([[entry, '(entry)']]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
      const target = resolveLocal(file, spec);
      if (target && !seen.has(target)) {
        seen.set(target, relative(SRC, file));
        queue.push(target);
      }
    }
  }
  return seen;
}

describe('main-thread import boundary', () => {
  it('reads runtime imports and ignores type-only ones', () => {
    const src = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "import { type C, type D } from './c';",
      "export type { E } from './e';",
      "export { f } from './f';",
      "const g = () => import('./g');",
    ].join('\n');
    expect(runtimeImports(src)).toEqual(['./a', './c', './f', './g']);
  });

  it('no module reachable from src/main.ts is protocol, engine or worker code', () => {
    const files = reachable(join(SRC, 'main.ts'));
    expect(files.size).toBeGreaterThan(10);
    const offenders = [...files]
      .map(([file, via]) => [relative(SRC, file), via] as const)
      .filter(([file]) => FORBIDDEN.some((dir) => file.startsWith(dir)))
      .map(([file, via]) => `${file} (imported by ${via})`);
    expect(offenders).toEqual([]);
  });
});
