import { MeterError, ProtocolError } from '../core/errors';
import { decodeApdu, encodeApdu } from '../protocols/dlms/apdu/apdu';
import type { Apdu } from '../protocols/dlms/apdu/types';
import { decodeAarq } from '../protocols/dlms/acse/aarq';
import { encodeAare, type Aare } from '../protocols/dlms/acse/aare';
import { decodeRlrq } from '../protocols/dlms/acse/release';
import { isCipheredTag } from '../protocols/dlms/security/ciphered-apdu';
import { hlsProof, hlsVerify, isHlsMechanism, type HlsParty } from '../protocols/dlms/security/hls';
import { protectApdu, unprotectApdu, type CipherKeys } from '../protocols/dlms/security/protect';
import type { CipheringKind } from '../protocols/dlms/security/ciphered-apdu';
import {
  aarqKey,
  getErrorResponse,
  invokeIdOf,
  recordedAnswer,
  requestKey,
  unrecordedGetResult,
  withInvokeId,
  withListResponse,
  type ReplayScript,
} from './replay-script';

/**
 * The APDU half of the replay peer: one request in, the recorded server's answer out. The recorded
 * bytes are sent as they were except for what must follow the client: the invoke id, the HLS proof of
 * the client's own challenge (a recording holds the proof of another challenge), and the ciphering of
 * answers in a ciphered association (fresh invocation counters). GET-with-list, which the recorded
 * client never used, is answered from the single recorded answers (replay-script.ts).
 */

export interface ResponderOptions {
  keys?: CipherKeys;
  lowPassword?: string;
  highSecret?: string;
  violation: (text: string) => void;
}

interface Association {
  mechanism?: number;
  ctos?: Uint8Array;
  stoc?: Uint8Array;
  clientTitle?: Uint8Array;
  serverTitle?: Uint8Array;
  ciphered: boolean;
  authenticated: boolean;
  lastLong?: string;
  /** The server's invocation counter for answers it ciphers. */
  counter: number;
}

const LOW = '2.16.756.5.8.2.1';
const ASSOCIATION_LN = Uint8Array.of(0, 0, 40, 0, 0, 255);

/** What a GET asked, for the notes tests read (never secrets: requests carry none). */
export interface ServedRequest {
  client: string;
  key: string;
  how: 'recorded' | 'wrong-class' | 'no-object' | 'not-recorded' | 'composed' | 'hls' | 'association' | 'release';
}

export class ReplayResponder {
  private readonly associations = new Map<string, Association>();
  private readonly asked = new Map<string, number>();
  /** Every request answered, in order. */
  readonly served: ServedRequest[] = [];

  constructor(
    private readonly script: ReplayScript,
    private readonly opts: ResponderOptions,
  ) {}

  /** The answer to one request APDU from `client`; undefined when a strict server stays silent. */
  async answer(request: Uint8Array, client: string): Promise<{ apdu: Uint8Array; segments: number[] } | undefined> {
    try {
      return await this.handle(request, client);
    } catch (e) {
      this.opts.violation(`${client}: request ${request[0]?.toString(16)} refused: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private async handle(request: Uint8Array, client: string): Promise<{ apdu: Uint8Array; segments: number[] } | undefined> {
    if (request[0] === 0x60) return this.associate(request, client);
    const assoc = this.associations.get(client);
    if (!assoc) {
      this.opts.violation(`${client}: ${request[0]?.toString(16)} outside an association`);
      return undefined;
    }
    if (request[0] === 0x62) return this.release(request, client, assoc);

    let plain = request;
    let kind: CipheringKind | undefined;
    let securityControl = 0;
    if (isCipheredTag(request[0])) {
      if (!assoc.ciphered) this.opts.violation(`${client}: a ciphered APDU in a plain association`);
      const u = await unprotectApdu(request, assoc.clientTitle, this.keys());
      plain = u.plain;
      kind = u.header.kind;
      securityControl = u.header.securityControl;
    } else if (assoc.ciphered) {
      this.opts.violation(`${client}: a plain ${request[0]?.toString(16)} in a ciphered association`);
    }
    const apdu = decodeApdu(plain);
    const answer = await this.respond(apdu, client, assoc);
    if (!answer) return undefined;
    if (!kind) return answer;
    const sealed = await protectApdu(
      { kind, securityControl, invocationCounter: assoc.counter++, systemTitle: assoc.serverTitle ?? new Uint8Array(8), keys: this.keys() },
      answer.apdu,
    );
    return { apdu: sealed, segments: [] };
  }

  private keys(): CipherKeys {
    if (!this.opts.keys) throw new ProtocolError('PROTOCOL', 'The peer has no keys for a ciphered association.');
    return this.opts.keys;
  }

  private associate(request: Uint8Array, client: string): { apdu: Uint8Array; segments: number[] } {
    const aarq = decodeAarq(request);
    const key = aarqKey(aarq);
    const recorded = this.script.associations.get(key);
    this.served.push({ client, key, how: 'association' });
    const refuse = (diagnostic: number) => ({
      apdu: encodeAare({ applicationContextName: aarq.applicationContextName, result: 1, diagnostic: { source: 'user', value: diagnostic } } satisfies Aare),
      segments: [],
    });
    if (!recorded) {
      this.opts.violation(`${client}: no recorded association for ${key}`);
      return refuse(1);
    }
    const mechanism = mechanismNumber(aarq.mechanismName);
    if (aarq.mechanismName === LOW) {
      const given = new TextDecoder().decode(aarq.callingAuthenticationValue ?? new Uint8Array());
      if (given !== this.opts.lowPassword) return refuse(13);
    }
    const aare = recorded.aare;
    this.associations.set(client, {
      ...(mechanism !== undefined ? { mechanism } : {}),
      ...(aarq.callingAuthenticationValue ? { ctos: aarq.callingAuthenticationValue } : {}),
      ...(aare.respondingAuthenticationValue ? { stoc: aare.respondingAuthenticationValue } : {}),
      ...(aarq.callingApTitle ? { clientTitle: aarq.callingApTitle } : {}),
      ...(aare.respondingApTitle ? { serverTitle: aare.respondingApTitle } : {}),
      ciphered: aarq.applicationContextName.endsWith('.3') || aarq.applicationContextName.endsWith('.4'),
      authenticated: mechanism === undefined || !isHlsMechanism(mechanism),
      counter: 0x100,
    });
    return { apdu: recorded.plain, segments: recorded.answer.segments };
  }

  private async release(request: Uint8Array, client: string, assoc: Association): Promise<{ apdu: Uint8Array; segments: number[] } | undefined> {
    const rlrq = decodeRlrq(request);
    this.served.push({ client, key: 'rlrq', how: 'release' });
    if (assoc.ciphered) {
      // Issue 11, finding 4: in a ciphered association the RLRQ's user-information is protected.
      const ui = rlrq.userInformation;
      if (ui?.type !== 'raw') this.opts.violation(`${client}: RLRQ without protected user-information in a ciphered association`);
      else await unprotectApdu(ui.bytes, assoc.clientTitle, this.keys());
    }
    this.associations.delete(client);
    const recorded = recordedAnswer(this.script, 'rlrq', this.asked);
    return recorded ? { apdu: recorded.plain, segments: recorded.segments } : undefined;
  }

  private async respond(apdu: Apdu, client: string, assoc: Association): Promise<{ apdu: Uint8Array; segments: number[] } | undefined> {
    const invoke = invokeIdOf(apdu);
    if (invoke === undefined) {
      this.opts.violation(`${client}: ${apdu.type} is not a request`);
      return undefined;
    }
    if (apdu.type === 'action-request-normal' && apdu.method.methodId === 1 && sameBytes(apdu.method.obis, ASSOCIATION_LN)) {
      return this.replyToHls(apdu, invoke, client, assoc);
    }
    if (!assoc.authenticated) this.opts.violation(`${client}: ${apdu.type} before HLS pass 3`);
    if (apdu.type === 'get-request-with-list') {
      const items = apdu.attributes.map((a) => {
        const key = requestKey({ type: 'get-request-normal', invokeIdAndPriority: invoke, attribute: a.attribute, ...(a.access ? { access: a.access } : {}) }, undefined) ?? '';
        const rec = recordedAnswer(this.script, key, this.asked);
        if (rec && rec.plain[1] === 0x01) {
          this.served.push({ client, key, how: 'composed' });
          return { recorded: rec.plain };
        }
        const why = unrecordedGetResult(this.script, a.attribute);
        this.served.push({ client, key, how: why.why });
        return { errorResult: why.result };
      });
      return { apdu: withListResponse(invoke, items), segments: [] };
    }
    const key = requestKey(apdu, assoc.lastLong);
    if (apdu.type === 'get-request-normal') assoc.lastLong = key;
    const recorded = key === undefined ? undefined : recordedAnswer(this.script, key, this.asked);
    if (recorded && key) {
      this.served.push({ client, key, how: 'recorded' });
      return { apdu: withInvokeId(recorded.plain, invoke), segments: recorded.segments };
    }
    if (apdu.type === 'get-request-normal') {
      const why = unrecordedGetResult(this.script, apdu.attribute);
      this.served.push({ client, key: key ?? '?', how: why.why });
      return { apdu: getErrorResponse(invoke, why.result), segments: [] };
    }
    this.opts.violation(`${client}: no recorded answer for ${apdu.type} ${key ?? ''}`);
    return undefined;
  }

  /** HLS pass 3 and 4: check the client's f(StoC), answer f(CtoS) for the client's own challenge. */
  private async replyToHls(apdu: Apdu & { type: 'action-request-normal' }, invoke: number, client: string, assoc: Association): Promise<{ apdu: Uint8Array; segments: number[] }> {
    const mechanism = assoc.mechanism;
    if (mechanism === undefined || !isHlsMechanism(mechanism) || !assoc.ctos || !assoc.stoc) throw new ProtocolError('PROTOCOL', 'reply_to_HLS_authentication without HLS.');
    const server: HlsParty = {
      mechanism,
      suite: 0,
      ...(this.opts.highSecret ? { secret: new TextEncoder().encode(this.opts.highSecret) } : {}),
      ...(assoc.serverTitle ? { ownSystemTitle: assoc.serverTitle } : {}),
      ...(assoc.clientTitle ? { peerSystemTitle: assoc.clientTitle } : {}),
      ...(this.opts.keys ? { blockCipherKey: this.opts.keys.blockCipherKey } : {}),
      ...(this.opts.keys?.authenticationKey ? { authenticationKey: this.opts.keys.authenticationKey } : {}),
    };
    const proof = apdu.parameters?.type === 'octet-string' ? apdu.parameters.value : undefined;
    this.served.push({ client, key: 'action:15/0.0.40.0.0.255/1', how: 'hls' });
    try {
      if (!proof) throw new MeterError('AUTH_FAILED', 'no proof');
      await hlsVerify(server, proof, assoc.stoc, assoc.ctos);
    } catch (e) {
      if (!(e instanceof MeterError) || e.code !== 'AUTH_FAILED') throw e;
      // What a meter answers a wrong proof with: the action fails and the association stays unusable.
      this.opts.violation(`${client}: the client's HLS proof is wrong`);
      return { apdu: encodeApdu({ type: 'action-response-normal', invokeIdAndPriority: invoke, result: 3 }), segments: [] };
    }
    assoc.authenticated = true;
    const own = await hlsProof(server, assoc.ctos, assoc.stoc, assoc.counter++);
    return {
      apdu: encodeApdu({ type: 'action-response-normal', invokeIdAndPriority: invoke, result: 0, returnParameters: { type: 'data', value: { type: 'octet-string', value: own } } }),
      segments: [],
    };
  }
}

function mechanismNumber(name: string | undefined): number | undefined {
  if (!name?.startsWith('2.16.756.5.8.2.')) return undefined;
  return Number(name.slice('2.16.756.5.8.2.'.length));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
