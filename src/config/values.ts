/**
 * Reading one field's value according to its FieldDoc. Returns the normalised value or a message
 * that reads well after the field's path (`devices[2].baudrate: 14400 is not one of ...`).
 * Values of secret fields never appear in a message.
 */
import type { FieldDoc } from './fields';
import { parseSerialNumberFormula } from './formula';
import { formatObis, parseObis } from './obis';
import { suggest } from './suggest';

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

const ok = (value: unknown): Parsed => ({ ok: true, value });
const bad = (message: string): Parsed => ({ ok: false, message });

/** A short, safe rendering of a user's value for a message. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

function listOf(values: readonly (string | number)[]): string {
  return values.map((v) => String(v)).join(', ');
}

function readInteger(value: unknown, hex: boolean): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  // Addresses may be written as text, decimal or 0x hex, as in the WCC Lite sheets.
  if (hex && typeof value === 'string') {
    const s = value.trim();
    if (/^0x[0-9a-f]{1,8}$/i.test(s)) return parseInt(s.slice(2), 16);
    if (/^\d{1,10}$/.test(s)) return Number(s);
  }
  return undefined;
}

function parseInteger(doc: FieldDoc, value: unknown): Parsed {
  const n = readInteger(value, doc.hex === true);
  if (n === undefined) {
    return bad(`${show(value)} is not a whole number${doc.hex ? ' (write it in decimal, or in hex like "0x10")' : ''}`);
  }
  const min = doc.min ?? Number.MIN_SAFE_INTEGER;
  const max = doc.max ?? Number.MAX_SAFE_INTEGER;
  if (n < min || n > max) {
    const range = doc.hex && max >= 0x7f ? `${min}..${max} (0x${min.toString(16).toUpperCase()}..0x${max.toString(16).toUpperCase()})` : `${min}..${max}`;
    return bad(`${show(value)} is outside the allowed range ${range}`);
  }
  return ok(n);
}

function parseEnum(doc: FieldDoc, value: unknown): Parsed {
  const allowed = doc.allowed ?? [];
  if (typeof value === 'number') {
    if (allowed.includes(value)) return ok(value);
  } else if (typeof value === 'string') {
    // Text choices are matched without regard to case; the canonical spelling is kept.
    const lower = value.trim().toLowerCase();
    const hit = allowed.find((a) => typeof a === 'string' && a.toLowerCase() === lower);
    if (hit !== undefined) return ok(hit);
    // "9600" for a numeric choice is a common spreadsheet artefact: accept it.
    if (/^\d+$/.test(value.trim())) {
      const n = Number(value.trim());
      if (allowed.includes(n)) return ok(n);
    }
  }
  let msg = `${show(value)} is not one of ${listOf(allowed)}`;
  if (typeof value === 'string') {
    const near = suggest(value, allowed.filter((a): a is string => typeof a === 'string'));
    if (near !== undefined) msg += `; did you mean "${near}"?`;
  }
  return bad(msg);
}

function parseFlag(value: unknown): Parsed {
  if (value === 0 || value === 1) return ok(value);
  if (value === true) return ok(1);
  if (value === false) return ok(0);
  if (value === '0' || value === '1') return ok(Number(value));
  return bad(`${show(value)} is not 0 or 1`);
}

function parseEcho(value: unknown): Parsed {
  if (value === 0 || value === 1) return ok(value);
  if (value === '0' || value === '1') return ok(Number(value));
  if (typeof value === 'string' && value.trim().toLowerCase() === 'auto') return ok('auto');
  return bad(`${show(value)} is not one of auto, 0, 1`);
}

function parseText(value: unknown, what = 'a text', allowEmpty = false): Parsed {
  if (typeof value !== 'string') return bad(`${show(value)} is not ${what}`);
  if (!allowEmpty && value.trim().length === 0) return bad('is empty');
  if (value.length > 256) return bad('is longer than 256 characters');
  return ok(value);
}

/** WCC Lite: aliases are alphanumeric; `_` and `-` are accepted too (its own examples use them). */
const ALIAS = /^[A-Za-z0-9_-]+$/;

function parseAlias(value: unknown): Parsed {
  const p = parseText(value, 'an alias');
  if (!p.ok) return p;
  if (!ALIAS.test(value as string)) return bad(`${show(value)} may hold only letters A-Z, digits, _ and -`);
  return p;
}

const HEX = /^[0-9a-f]*$/i;

/** Hex text without separators: spaces and colons between bytes are allowed and removed. */
function normaliseHex(value: string): string | undefined {
  const s = value.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!HEX.test(s) || s.length % 2 !== 0) return undefined;
  return s.toLowerCase();
}

function parseHexBytes(doc: FieldDoc, value: unknown): Parsed {
  const what = `${doc.bytes} bytes of hex (${(doc.bytes ?? 0) * 2} hex digits)`;
  const hidden = doc.secret ? ' (the value is not shown)' : '';
  if (typeof value !== 'string') return bad(`must be text: ${what}${hidden}`);
  const hex = normaliseHex(value);
  // Length is checked in the device rules: it depends on security_suite.
  if (hex === undefined || hex.length === 0) return bad(`is not valid hex; expected ${what}${hidden}`);
  return ok(hex);
}

const PEM = /^-----BEGIN ([A-Z0-9 ]+)-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END \1-----\s*$/;

function parseKey(doc: FieldDoc, value: unknown): Parsed {
  const hidden = doc.secret ? ' (the value is not shown)' : '';
  if (typeof value !== 'string') return bad(`must be text: a PEM block or hex${hidden}`);
  const t = value.trim();
  if (t.startsWith('-----BEGIN')) {
    if (!PEM.test(t)) return bad(`is not a well-formed PEM block (-----BEGIN ...----- base64 -----END ...-----)${hidden}`);
    return ok(t);
  }
  const hex = normaliseHex(t);
  if (hex === undefined || hex.length === 0) return bad(`is neither a PEM block nor hex${hidden}`);
  return ok(hex);
}

function parseObisField(doc: FieldDoc, value: unknown): Parsed {
  if (typeof value !== 'string') return bad(`${show(value)} is not an OBIS code; write it as text like "1.0.1.8.0.255"`);
  const p = parseObis(value);
  if ('error' in p) return bad(`${show(value)} ${p.error}`);
  if (p.attribute !== undefined && !doc.attribute) return bad(`${show(value)} must not carry an attribute (":n")`);
  // Fields with an attribute keep the parts for the signal builder; the others are just the code.
  return doc.attribute ? ok({ obis: formatObis(p.codes), codes: p.codes, attribute: p.attribute }) : ok(formatObis(p.codes));
}

function parsePassword(value: unknown): Parsed {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return ok(String(value));
  if (typeof value !== 'string') return bad('must be text (the value is not shown)');
  if (value.length === 0) return bad('is empty');
  if (value.length > 128) return bad('is longer than 128 characters (the value is not shown)');
  return ok(value);
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseHost(value: unknown): Parsed {
  if (typeof value !== 'string') return bad(`${show(value)} is not an IP address or host name`);
  const s = value.trim();
  const v4 = IPV4.exec(s);
  if (v4) {
    if (v4.slice(1).some((x) => Number(x) > 255)) return bad(`${show(value)} is not a valid IPv4 address (each part is 0..255)`);
    return ok(s);
  }
  if (/^\d+(\.\d+)*$/.test(s)) return bad(`${show(value)} is not a valid IPv4 address`);
  const v6 = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (v6.includes(':')) {
    if (/^[0-9a-f:.]+$/i.test(v6) && v6.split(':').length <= 8) return ok(v6);
    return bad(`${show(value)} is not a valid IPv6 address`);
  }
  if (!HOSTNAME.test(s)) return bad(`${show(value)} is not an IP address or host name`);
  return ok(s);
}

/** Characters IEC 62056-21 reserves as delimiters in addresses and data sets. */
const IEC_DELIMITERS = /[()/!?\x00-\x1f\x7f]/;

function parseIecAddress(value: unknown): Parsed {
  if (value === 0 || value === '0' || value === '') return ok('');
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return ok(String(value));
  if (typeof value !== 'string') return bad(`${show(value)} is not a device address; write the meter's address as text or a number`);
  const s = value.trim();
  if (s.length > 32) return bad('is longer than 32 characters, the limit of an IEC 62056-21 device address');
  if (IEC_DELIMITERS.test(s)) return bad(`${show(value)} contains a character IEC 62056-21 does not allow in an address ( / ! ? ( ) or a control character)`);
  return ok(s);
}

function parseIecTag(value: unknown): Parsed {
  if (typeof value !== 'string') return bad(`${show(value)} is not a data-set address; write it as text like "1.8.0"`);
  const s = value.trim();
  if (s.length === 0) return bad('is empty');
  if (s.length > 32) return bad('is longer than 32 characters');
  if (IEC_DELIMITERS.test(s)) return bad(`${show(value)} contains ( ) / ! ? or a control character; write only the address, e.g. "1.8.0" for 1.8.0(0123.4*kWh)`);
  return ok(s);
}

function parseJob(value: unknown): Parsed {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return ok(String(value));
  return parseText(value, 'a job name');
}

export function parseValue(doc: FieldDoc, value: unknown): Parsed {
  switch (doc.type) {
    case 'string':
      if (doc.name === 'device_alias' || doc.name === 'signal_alias') return parseAlias(value);
      return parseText(value, 'a text', doc.allowEmpty === true);
    case 'integer':
      return parseInteger(doc, value);
    case 'enum':
      return parseEnum(doc, value);
    case 'flag':
      return parseFlag(value);
    case 'echo':
      return parseEcho(value);
    case 'hex-bytes':
      return parseHexBytes(doc, value);
    case 'key':
      return parseKey(doc, value);
    case 'obis':
      return parseObisField(doc, value);
    case 'formula': {
      const f = parseSerialNumberFormula(value);
      return 'error' in f ? bad(`${show(value)} ${f.error}`) : ok(f);
    }
    case 'password':
      return parsePassword(value);
    case 'host':
      return parseHost(value);
    case 'iec-address':
      return parseIecAddress(value);
    case 'iec-tag':
      return parseIecTag(value);
    case 'job':
      return parseJob(value);
  }
}
