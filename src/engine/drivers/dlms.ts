import { MeterError, toMeterError } from '../../core/errors';
import type { Reading } from '../../core/reading';
import type { DlmsDeviceConfig, ElgamaDeviceConfig, NumberType } from '../../config/types';
import { applySerialNumberFormula } from '../../config/formula';
import { serverAddress, serverAddressFromSerial, type HdlcAddress } from '../../protocols/hdlc/address';
import { HdlcClient } from '../../protocols/hdlc/client-session';
import { DroppedWhileKept, KeptSessionTransport } from './kept-session';
import { LineWatch, strategyLine } from '../line-watch';
import { WrapperClient } from '../../protocols/wrapper/client-session';
import type { DlmsTransport } from '../../protocols/transport';
import { signOnModeE } from '../../protocols/iec62056-21/mode-e';
import { parseObis } from '../../protocols/cosem/obis';
import { readingParts } from '../../protocols/cosem/values';
import { DlmsSession } from '../../protocols/dlms-client/session';
import { MeterKnowledge, type ValueRequest, type ValueResult } from '../../protocols/dlms-client/reader';
import type { MeterKnowledgeStore } from '../../protocols/dlms-client/knowledge';
import { InterruptedRead, KnowledgeKeeper, type Kept } from './dlms-memory';
import type { DlmsAuth } from '../../protocols/dlms-client/association';
import { MemoryInvocationCounterStore, type InvocationCounterStore } from '../../protocols/dlms-client/invocation-counter';
import type { SessionSecurity } from '../../protocols/dlms-client/session';
import { hexToBytes } from '../../core/logger';
import { MAX_HIGH_SECRET_BYTES, type SecurityPolicy, type SecuritySuite } from '../../protocols/dlms/security';
import type { DeviceDriver, DriverContext, DriverSignal } from '../driver';

/** The link settings a DLMS device is reached with, whichever profile configured it. */
export interface DlmsLinkProfile {
  mode: 'IEC' | 'DLMS-HDLC' | 'DLMS-WRAPPER';
  referencing: 'LN' | 'SN';
  auth: DlmsAuth;
  password?: string;
  client: number;
  /** Security material of High* levels and ciphered associations (absent for None/Low without ciphering). */
  security?: DlmsProfileSecurity;
  /**
   * Every secret of this device in text and byte form (password, keys, PEM text): the engine registers them
   * with the Logger so no trace line, hex dump or export shows them.
   */
  secrets: (string | Uint8Array)[];
  /** Key of this meter in the invocation counter store (the server address or serial number, with the port). */
  meterKey: string;
  server: HdlcAddress;
  /** Wrapper destination wPort. */
  logicalDevice: number;
  timeoutMs: number;
  retries: number;
  /** Some meters (Elgama) want a bare SNRM without the parameter field. */
  proposeHdlcParameters: boolean;
  /** Information field and window proposed in SNRM (max_info_field, window_size); absent: 128 / 1. */
  hdlcProposal?: { maxInfo: number; window: number };
  /** IEC 62056-21 address for the mode E sign-on. */
  iecAddress?: string;
  /** Mode E: the highest baud rate to agree for HDLC (the device's configured rate). */
  modeEMaxBaud: number;
}

export interface DlmsProfileSecurity {
  suite: SecuritySuite;
  policy: SecurityPolicy;
  clientSystemTitle: Uint8Array;
  blockCipherKey?: Uint8Array;
  authenticationKey?: Uint8Array;
  dedicatedKey?: Uint8Array;
  /** PEM text or hex, imported at connect time. */
  ecdsaPrivateKey?: string;
  serverPublicKey?: string;
  invocationCounterObis: Uint8Array;
  /** Read the frame counter through the public client (0x10) before associating: when anything is ciphered or GMAC is used. */
  preReadCounter: boolean;
}

function keyBytes(hex: string | undefined, field: string, sizes: number[]): Uint8Array | undefined {
  if (hex === undefined || hex === '') return undefined;
  let b: Uint8Array;
  try {
    b = hexToBytes(hex);
  } catch {
    throw new MeterError('CONFIG_INVALID', `${field} is not hex.`);
  }
  if (!sizes.includes(b.length)) throw new MeterError('CONFIG_INVALID', `${field} must be ${sizes.join(' or ')} bytes, not ${b.length}.`);
  return b;
}

/** The security part of a DLMS device's profile; CONFIG_INVALID when a level lacks what it needs. */
export function dlmsSecurityFromConfig(d: DlmsDeviceConfig): { security?: DlmsProfileSecurity; secrets: (string | Uint8Array)[] } {
  const secrets: (string | Uint8Array)[] = [];
  if (d.password) secrets.push(d.password);
  const suite = d.security_suite ?? 0;
  const keySize = suite === 2 ? 32 : 16;
  const policy = d.security_policy ?? 'none';
  const auth = d.auth;
  const hlsWithSecret = auth === 'High' || auth === 'HighMd5' || auth === 'HighSha1' || auth === 'HighSha256';
  if ((auth === 'Low' || hlsWithSecret) && !d.password) throw new MeterError('CONFIG_INVALID', `auth ${auth} needs a password.`);
  if (auth === 'High' && d.password) {
    const n = new TextEncoder().encode(d.password).length;
    // The password is the AES key, zero-padded as the widely deployed stack does (highSecretKey).
    if (n < 1 || n > MAX_HIGH_SECRET_BYTES) throw new MeterError('CONFIG_INVALID', `auth High uses the password as an AES key: it must be 1 to ${MAX_HIGH_SECRET_BYTES} bytes long, not ${n}.`);
  }
  const needsSecurity = policy !== 'none' || auth === 'HighGmac' || auth === 'HighSha256' || auth === 'HighEcdsa';
  if (!needsSecurity) return { secrets };
  const clientSystemTitle = keyBytes(d.system_title, 'system_title', [8]);
  if (!clientSystemTitle) throw new MeterError('CONFIG_INVALID', `auth ${auth} / security_policy ${policy} needs system_title (8 bytes hex).`);
  const blockCipherKey = keyBytes(d.block_cipher_key, 'block_cipher_key', [keySize]);
  const authenticationKey = keyBytes(d.authentication_key, 'authentication_key', [keySize]);
  const dedicatedKey = keyBytes(d.dedicated_key, 'dedicated_key', [keySize]);
  for (const k of [d.block_cipher_key, d.authentication_key, d.dedicated_key, d.ecdsa_private_key]) if (k) secrets.push(k);
  if ((policy !== 'none' || auth === 'HighGmac') && !blockCipherKey) throw new MeterError('CONFIG_INVALID', `block_cipher_key is needed for ${policy !== 'none' ? `security_policy ${policy}` : 'HighGmac'}.`);
  if ((policy === 'authenticated' || policy === 'authenticated_encrypted' || auth === 'HighGmac') && !authenticationKey) {
    throw new MeterError('CONFIG_INVALID', 'authentication_key is needed for authenticated ciphering and HighGmac.');
  }
  if (auth === 'HighEcdsa') {
    if (suite === 0) throw new MeterError('CONFIG_INVALID', 'HighEcdsa needs security_suite 1 (P-256) or 2 (P-384).');
    if (!d.ecdsa_private_key || !d.server_public_key) throw new MeterError('CONFIG_INVALID', 'HighEcdsa needs ecdsa_private_key and server_public_key.');
  }
  const counterObis = parseObis(d.invocation_counter_obis || '0.0.43.1.0.255').obis;
  return {
    secrets,
    security: {
      suite,
      policy,
      clientSystemTitle,
      ...(blockCipherKey ? { blockCipherKey } : {}),
      ...(authenticationKey ? { authenticationKey } : {}),
      ...(dedicatedKey ? { dedicatedKey } : {}),
      ...(d.ecdsa_private_key ? { ecdsaPrivateKey: d.ecdsa_private_key } : {}),
      ...(d.server_public_key ? { serverPublicKey: d.server_public_key } : {}),
      invocationCounterObis: counterObis,
      preReadCounter: policy !== 'none' || auth === 'HighGmac',
    },
  };
}

/** Invocation counters of this process until the lead wires a persistent store (IndexedDB / file). */
export const defaultInvocationCounterStore: InvocationCounterStore = new MemoryInvocationCounterStore();

export function dlmsProfileFromConfig(d: DlmsDeviceConfig): DlmsLinkProfile {
  const server =
    d.serial_number > 0
      ? serverAddressFromSerial(d.serial_number, {
          formula: (sn) => applySerialNumberFormula(d.serial_number_formula, sn),
          logical: 1,
        })
      : serverAddress({ logical: d.logical_address, physical: d.physical_address, size: d.address_size });
  const { security, secrets } = dlmsSecurityFromConfig(d);
  const where = d.ip ? `${d.ip}:${d.port}` : (d.device ?? '');
  return {
    mode: d.mode === 'DLMS' ? 'DLMS-HDLC' : d.mode,
    referencing: d.type,
    auth: d.auth,
    ...(d.password ? { password: d.password } : {}),
    client: d.client_address,
    ...(security ? { security } : {}),
    secrets,
    meterKey: `${where}/${server.value.toString(16)}/${d.logical_address}`,
    server,
    logicalDevice: d.logical_address > 0 ? d.logical_address : 1,
    timeoutMs: d.timeout_ms,
    retries: d.retry_counter,
    proposeHdlcParameters: true,
    hdlcProposal: { maxInfo: d.max_info_field ?? 1024, window: d.window_size ?? 7 },
    modeEMaxBaud: d.baudrate === 300 ? 9600 : d.baudrate,
  };
}

/** GAMA 300 / GAMA 100 (Elgama meter_model 2 and 3): DLMS over HDLC, server address from the meter id. */
export function elgamaDlmsProfile(d: ElgamaDeviceConfig): DlmsLinkProfile {
  const low = d.client_address === 32 || d.password !== undefined;
  return {
    // The optical port signs on with IEC 62056-21 mode E; RS-485 (and TCP converters) speak HDLC at once.
    mode: d.transport === 'serial' && d.baudrate === 300 ? 'IEC' : 'DLMS-HDLC',
    referencing: d.meter_model === 3 ? d.type : 'SN',
    auth: low ? 'Low' : 'None',
    ...(d.password ? { password: d.password } : {}),
    client: d.client_address,
    secrets: d.password ? [d.password] : [],
    meterKey: `elgama/${d.id}`,
    server: serverAddressFromSerial(d.id, { logical: 1 }),
    logicalDevice: 1,
    timeoutMs: d.timeout_ms,
    retries: d.retry_counter,
    proposeHdlcParameters: false,
    modeEMaxBaud: 9600,
  };
}

/**
 * DLMS/COSEM device driver: one association per connection, kept open between polls; values read with
 * GET-with-list where allowed, scalers cached per meter for the driver's lifetime.
 */
export class DlmsDriver implements DeviceDriver {
  private session?: DlmsSession;

  /** The open association, for the object browser and profile reads (undefined when not connected). */
  get activeSession(): DlmsSession | undefined {
    return this.session;
  }
  readonly knowledge = new MeterKnowledge();
  /** Link-level knowledge of this meter learnt in earlier sessions (a server whose N(R) never advances). */
  readonly linkKnowledge = { nrNeverAdvances: false, refusedProposal: false };
  private hdlc?: HdlcClient;
  private transport?: DlmsTransport;
  /** The meter's HDLC inactivity timeout (ms, 0 = none), read once from its HDLC setup object; null when it cannot be read. */
  private inactivityMs?: number | null;
  /** Reads done in the current session: from the second on, the meter may have dropped it meanwhile. */
  private pollsInSession = 0;
  private keptTransport?: KeptSessionTransport;
  private readonly lineWatch = new LineWatch();

  constructor(
    private readonly profile: DlmsLinkProfile,
    private readonly deviceAlias: string,
    /** Where invocation counters persist (the lead wires IndexedDB / a file); default in memory for the process. */
    private readonly counterStore: InvocationCounterStore = defaultInvocationCounterStore,
    /** Where what is learnt about the meter (classes, scalers, list behaviour) persists between sessions. */
    knowledgeStore?: MeterKnowledgeStore,
  ) {
    this.keeper = new KnowledgeKeeper(this.knowledge, profile.meterKey, knowledgeStore);
  }

  private readonly keeper: KnowledgeKeeper;
  private readonly interrupted = new InterruptedRead();

  /** An interrupted read waits to be completed: the runner re-establishes (after reconnect_time) rather than give up. */
  get resumable(): boolean {
    return this.interrupted.pending;
  }

  /** The readings an interrupted read completed, handed over once when the runner gives up on the rest. */
  takeKept(signals: DriverSignal[]): Reading[] {
    return [...this.interrupted.take(signals)].map(([i, kept]) => toReading(signals[i], kept.ts, kept.result, parseObis(signals[i].address).attribute ?? 2));
  }

  /** What the device page should say about this meter (lists read one by one, ...), if anything. */
  get note(): string | undefined {
    return this.knowledge.listNote;
  }

  /** Secrets the engine must register with its Logger before connecting. */
  get secrets(): (string | Uint8Array)[] {
    return this.profile.secrets;
  }

  async connect(ctx: DriverContext): Promise<void> {
    const p = this.profile;
    ctx.onPhase?.('signing-on');
    // Counted for the strategy line each read writes at trace level 3 (issue 16).
    const link = this.lineWatch.wrap(ctx.link);
    if (p.mode === 'IEC') {
      await signOnModeE(link, ctx.clock, {
        address: p.iecAddress ?? '',
        maxBaud: p.modeEMaxBaud,
        timeoutMs: p.timeoutMs,
        retries: p.retries,
        signal: ctx.signal,
        log: ctx.log,
      });
    }
    const makeTransport = (client: number): DlmsTransport =>
      p.mode === 'DLMS-WRAPPER'
        ? new WrapperClient(link, ctx.clock, {
            clientWPort: client,
            serverWPort: p.logicalDevice,
            timeoutMs: p.timeoutMs,
            retries: p.retries,
            signal: ctx.signal,
            log: ctx.log,
          })
        : new HdlcClient(link, ctx.clock, {
            server: p.server,
            client,
            timeoutMs: p.timeoutMs,
            retries: p.retries,
            proposeParameters: p.proposeHdlcParameters,
            // A meter that refused the larger proposal once is asked with the defaults from then on.
            ...(p.hdlcProposal && !this.linkKnowledge.refusedProposal
              ? { proposal: { maxInfoTx: p.hdlcProposal.maxInfo, maxInfoRx: p.hdlcProposal.maxInfo, windowTx: p.hdlcProposal.window, windowRx: p.hdlcProposal.window } }
              : {}),
            nrNeverAdvances: this.linkKnowledge.nrNeverAdvances,
            signal: ctx.signal,
            log: ctx.log,
          });
    const transport = makeTransport(p.client);
    this.hdlc = transport instanceof HdlcClient ? transport : undefined;
    this.transport = transport;
    const kept = new KeptSessionTransport(transport);
    this.keptTransport = kept;
    this.pollsInSession = 0;
    let security: SessionSecurity | undefined;
    if (p.security) {
      const s = p.security;
      security = {
        suite: s.suite,
        policy: s.policy,
        clientSystemTitle: s.clientSystemTitle,
        ...(s.blockCipherKey ? { blockCipherKey: s.blockCipherKey } : {}),
        ...(s.authenticationKey ? { authenticationKey: s.authenticationKey } : {}),
        ...(s.dedicatedKey ? { dedicatedKey: s.dedicatedKey } : {}),
        ...(s.ecdsaPrivateKey ? { ecdsaPrivateKey: s.ecdsaPrivateKey } : {}),
        ...(s.serverPublicKey ? { serverPublicKey: s.serverPublicKey } : {}),
        counterStore: this.counterStore,
        meterKey: p.meterKey,
        client: p.client,
        invocationCounterObis: s.invocationCounterObis,
        ...(s.preReadCounter && p.client !== 0x10 ? { publicTransport: makeTransport(0x10) } : {}),
      };
    }
    const session = new DlmsSession(kept, this.knowledge, {
      referencing: p.referencing,
      auth: p.auth,
      ...(p.password ? { password: p.password } : {}),
      ...(security ? { security } : {}),
      log: ctx.log,
      signal: ctx.signal,
      onBlock: (blocks, bytes) => ctx.onProgress?.(bytes, 0),
    });
    try {
      await session.connect();
    } finally {
      this.learnFromLink();
    }
    try {
      await this.keeper.prepare(session, ctx.log);
    } catch (e) {
      // The identity read failed (the meter fell silent): release what was opened, nothing stays half-open.
      await session.close().catch(() => undefined);
      throw e;
    }
    this.session = session;
  }

  private learnFromLink(): void {
    if (this.hdlc?.nrNeverAdvances) this.linkKnowledge.nrNeverAdvances = true;
    if (this.hdlc?.refusedProposal) this.linkKnowledge.refusedProposal = true;
  }

  /**
   * A session kept between polls may have been dropped by the meter (its HDLC inactivity timeout): the
   * first request then gets DM. That is no failed exchange: associate again and read, once (issue 16).
   */
  async read(signals: DriverSignal[], ctx: DriverContext): Promise<Reading[]> {
    if (this.pollsInSession++ > 0) this.keptTransport?.arm();
    try {
      return await this.readInSession(signals, ctx);
    } catch (e) {
      if (!(e instanceof DroppedWhileKept) || this.resumable) throw e;
      ctx.log(3, `${this.deviceAlias}: the meter had dropped the connection kept since the last poll; associating again.`);
      this.session = undefined;
      await this.connect(ctx);
      return this.readInSession(signals, ctx);
    }
  }

  private async readInSession(signals: DriverSignal[], ctx: DriverContext): Promise<Reading[]> {
    if (!this.session) throw new MeterError('PROTOCOL', 'Not connected.');
    ctx.onPhase?.('reading');
    const parsed = signals.map((s) => {
      try {
        const { obis, attribute } = parseObis(s.address);
        const sn = s.config.short_name;
        const cls = s.config.class_id;
        return {
          obis,
          attribute: attribute ?? 2,
          ...(typeof sn === 'number' && sn > 0 ? { shortName: sn } : {}),
          ...(typeof cls === 'number' && cls > 0 ? { classId: cls } : {}),
        };
      } catch (e) {
        return toMeterError(e);
      }
    });
    const valid = parsed.filter((p): p is ValueRequest => !(p instanceof MeterError));
    // After a dropped link, only what was not read yet is asked again; what was read keeps its own time.
    const { key, done: carried } = this.interrupted.resume(signals);
    const todo = valid.map((_, i) => i).filter((i) => !carried.has(i));
    const progress: (ValueResult | undefined)[] = [];
    let fresh: ValueResult[];
    const line0 = this.lineWatch.snapshot();
    const trips0 = this.transport?.stats.roundTrips ?? 0;
    const t0 = ctx.clock.now();
    try {
      fresh = await this.session.readValues(todo.map((i) => valid[i]), progress);
    } catch (e) {
      const at = ctx.clock.wallTime();
      todo.forEach((i, k) => {
        const r = progress[k];
        if (r) carried.set(i, { result: r, ts: at });
      });
      if (carried.size > 0) {
        this.interrupted.keep(key, carried, parsed.flatMap((p, i) => (p instanceof MeterError ? [] : [i])));
        ctx.log(3, `${this.deviceAlias}: the link failed after ${carried.size} of ${valid.length} values; they are kept and the rest is asked after reconnecting.`);
      }
      await this.keeper.save(ctx.log);
      throw e;
    }
    const n = this.hdlc?.negotiated;
    ctx.log(
      3,
      strategyLine(`${this.deviceAlias}: read ${todo.length} values`, line0, this.lineWatch.snapshot(), ctx.clock.now() - t0, (this.transport?.stats.roundTrips ?? 0) - trips0,
        n ? `HDLC ${n.maxInfoRx} B / window ${n.windowRx}` : undefined),
    );
    await this.keeper.save(ctx.log);
    const ts = ctx.clock.wallTime();
    const all = new Map<number, Kept>(carried);
    todo.forEach((i, k) => all.set(i, { result: fresh[k], ts }));
    let k = 0;
    return signals.map((s, i) => {
      const p = parsed[i];
      if (p instanceof MeterError) return bad(s, ts, p);
      const got = all.get(k++)!;
      return toReading(s, got.ts, got.result, p.attribute);
    });
  }

  /**
   * Whether a session kept idle for `idleMs` is still open at the meter: its HDLC inactivity timeout, read
   * once (one request, in the first kept session only) from the HDLC setup object 0.0.22.0.0.255 (class
   * 23, attribute 8, seconds). Unknown (not readable, SN, wrapper) counts as "kept": a drop is then
   * noticed by the DM and associated again.
   */
  async keepsSession(idleMs: number, ctx: DriverContext): Promise<boolean> {
    if (!this.hdlc || !this.session) return true;
    if (this.inactivityMs === undefined) {
      this.inactivityMs = null;
      if (this.profile.referencing === 'LN') {
        try {
          const [r] = await this.session.readValues([{ obis: parseObis('0.0.22.0.0.255').obis, attribute: 8, classId: 23 }]);
          const d = r?.data;
          if (!r?.error && d?.type === 'uint16') this.inactivityMs = d.value * 1000;
        } catch (e) {
          ctx.log(4, `${this.deviceAlias}: HDLC inactivity timeout not readable: ${toMeterError(e).message}`);
          return false;
        }
        ctx.log(3, `${this.deviceAlias}: HDLC inactivity timeout ${this.inactivityMs === null ? 'unknown' : `${this.inactivityMs / 1000} s`}`);
      }
    }
    const t = this.inactivityMs;
    return t === null || t === 0 || idleMs < t;
  }

  /** Never fails for what happens at the release: the readings already returned stay good. */
  async disconnect(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.learnFromLink();
    await s?.close();
  }
}

function bad(s: DriverSignal, ts: number, err: MeterError): Reading {
  return { ts, device_alias: s.device_alias, signal_alias: s.signal_alias, value: null, quality: 'bad', error: err.code, address: s.address };
}

function toReading(s: DriverSignal, ts: number, r: ValueResult, attribute: number): Reading {
  if (r.error || r.data === undefined) return bad(s, ts, r.error ?? new MeterError('PROTOCOL', 'No value.'));
  try {
    // Date-times become ISO text with the meter's deviation (bytes kept in `raw`); scaled values keep their decimals.
    const parts = readingParts(r.classId, attribute, r.data, r.scaled, s.number_type ? (s.number_type as NumberType) : undefined);
    const reading: Reading = {
      ts,
      device_alias: s.device_alias,
      signal_alias: s.signal_alias,
      value: parts.value,
      quality: 'good',
      address: s.address,
    };
    if (parts.raw !== undefined) reading.raw = parts.raw;
    if (parts.decimals !== undefined) reading.decimals = parts.decimals;
    if (r.scaled?.unit) reading.unit = r.scaled.unit;
    return reading;
  } catch (e) {
    return bad(s, ts, toMeterError(e));
  }
}
