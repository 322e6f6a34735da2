import { MeterError, toMeterError } from '../../core/errors';
import type { Reading } from '../../core/reading';
import type { NumberType } from '../../config/types';
import type { DlmsLinkProfile } from './dlms-profile';
import { HdlcClient } from '../../protocols/hdlc/client-session';
import { DroppedWhileKept, KeptSessionTransport } from './kept-session';
import { LineWatch, type LineTally, strategyLine } from '../line-watch';
import { WrapperClient } from '../../protocols/wrapper/client-session';
import type { DlmsTransport } from '../../protocols/transport';
import { signOnModeE } from '../../protocols/iec62056-21/mode-e';
import { parseObis } from '../../protocols/cosem/obis';
import { readingParts } from '../../protocols/cosem/values';
import { DlmsSession } from '../../protocols/dlms-client/session';
import { MeterKnowledge, type ValueRequest, type ValueResult } from '../../protocols/dlms-client/reader';
import type { MeterKnowledgeStore } from '../../protocols/dlms-client/knowledge';
import { InterruptedRead, KnowledgeKeeper, type Kept } from './dlms-memory';
import { MemoryInvocationCounterStore, type InvocationCounterStore } from '../../protocols/dlms-client/invocation-counter';
import type { SessionSecurity } from '../../protocols/dlms-client/session';
import type { DeviceDriver, DriverContext, DriverSignal } from '../driver';

/** IEC HDLC setup object: attribute 8 is the meter's inactivity timeout in seconds. */
const HDLC_SETUP = Uint8Array.from([0, 0, 22, 0, 0, 255]);
const INACTIVITY_TIMEOUT: ValueRequest = { obis: HDLC_SETUP, attribute: 8, classId: 23 };
/**
 * The logical device name, asked just before the timeout: the first read's identity check rides in the list
 * anyway, and an error item after which another follows makes the list's checks read the rest one by one.
 */
const LOGICAL_DEVICE_NAME: ValueRequest = { obis: Uint8Array.from([0, 0, 42, 0, 0, 255]), attribute: 2, classId: 1 };

/**
 * Kept only when the next poll comes this much before the meter's inactivity timeout: the idle time is
 * counted from the meter's last byte and by its own coarse timer, and a port may be slow to reopen.
 */
export function inactivityMarginMs(timeoutMs: number): number {
  return Math.max(2000, timeoutMs / 10);
}

export { type DlmsLinkProfile, type DlmsProfileSecurity, dlmsSecurityFromConfig, dlmsProfileFromConfig, elgamaDlmsProfile } from './dlms-profile';

/** Invocation counters of this process until the lead wires a persistent store (IndexedDB / file). */
export const defaultInvocationCounterStore: InvocationCounterStore = new MemoryInvocationCounterStore();

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
    return this.interrupted.pending || this.droppedOnList;
  }

  /**
   * The meter dropped the link on a list before anything was read (lists are off for it now): the runner
   * re-establishes and the read goes one by one, a different path, rather than report the poll lost.
   */
  private droppedOnList = false;

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
      measure: (what, run) => this.measured(ctx, what, run),
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
    const asked = todo.map((i) => valid[i]);
    // The meter's inactivity timeout rides last in the first list of a session the engine may keep (an
    // error item there spoils nothing); keepsSession then needs no request of its own.
    const learnTimeout = this.learnsInactivity(ctx);
    const extra = learnTimeout ? [LOGICAL_DEVICE_NAME, INACTIVITY_TIMEOUT] : [];
    const listsWere = this.knowledge.lists.mode;
    this.droppedOnList = false;
    const line0 = this.lineWatch.snapshot();
    const trips0 = this.transport?.stats.roundTrips ?? 0;
    const t0 = ctx.clock.now();
    try {
      fresh = await this.session.readValues([...asked, ...extra], progress);
      if (learnTimeout) this.adoptInactivityTimeout(fresh[asked.length + 1], ctx);
      fresh = fresh.slice(0, asked.length);
    } catch (e) {
      const at = ctx.clock.wallTime();
      todo.forEach((i, k) => {
        const r = progress[k];
        if (r) carried.set(i, { result: r, ts: at });
      });
      this.droppedOnList = listsWere === 'on' && this.knowledge.lists.mode === 'off' && toMeterError(e).code === 'PORT_LOST';
      if (carried.size > 0) {
        this.interrupted.keep(key, carried, parsed.flatMap((p, i) => (p instanceof MeterError ? [] : [i])));
        ctx.log(3, `${this.deviceAlias}: the link failed after ${carried.size} of ${valid.length} values; they are kept and the rest is asked after reconnecting.`);
      }
      await this.keeper.save(ctx.log);
      throw e;
    }
    this.strategy(ctx, `read ${todo.length} values`, line0, trips0, t0);
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

  /** The trace's strategy line (level 3) for what was done since `line0` / `trips0` / `t0`. */
  private strategy(ctx: DriverContext, what: string, line0: LineTally, trips0: number, t0: number): void {
    const n = this.hdlc?.negotiated;
    const trips = (this.transport?.stats.roundTrips ?? 0) - trips0;
    ctx.log(3, strategyLine(`${this.deviceAlias}: ${what}`, line0, this.lineWatch.snapshot(), ctx.clock.now() - t0, trips, n ? `HDLC ${n.maxInfoRx} B / window ${n.windowRx}` : undefined));
  }

  /** A profile or object-list read, with its strategy line (the app's operations, outside `read`). */
  private async measured<T>(ctx: DriverContext, what: string, run: () => Promise<T>): Promise<T> {
    const line0 = this.lineWatch.snapshot();
    const trips0 = this.transport?.stats.roundTrips ?? 0;
    const t0 = ctx.clock.now();
    const result = await run();
    this.strategy(ctx, what, line0, trips0, t0);
    return result;
  }

  /** The timeout is still to learn and the engine may keep this session (LN over HDLC only). */
  private learnsInactivity(ctx: DriverContext): boolean {
    return ctx.keepSessionForMs !== undefined && this.inactivityMs === undefined && this.hdlc !== undefined && this.profile.referencing === 'LN';
  }

  /**
   * Whether a session kept idle for `idleMs` is still open at the meter: its HDLC inactivity timeout
   * (0.0.22.0.0.255, class 23, attribute 8, seconds), learnt once in the first read's list of a session
   * the engine may keep, or in a request of its own when that session began with no read. True when the
   * next poll comes `inactivityMarginMs` before the timeout (or there is none), so a session may be kept
   * longer than the engine's own limit; undefined when unknown (not readable, SN, wrapper): the engine
   * decides, and a drop is noticed by the DM and associated again.
   */
  async keepsSession(idleMs: number, ctx: DriverContext): Promise<boolean | undefined> {
    if (!this.hdlc || !this.session) return undefined;
    if (this.inactivityMs === undefined) {
      this.inactivityMs = null;
      if (this.profile.referencing === 'LN') {
        try {
          const [r] = await this.session.readValues([INACTIVITY_TIMEOUT]);
          this.adoptInactivityTimeout(r, ctx);
        } catch (e) {
          ctx.log(4, `${this.deviceAlias}: HDLC inactivity timeout not readable: ${toMeterError(e).message}`);
          return false;
        }
      }
    }
    const t = this.inactivityMs;
    if (t === null) return undefined;
    return t === 0 || idleMs + inactivityMarginMs(t) <= t;
  }

  private adoptInactivityTimeout(r: ValueResult | undefined, ctx: DriverContext): void {
    const d = r?.data;
    this.inactivityMs = !r?.error && d?.type === 'uint16' ? d.value * 1000 : null;
    ctx.log(3, `${this.deviceAlias}: HDLC inactivity timeout ${this.inactivityMs === null ? 'unknown' : `${this.inactivityMs / 1000} s`}`);
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
