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
/**
 * The one protocol module the UI may load: OBIS codes in words for tables and the object browser.
 * Only lazily loaded pages may import it (never the first screen), and the walk does not continue
 * into it: its own small dependencies (OBIS parsing) come along as part of that one door.
 */
const ALLOWED_DOOR = 'protocols/cosem/dictionary.ts';

/** Runtime module specifiers of a TypeScript file: static imports, re-exports and dynamic import(). */
export function runtimeImports(code: string): string[] {
  // Comments may quote import() calls (usage notes): they load nothing.
  const source = stripComments(code);
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

/** Drops block and line comments; a `//` inside a string (a URL) only cuts text no import follows. */
export function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Static imports only: what loads with a module, before any dynamic import() runs. */
export function staticImports(source: string): string[] {
  const dynamic = new Set([...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!));
  const all = runtimeImports(source);
  return all.filter((s) => !dynamic.has(s) || all.filter((x) => x === s).length > 1);
}

function reachable(entry: string, follow: (source: string) => string[] = runtimeImports): Map<string, string> {
  const seen = new Map<string, string>([[entry, '(entry)']]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (relative(SRC, file) === ALLOWED_DOOR) continue;
    for (const spec of follow(readFileSync(file, 'utf8'))) {
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
      "// run it with import('./not-loaded')",
      "/* or import('./nor-this') */",
    ].join('\n');
    expect(runtimeImports(src)).toEqual(['./a', './c', './f', './g']);
  });

  it('no module reachable from src/main.ts is protocol, engine or worker code', () => {
    const files = reachable(join(SRC, 'main.ts'));
    expect(files.size).toBeGreaterThan(10);
    const offenders = [...files]
      .map(([file, via]) => [relative(SRC, file), via] as const)
      .filter(([file]) => file !== ALLOWED_DOOR && FORBIDDEN.some((dir) => file.startsWith(dir)))
      .map(([file, via]) => `${file} (imported by ${via})`);
    expect(offenders).toEqual([]);
  });

  it('the OBIS dictionary is the only protocol door, and only lazily loaded pages open it', () => {
    const all = reachable(join(SRC, 'main.ts'));
    // The pages that name OBIS codes do use it (this test must notice if the door moves).
    expect([...all.keys()].map((f) => relative(SRC, f))).toContain(ALLOWED_DOOR);
    // The first screen (everything loaded without a dynamic import) never includes it.
    const firstScreen = [...reachable(join(SRC, 'main.ts'), staticImports).keys()].map((f) => relative(SRC, f));
    expect(firstScreen.filter((f) => FORBIDDEN.some((dir) => f.startsWith(dir)))).toEqual([]);
  });

  it('tells static imports from dynamic ones', () => {
    const src = ["import { a } from './a';", "const p = () => import('./p');", "import './s';"].join('\n');
    expect(staticImports(src)).toEqual(['./a', './s']);
  });
});
