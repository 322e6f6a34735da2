/** xDLMS APDUs and ACSE messages in a trace, with their A-XDR values as a tree. */
import { ASSOCIATION_RESULT_NAMES, decodeAare, diagnosticName } from '../../protocols/dlms/acse/aare';
import { decodeAarq } from '../../protocols/dlms/acse/aarq';
import { conformanceNames } from '../../protocols/dlms/acse/conformance';
import { applicationContextOf, MECHANISM_NAMES, mechanismIdOf } from '../../protocols/dlms/acse/names';
import { decodeRlre, decodeRlrq } from '../../protocols/dlms/acse/release';
import { decodeApdu } from '../../protocols/dlms/apdu/apdu';
import { actionResultName, dataAccessResultName } from '../../protocols/dlms/apdu/results';
import { type CosemDateTime, DataTag, type DlmsData } from '../../protocols/dlms/axdr/types';
import { type DecodedNode, hexNum, MAX_DEPTH, MAX_HEX_BYTES, message, node, showHex } from './tree';

// ---------------------------------------------------------------- APDU

export function isApduTag(t: number): boolean {
  return [0x60, 0x61, 0x62, 0x63, 0xc0, 0xc1, 0xc3, 0xc4, 0xc5, 0xc7, 0xd8, 0x0e, 0x05, 0x06, 0x0c, 0x0d, 0x16, 0x0f, 0xc2, 0xe0].includes(t);
}

export function apduNode(bytes: Uint8Array, masked: boolean): DecodedNode {
  const tag = bytes[0];
  try {
    switch (tag) {
      case 0x60:
        return aarqNode(bytes);
      case 0x61:
        return aareNode(bytes);
      case 0x62:
        return node('RLRQ (release request)', undefined, objectChildren(decodeRlrq(bytes), 0));
      case 0x63:
        return node('RLRE (release response)', undefined, objectChildren(decodeRlre(bytes), 0));
      default: {
        const apdu = decodeApdu(bytes);
        const action = apdu.type.startsWith('action');
        const children = objectChildren(apdu, 0, ['type'], action);
        // Masked secret bytes were decoded as 00: say so rather than let a zero pass for a reading.
        if (masked) children.unshift(node('note', 'some bytes were masked (**) and are shown as 00'));
        return node(`APDU ${apdu.type}`, summarizeApdu(apdu as unknown as { type: string } & Record<string, unknown>), children);
      }
    }
  } catch (e) {
    const ciphered = tag !== undefined && ((tag >= 0x21 && tag <= 0x3f) || (tag >= 0xc8 && tag <= 0xd7) || (tag >= 0xdb && tag <= 0xdf));
    const why = ciphered ? 'ciphered APDU (content is encrypted)' : masked ? 'contains masked secret bytes' : message(e);
    return node(`Not decoded APDU ${tag === undefined ? '' : hexNum(tag)}`, why, [node('bytes', showHex(bytes))]);
  }
}

export function summarizeApdu(apdu: { type: string } & Record<string, unknown>): string | undefined {
  const attr = apdu.attribute as { classId: number; obis: Uint8Array; attributeId: number } | undefined;
  if (attr) return `class ${attr.classId} ${formatObis(attr.obis)} attr ${attr.attributeId}`;
  const method = apdu.method as { classId: number; obis: Uint8Array; methodId: number } | undefined;
  if (method) return `class ${method.classId} ${formatObis(method.obis)} method ${method.methodId}`;
  const result = apdu.result as { type?: string; value?: DlmsData; result?: number } | number | undefined;
  if (result && typeof result === 'object' && result.type === 'data' && result.value) return dataSummary(result.value);
  if (result && typeof result === 'object' && result.type === 'error' && typeof result.result === 'number') return dataAccessResultName(result.result);
  return undefined;
}

export function aarqNode(bytes: Uint8Array): DecodedNode {
  const a = decodeAarq(bytes);
  const children: DecodedNode[] = [node('application context', contextText(a.applicationContextName))];
  if (a.callingApTitle) children.push(node('calling AP title (client system title)', showHex(a.callingApTitle)));
  if (a.authentication !== undefined) children.push(node('authentication functional unit', a.authentication ? 'yes' : 'no'));
  if (a.mechanismName) children.push(node('mechanism', mechanismText(a.mechanismName)));
  // The LLS password or HLS challenge: never shown, even when the logger did not mask it.
  if (a.callingAuthenticationValue) children.push(node('calling authentication value', `hidden (${a.callingAuthenticationValue.length} bytes)`));
  if (a.userInformation) children.push(userInfoNode(a.userInformation));
  return node('AARQ (association request)', contextText(a.applicationContextName), children);
}

export function aareNode(bytes: Uint8Array): DecodedNode {
  const a = decodeAare(bytes);
  const result = ASSOCIATION_RESULT_NAMES[a.result] ?? String(a.result);
  const children: DecodedNode[] = [
    node('application context', contextText(a.applicationContextName)),
    node('result', `${a.result} ${result}`),
    node('diagnostic', `${a.diagnostic.source}: ${diagnosticName(a.diagnostic)}`),
  ];
  if (a.respondingApTitle) children.push(node('responding AP title (server system title)', showHex(a.respondingApTitle)));
  if (a.mechanismName) children.push(node('mechanism', mechanismText(a.mechanismName)));
  if (a.respondingAuthenticationValue) children.push(node('server challenge (StoC)', `${a.respondingAuthenticationValue.length} bytes`));
  if (a.userInformation) children.push(userInfoNode(a.userInformation));
  return node('AARE (association response)', result, children);
}

export function contextText(oid: string): string {
  const name = applicationContextOf(oid);
  return name ? `${name} (${oid})` : oid;
}

export function mechanismText(oid: string): string {
  const id = mechanismIdOf(oid);
  return id === undefined ? oid : `${MECHANISM_NAMES[id] ?? id} (${oid})`;
}

export function userInfoNode(u: { type: string; value?: unknown; bytes?: Uint8Array }): DecodedNode {
  if (u.type === 'raw' && u.bytes) return node('user information', 'ciphered or unknown', [node('bytes', showHex(u.bytes))]);
  const v = (u.value ?? {}) as Record<string, unknown>;
  const children: DecodedNode[] = [];
  for (const [k, val] of Object.entries(v)) {
    if (k === 'dedicatedKey') {
      children.push(node('dedicated key', 'hidden'));
    } else if (/Conformance$/.test(k) && typeof val === 'number') {
      children.push(node(words(k), hexNum(val, 6), conformanceNames(val).map((n) => node(n))));
    } else if (k === 'vaaName' && typeof val === 'number') {
      children.push(node('VAA name', hexNum(val, 4)));
    } else children.push(valueNode(words(k), val, 1));
  }
  return node(`user information: ${u.type}`, undefined, children);
}

// ---------------------------------------------------------------- generic object walk

export const DATA_TYPES: ReadonlySet<string> = new Set(Object.keys(DataTag));

export function isDlmsData(v: unknown): v is DlmsData {
  if (!v || typeof v !== 'object') return false;
  const t = (v as { type?: unknown }).type;
  return typeof t === 'string' && DATA_TYPES.has(t);
}

/** camelCase field names to words: invokeIdAndPriority -> invoke id and priority. */
export function words(k: string): string {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** `action`: result codes are Action-Result names rather than Data-Access-Result names. */
export function objectChildren(o: object, depth: number, skip: string[] = [], action = false): DecodedNode[] {
  const out: DecodedNode[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (skip.includes(k) || v === undefined) continue;
    out.push(valueNode(words(k), v, depth + 1, k, action));
  }
  return out;
}

export function valueNode(label: string, v: unknown, depth: number, key = '', action = false): DecodedNode {
  if (depth > MAX_DEPTH) return node(label, '…');
  if (/password|secret|key$|Key$|private/i.test(key)) return node(label, 'hidden');
  if (isDlmsData(v)) return dataNode(label, v, depth);
  if (v instanceof Uint8Array) {
    if (key === 'obis' && v.length === 6) return node(label, formatObis(v));
    return node(label, showHex(v));
  }
  if (Array.isArray(v)) return node(label, `${v.length} item${v.length === 1 ? '' : 's'}`, v.map((x, i) => valueNode(`[${i}]`, x, depth + 1, key, action)));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // GetDataResult / ReadResult / ActionResult: name the error code.
    if (o.type === 'error' && typeof o.result === 'number') return node(label, `error ${o.result} ${dataAccessResultName(o.result)}`);
    if (o.type === 'data' && isDlmsData(o.value)) return dataNode(label, o.value, depth);
    const typeText = typeof o.type === 'string' ? o.type : undefined;
    return node(label, typeText, objectChildren(o, depth, ['type'], action));
  }
  if (key === 'invokeIdAndPriority' && typeof v === 'number') {
    return node(label, hexNum(v), [node('invoke id', String(v & 0x0f)), node('service class', v & 0x40 ? 'confirmed' : 'unconfirmed'), node('priority', v & 0x80 ? 'high' : 'normal')]);
  }
  if (key === 'result' && typeof v === 'number') return node(label, `${v} ${action ? actionResultName(v) : dataAccessResultName(v)}`);
  if (typeof v === 'bigint') return node(label, v.toString());
  return node(label, String(v));
}

/** One A-XDR value as a node: type and content, children for structures and arrays. */
export function dataNode(label: string, d: DlmsData, depth: number): DecodedNode {
  const typeLabel = `${label}: ${d.type}`;
  if (depth > MAX_DEPTH) return node(typeLabel, '…');
  switch (d.type) {
    case 'array':
    case 'structure':
    case 'compact-array':
      return node(typeLabel, `${d.items.length} item${d.items.length === 1 ? '' : 's'}`, d.items.map((x, i) => dataNode(`[${i}]`, x, depth + 1)));
    default:
      return node(typeLabel, dataSummary(d));
  }
}

export function dataSummary(d: DlmsData): string {
  switch (d.type) {
    case 'null':
    case 'dont-care':
      return d.type;
    case 'array':
    case 'structure':
    case 'compact-array':
      return `${d.type} of ${d.items.length}`;
    case 'boolean':
      return d.value ? 'true' : 'false';
    case 'bit-string':
      return `${d.bitLength} bits ${showHex(d.bytes)}`;
    case 'int64':
    case 'uint64':
      return d.value.toString();
    case 'octet-string':
      return octetText(d.value);
    case 'visible-string':
    case 'utf8-string':
      return JSON.stringify(d.value);
    case 'date-time':
    case 'date':
    case 'time':
      return dateText(d.value);
    default:
      return String(d.value);
  }
}

/** Octet strings: hex, plus the text when printable and the OBIS code when it is 6 bytes. */
export function octetText(v: Uint8Array): string {
  let out = showHex(v);
  if (v.length > 0 && v.length <= MAX_HEX_BYTES && v.every((c) => c >= 0x20 && c < 0x7f)) out += ` "${String.fromCharCode(...v)}"`;
  else if (v.length === 6) out += ` (OBIS ${formatObis(v)}?)`;
  return out;
}

export function dateText(t: CosemDateTime): string {
  const p = (n: number | undefined, w = 2) => (n === undefined ? '*'.repeat(w) : String(n).padStart(w, '0'));
  const date = `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}`;
  const time = `${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
  const dev = t.deviation === undefined ? '' : ` deviation ${t.deviation} min`;
  return `${date} ${time}${dev}`;
}

export function formatObis(b: Uint8Array): string {
  return Array.from(b).join('.');
}
