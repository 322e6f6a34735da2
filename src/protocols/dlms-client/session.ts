import { MeterError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import type { DlmsTransport } from '../transport';
import type { DlmsData } from '../dlms/axdr/types';
import type { AttributeDescriptor, MethodDescriptor, SelectiveAccess } from '../dlms/apdu/types';
import { scalerAttributeFor } from '../cosem/classes';
import { formatObis, obisKey } from '../cosem/obis';
import { type LnObjectEntry, type SnObjectEntry, decodeObjectListLN } from '../cosem/object-list';
import { type ProfileBuffer, decodeCaptureObjects, decodeProfileBuffer, entryDescriptor, rangeDescriptor } from '../cosem/profile';
import { type ScalerUnit, decodeScalerUnit } from '../cosem/scaler';
import { type AssociationParams, type AssociationResult, associate, release } from './association';
import { CipherContext } from './cipher-context';
import { replyToHls } from './hls-client';
import type { InvocationCounterStore } from './invocation-counter';
import { importPrivateKey, importPublicKey, type CipheringKind, type SecurityPolicy, type SecuritySuite } from '../dlms/security';
import { AttributeReader, MeterKnowledge, type ProfileMeta, type ValueRequest, type ValueResult } from './reader';
import { DlmsServices, unwrapReadResult } from './services';

/** Security material of a secured association. Every byte array and key here is a secret except the system title. */
export interface SessionSecurity {
  suite: SecuritySuite;
  policy: SecurityPolicy;
  clientSystemTitle: Uint8Array;
  blockCipherKey?: Uint8Array;
  authenticationKey?: Uint8Array;
  dedicatedKey?: Uint8Array;
  /** Envelope of requests once associated (default glo, or ded when a dedicated key is set). */
  ciphering?: CipheringKind;
  /** HighEcdsa: the client's private key and the meter's public key (PEM or hex, or imported keys). */
  ecdsaPrivateKey?: string | CryptoKey;
  serverPublicKey?: string | CryptoKey;
  /** Persisted invocation counters, under `meterKey` and the client address. */
  counterStore?: InvocationCounterStore;
  meterKey?: string;
  /** The client address (the counter store's second key). */
  client: number;
  /**
   * The public client's transport on the same link (client 0x10): the meter's frame counter object is read
   * through it before the secured association. Without it, the stored counter alone is used.
   */
  publicTransport?: DlmsTransport;
  /** Frame counter object; default 0.0.43.1.0.255 (class 1, attribute 2). */
  invocationCounterObis?: Uint8Array;
}

export interface DlmsSessionOptions extends AssociationParams {
  security?: SessionSecurity;
  log?: SessionLog;
  signal?: AbortSignal;
  /** Release the association with RLRQ before closing the link. Default: on for the TCP wrapper only, since HDLC DISC releases it anyway. */
  releaseWithRlrq?: boolean;
  /**
   * Most attributes in one GET-with-list (meters have their own limits, learnt when a list is cut or refused).
   * Default 64: 20 values with their scalers and the identity check fit one request on first contact.
   */
  maxListItems?: number;
  onBlock?: (blocks: number, bytes: number) => void;
  /**
   * Wraps the operations that do not go through readValues (profiles, the object list), so the caller can
   * write its strategy line for them too (issue 16: round trips, turnarounds, bytes, line time).
   */
  measure?: <T>(what: string, run: () => Promise<T>) => Promise<T>;
}

export interface ProfileColumn {
  classId: number;
  obis: Uint8Array;
  attribute: number;
  unit: string;
}

export interface ProfileReadout extends ProfileBuffer {
  columns: ProfileColumn[];
  capturePeriodS: number;
}

export type ProfileSelection = { from: number; to: number } | { fromEntry: number; toEntry?: number } | undefined;

/**
 * A DLMS/COSEM client association over a transport (HDLC or wrapper): associate, read values with the
 * fewest round trips the meter allows, read profiles, release. Knowledge of the meter (scalers, classes,
 * object list) is passed in so it survives reconnects.
 */
export class DlmsSession {
  private services!: DlmsServices;
  private reader!: AttributeReader;
  /** The association's ciphering state: the RLRQ is protected with it too. */
  private cipher?: CipherContext;
  association?: AssociationResult;

  constructor(
    private readonly transport: DlmsTransport,
    readonly knowledge: MeterKnowledge,
    private readonly opts: DlmsSessionOptions,
  ) {}

  get roundTrips(): number {
    return this.transport.stats.roundTrips;
  }

  get open(): boolean {
    return this.association !== undefined;
  }

  /**
   * Link layer up, then the application association (with HLS pass 3/4 and ciphering when configured).
   * Any failure releases what was opened and closes the link again: nothing stays half-open.
   */
  async connect(): Promise<AssociationResult> {
    const sec = this.opts.security;
    let cipher: CipherContext | undefined;
    if (sec) {
      if (sec.policy !== 'none' && !sec.blockCipherKey) throw new MeterError('CONFIG_INVALID', `Security policy ${sec.policy} needs the block cipher key.`);
      cipher = new CipherContext({
        suite: sec.suite,
        policy: sec.policy,
        clientSystemTitle: sec.clientSystemTitle,
        keys: {
          blockCipherKey: sec.blockCipherKey ?? new Uint8Array(sec.suite === 2 ? 32 : 16),
          ...(sec.authenticationKey ? { authenticationKey: sec.authenticationKey } : {}),
          ...(sec.dedicatedKey ? { dedicatedKey: sec.dedicatedKey } : {}),
        },
        ...(sec.ciphering ? { ciphering: sec.ciphering } : {}),
        ...(sec.counterStore ? { store: sec.counterStore } : {}),
        ...(sec.meterKey ? { meterKey: sec.meterKey } : {}),
        client: sec.client,
        ...(this.opts.log ? { log: this.opts.log } : {}),
      });
      if (sec.publicTransport) {
        try {
          await cipher.adoptMeterCounter(await this.readMeterCounter(sec.publicTransport, sec.invocationCounterObis));
        } catch (e) {
          // Without the meter's value the stored counter still keeps us above anything sent before.
          if (!(await cipher.hasHistory()) || (e instanceof MeterError && e.code === 'CANCELLED')) throw e;
          this.opts.log?.(2, `Could not read the meter's frame counter through the public client (${e instanceof MeterError ? e.code : 'error'}); continuing from the stored counter.`);
        }
      }
    }
    this.cipher = cipher;
    await this.transport.connect();
    let association: AssociationResult | undefined;
    try {
      association = await associate(this.transport, this.opts, cipher);
      const linkMax = Math.min(association.serverMaxPdu || 0xffff, this.transport.maxApduHint ?? 0xffff);
      // Room for the ciphered envelope: tag, length, security header and tag (and a general form's title).
      const planningMax = cipher?.ciphered ? linkMax - 32 : linkMax;
      this.services = new DlmsServices(this.transport, {
        serverMaxPdu: linkMax,
        ...(cipher ? { cipher } : {}),
        ...(this.opts.log ? { log: this.opts.log } : {}),
        ...(this.opts.signal ? { signal: this.opts.signal } : {}),
        ...(this.opts.onBlock ? { onBlock: this.opts.onBlock } : {}),
      });
      if (association.pendingHls) {
        const h = association.pendingHls;
        const suite = sec?.suite ?? 0;
        await replyToHls(this.services, {
          referencing: this.opts.referencing,
          vaaName: association.vaaName,
          mechanism: h.mechanism,
          ctos: h.ctos,
          stoc: h.stoc,
          ...(cipher ? { cipher } : {}),
          party: {
            suite,
            ...(this.opts.password ? { secret: new TextEncoder().encode(this.opts.password) } : {}),
            ...(sec ? { ownSystemTitle: sec.clientSystemTitle } : {}),
            ...(association.serverSystemTitle ? { peerSystemTitle: association.serverSystemTitle } : {}),
            ...(sec?.blockCipherKey ? { blockCipherKey: sec.blockCipherKey } : {}),
            ...(sec?.authenticationKey ? { authenticationKey: sec.authenticationKey } : {}),
            ...(h.mechanism === 7 ? await this.ecdsaKeys(sec) : {}),
          },
        });
      }
      this.association = association;
      this.reader = new AttributeReader(
        this.services,
        {
          referencing: this.opts.referencing,
          multipleReferences: association.conformance.has('multiple-references'),
          serverMaxPdu: planningMax,
        },
        this.knowledge,
        this.opts.maxListItems ?? 64,
      );
    } catch (e) {
      // An accepted (or HLS-pending) association is released before the link goes down.
      if (association && this.transport.kind === 'wrapper') await this.releaseQuietly();
      // HDLC DISC even after a refusal: the meter's port is free at once, not after its inactivity timeout.
      await this.transport.disconnect().catch(() => undefined);
      throw e;
    }
    return association;
  }

  private async ecdsaKeys(sec: SessionSecurity | undefined): Promise<{ signingKey: CryptoKey; peerPublicKey: CryptoKey }> {
    if (!sec || (sec.suite !== 1 && sec.suite !== 2)) throw new MeterError('CONFIG_INVALID', 'HighEcdsa needs security suite 1 or 2.');
    if (!sec.ecdsaPrivateKey || !sec.serverPublicKey) throw new MeterError('CONFIG_INVALID', "HighEcdsa needs the client's ECDSA private key and the meter's public key.");
    const signingKey = typeof sec.ecdsaPrivateKey === 'string' ? await importPrivateKey(sec.ecdsaPrivateKey, sec.suite) : sec.ecdsaPrivateKey;
    const peerPublicKey = typeof sec.serverPublicKey === 'string' ? await importPublicKey(sec.serverPublicKey, sec.suite) : sec.serverPublicKey;
    return { signingKey, peerPublicKey };
  }

  /** The meter's frame counter, read through the public client (association None), then that link is closed. */
  private async readMeterCounter(publicTransport: DlmsTransport, obis: Uint8Array = Uint8Array.from([0, 0, 43, 1, 0, 255])): Promise<number> {
    await publicTransport.connect();
    try {
      await associate(publicTransport, { referencing: this.opts.referencing, auth: 'None' });
      const services = new DlmsServices(publicTransport, { serverMaxPdu: publicTransport.maxApduHint ?? 0xffff });
      let value;
      if (this.opts.referencing === 'LN') value = await services.get({ classId: 1, obis, attributeId: 2 });
      else {
        const reader = new AttributeReader(services, { referencing: 'SN', multipleReferences: false, serverMaxPdu: 0xffff }, new MeterKnowledge(), 1);
        const [r] = await reader.read([{ obis, attribute: 2, classId: 1 }]);
        if (r.error || !r.data) throw r.error ?? new MeterError('PROTOCOL', 'No frame counter value.');
        value = r.data;
      }
      if (value.type !== 'uint32' && value.type !== 'uint16' && value.type !== 'uint8' && value.type !== 'uint64') {
        throw new MeterError('TYPE_MISMATCH', `The frame counter object holds ${value.type}, not an unsigned number.`);
      }
      const n = Number(value.value);
      this.opts.log?.(4, `Meter frame counter read through the public client: ${n}.`);
      return n;
    } finally {
      if (publicTransport.kind === 'wrapper') await release(publicTransport).catch(() => undefined);
      await publicTransport.disconnect().catch(() => undefined);
    }
  }

  private assertOpen(): void {
    if (!this.association) throw new MeterError('PROTOCOL', 'No open association: connect first.');
  }

  get dlms(): DlmsServices {
    this.assertOpen();
    return this.services;
  }

  /**
   * Values (scaled where the class has a scaler), one result per request, per-item errors inside.
   * `progress[i]` is filled as request i completes, so a caller keeps what was read if the link drops.
   */
  async readValues(requests: ValueRequest[], progress?: (ValueResult | undefined)[]): Promise<ValueResult[]> {
    this.assertOpen();
    return this.reader.read(requests, progress);
  }

  /** Is this the meter the knowledge was learnt from? Forgets the knowledge when not (see AttributeReader). */
  async checkIdentity(): Promise<boolean> {
    this.assertOpen();
    return this.reader.checkIdentity();
  }

  /**
   * The same check, riding in the next readValues (no request of its own); a profile read before that
   * checks first, since it uses what was learnt.
   */
  deferIdentityCheck(): void {
    this.assertOpen();
    this.reader.deferIdentityCheck();
  }

  async get(attribute: AttributeDescriptor, access?: SelectiveAccess): Promise<DlmsData> {
    this.assertOpen();
    return this.services.get(attribute, access);
  }

  async set(attribute: AttributeDescriptor, value: DlmsData): Promise<void> {
    this.assertOpen();
    return this.services.set(attribute, value);
  }

  async action(method: MethodDescriptor, parameters?: DlmsData): Promise<DlmsData | undefined> {
    this.assertOpen();
    return this.services.action(method, parameters);
  }

  /** The current association's object list (LN: 0.0.40.0.0.255 attribute 2; SN: base name 0xFA00). */
  async readObjectList(): Promise<LnObjectEntry[] | SnObjectEntry[]> {
    this.assertOpen();
    return this.measured('read the object list', () => this.objectList());
  }

  private measured<T>(what: string, run: () => Promise<T>): Promise<T> {
    return this.opts.measure ? this.opts.measure(what, run) : run();
  }

  private async objectList(): Promise<LnObjectEntry[] | SnObjectEntry[]> {
    if (this.opts.referencing === 'SN') return this.reader.loadSnObjects();
    const list = decodeObjectListLN(await this.services.get({ classId: 15, obis: Uint8Array.from([0, 0, 40, 0, 0, 255]), attributeId: 2 }));
    // Read anyway (the object browser): its classes confirm every later read of these objects.
    this.knowledge.objectList = new Map(list.map((e) => [e.obis, e.classId]));
    this.knowledge.objectListRefused = false;
    this.knowledge.dirty = true;
    return list;
  }

  /**
   * A profile generic buffer (load profile, event log) by time range or entry range, rows decoded with
   * timestamps and register columns scaled. Capture objects, capture period and column scalers are read
   * once per meter and reused.
   */
  async readProfile(obis: Uint8Array, selection: ProfileSelection): Promise<ProfileReadout> {
    this.assertOpen();
    return this.measured(`read profile ${formatObis(obis)}`, () => this.profile(obis, selection));
  }

  private async profile(obis: Uint8Array, selection: ProfileSelection): Promise<ProfileReadout> {
    if (this.reader.identityCheckPending) await this.reader.checkIdentity();
    const meta = await this.profileMeta(obis);
    const access: SelectiveAccess | undefined =
      selection === undefined
        ? undefined
        : 'from' in selection
          ? rangeDescriptor(selection.from, selection.to, { restrictingObject: meta.clockColumn })
          : entryDescriptor(selection.fromEntry, selection.toEntry ?? 0);
    const buffer = await this.readAttribute(7, obis, 2, access);
    const decoded = decodeProfileBuffer(buffer, {
      captureObjects: meta.captureObjects,
      capturePeriod: meta.capturePeriodS,
      scalers: meta.scalers,
    });
    return {
      ...decoded,
      capturePeriodS: meta.capturePeriodS,
      columns: meta.captureObjects.map((c, i) => ({
        classId: c.classId,
        obis: c.logicalName,
        attribute: c.attributeIndex,
        unit: decoded.units[i] ?? '',
      })),
    };
  }

  private async profileMeta(obis: Uint8Array): Promise<ProfileMeta> {
    const key = obisKey(obis);
    const cached = this.knowledge.profiles.get(key);
    if (cached) return cached;
    const [capture, period] = await this.reader.read([
      { obis, attribute: 3, classId: 7 },
      { obis, attribute: 4, classId: 7 },
    ]);
    if (capture.error) throw capture.error;
    const captureObjects = decodeCaptureObjects(capture.data!);
    const capturePeriodS = period.data && (period.data.type === 'uint32' || period.data.type === 'uint16') ? period.data.value : 0;
    // Scalers of register columns: one list read for all of them (and none at all once cached).
    const scalerColumns = captureObjects
      .map((c, i) => ({ c, i, attr: scalerAttributeFor(c.classId, c.attributeIndex) }))
      .filter((x) => x.attr !== undefined);
    const scalers: (ScalerUnit | undefined)[] = captureObjects.map(() => undefined);
    if (scalerColumns.length > 0) {
      const su = await this.reader.read(scalerColumns.map((x) => ({ obis: x.c.logicalName, attribute: x.attr!, classId: x.c.classId })));
      su.forEach((r, k) => {
        if (!r.data) return;
        try {
          scalers[scalerColumns[k].i] = decodeScalerUnit(r.data);
        } catch {
          // an unreadable scaler leaves that column unscaled
        }
      });
    }
    const meta = {
      captureObjects,
      capturePeriodS,
      scalers,
      clockColumn: captureObjects.find((c) => c.classId === 8 && c.attributeIndex === 2),
    };
    this.knowledge.profiles.set(key, meta);
    return meta;
  }

  /** One attribute by LN or SN, with optional selective (LN) / parameterized (SN) access. */
  private async readAttribute(classId: number, obis: Uint8Array, attribute: number, access?: SelectiveAccess): Promise<DlmsData> {
    if (this.opts.referencing === 'LN') return this.services.get({ classId, obis, attributeId: attribute }, access);
    const objects = this.knowledge.snObjects ?? (await this.reader.loadSnObjects());
    const entry = objects.find((o) => obisKey(o.logicalName) === obisKey(obis));
    if (!entry) throw new MeterError('OBJECT_UNDEFINED', `${Array.from(obis).join('.')} is not in the meter's object list.`);
    const name = entry.baseName + 8 * (attribute - 1);
    const [result] = await this.services.read([
      access ? { type: 'parameterized-access', name, selector: access.selector, parameter: access.parameters } : { type: 'variable-name', name },
    ]);
    return unwrapReadResult(result);
  }

  /**
   * Release (RLRQ where it matters) and close the link layer. Never throws: whatever happens now (an
   * exception-response, silence, a dropped line) cannot take back what was read before.
   */
  async close(): Promise<void> {
    const wantRlrq = this.opts.releaseWithRlrq ?? this.transport.kind === 'wrapper';
    if (this.association && wantRlrq) await this.releaseQuietly();
    this.association = undefined;
    await this.transport.disconnect().catch((e: unknown) => {
      this.opts.log?.(2, `Closing the link failed after the reads (${e instanceof MeterError ? e.code : 'error'}); the values read stand.`);
    });
  }

  private async releaseQuietly(): Promise<void> {
    await release(this.transport, {
      ...(this.cipher ? { cipher: this.cipher } : {}),
      referencing: this.opts.referencing,
      ...(this.opts.proposedConformance !== undefined ? { proposedConformance: this.opts.proposedConformance } : {}),
      ...(this.opts.clientMaxPdu ? { clientMaxPdu: this.opts.clientMaxPdu } : {}),
      ...(this.opts.log ? { log: this.opts.log } : {}),
    }).catch((e: unknown) => {
      this.opts.log?.(2, `Release failed (${e instanceof MeterError ? e.code : 'error'}); the association ends with the link.`);
    });
  }
}
