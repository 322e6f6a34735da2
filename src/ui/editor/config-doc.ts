/**
 * The editor's model: a configuration document exactly as the user writes it (WCC Lite field names,
 * raw JSON values), plus the operations the form needs. Errors come from the config module's own
 * validateDevice / validateSignal / validateConfig, so the form says exactly what an import would.
 * Pure logic, no DOM: unit tested on its own.
 */
import {
  DEFAULTS,
  FIELD_DOCS,
  PROTOCOLS,
  validateConfig,
  validateDevice,
  validateSignal,
  type ConfigIssue,
  type FieldDoc,
  type Protocol,
} from '../../config';

export type Item = Record<string, unknown>;

export interface ConfigDoc {
  devices: Item[];
  signals: Item[];
}

export type { FieldDoc, Protocol };
export { PROTOCOLS, FIELD_DOCS, DEFAULTS };

export function emptyDoc(): ConfigDoc {
  return { devices: [], signals: [] };
}

const isItem = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A parsed JSON value as an editable document, or a sentence saying why the form cannot show it.
 * Items that are not objects cannot be edited field by field: they are refused here (the import box
 * still reports them with their JSON path).
 */
export function toDoc(parsed: unknown, options: { clone?: boolean } = {}): { ok: true; doc: ConfigDoc } | { ok: false; reason: string } {
  if (!isItem(parsed)) return { ok: false, reason: 'the document is not a JSON object {"devices": [...], "signals": [...]}' };
  const devices = parsed.devices ?? [];
  const signals = parsed.signals ?? [];
  if (!Array.isArray(devices) || !Array.isArray(signals)) return { ok: false, reason: '"devices" and "signals" must be lists' };
  if (!devices.every(isItem) || !signals.every(isItem)) return { ok: false, reason: 'every device and signal must be an object' };
  // Deep copy: the form mutates items, the caller's value must stay as it was (unless the caller
  // just parsed it and hands it over: the worker's import, where a copy of 5 MB would be waste).
  const doc = { devices, signals } as ConfigDoc;
  return { ok: true, doc: options.clone === false ? doc : structuredClone(doc) };
}

/** The document as JSON text for saving or export (two-space indent, newline at the end). */
export function docText(doc: ConfigDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The protocol an item declares, matched like the validator does (case and separators ignored). */
export function protocolOf(item: Item | undefined): Protocol | undefined {
  const p = item?.protocol;
  if (typeof p !== 'string') return undefined;
  const fold = (s: string) => s.trim().toLowerCase().replace(/[\s_-]/g, '');
  return PROTOCOLS.find((x) => fold(x) === fold(p));
}

export function deviceFields(protocol: Protocol | undefined): readonly FieldDoc[] {
  return protocol ? FIELD_DOCS[protocol].device : FIELD_DOCS.DLMS.device.filter((d) => d.group === 'common');
}

export function signalFields(protocol: Protocol | undefined): readonly FieldDoc[] {
  return protocol ? FIELD_DOCS[protocol].signal : FIELD_DOCS.DLMS.signal.filter((d) => d.name !== 'obis_job' && d.name !== 'short_name');
}

/** Keys the item has that its protocol does not know (typos, fields of another protocol). */
export function extraKeys(item: Item, docs: readonly FieldDoc[]): string[] {
  const known = new Set(docs.map((d) => d.name));
  return Object.keys(item).filter((k) => !known.has(k));
}

// ---------------------------------------------------------------- values in and out of inputs

/** How a raw value shows in a text input. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * What typing `text` into a field stores. Empty means "not set" (the default applies), so the key is
 * removed. Numbers are stored as numbers only when written canonically: anything else stays text so
 * the validator can say what is wrong with it (and the input does not rewrite what the user typed).
 */
export function fieldValue(doc: FieldDoc, text: string): unknown {
  if (text === '') return undefined;
  const canonicalInt = /^(0|-?[1-9]\d*)$/.test(text.trim()) && Math.abs(Number(text)) <= Number.MAX_SAFE_INTEGER;
  switch (doc.type) {
    case 'integer':
    case 'flag':
      return canonicalInt && text.trim() === text ? Number(text) : text;
    case 'enum':
    case 'echo': {
      // A choice list of numbers (baudrate, stopbits...) stores the number.
      if (canonicalInt && (doc.allowed ?? []).some((a) => typeof a === 'number')) return Number(text);
      return text;
    }
    default:
      return text;
  }
}

/** Set or clear one field; returns the item for chaining. */
export function setField(item: Item, name: string, value: unknown): Item {
  if (value === undefined) delete item[name];
  else item[name] = value;
  return item;
}

/** Help line for a field: description, default, allowed values, condition. */
export function fieldHelp(doc: FieldDoc): string {
  const parts = [doc.description];
  if (doc.default !== undefined) parts.push(`Default: ${doc.default === '' ? '(empty)' : String(doc.default)}.`);
  if (doc.allowed && doc.type !== 'flag') parts.push(`Allowed: ${doc.allowed.join(', ')}.`);
  else if (doc.min !== undefined && doc.max !== undefined) parts.push(`Range: ${doc.min}..${doc.max}.`);
  if (doc.condition) parts.push(`(${doc.condition})`);
  return parts.join(' ');
}

export function isSecretDoc(doc: FieldDoc): boolean {
  return doc.secret === true || doc.type === 'password';
}

// ---------------------------------------------------------------- errors

/** Errors of one item, by field name; '' holds those about the item as a whole. */
export type FieldErrors = Map<string, string[]>;

/** Issues of one item (their paths start with `prefix`, e.g. `signals[12]`) by field name. */
export function byField(issues: readonly ConfigIssue[], prefix: string): FieldErrors {
  const out: FieldErrors = new Map();
  for (const i of issues) {
    let rest = i.path.startsWith(prefix) ? i.path.slice(prefix.length) : i.path;
    let field = '';
    if (rest.startsWith('.')) field = rest.slice(1).split(/[.[]/)[0] ?? '';
    else if (rest.startsWith('["')) {
      // Odd keys are written as ["my key"] by the validator.
      const m = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
      field = m ? (JSON.parse(m[1]!) as string) : '';
    }
    rest = '';
    const list = out.get(field) ?? [];
    list.push(i.message);
    out.set(field, list);
  }
  return out;
}

export function deviceErrors(doc: ConfigDoc, index: number): FieldErrors {
  const r = validateDevice(doc.devices[index], { index, devices: doc.devices });
  return r.ok ? new Map() : byField(r.errors, `devices[${index}]`);
}

export function signalErrors(doc: ConfigDoc, index: number): FieldErrors {
  const r = validateSignal(doc.signals[index], { index, devices: doc.devices, signals: doc.signals });
  return r.ok ? new Map() : byField(r.errors, `signals[${index}]`);
}

export function countErrors(e: FieldErrors): number {
  let n = 0;
  for (const list of e.values()) n += list.length;
  return n;
}

/** The whole document, exactly as import and the engine judge it. */
export function docIssues(doc: ConfigDoc): ConfigIssue[] {
  const r = validateConfig(doc);
  return r.ok ? [] : r.errors;
}

// ---------------------------------------------------------------- structure edits

/** `base`, or `base_2`, `base_3`... whichever is not in `taken`. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  if (!set.has(base)) return base;
  const stem = base.replace(/_\d+$/, '');
  for (let n = 2; ; n++) if (!set.has(`${stem}_${n}`)) return `${stem}_${n}`;
}

const aliases = (items: readonly Item[], key: string) => items.map((i) => i[key]).filter((a): a is string => typeof a === 'string');

export interface NewDeviceOptions {
  /** Probe defaults from Settings, written into new serial devices. */
  probe?: { dtr?: 0 | 1; rts?: 0 | 1; echo?: 'auto' | 0 | 1 };
}

/** A new device: only what identifies it, so every default stays visible as a default. */
export function addDevice(doc: ConfigDoc, protocol: Protocol, options: NewDeviceOptions = {}): number {
  const alias = uniqueName('meter_1', aliases(doc.devices, 'device_alias'));
  const item: Item = { name: `Meter ${doc.devices.length + 1}`, device_alias: alias, protocol };
  const p = options.probe;
  if (p) {
    // Only differences from the field defaults are written, so the document stays short.
    const d = DEFAULTS[protocol].device;
    if (p.dtr !== undefined && p.dtr !== d.dtr) item.dtr = p.dtr;
    if (p.rts !== undefined && p.rts !== d.rts) item.rts = p.rts;
    if (p.echo !== undefined && p.echo !== d.echo) item.echo = p.echo;
  }
  doc.devices.push(item);
  return doc.devices.length - 1;
}

/** A copy of a device and its signals, under a new alias, right after the original. */
export function duplicateDevice(doc: ConfigDoc, index: number): number {
  const src = doc.devices[index];
  if (!src) return -1;
  const copy = structuredClone(src);
  const oldAlias = typeof src.device_alias === 'string' ? src.device_alias : '';
  const alias = uniqueName(`${oldAlias || 'meter'}_copy`, aliases(doc.devices, 'device_alias'));
  copy.device_alias = alias;
  if (typeof copy.name === 'string') copy.name = `${copy.name} (copy)`;
  doc.devices.splice(index + 1, 0, copy);
  const signals = doc.signals.filter((s) => s.device_alias === oldAlias && oldAlias !== '').map((s) => ({ ...structuredClone(s), device_alias: alias }));
  doc.signals.push(...signals);
  return index + 1;
}

/** Remove a device and the signals that belong to it; returns how many signals went with it. */
export function removeDevice(doc: ConfigDoc, index: number): number {
  const [gone] = doc.devices.splice(index, 1);
  const alias = gone?.device_alias;
  if (typeof alias !== 'string') return 0;
  // Another device with the same (duplicate) alias keeps the signals.
  if (doc.devices.some((d) => d.device_alias === alias)) return 0;
  const before = doc.signals.length;
  doc.signals = doc.signals.filter((s) => s.device_alias !== alias);
  return before - doc.signals.length;
}

/** Renaming a device's alias carries its signals along, so they do not become orphans. */
export function renameDeviceAlias(doc: ConfigDoc, index: number, next: unknown): void {
  const dev = doc.devices[index];
  if (!dev) return;
  const old = dev.device_alias;
  setField(dev, 'device_alias', next);
  if (typeof old !== 'string' || typeof next !== 'string' || old === next) return;
  // Only when no other device still answers to the old alias.
  if (doc.devices.some((d, i) => i !== index && d.device_alias === old)) return;
  for (const s of doc.signals) if (s.device_alias === old) s.device_alias = next;
}

/**
 * A signal's protocol: its device's, or (for a signal whose device is missing) what its own keys
 * point to, as the validator infers it.
 */
export function signalProtocol(signal: Item, device: Item | undefined): Protocol | undefined {
  const p = protocolOf(device);
  if (p) return p;
  if (signal.obis_job !== undefined || signal.short_name !== undefined) return 'DLMS';
  if (signal.job_todo !== undefined) return 'Elgama';
  if (signal.tag_job_todo !== undefined) return 'IEC 62056-21';
  return undefined;
}

/** The key field a signal of this protocol needs (what is read). */
export function signalKeyField(protocol: Protocol | undefined): string | undefined {
  if (protocol === 'DLMS') return 'obis_job';
  if (protocol === 'IEC 62056-21') return 'tag_job_todo';
  if (protocol === 'Elgama') return 'job_todo';
  return undefined;
}

export function addSignal(doc: ConfigDoc, deviceAlias: string): number {
  const taken = doc.signals.filter((s) => s.device_alias === deviceAlias).map((s) => s.signal_alias).filter((a): a is string => typeof a === 'string');
  const n = taken.length + 1;
  doc.signals.push({ signal_name: `Signal ${n}`, device_alias: deviceAlias, signal_alias: uniqueName(`signal_${n}`, taken) });
  return doc.signals.length - 1;
}

export function duplicateSignal(doc: ConfigDoc, index: number): number {
  const src = doc.signals[index];
  if (!src) return -1;
  const copy = structuredClone(src);
  const taken = doc.signals.filter((s) => s.device_alias === src.device_alias).map((s) => s.signal_alias).filter((a): a is string => typeof a === 'string');
  copy.signal_alias = uniqueName(`${typeof src.signal_alias === 'string' ? src.signal_alias : 'signal'}_copy`, taken);
  doc.signals.splice(index + 1, 0, copy);
  return index + 1;
}

/** 1 unless the item says 0 (or false / "0"): the same reading as the validator's flag rule. */
export function isEnabled(item: Item): boolean {
  const e = item.enable;
  return !(e === 0 || e === false || e === '0');
}

/** Signal indexes (into doc.signals) of one device, in document order. */
export function signalsOf(doc: ConfigDoc, deviceAlias: unknown): number[] {
  const out: number[] = [];
  doc.signals.forEach((s, i) => {
    if (typeof deviceAlias === 'string' && s.device_alias === deviceAlias) out.push(i);
  });
  return out;
}

/** Signals whose device_alias names no device: shown apart so they are not silently lost. */
export function orphanSignals(doc: ConfigDoc): number[] {
  const known = new Set(aliases(doc.devices, 'device_alias'));
  const out: number[] = [];
  doc.signals.forEach((s, i) => {
    if (typeof s.device_alias !== 'string' || !known.has(s.device_alias)) out.push(i);
  });
  return out;
}
