/**
 * `serial_number_formula`: how a DLMS server's physical HDLC address is derived from the meter's
 * serial number. Only the shape `SN [% modulo] [+|- offset]` is accepted (numbers decimal or 0x hex),
 * or the same as an object `{ "modulo": m, "offset": o }`. A restricted form keeps it safe to
 * evaluate (no eval) and still covers the vendor formulas seen in practice.
 */
import type { SerialNumberFormula } from './types';

export const DEFAULT_SERIAL_NUMBER_FORMULA = 'SN % 10000 + 1000';

/** Largest physical address an HDLC 4-byte server address can carry (14 bits). */
export const MAX_PHYSICAL_ADDRESS = 0x3fff;

const NUM = '(0x[0-9a-f]+|\\d+)';
const FORM = new RegExp(`^\\s*sn\\s*(?:%\\s*${NUM}\\s*)?(?:([+-])\\s*${NUM}\\s*)?$`, 'i');

function num(s: string): number {
  return s.toLowerCase().startsWith('0x') ? parseInt(s.slice(2), 16) : Number(s);
}

const SHAPE = 'must look like "SN % 10000 + 1000" (SN, optionally % a number, optionally + or - a number) or {"modulo": 10000, "offset": 1000}';

export function parseSerialNumberFormula(value: unknown): SerialNumberFormula | { error: string } {
  let modulo = 0;
  let offset = 0;
  if (typeof value === 'string') {
    const m = FORM.exec(value);
    if (!m) return { error: SHAPE };
    if (m[1] !== undefined) modulo = num(m[1]);
    if (m[3] !== undefined) offset = (m[2] === '-' ? -1 : 1) * num(m[3]);
    if (m[1] !== undefined && modulo < 1) return { error: 'has modulo 0; the modulo must be at least 1' };
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'modulo' && k !== 'offset');
    if (extra.length > 0) return { error: `has unknown key ${JSON.stringify(extra[0])}; only "modulo" and "offset" are allowed` };
    const mo = Object.hasOwn(o, 'modulo') ? o.modulo : 0;
    const of = Object.hasOwn(o, 'offset') ? o.offset : 0;
    if (typeof mo !== 'number' || !Number.isInteger(mo) || mo < 0 || mo > 0xffffffff) {
      return { error: 'has a modulo that is not a whole number 0..4294967295 (0 means no modulo)' };
    }
    if (typeof of !== 'number' || !Number.isInteger(of) || Math.abs(of) > 0xffffffff) {
      return { error: 'has an offset that is not a whole number' };
    }
    modulo = mo;
    offset = of;
  } else {
    return { error: SHAPE };
  }
  if (!Number.isSafeInteger(modulo) || !Number.isSafeInteger(offset) || modulo > 0xffffffff || Math.abs(offset) > 0xffffffff) {
    return { error: 'has numbers that are too large' };
  }
  return { modulo, offset };
}

export function applySerialNumberFormula(f: SerialNumberFormula, serialNumber: number): number {
  return (f.modulo > 0 ? serialNumber % f.modulo : serialNumber) + f.offset;
}
