import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderFieldTables } from './field-tables';
import { DEFAULTS, FIELD_DOCS } from './fields';
import { PROTOCOLS } from './types';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** Table rows of a `### title` section. */
function rows(title: string): Map<string, string> {
  const start = doc.indexOf(`### ${title}\n`);
  if (start < 0) return new Map();
  const end = doc.indexOf('\n#', start + 4);
  const body = doc.slice(start, end < 0 ? undefined : end);
  const out = new Map<string, string>();
  for (const line of body.split('\n')) {
    const m = /^\| `([a-z_0-9]+)` \|(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

describe('docs/configuration.md', () => {
  for (const p of PROTOCOLS) {
    for (const scope of ['device', 'signal'] as const) {
      it(`documents every ${p} ${scope} field with its default`, () => {
        const own = rows(`${p} ${scope} fields`);
        const common = rows(`Fields of every ${scope}`);
        for (const f of FIELD_DOCS[p][scope]) {
          const row = own.get(f.name) ?? common.get(f.name);
          expect(row, `${f.name} missing from the ${p} ${scope} tables`).toBeDefined();
          const d = DEFAULTS[p][scope][f.name];
          if (d !== undefined) expect(row).toContain(`\`${JSON.stringify(d)}\``);
          if (f.required) expect(row).toContain('**required**');
        }
      });
    }
  }
});

describe('generated tables', () => {
  it('match renderFieldTables() exactly (regenerate them after editing fields.ts)', () => {
    const m = /<!-- fields:begin[^\n]*-->\n([\s\S]*?)\n<!-- fields:end -->/.exec(doc);
    expect(m?.[1]).toBe(renderFieldTables().replace(/\n+$/, ''));
  });
});
