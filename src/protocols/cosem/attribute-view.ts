/**
 * An attribute's value as a technician reads it, decoded by the class definition: date-times with
 * deviation and clock status, enums by name, bit-strings as flags, capture objects as OBIS + attribute,
 * scaler_unit as "10^-2 Wh", register values scaled with the meter's decimals. The result is a plain
 * tree (structured-clone safe) the worker hands to the object browser.
 *
 * A value whose shape differs from what the class defines becomes an `error` node that keeps the
 * generic rendering beneath it: nothing is lost, and nothing is shown as a value of the wrong kind.
 */
import { ProtocolError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { attributeName, className } from './classes';
import { clockStatusFlags, formatCosemDateTimeIso, parseCosemDateTimeBytes } from './datetime';
import { describeObis } from './dictionary';
import { integerOf } from './integers';
import { obisKey } from './obis';
import { scaleBigIntToString, scaleFloat } from './scaler';
import { unitSymbol } from './units';
import { octetsToText, toHex } from './values';
import { conformanceView, oidView } from './attribute-view-association';
import { shapeOf, type Shape } from './attribute-view-classes';
import type { ViewContext, ViewNode } from './attribute-view-types';

export type { ViewContext, ViewKind, ViewNode } from './attribute-view-types';

/** Arrays longer than this show their first elements and a count: the browser is for looking, not exports. */
const MAX_ITEMS = 200;
const MAX_DEPTH = 12;

/**
 * The view of attribute `attribute` of an object of class `classId`. Never throws for any DlmsData
 * (shape mismatches are `error` nodes); throws ProtocolError only for an argument that is not one.
 */
export function attributeView(classId: number, attribute: number, data: DlmsData, context: ViewContext = {}): ViewNode {
  if (!data || typeof data !== 'object' || typeof (data as { type?: unknown }).type !== 'string') {
    throw new ProtocolError('TYPE_MISMATCH', 'attributeView needs a decoded A-XDR value.');
  }
  const node = viewAs(shapeOf(classId, attribute), data, context, 0);
  if (node.label === undefined) node.label = attributeName(classId, attribute);
  return node;
}

function mismatch(expected: string, d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  const generic = genericView(d, ctx, depth + 1);
  return { kind: 'error', text: `Expected ${expected}, the meter sent ${describeType(d)}: shown as sent.`, children: [generic] };
}

function describeType(d: DlmsData): string {
  switch (d.type) {
    case 'octet-string':
      return `an octet-string of ${d.value.length} byte(s)`;
    case 'array':
    case 'structure':
    case 'compact-array':
      return `${d.type === 'array' ? 'an array' : d.type === 'structure' ? 'a structure' : 'a compact-array'} of ${d.items.length}`;
    default:
      return d.type;
  }
}

function viewAs(shape: Shape, d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  if (depth > MAX_DEPTH) return { kind: 'error', text: 'Nested too deep to show.' };
  if (typeof shape === 'object') {
    if ('enum' in shape) return enumView(shape.enum, d, ctx, depth);
    if ('struct' in shape) return structView(shape.struct, d, ctx, depth);
    if ('array' in shape) return arrayView(shape.array, d, ctx, depth);
    return integerView(d, ctx, depth, shape.unitText);
  }
  switch (shape) {
    case 'any':
      return genericView(d, ctx, depth);
    case 'integer':
      return integerView(d, ctx, depth);
    case 'boolean':
      return d.type === 'boolean' ? { kind: 'boolean', text: d.value ? 'true' : 'false', value: d.value } : mismatch('a boolean', d, ctx, depth);
    case 'obis':
      return obisView(d, ctx, depth);
    case 'date-time':
      return dateTimeView(d, ctx, depth);
    case 'clock-status':
      return clockStatusView(d, ctx, depth);
    case 'scaled':
      return scaledView(d, ctx, depth);
    case 'scaler-unit':
      return scalerUnitView(d, ctx, depth);
    case 'capture-object':
      return captureObjectView(d, ctx, depth);
    case 'bytes':
      return d.type === 'octet-string' ? { kind: 'bytes', text: toHex(d.value) || '(empty)', raw: toHex(d.value) } : mismatch('an octet-string', d, ctx, depth);
    case 'secret':
      // A secret attribute (an LLS password) is never shown, whatever the meter sent.
      return { kind: 'secret', text: '(secret: not shown)' };
    case 'conformance':
      return conformanceView(d) ?? mismatch('a conformance block (24 bits)', d, ctx, depth);
    case 'context-name':
      return oidView(d, 'context') ?? genericView(d, ctx, depth);
    case 'mechanism-name':
      return oidView(d, 'mechanism') ?? genericView(d, ctx, depth);
  }
}

function integerView(d: DlmsData, ctx: ViewContext, depth: number, unitText?: string): ViewNode {
  if (d.type === 'int64' || d.type === 'uint64') {
    const v = d.value >= BigInt(Number.MIN_SAFE_INTEGER) && d.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d.value) : d.value.toString();
    return withUnit({ kind: 'number', text: String(v), value: v }, unitText);
  }
  const n = d.type === 'enum' ? undefined : integerOf(d);
  if (n === undefined) return mismatch('an integer', d, ctx, depth);
  return withUnit({ kind: 'number', text: String(n), value: n }, unitText);
}

function withUnit(node: ViewNode, unit: string | undefined): ViewNode {
  if (!unit) return node;
  return { ...node, text: `${node.text} ${unit}`, unit };
}

function enumView(names: Readonly<Record<number, string>>, d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  const n = d.type === 'enum' ? d.value : integerOf(d);
  if (n === undefined) return mismatch('an enum', d, ctx, depth);
  const name = names[n];
  if (name === undefined) return { kind: 'error', text: `${n} is not a value this attribute defines.`, value: n };
  return { kind: 'enum', text: `${name} (${n})`, value: n };
}

function structView(fields: readonly (readonly [string, Shape])[], d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  if (d.type !== 'structure' || d.items.length !== fields.length) return mismatch(`a structure of ${fields.length}`, d, ctx, depth);
  const children = d.items.map((item, i) => ({ ...viewAs(fields[i]![1], item, ctx, depth + 1), label: fields[i]![0] }));
  return { kind: 'structure', text: children.map((c) => `${c.label}: ${c.text}`).join(', '), children };
}

function arrayView(element: Shape, d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  if (d.type !== 'array' && d.type !== 'compact-array') return mismatch('an array', d, ctx, depth);
  const shown = d.items.slice(0, MAX_ITEMS);
  const children = shown.map((item, i) => ({ ...viewAs(element, item, ctx, depth + 1), label: `#${i + 1}` }));
  const more = d.items.length > MAX_ITEMS ? ` (first ${MAX_ITEMS} shown)` : '';
  return { kind: 'list', text: `${d.items.length} element(s)${more}`, children };
}

function obisView(d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  if (d.type !== 'octet-string' || d.value.length !== 6) return mismatch('a logical name (6 bytes)', d, ctx, depth);
  const obis = obisKey(d.value);
  const words = describeObis(d.value);
  return { kind: 'obis', text: words && words !== obis ? `${obis} (${words})` : obis, value: obis, raw: toHex(d.value) };
}

function dateTimeView(d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  const bytes = d.type === 'date-time' ? d.raw : d.type === 'octet-string' && d.value.length === 12 ? d.value : undefined;
  if (!bytes) return mismatch('a date-time (12 bytes)', d, ctx, depth);
  const fields = d.type === 'date-time' ? d.value : parseCosemDateTimeBytes(bytes);
  let text: string;
  try {
    text = formatCosemDateTimeIso(fields, ctx.dateTime);
  } catch (e) {
    return { kind: 'error', text: e instanceof Error ? e.message : String(e), raw: toHex(bytes) };
  }
  const status = fields.clockStatus;
  const flags = status === undefined ? [] : clockStatusFlags(status);
  const deviation = fields.deviation === undefined ? 'deviation not specified' : `deviation ${fields.deviation} min`;
  const statusText = status === undefined ? 'status not specified' : flags.length ? `status ${flags.join(', ')}` : 'status ok';
  return { kind: 'date-time', text: `${text} (${deviation}, ${statusText})`, value: text, raw: toHex(bytes), flags };
}

function clockStatusView(d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  const n = integerOf(d);
  if (n === undefined || n < 0 || n > 255) return mismatch('a clock status byte', d, ctx, depth);
  const flags = clockStatusFlags(n);
  return { kind: 'flags', text: flags.length ? flags.join(', ') : 'ok (no flag set)', value: n, flags };
}

function symbolOf(unit: number | string): string {
  return typeof unit === 'string' ? unit : unitSymbol(unit);
}

/** Exact decimal text with exactly the scaler's decimals: 5000 × 10^-2 → "50.00". */
function fixedText(v: bigint, scaler: number): string {
  const exact = scaleBigIntToString(v, scaler);
  const decimals = Math.max(0, -scaler);
  if (decimals === 0) return exact;
  const [int, frac = ''] = exact.split('.');
  return `${int}.${frac.padEnd(decimals, '0')}`;
}

function scaledView(d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  const su = ctx.scaler;
  if (d.type === 'float32' || d.type === 'float64') {
    const v = su ? scaleFloat(d.value, su.scaler) : d.value;
    return withUnit({ kind: 'number', text: String(v), value: v }, su ? symbolOf(su.unit) : undefined);
  }
  let big: bigint | undefined;
  if (d.type === 'int64' || d.type === 'uint64') big = d.value;
  else if (d.type !== 'enum') {
    const n = integerOf(d);
    if (n !== undefined) big = BigInt(n);
  }
  if (big === undefined) {
    // Registers may hold text (a firmware version) or a structure: the class allows any CHOICE.
    return genericView(d, ctx, depth);
  }
  if (!su) {
    const plain = integerView(d, ctx, depth);
    return { ...plain, text: `${plain.text} (unscaled: scaler_unit not read)` };
  }
  const text = fixedText(big, su.scaler);
  const num = Number(text);
  const value = Number.isFinite(num) && Math.abs(num) <= Number.MAX_SAFE_INTEGER && String(num) === scaleBigIntToString(big, su.scaler) ? num : text;
  const unit = symbolOf(su.unit);
  return { kind: 'number', text: unit ? `${text} ${unit}` : text, value, decimals: Math.max(0, -su.scaler), ...(unit ? { unit } : {}) };
}

function scalerUnitView(d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  if (d.type !== 'structure' || d.items.length !== 2) return mismatch('scaler_unit (a structure of scaler and unit)', d, ctx, depth);
  const raw = integerOf(d.items[0]);
  const unit = d.items[1]!.type === 'enum' ? (d.items[1] as { value: number }).value : integerOf(d.items[1]);
  if (raw === undefined || unit === undefined || unit < 0 || unit > 255) return mismatch('scaler_unit (an integer scaler and an enum unit)', d, ctx, depth);
  // int8 on the wire; meters that send it unsigned mean the same signed value.
  const scaler = raw > 127 && raw <= 255 ? raw - 256 : raw;
  if (scaler < -128 || scaler > 127) return mismatch('a scaler in -128..127', d, ctx, depth);
  const symbol = unitSymbol(unit);
  return {
    kind: 'scaler-unit',
    text: `10^${scaler} ${symbol || '(no unit)'}`,
    children: [
      { kind: 'number', label: 'scaler', text: String(scaler), value: scaler },
      { kind: 'enum', label: 'unit', text: symbol ? `${symbol} (${unit})` : `no unit (${unit})`, value: unit },
    ],
  };
}

function captureObjectView(d: DlmsData, ctx: ViewContext, depth: number): ViewNode {
  if (d.type !== 'structure' || d.items.length !== 4) return mismatch('a capture object (class, logical name, attribute, data index)', d, ctx, depth);
  const [c, ln, a, di] = d.items as [DlmsData, DlmsData, DlmsData, DlmsData];
  const classId = integerOf(c);
  const attr = integerOf(a);
  const dataIndex = integerOf(di);
  if (classId === undefined || attr === undefined || dataIndex === undefined || ln.type !== 'octet-string' || ln.value.length !== 6) {
    return mismatch('a capture object (class, logical name, attribute, data index)', d, ctx, depth);
  }
  const obis = obisKey(ln.value);
  const words = describeObis(ln.value);
  const attrName = attr === 0 ? 'all attributes' : attributeName(classId, attr);
  const element = dataIndex === 0 ? '' : `, element ${dataIndex}`;
  return {
    kind: 'capture-object',
    text: `${obis}${words && words !== obis ? ` ${words}` : ''} · ${attrName} (attribute ${attr}${element}) · ${className(classId)}`,
    value: `${obis}:${attr}`,
  };
}

function bitFlags(bitLength: number, bytes: Uint8Array): { bits: string; set: number[] } {
  let bits = '';
  const set: number[] = [];
  const n = Math.min(bitLength, bytes.length * 8);
  for (let i = 0; i < n; i++) {
    const on = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
    bits += on ? '1' : '0';
    if (on) set.push(i);
  }
  return { bits, set };
}

/** Any value without a class definition to go by: each type shown as what it is. */
export function genericView(d: DlmsData, ctx: ViewContext, depth = 0): ViewNode {
  if (depth > MAX_DEPTH) return { kind: 'error', text: 'Nested too deep to show.' };
  switch (d.type) {
    case 'null':
    case 'dont-care':
      return { kind: 'null', text: d.type === 'null' ? 'null' : "don't care", value: null };
    case 'boolean':
      return { kind: 'boolean', text: d.value ? 'true' : 'false', value: d.value };
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'bcd':
    case 'float32':
    case 'float64':
      return { kind: 'number', text: String(d.value), value: d.value };
    case 'int64':
    case 'uint64':
      return integerView(d, ctx, depth);
    case 'enum':
      // No class definition names it here: show the number and say it is an enum.
      return { kind: 'enum', text: `enum ${d.value}`, value: d.value };
    case 'octet-string': {
      const hex = toHex(d.value);
      const text = octetsToText(d.value);
      return text === hex ? { kind: 'bytes', text: hex || '(empty)', raw: hex } : { kind: 'text', text, value: text, raw: hex };
    }
    case 'visible-string':
    case 'utf8-string':
      return { kind: 'text', text: d.value, value: d.value };
    case 'bit-string': {
      const { bits, set } = bitFlags(d.bitLength, d.bytes);
      const flags = set.map((b) => `bit ${b}`);
      return { kind: 'flags', text: set.length ? `${flags.join(', ')} set (${bits})` : `no bit set (${bits || 'empty'})`, value: bits, flags };
    }
    case 'date-time':
      return dateTimeView(d, ctx, depth);
    case 'date':
    case 'time': {
      const t = fieldsText(d.type, d.value);
      return { kind: 'date-time', text: t, value: t, raw: toHex(d.raw) };
    }
    case 'array':
    case 'structure':
    case 'compact-array': {
      const shown = d.items.slice(0, MAX_ITEMS);
      const children = shown.map((item, i) => ({ ...genericView(item, ctx, depth + 1), label: `#${i + 1}` }));
      const kind = d.type === 'structure' ? 'structure' : 'list';
      const more = d.items.length > MAX_ITEMS ? ` (first ${MAX_ITEMS} shown)` : '';
      return { kind, text: `${d.type} of ${d.items.length}${more}`, children };
    }
    default: {
      // A type this build does not decode: say so rather than guess.
      const unknown = d as { type: string };
      return { kind: 'error', text: `A value of type ${unknown.type} cannot be shown.` };
    }
  }
}

function fieldsText(type: 'date' | 'time', v: { year?: number; month?: number; day?: number; hour?: number; minute?: number; second?: number }): string {
  const p = (n: number | undefined, w: number) => (n === undefined ? '*'.repeat(w) : String(n).padStart(w, '0'));
  return type === 'date' ? `${p(v.year, 4)}-${p(v.month, 2)}-${p(v.day, 2)}` : `${p(v.hour, 2)}:${p(v.minute, 2)}:${p(v.second, 2)}`;
}

/** Plain text of a whole view tree, one line per node, indented: for logs, tests and copy-paste. */
export function viewText(node: ViewNode, indent = ''): string {
  const head = `${indent}${node.label ? `${node.label}: ` : ''}${node.text}`;
  const kids = node.children?.map((c) => viewText(c, `${indent}  `)) ?? [];
  return [head, ...kids].join('\n');
}
