/**
 * The association's object_list: LN (class 15 attr 2) and SN (class 12 attr 2), decoded into typed
 * entries, and short-name resolution (base name + 8 × (attribute − 1)).
 */
import { MeterError, ProtocolError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { snAttributeAddress, snMethodAddress } from './classes';
import { formatObis, obisKey, toObisKey } from './obis';
import { integerOf } from './integers';

export interface AttributeAccess {
  id: number;
  /** access_mode enum: 0 no access, 1 read, 2 write, 3 read+write (4..6 authenticated variants). */
  access: number;
  /** Selective access selectors the server allows (null when it allows none). */
  selectors: number[] | null;
}

export interface MethodAccess {
  id: number;
  /** Version 0 sends a boolean (0/1); later versions an enum (0 none, 1 access, 2 authenticated ...). */
  access: number;
}

export interface AccessRights {
  attributes: AttributeAccess[];
  methods: MethodAccess[];
}

export interface LnObjectEntry {
  classId: number;
  version: number;
  logicalName: Uint8Array;
  /** Dotted OBIS, also the key. */
  obis: string;
  accessRights?: AccessRights;
}

export interface SnObjectEntry {
  /** Base name as an unsigned 16-bit number (meters send it as long or long-unsigned). */
  baseName: number;
  classId: number;
  version: number;
  logicalName: Uint8Array;
  obis: string;
}

export type ObjectListEntry = LnObjectEntry | SnObjectEntry;

function fail(where: string, why: string): ProtocolError {
  return new ProtocolError('PROTOCOL', `object_list ${where}: ${why}.`);
}

function int(d: DlmsData | undefined, where: string, what: string): number {
  // Some meters send access modes as booleans.
  const n = d?.type === 'boolean' ? (d.value ? 1 : 0) : integerOf(d);
  if (n !== undefined) return n;
  throw fail(where, `${what} is ${d ? d.type : 'missing'}, expected an integer`);
}

function logicalName(d: DlmsData | undefined, where: string): Uint8Array {
  if (d && d.type === 'octet-string' && d.value.length === 6) return d.value;
  throw fail(where, `logical_name is ${d ? (d.type === 'octet-string' ? `${d.value.length} bytes` : d.type) : 'missing'}, expected 6 bytes`);
}

function listItems(d: DlmsData, what: string): DlmsData[] {
  if (d.type === 'array' || d.type === 'compact-array') return d.items;
  throw new ProtocolError('PROTOCOL', `${what} must be an array, got ${d.type}.`);
}

function structItems(d: DlmsData | undefined, where: string, min: number): DlmsData[] {
  if (!d || d.type !== 'structure') throw fail(where, `expected a structure, got ${d ? d.type : 'nothing'}`);
  if (d.items.length < min) throw fail(where, `structure has ${d.items.length} elements, expected ${min}`);
  return d.items;
}

function decodeAccessRights(d: DlmsData, where: string): AccessRights {
  const [attrs, methods] = structItems(d, where + ' access_rights', 2);
  const attributes: AttributeAccess[] = [];
  for (const a of listItems(attrs, `${where} attribute_access`)) {
    const [id, access, sel] = structItems(a, where + ' attribute_access_item', 3);
    let selectors: number[] | null = null;
    if (sel.type === 'array') selectors = sel.items.map((s) => int(s, where, 'access_selector'));
    else if (sel.type !== 'null') throw fail(where, `access_selectors is ${sel.type}`);
    attributes.push({ id: int(id, where, 'attribute_id'), access: int(access, where, 'access_mode'), selectors });
  }
  const methodList: MethodAccess[] = [];
  for (const m of listItems(methods, `${where} method_access`)) {
    const [id, access] = structItems(m, where + ' method_access_item', 2);
    methodList.push({ id: int(id, where, 'method_id'), access: int(access, where, 'access_mode') });
  }
  return { attributes, methods: methodList };
}

/** LN object_list: array of structure{class_id, version, logical_name, access_rights}. */
export function decodeObjectListLN(d: DlmsData): LnObjectEntry[] {
  const items = listItems(d, 'object_list');
  const out: LnObjectEntry[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const where = `entry ${i}`;
    const s = structItems(items[i], where, 3);
    const ln = logicalName(s[2], where);
    const entry: LnObjectEntry = { classId: int(s[0], where, 'class_id'), version: int(s[1], where, 'version'), logicalName: ln, obis: obisKey(ln) };
    if (s.length > 3 && s[3].type !== 'null') entry.accessRights = decodeAccessRights(s[3], where);
    out[i] = entry;
  }
  return out;
}

/** SN object_list: array of structure{base_name, class_id, version, logical_name}. */
export function decodeObjectListSN(d: DlmsData): SnObjectEntry[] {
  const items = listItems(d, 'object_list');
  const out: SnObjectEntry[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const where = `entry ${i}`;
    const s = structItems(items[i], where, 4);
    const ln = logicalName(s[3], where);
    out[i] = {
      baseName: int(s[0], where, 'base_name') & 0xffff,
      classId: int(s[1], where, 'class_id'),
      version: int(s[2], where, 'version'),
      logicalName: ln,
      obis: obisKey(ln),
    };
  }
  return out;
}

export function decodeObjectList(d: DlmsData, referencing: 'LN'): LnObjectEntry[];
export function decodeObjectList(d: DlmsData, referencing: 'SN'): SnObjectEntry[];
export function decodeObjectList(d: DlmsData, referencing: 'LN' | 'SN'): ObjectListEntry[] {
  return referencing === 'LN' ? decodeObjectListLN(d) : decodeObjectListSN(d);
}

// Index per list instance, so repeated look-ups on the same list are O(1) after the first. Lists are
// treated as immutable once decoded: build a new array rather than editing one that was looked up.
const indexes = new WeakMap<readonly ObjectListEntry[], Map<string, ObjectListEntry>>();

function indexOf<T extends ObjectListEntry>(list: readonly T[]): Map<string, T> {
  let idx = indexes.get(list) as Map<string, T> | undefined;
  if (!idx) {
    idx = new Map();
    // First occurrence wins when a meter lists an object twice.
    for (const e of list) if (!idx.has(e.obis)) idx.set(e.obis, e);
    indexes.set(list, idx);
  }
  return idx;
}

/** Entry for a logical name, or undefined. */
export function findObject<T extends ObjectListEntry>(list: readonly T[], obis: Uint8Array | string): T | undefined {
  return indexOf(list).get(toObisKey(obis));
}

function undefinedObject(obis: Uint8Array | string): MeterError {
  const text = typeof obis === 'string' ? obis : formatObis(obis);
  return new MeterError('OBJECT_UNDEFINED', `${text} is not in the association's object list.`);
}

/** Short name of an attribute: base name + 8 × (attribute − 1). Throws MeterError('OBJECT_UNDEFINED'). */
export function resolveShortName(list: readonly SnObjectEntry[], obis: Uint8Array | string, attribute: number): number {
  const e = findObject(list, obis);
  if (!e) throw undefinedObject(obis);
  return snAttributeAddress(e.baseName, attribute);
}

/** Short name of a method (class-specific first-method offset, see classes.ts). */
export function resolveShortNameMethod(list: readonly SnObjectEntry[], obis: Uint8Array | string, method: number): number {
  const e = findObject(list, obis);
  if (!e) throw undefinedObject(obis);
  return snMethodAddress(e.baseName, e.classId, method);
}
