/**
 * Validation of a whole configuration, of one device, or of one signal. Every problem is collected
 * (never stop at the first); nothing here throws for any input.
 */
import {
  ALL_DEVICE_FIELD_NAMES,
  ALL_SIGNAL_FIELD_NAMES,
  COMMON_DEVICE_FIELDS,
  COMMON_SIGNAL_FIELDS,
  DEVICE_FIELD_MAP,
  SIGNAL_FIELD_MAP,
  type FieldDoc,
} from './fields';
import { checkDlms, checkElgama, checkIec, checkPushPorts, checkTransport, dlmsAddressSizeDefault } from './device-rules';
import { Issues, escapeForMessage, isObject, join, own, type Obj } from './issues';
import { runToEnd } from './steps';
import { Suggester, suggest } from './suggest';
import {
  PROTOCOLS,
  type ConfigIssue,
  type DeviceConfig,
  type ItemResult,
  type MeterConfig,
  type Protocol,
  type SignalConfig,
  type ValidationResult,
} from './types';
import { parseValue, show } from './values';

const PROTOCOL_LIST = PROTOCOLS.join(', ');

function readProtocol(o: Obj, path: string, issues: Issues): Protocol | undefined {
  const v = own(o, 'protocol');
  if (v === undefined) {
    issues.add(join(path, 'protocol'), `is missing; it must be one of ${PROTOCOL_LIST}`);
    return undefined;
  }
  if (typeof v === 'string') {
    const folded = v.trim().toLowerCase().replace(/[\s_-]/g, '');
    const hit = PROTOCOLS.find((p) => p.toLowerCase().replace(/[\s_-]/g, '') === folded);
    if (hit !== undefined) return hit;
  }
  const near = typeof v === 'string' ? suggest(v, PROTOCOLS) : undefined;
  issues.add(join(path, 'protocol'), `${show(v)} is not one of ${PROTOCOL_LIST}${near ? `; did you mean "${escapeForMessage(near)}"?` : ''}`);
  return undefined;
}

function protocolsHaving(name: string, scope: 'device' | 'signal'): Protocol[] {
  const maps = scope === 'device' ? DEVICE_FIELD_MAP : SIGNAL_FIELD_MAP;
  return PROTOCOLS.filter((p) => maps.get(p)!.has(name));
}

/**
 * Field names of older WCC Lite DLMS manuals, mapped to the names of this contract, so a pasted
 * legacy sheet gets a precise hint instead of a guess.
 */
const LEGACY_DLMS_NAMES: ReadonlyMap<string, string> = new Map([
  ['serialnumber', 'serial_number'],
  ['server_address', 'physical_address'],
  ['id', 'logical_address'],
  ['master_address', 'client_address'],
]);

function checkUnknownFields(
  o: Obj,
  path: string,
  known: ReadonlyMap<string, FieldDoc> | ReadonlySet<string>,
  scope: 'device' | 'signal',
  protocol: Protocol | undefined,
  issues: Issues,
): void {
  const what = protocol ? `${protocol} ${scope}s` : `${scope}s`;
  for (const key of Object.keys(o)) {
    if (known.has(key)) continue;
    const legacy = scope === 'device' && protocol === 'DLMS' ? LEGACY_DLMS_NAMES.get(key) : undefined;
    if (legacy !== undefined) {
      issues.add(join(path, key), `is the older WCC Lite name of this setting; DLMS devices call it "${legacy}"`);
      continue;
    }
    const elsewhere = protocolsHaving(key, scope);
    if (elsewhere.length > 0) {
      issues.add(join(path, key), `is not a field of ${what} (it belongs to ${elsewhere.join(' and ')} ${scope}s)`);
      continue;
    }
    const near = suggest(key, known.keys());
    issues.add(join(path, key), `is not a known field of ${what}${near ? `; did you mean "${escapeForMessage(near)}"?` : ''}`);
  }
}

/** Parse every field of `docs` present in `o`; fill defaults; report missing required ones. */
function readFields(o: Obj, path: string, docs: Iterable<FieldDoc>, issues: Issues, what: string): Obj {
  const out: Obj = {};
  for (const doc of docs) {
    if (doc.name === 'protocol') continue;
    const v = own(o, doc.name);
    if (v === undefined) {
      if (doc.required) issues.add(join(path, doc.name), `is missing; ${what} needs it`);
      else if (doc.default !== undefined) {
        const d = parseValue(doc, doc.default);
        if (d.ok) out[doc.name] = d.value;
      }
      continue;
    }
    const p = parseValue(doc, v);
    if (p.ok) out[doc.name] = p.value;
    else issues.add(join(path, doc.name), p.message);
  }
  return out;
}

function article(protocol: Protocol | undefined, scope: 'device' | 'signal'): string {
  if (protocol === undefined) return `every ${scope}`;
  return `${protocol === 'DLMS' ? 'a' : 'an'} ${protocol} ${scope}`;
}

// ---------------------------------------------------------------- devices

function checkDeviceInto(input: unknown, path: string, issues: Issues): DeviceConfig | undefined {
  if (!isObject(input)) {
    issues.add(path, `is ${show(input)}; a device must be an object like {"name": ..., "device_alias": ..., "protocol": ...}`);
    return undefined;
  }
  const protocol = readProtocol(input, path, issues);
  const fields = protocol ? DEVICE_FIELD_MAP.get(protocol)! : COMMON_DEVICE_FIELDS;
  checkUnknownFields(input, path, protocol ? fields : ALL_DEVICE_FIELD_NAMES, 'device', protocol, issues);
  const before = issues.list.length;
  const out = readFields(input, path, fields.values(), issues, article(protocol, 'device'));
  checkTransport(input, out, path, issues);
  if (protocol === 'DLMS') {
    dlmsAddressSizeDefault(input, out);
    checkDlms(input, out, path, issues);
  } else if (protocol === 'Elgama') {
    checkElgama(input, out, path, issues);
  } else if (protocol === 'IEC 62056-21') {
    checkIec(input, out, path, issues);
  }
  if (protocol === undefined || issues.list.length !== before) return undefined;
  out.protocol = protocol;
  return out as unknown as DeviceConfig;
}

function aliasOf(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const a = own(v, 'device_alias');
  return typeof a === 'string' ? a : undefined;
}

function protocolOf(v: unknown): Protocol | undefined {
  if (!isObject(v)) return undefined;
  const p = own(v, 'protocol');
  if (typeof p !== 'string') return undefined;
  const folded = p.trim().toLowerCase().replace(/[\s_-]/g, '');
  return PROTOCOLS.find((x) => x.toLowerCase().replace(/[\s_-]/g, '') === folded);
}

// ---------------------------------------------------------------- signals

function inferSignalProtocol(o: Obj): Protocol | undefined {
  if (own(o, 'obis_job') !== undefined || own(o, 'short_name') !== undefined) return 'DLMS';
  if (own(o, 'job_todo') !== undefined) return 'Elgama';
  if (own(o, 'tag_job_todo') !== undefined) return 'IEC 62056-21';
  return undefined;
}

interface DeviceIndex {
  /** alias -> protocol (undefined when that device's protocol is unreadable) */
  protocols: Map<string, Protocol | undefined>;
  /** Built on the first unknown alias, then shared: thousands of misnamed signals ask one index. */
  suggester?: Suggester;
}

function checkSignalInto(input: unknown, path: string, devices: DeviceIndex | undefined, issues: Issues): SignalConfig | undefined {
  if (!isObject(input)) {
    issues.add(path, `is ${show(input)}; a signal must be an object like {"signal_name": ..., "device_alias": ..., "signal_alias": ...}`);
    return undefined;
  }
  const alias = own(input, 'device_alias');
  let protocol: Protocol | undefined;
  let known = false;
  if (typeof alias === 'string' && devices !== undefined) {
    if (devices.protocols.has(alias)) {
      known = true;
      protocol = devices.protocols.get(alias);
    } else {
      devices.suggester ??= new Suggester(devices.protocols.keys());
      const near = devices.suggester.suggest(alias);
      const none = devices.protocols.size === 0 ? ' (there are no devices)' : '';
      issues.add(join(path, 'device_alias'), `${show(alias)} does not name a device${none}${near ? `; did you mean "${escapeForMessage(near)}"?` : ''}`);
    }
  }
  // Without a known device, check the fields the signal's own keys point to.
  if (!known) protocol = inferSignalProtocol(input);
  const fields = protocol ? SIGNAL_FIELD_MAP.get(protocol)! : COMMON_SIGNAL_FIELDS;
  checkUnknownFields(input, path, protocol ? fields : ALL_SIGNAL_FIELD_NAMES, 'signal', protocol, issues);
  const before = issues.list.length;
  const out = readFields(input, path, fields.values(), issues, article(protocol, 'signal'));
  if (protocol === 'DLMS' && isObject(out.obis_job)) {
    const o = out.obis_job as { obis: string; codes: number[]; attribute?: number };
    out.obis_job = o.obis;
    out.obis = [...o.codes];
    out.attribute = o.attribute ?? 2;
  }
  if (protocol === undefined || issues.list.length !== before) return undefined;
  out.protocol = protocol;
  return out as unknown as SignalConfig;
}

// ---------------------------------------------------------------- public API

function safely<T>(fn: () => T, fallback: (message: string) => T): T {
  try {
    return fn();
  } catch (e) {
    // Inputs with throwing getters or proxies are not JSON; report rather than crash.
    return fallback(`could not be read: ${e instanceof Error ? e.name : 'unknown error'}`);
  }
}

const TOP_LEVEL = ['devices', 'signals'];

export type { AbortableOptions } from './steps';

export function validateConfig(input: unknown): ValidationResult {
  return safely<ValidationResult>(
    () => runToEnd(validateSteps(input)),
    (message) => ({ ok: false, errors: [{ path: '', message }] }),
  );
}

/**
 * validateConfig in steps (one per device or signal), for callers that must stay responsive; see
 * validateConfigAsync in text.ts. Never throws for any input (a throwing getter becomes an issue).
 */
export function* validateSteps(input: unknown): Generator<void, ValidationResult> {
  const inner = validateUnsafe(input);
  for (;;) {
    let r: IteratorResult<void, ValidationResult>;
    try {
      r = inner.next();
    } catch (e) {
      // Inputs with throwing getters or proxies are not JSON; report rather than crash.
      return { ok: false, errors: [{ path: '', message: `could not be read: ${e instanceof Error ? e.name : 'unknown error'}` }] };
    }
    if (r.done) return r.value;
    yield;
  }
}

function* validateUnsafe(input: unknown): Generator<void, ValidationResult> {
  const issues = new Issues();
  if (!isObject(input)) {
    issues.add('', `is ${show(input)}; a configuration must be a JSON object {"devices": [...], "signals": [...]}`);
    return { ok: false, errors: issues.list };
  }
  for (const key of Object.keys(input)) {
    if (TOP_LEVEL.includes(key)) continue;
    const near = suggest(key, TOP_LEVEL);
    issues.add(join('', key), `is not a known section; a configuration has only "devices" and "signals"${near ? `; did you mean "${escapeForMessage(near)}"?` : ''}`);
  }
  const rawDevices = own(input, 'devices');
  const rawSignals = own(input, 'signals');
  let devices: unknown[] = [];
  if (rawDevices === undefined) issues.add('devices', 'is missing; the configuration needs a "devices" list (it may be empty)');
  else if (!Array.isArray(rawDevices)) issues.add('devices', `is ${show(rawDevices)}; it must be a list [...]`);
  else devices = rawDevices;
  let signals: unknown[] = [];
  // A document without signals is allowed: the editor starts from devices only.
  if (rawSignals !== undefined && !Array.isArray(rawSignals)) issues.add('signals', `is ${show(rawSignals)}; it must be a list [...]`);
  else if (rawSignals !== undefined) signals = rawSignals;

  const outDevices: DeviceConfig[] = [];
  const index: DeviceIndex = { protocols: new Map() };
  const firstByAlias = new Map<string, number>();
  for (let i = 0; i < devices.length; i++) {
    yield;
    const d: unknown = devices[i];
    const path = `devices[${i}]`;
    const dev = checkDeviceInto(d, path, issues);
    if (dev) outDevices.push(dev);
    const alias = aliasOf(d);
    if (alias === undefined) continue;
    const first = firstByAlias.get(alias);
    if (first !== undefined) {
      issues.add(`${path}.device_alias`, `${show(alias)} is already used by devices[${first}]; each device_alias must be unique`);
    } else {
      firstByAlias.set(alias, i);
      index.protocols.set(alias, protocolOf(d));
    }
  }

  checkPushPorts(devices, issues);

  const outSignals: SignalConfig[] = [];
  const seen = new Map<string, Map<string, number>>();
  for (let i = 0; i < signals.length; i++) {
    yield;
    const s: unknown = signals[i];
    const path = `signals[${i}]`;
    const sig = checkSignalInto(s, path, index, issues);
    if (sig) outSignals.push(sig);
    if (!isObject(s)) continue;
    const dev = own(s, 'device_alias');
    const sa = own(s, 'signal_alias');
    if (typeof dev !== 'string' || typeof sa !== 'string') continue;
    let perDevice = seen.get(dev);
    if (!perDevice) seen.set(dev, (perDevice = new Map()));
    const first = perDevice.get(sa);
    if (first !== undefined) {
      issues.add(`${path}.signal_alias`, `${show(sa)} is already used by signals[${first}] of device ${show(dev)}; signal_alias must be unique within a device`);
    } else perDevice.set(sa, i);
  }

  if (issues.list.length > 0) return { ok: false, errors: issues.list };
  const config: MeterConfig = { devices: outDevices, signals: outSignals };
  return { ok: true, config, raw: input };
}

export interface DeviceCheckOptions {
  /** Position in the document: paths become `devices[i].field` (else just `field`). */
  index?: number;
  /** The document's devices (raw), to check that device_alias is unique. */
  devices?: readonly unknown[];
}

/** One device, same rules and messages as validateConfig (for inline errors in a form). */
export function validateDevice(input: unknown, options: DeviceCheckOptions = {}): ItemResult<DeviceConfig> {
  return safely<ItemResult<DeviceConfig>>(
    () => {
      const issues = new Issues();
      const path = options.index === undefined ? '' : `devices[${options.index}]`;
      const dev = checkDeviceInto(input, path, issues);
      const alias = aliasOf(input);
      if (alias !== undefined && options.devices) {
        const other = options.devices.findIndex((d, i) => i !== options.index && d !== input && aliasOf(d) === alias);
        if (other >= 0) issues.add(join(path, 'device_alias'), `${show(alias)} is already used by devices[${other}]; each device_alias must be unique`);
      }
      return dev && issues.list.length === 0 ? { ok: true, value: dev } : { ok: false, errors: issues.list };
    },
    (message) => ({ ok: false, errors: [{ path: '', message }] }),
  );
}

export interface SignalCheckOptions {
  /** Position in the document: paths become `signals[i].field` (else just `field`). */
  index?: number;
  /** The document's devices (raw): device_alias must name one of them and sets the protocol. */
  devices?: readonly unknown[];
  /** The document's signals (raw), to check that signal_alias is unique within its device. */
  signals?: readonly unknown[];
}

/** One signal, same rules and messages as validateConfig (for inline errors in a form). */
export function validateSignal(input: unknown, options: SignalCheckOptions = {}): ItemResult<SignalConfig> {
  return safely<ItemResult<SignalConfig>>(
    () => {
      const issues = new Issues();
      const path = options.index === undefined ? '' : `signals[${options.index}]`;
      let index: DeviceIndex | undefined;
      if (options.devices) {
        index = { protocols: new Map() };
        for (const d of options.devices) {
          const a = aliasOf(d);
          if (a !== undefined && !index.protocols.has(a)) index.protocols.set(a, protocolOf(d));
        }
      }
      const sig = checkSignalInto(input, path, index, issues);
      if (isObject(input) && options.signals) {
        const dev = own(input, 'device_alias');
        const sa = own(input, 'signal_alias');
        const other = options.signals.findIndex(
          (s, i) => i !== options.index && s !== input && isObject(s) && own(s, 'device_alias') === dev && own(s, 'signal_alias') === sa,
        );
        if (typeof sa === 'string' && other >= 0) {
          issues.add(join(path, 'signal_alias'), `${show(sa)} is already used by signals[${other}] of device ${show(dev)}; signal_alias must be unique within a device`);
        }
      }
      return sig && issues.list.length === 0 ? { ok: true, value: sig } : { ok: false, errors: issues.list };
    },
    (message) => ({ ok: false, errors: [{ path: '', message }] }),
  );
}

/** `devices[2].baudrate: 14400 is not one of ...` */
export function formatIssue(issue: ConfigIssue): string {
  return issue.path === '' ? `configuration ${issue.message}` : `${issue.path}: ${issue.message}`;
}
