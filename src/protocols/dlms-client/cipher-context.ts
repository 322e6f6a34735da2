import { MeterError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import {
  isCipheredTag,
  protectApdu,
  securityControlFor,
  unprotectApdu,
  SC_AUTHENTICATION,
  SC_ENCRYPTION,
  type CipherKeys,
  type CipheringKind,
  type SecurityPolicy,
  type SecuritySuite,
} from '../dlms/security';
import { checkCounterValue, serverCounterKey, type InvocationCounterStore } from './invocation-counter';

export interface CipherContextOptions {
  suite: SecuritySuite;
  policy: SecurityPolicy;
  clientSystemTitle: Uint8Array;
  keys: CipherKeys;
  /** Which envelope requests use once associated; default glo (ded when a dedicated key is set). */
  ciphering?: CipheringKind;
  /** Counter persistence; without one, counters live as long as this object. */
  store?: InvocationCounterStore;
  meterKey?: string;
  client: number;
  log?: SessionLog;
}

/**
 * The client's ciphering state of one association: keys, the server's system title once known, the
 * outgoing invocation counter (strictly increasing, persisted before each use) and the highest counter
 * seen from the meter (anything not above it is a replay and is refused).
 */
export class CipherContext {
  serverSystemTitle?: Uint8Array;
  private lastSent = -1;
  private lastReceived = -1;
  private loaded = false;

  constructor(readonly opts: CipherContextOptions) {
    if (opts.clientSystemTitle.length !== 8) throw new MeterError('CONFIG_INVALID', 'The client system title must be 8 bytes.');
  }

  get securityControl(): number {
    return securityControlFor(this.opts.policy, this.opts.suite);
  }

  get kind(): CipheringKind {
    return this.opts.ciphering ?? (this.opts.keys.dedicatedKey ? 'ded' : 'glo');
  }

  get ciphered(): boolean {
    return this.opts.policy !== 'none';
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const { store, meterKey } = this.opts;
    if (!store || !meterKey) return;
    const sent = await store.get(meterKey, this.opts.client);
    if (sent !== undefined) this.lastSent = Math.max(this.lastSent, sent);
    const received = await store.get(serverCounterKey(meterKey), this.opts.client);
    if (received !== undefined) this.lastReceived = Math.max(this.lastReceived, received);
  }

  /** Whether a counter was used with this meter before (from the store or this object). */
  async hasHistory(): Promise<boolean> {
    await this.load();
    return this.lastSent >= 0;
  }

  /**
   * The meter's frame counter (read through the public client) says which counter it expects: the next
   * one sent is above both that and anything used before. Never lowers the counter.
   */
  async adoptMeterCounter(meterValue: number): Promise<void> {
    await this.load();
    checkCounterValue(meterValue);
    if (meterValue > this.lastSent) this.lastSent = meterValue;
  }

  /** Reserves the next outgoing invocation counter, persisting it first. */
  async nextCounter(): Promise<number> {
    await this.load();
    const next = this.lastSent + 1;
    checkCounterValue(next);
    const { store, meterKey } = this.opts;
    if (store && meterKey) await store.set(meterKey, this.opts.client, next);
    this.lastSent = next;
    return next;
  }

  async lastReceivedCounter(): Promise<number> {
    await this.load();
    return this.lastReceived;
  }

  /** Accepts a counter received from the meter only when it is above every one seen before. */
  async acceptServerCounter(ic: number): Promise<void> {
    await this.load();
    if (ic <= this.lastReceived) {
      throw new MeterError('PROTOCOL', `The meter sent invocation counter ${ic}, not above ${this.lastReceived}: a replayed or stale message, refused.`);
    }
    this.lastReceived = ic;
    const { store, meterKey } = this.opts;
    if (store && meterKey) await store.set(serverCounterKey(meterKey), this.opts.client, ic);
  }

  async protect(plain: Uint8Array, kind: CipheringKind = this.kind, securityControl = this.securityControl): Promise<Uint8Array> {
    const invocationCounter = await this.nextCounter();
    return protectApdu({ kind, securityControl, invocationCounter, systemTitle: this.opts.clientSystemTitle, keys: this.opts.keys }, plain);
  }

  /** Deciphers a response; checks the meter's counter and that the protection is at least the policy's. */
  async unprotect(bytes: Uint8Array): Promise<Uint8Array> {
    if (!isCipheredTag(bytes[0] ?? -1)) throw new MeterError('PROTOCOL', 'The meter answered in plain text inside a ciphered association.');
    const { plain, header } = await unprotectApdu(bytes, this.serverSystemTitle, this.opts.keys);
    const required = this.securityControl & (SC_AUTHENTICATION | SC_ENCRYPTION);
    if ((header.securityControl & required) !== required) {
      throw new MeterError('PROTOCOL', 'The meter answered with weaker protection than the security policy asks for.');
    }
    await this.acceptServerCounter(header.invocationCounter);
    this.opts.log?.(6, `Deciphered ${header.kind} APDU, invocation counter ${header.invocationCounter}.`);
    return plain;
  }
}
