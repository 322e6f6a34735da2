/**
 * A deliberately small OBIS reader for configuration checks only. The full codec lives in
 * src/protocols/cosem; this one exists so config validation has no dependency on protocol code.
 *
 * Accepted: `1.0.1.8.0.255`, `1-0:1.8.0*255`, `1-0:1.8.0.255`, `1-0:1.8.0` (F = 255), and any of
 * them followed by `:n` for an attribute index.
 */

export interface ParsedObis {
  codes: [number, number, number, number, number, number];
  /** Attribute index if written after a trailing `:`. */
  attribute?: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d{1,3}))?$/;
const REDUCED = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[.*&](\d{1,3}))?(?::(\d{1,3}))?$/;

/** Returns the parsed code or a sentence saying what is wrong with it. */
export function parseObis(text: string): ParsedObis | { error: string } {
  const s = text.trim();
  const m = DOTTED.exec(s) ?? REDUCED.exec(s);
  if (!m) {
    return {
      error: 'is not an OBIS code; write it as A.B.C.D.E.F (e.g. 1.0.1.8.0.255), optionally with an attribute (1.0.1.8.0.255:2)',
    };
  }
  const nums = m.slice(1, 7).map((g) => (g === undefined ? 255 : Number(g)));
  const bad = nums.findIndex((n) => n > 255);
  if (bad >= 0) return { error: `has group ${'ABCDEF'[bad]} = ${nums[bad]}; each OBIS group is 0..255` };
  const codes = nums as ParsedObis['codes'];
  if (m[7] === undefined) return { codes };
  const attribute = Number(m[7]);
  if (attribute < 1 || attribute > 127) return { error: `has attribute ${attribute}; an attribute index is 1..127` };
  return { codes, attribute };
}

export function formatObis(codes: readonly number[]): string {
  return codes.join('.');
}
