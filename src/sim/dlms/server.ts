import type { Clock } from '../../core/clock';
import type { Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import {
  APPLICATION_CONTEXT,
  MECHANISM,
  conformanceFromNames,
  decodeAarq,
  encodeAare,
  mechanismIdOf,
  type Aare,
  type ConformanceName,
} from '../../protocols/dlms/acse';
import { decodeApdu, encodeApdu } from '../../protocols/dlms/apdu';
import type { Apdu } from '../../protocols/dlms/apdu/types';
import { decodeInitiateRequest, encodeInitiateResponse, INITIATE_REQUEST_TAG, type InitiateRequest } from '../../protocols/dlms/acse';
import {
  challengeLength,
  hlsProof,
  hlsVerify,
  isCipheredTag,
  isHlsMechanism,
  protectApdu,
  SC_AUTHENTICATION,
  SC_ENCRYPTION,
  securityControlFor,
  unprotectApdu,
  webRandom,
  type CipherKeys,
  type CipheringKind,
  type HlsMechanism,
  type HlsParty,
} from '../../protocols/dlms/security';
import { SimSecurityState, type SimSecurityOptions } from './security';
import { u16, u32 } from './model';
import { HdlcServer, type HdlcServerOptions } from '../../protocols/hdlc/server-session';
import type { HdlcAddress } from '../../protocols/hdlc/address';
import { WrapperServer } from '../../protocols/wrapper/server-session';
import { type SimModel, createDemoDlmsModel } from './model';
import { XdlmsHandler } from './xdlms-handler';
import { answerRlrq, HangUp, type SimAssociationQuirks, type SimHdlcQuirks } from './meter-quirks';
import type { SimListFaults } from './list-faults';
import { type ReactionSpec, withInactivity, withReaction } from '../reaction';

const LN_SERVER_CONFORMANCE: ConformanceName[] = [
  'get',
  'set',
  'action',
  'selective-access',
  'block-transfer-with-get-or-read',
  'multiple-references',
];
const SN_SERVER_CONFORMANCE: ConformanceName[] = [
  'read',
  'write',
  'parameterized-access',
  'block-transfer-with-get-or-read',
  'multiple-references',
];

export interface SimDlmsMeterOptions {
  model?: SimModel;
  /** What this meter speaks; an AARQ for the other context is refused. */
  referencing: 'LN' | 'SN';
  /** LLS password. When set, any client may associate with Low and this password. */
  lowPassword?: string;
  /** Client addresses allowed without authentication. Default [0x10] (the public client). */
  publicClients?: number[];
  /** The server's max receive PDU, announced in the AARE. Default 1024. */
  maxPdu?: number;
  /** Security material for High* levels and ciphered contexts (suites 0..2). */
  security?: SimSecurityOptions;
  /** Overrides the conformance this meter offers (e.g. without multiple-references, like older meters). */
  conformance?: ConformanceName[];
  /** HDLC-level behaviours of real meters (N(R), final bits, address sizes), used by serveHdlc. */
  hdlc?: SimHdlcQuirks;
  /** Association-level behaviours of real meters (granted conformance, release, refusals). */
  quirks?: SimAssociationQuirks;
  /** List-answer faults of real meters (cut, malformed, wrapped twice, shifted, reset): see list-faults.ts. */
  listFaults?: SimListFaults;
  /** Time the meter takes to react before every answer (fixed, or a seeded range): see sim/reaction.ts. Default 0. */
  reactionMs?: ReactionSpec;
  log?: SessionLog;
}

export type { SimAssociationQuirks, SimHdlcQuirks };

interface AssociationState {
  handler: XdlmsHandler;
  /** HLS pass 3/4 still to come: only reply_to_HLS_authentication is allowed until then. */
  pending?: { mechanism: HlsMechanism; ctos: Uint8Array; stoc: Uint8Array };
  /** Ciphered application context: every request must be ciphered. */
  ciphered: boolean;
  clientSystemTitle?: Uint8Array;
  dedicatedKey?: Uint8Array;
}

/** Diagnostics of the AARE's result-source-diagnostic (acse-service-user). */
const DIAG = { none: 0, noReason: 1, contextNotSupported: 2, mechanismNotRecognised: 11, mechanismRequired: 12, authFailure: 13 };

/**
 * A simulated DLMS/COSEM meter: associations per client (None for public clients, Low with a password),
 * the xDLMS services of XdlmsHandler on its object model, RLRQ, and the link layers to reach it with:
 * HDLC on a serial line and the TCP wrapper. It is the tests' reference server and the demo meter.
 */
export class SimDlmsMeter {
  readonly model: SimModel;
  private readonly associations = new Map<number, AssociationState>();
  /** Counters for tests and the demo's status line. */
  readonly counters = { associations: 0, rejected: 0, requests: 0, hlsFailures: 0, decipherFailures: 0 };
  /** Counters and faults of the meter's security, when configured. */
  readonly security?: SimSecurityState;

  constructor(
    private readonly clock: Clock,
    readonly opts: SimDlmsMeterOptions,
  ) {
    this.model = opts.model ?? createDemoDlmsModel();
    if (opts.security) {
      const sec = new SimSecurityState(opts.security);
      this.security = sec;
      // The frame counter object tells clients (the public one too) the last counter the meter received.
      this.model.findByObis('0.0.43.1.0.255')?.attributes.set(2, () => u32(sec.lastClientCounter));
    }
  }

  /** Open associations, by client address (tests check that nothing stays half-open). */
  get openAssociations(): number[] {
    return [...this.associations.keys()];
  }

  get offeredConformance(): number {
    return conformanceFromNames(this.opts.conformance ?? (this.opts.referencing === 'LN' ? LN_SERVER_CONFORMANCE : SN_SERVER_CONFORMANCE));
  }

  /** One APDU from `client` in, the answer out. */
  async handle(apdu: Uint8Array, client: number): Promise<Uint8Array> {
    this.counters.requests++;
    const tag = apdu[0];
    if (tag === 0x60) return this.associate(apdu, client);
    if (tag === 0x62) return this.releaseRequest(apdu, client);
    const state = this.associations.get(client);
    if (!state) return encodeApdu({ type: 'exception-response', stateError: 1, serviceError: 1 });
    if (!isCipheredTag(tag)) {
      if (state.ciphered) return encodeApdu({ type: 'exception-response', stateError: 1, serviceError: 1 });
      return state.pending ? encodeApdu(await this.hlsPass3(state, apdu, client)) : state.handler.handle(apdu);
    }
    return this.handleCiphered(state, apdu, client);
  }

  private keys(state: { dedicatedKey?: Uint8Array }): CipherKeys {
    const o = this.opts.security!;
    return {
      blockCipherKey: o.blockCipherKey ?? new Uint8Array(16),
      ...(o.authenticationKey ? { authenticationKey: o.authenticationKey } : {}),
      ...(state.dedicatedKey ? { dedicatedKey: state.dedicatedKey } : {}),
    };
  }

  /** Decipher, check the counter, serve, cipher the answer the same way (same envelope kind and protection). */
  private async handleCiphered(state: AssociationState, bytes: Uint8Array, client: number): Promise<Uint8Array> {
    const sec = this.security;
    if (!sec || !state.clientSystemTitle) return encodeApdu({ type: 'exception-response', stateError: 2, serviceError: 5 });
    let plain: Uint8Array;
    let header;
    try {
      ({ plain, header } = await unprotectApdu(bytes, state.clientSystemTitle, this.keys(state)));
    } catch {
      this.counters.decipherFailures++;
      return encodeApdu({ type: 'exception-response', stateError: 2, serviceError: 5 });
    }
    const required = securityControlFor(this.opts.security?.requiredPolicy ?? 'none', sec.suite) & (SC_AUTHENTICATION | SC_ENCRYPTION);
    if ((header.securityControl & required) !== required) return encodeApdu({ type: 'exception-response', stateError: 1, serviceError: 1 });
    if (header.invocationCounter <= sec.lastClientCounter) {
      return encodeApdu({ type: 'exception-response', stateError: 2, serviceError: 6, invocationCounter: sec.lastClientCounter + 1 });
    }
    sec.lastClientCounter = header.invocationCounter;
    const answer = state.pending ? encodeApdu(await this.hlsPass3(state, plain, client)) : state.handler.handle(plain);
    if (answer[0] === 0xd8) return answer; // exception-response has no ciphered form
    const kind: CipheringKind = header.kind;
    return protectApdu(
      { kind, securityControl: header.securityControl, invocationCounter: sec.nextOwnCounter(), systemTitle: sec.opts.systemTitle, keys: this.keys(state) },
      answer,
    );
  }

  private serverParty(state: AssociationState, mechanism: HlsMechanism): HlsParty {
    const o = this.opts.security!;
    return {
      mechanism,
      suite: this.security!.suite,
      ownSystemTitle: o.systemTitle,
      ...(state.clientSystemTitle ? { peerSystemTitle: state.clientSystemTitle } : {}),
      ...(o.hlsSecret ? { secret: o.hlsSecret } : {}),
      ...(o.blockCipherKey ? { blockCipherKey: o.blockCipherKey } : {}),
      ...(o.authenticationKey ? { authenticationKey: o.authenticationKey } : {}),
      ...(o.ecdsaPrivateKey ? { signingKey: o.ecdsaPrivateKey } : {}),
      ...(o.clientPublicKey ? { peerPublicKey: o.clientPublicKey } : {}),
    };
  }

  /**
   * HLS pass 3 (the client's f(StoC) in reply_to_HLS_authentication) and pass 4 (our f(CtoS) back). A wrong
   * answer ends the association; anything else before authentication is refused.
   */
  private async hlsPass3(state: AssociationState, plain: Uint8Array, client: number): Promise<Apdu> {
    const pending = state.pending!;
    const sec = this.security!;
    let apdu: Apdu;
    try {
      apdu = decodeApdu(plain);
    } catch {
      return { type: 'exception-response', stateError: 2, serviceError: 2 };
    }
    const ln = this.opts.referencing === 'LN';
    let proof: Uint8Array | undefined;
    if (ln && apdu.type === 'action-request-normal') {
      const m = apdu.method;
      const isReply = m.classId === 15 && m.methodId === 1 && m.obis.join('.') === '0.0.40.0.0.255';
      if (isReply && apdu.parameters?.type === 'octet-string') proof = apdu.parameters.value;
      else if (!isReply) return { type: 'action-response-normal', invokeIdAndPriority: apdu.invokeIdAndPriority, result: 3 };
    } else if (!ln && apdu.type === 'read-request' && apdu.items.length === 1) {
      const item = apdu.items[0];
      if (item.type === 'parameterized-access' && item.name === 0xfa00 + 0x20 + 8 * 7 && item.parameter.type === 'octet-string') proof = item.parameter.value;
      else return { type: 'read-response', items: [{ type: 'error', result: 3 }] };
    } else {
      return { type: 'exception-response', stateError: 1, serviceError: 1 };
    }
    const fail = (): Apdu => {
      this.counters.hlsFailures++;
      this.associations.delete(client);
      return apdu.type === 'read-request'
        ? { type: 'read-response', items: [{ type: 'error', result: 3 }] }
        : { type: 'action-response-normal', invokeIdAndPriority: (apdu as { invokeIdAndPriority: number }).invokeIdAndPriority, result: 3 };
    };
    if (!proof) return fail();
    const party = this.serverParty(state, pending.mechanism);
    try {
      const { invocationCounter } = await hlsVerify(party, proof, pending.stoc, pending.ctos);
      if (invocationCounter !== undefined) {
        if (invocationCounter <= sec.lastClientCounter && !state.ciphered) return fail();
        sec.lastClientCounter = Math.max(sec.lastClientCounter, invocationCounter);
      }
    } catch {
      return fail();
    }
    let answer = await hlsProof(party, pending.ctos, pending.stoc, pending.mechanism === 5 ? sec.nextOwnCounter() : 0);
    if (sec.corruptNextHlsAnswer) {
      sec.corruptNextHlsAnswer = false;
      answer = answer.slice();
      answer[answer.length - 1] ^= 0x5a;
    }
    delete state.pending;
    const value = { type: 'octet-string' as const, value: answer };
    if (apdu.type === 'read-request') return { type: 'read-response', items: [{ type: 'data', value }] };
    return {
      type: 'action-response-normal',
      invokeIdAndPriority: (apdu as { invokeIdAndPriority: number }).invokeIdAndPriority,
      result: 0,
      returnParameters: { type: 'data', value },
    };
  }

  /** RLRQ: see answerRlrq (meter-quirks.ts). No answer is a thrown error, as the link servers expect. */
  private async releaseRequest(apdu: Uint8Array, client: number): Promise<Uint8Array> {
    const out = await answerRlrq(apdu, {
      quirks: this.opts.quirks ?? {},
      association: this.associations.get(client),
      security: this.security,
      keys: () => this.keys({}),
      referencing: this.opts.referencing,
      maxPdu: this.opts.maxPdu ?? 1024,
    });
    if (out.decipherFailure) this.counters.decipherFailures++;
    if (out.released) this.associations.delete(client);
    if (out.hangUp) throw new HangUp('quirk: connection dropped at RLRQ');
    if (!out.answer) throw new Error('quirk: RLRQ left unanswered');
    return out.answer;
  }

  /** The association ends with the link (HDLC DISC, TCP close). */
  release(client: number): void {
    this.associations.delete(client);
  }

  private async associate(bytes: Uint8Array, client: number): Promise<Uint8Array> {
    this.associations.delete(client);
    const ln = this.opts.referencing === 'LN';
    const plainContext = ln ? APPLICATION_CONTEXT.LN : APPLICATION_CONTEXT.SN;
    const cipheredContext = ln ? APPLICATION_CONTEXT['LN-ciphered'] : APPLICATION_CONTEXT['SN-ciphered'];
    let aarq;
    try {
      aarq = decodeAarq(bytes);
    } catch {
      return this.reject(plainContext, DIAG.noReason);
    }
    const sec = this.security;
    const ciphered = aarq.applicationContextName === cipheredContext && sec !== undefined;
    const context = ciphered ? cipheredContext : plainContext;
    if (aarq.applicationContextName !== plainContext && !ciphered) return this.reject(plainContext, DIAG.contextNotSupported);
    const mechanism = aarq.mechanismName ? mechanismIdOf(aarq.mechanismName) : MECHANISM.none;
    if (mechanism === undefined) return this.reject(context, DIAG.mechanismNotRecognised);
    const clientSystemTitle = aarq.callingApTitle;
    if ((ciphered || mechanism === 5 || mechanism === 6 || mechanism === 7) && clientSystemTitle?.length !== 8) {
      return this.reject(context, DIAG.noReason);
    }
    let pending: AssociationState['pending'];
    if (mechanism === MECHANISM.none) {
      if (!(this.opts.publicClients ?? [0x10]).includes(client)) return this.reject(context, DIAG.mechanismRequired);
    } else if (mechanism === MECHANISM.low) {
      const given = aarq.callingAuthenticationValue ? new TextDecoder().decode(aarq.callingAuthenticationValue) : '';
      if (this.opts.lowPassword === undefined || given !== this.opts.lowPassword) return this.reject(context, this.opts.quirks?.authFailureDiagnostic ?? DIAG.authFailure);
    } else if (isHlsMechanism(mechanism) && sec && this.canDoHls(mechanism)) {
      const ctos = aarq.callingAuthenticationValue;
      if (!ctos || ctos.length < 8 || ctos.length > 64) return this.reject(context, DIAG.authFailure);
      pending = { mechanism, ctos, stoc: (sec.opts.random ?? webRandom)(challengeLength(mechanism)) };
    } else {
      return this.reject(context, DIAG.mechanismNotRecognised);
    }
    let init: InitiateRequest | undefined;
    let initSc = 0x30;
    if (ciphered) {
      // glo-initiate-request under the global key; a request that does not decipher is an authentication failure.
      const ui = aarq.userInformation;
      if (ui?.type !== 'raw') return this.reject(context, DIAG.noReason);
      try {
        const { plain, header } = await unprotectApdu(ui.bytes, clientSystemTitle, this.keys({}));
        if (header.invocationCounter <= sec.lastClientCounter || plain[0] !== INITIATE_REQUEST_TAG) return this.reject(context, DIAG.authFailure);
        sec.lastClientCounter = header.invocationCounter;
        init = decodeInitiateRequest(plain);
        initSc = header.securityControl;
      } catch {
        this.counters.decipherFailures++;
        return this.reject(context, DIAG.authFailure);
      }
    } else {
      init = aarq.userInformation?.type === 'initiate-request' ? aarq.userInformation.value : undefined;
    }
    if (!init) return this.reject(context, DIAG.noReason);
    // A meter that grants its whole set (over-grants) does not make those services usable: the client must
    // keep to what it proposed.
    const negotiated = this.opts.quirks?.overGrantConformance ? this.offeredConformance : init.proposedConformance & this.offeredConformance;
    const clientMaxPdu = init.clientMaxReceivePduSize === 0 ? 0xffff : init.clientMaxReceivePduSize;
    const multiple = (negotiated & conformanceFromNames(['multiple-references'])) !== 0;
    const state: AssociationState = {
      handler: new XdlmsHandler(this.model, {
        referencing: this.opts.referencing,
        clientMaxPdu: () => clientMaxPdu,
        multipleReferences: () => multiple,
        now: () => this.clock.wallTime(),
        serverMaxPdu: this.opts.maxPdu ?? 1024,
        ...(this.opts.listFaults ? { listFaults: this.opts.listFaults } : {}),
        ...(this.opts.quirks?.duplicateLastBlock ? { duplicateLastBlock: true } : {}),
        onReset: () => {
          this.associations.delete(client);
          throw new HangUp('list fault: connection reset');
        },
      }),
      ciphered,
      ...(clientSystemTitle ? { clientSystemTitle } : {}),
      ...(init.dedicatedKey ? { dedicatedKey: init.dedicatedKey } : {}),
      ...(pending ? { pending } : {}),
    };
    this.associations.set(client, state);
    this.counters.associations++;
    const response = {
      negotiatedDlmsVersion: 6,
      negotiatedConformance: negotiated,
      serverMaxReceivePduSize: this.opts.maxPdu ?? 1024,
      vaaName: ln ? 0x0007 : 0xfa00,
    };
    const aare: Aare = {
      applicationContextName: context,
      result: 0,
      diagnostic: { source: 'user', value: pending ? 14 : DIAG.none },
      userInformation: { type: 'initiate-response', value: response },
    };
    if (sec && (ciphered || pending)) aare.respondingApTitle = sec.opts.systemTitle;
    if (pending) {
      aare.authentication = true;
      aare.mechanismName = aarq.mechanismName!;
      aare.respondingAuthenticationValue = pending.stoc;
    }
    if (ciphered) {
      const bytesOut = await protectApdu(
        { kind: 'glo', securityControl: initSc, invocationCounter: sec.nextOwnCounter(), systemTitle: sec.opts.systemTitle, keys: this.keys(state) },
        encodeInitiateResponse(response),
      );
      aare.userInformation = { type: 'raw', bytes: bytesOut };
    }
    return encodeAare(aare);
  }

  private canDoHls(mechanism: HlsMechanism): boolean {
    const o = this.opts.security!;
    if (mechanism === 5) return o.blockCipherKey !== undefined && o.authenticationKey !== undefined;
    if (mechanism === 7) return o.ecdsaPrivateKey !== undefined && o.clientPublicKey !== undefined && (this.security!.suite === 1 || this.security!.suite === 2);
    return o.hlsSecret !== undefined;
  }

  private reject(context: string, diagnostic: number): Uint8Array {
    this.counters.rejected++;
    return encodeAare({ applicationContextName: context, result: 1, diagnostic: { source: 'user', value: diagnostic } });
  }

  private async handleOrHangUp(link: Link, apdu: Uint8Array, client: number): Promise<Uint8Array> {
    try {
      return await this.handle(apdu, client);
    } catch (e) {
      if (e instanceof HangUp) await link.close();
      throw e;
    }
  }

  /** The meter's end of the line, answering after its reaction time when it has one. */
  private reacting(link: Link): Link {
    const r = this.opts.reactionMs;
    return r === undefined || r === 0 ? link : withReaction(link, this.clock, r);
  }

  /** Serve HDLC on a line until it is lost or `signal` aborts. */
  serveHdlc(
    link: Link,
    /** `inactivityTimeoutMs`: the meter drops the HDLC connection after this long without a byte (issue 16). */
    opts: { address: HdlcAddress; inactivityTimeoutMs?: number } & Partial<Omit<HdlcServerOptions, 'handler' | 'address'>>,
    signal?: AbortSignal,
  ): { server: HdlcServer; done: Promise<void> } {
    const { inactivityTimeoutMs, ...serverOpts } = opts;
    link = this.reacting(link);
    let stopTimer = (): void => undefined;
    if (inactivityTimeoutMs !== undefined) {
      // The HDLC setup object tells clients the same timeout (inactivity_time_out, seconds).
      this.model.findByObis('0.0.22.0.0.255')?.attributes.set(8, u16(Math.min(0xffff, Math.round(inactivityTimeoutMs / 1000))));
      const watched = withInactivity(link, this.clock, inactivityTimeoutMs, () => server.reset());
      link = watched.link;
      stopTimer = watched.cancel;
    }
    const server: HdlcServer = new HdlcServer(link, this.clock, {
      ...this.opts.hdlc,
      ...serverOpts,
      handler: async (apdu, ctx) => this.handleOrHangUp(link, apdu, ctx.client.value),
      onDisconnect: (client) => {
        this.release(client.value);
        opts.onDisconnect?.(client);
      },
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
    return { server, done: server.serve(signal).finally(stopTimer) };
  }

  /** Serve the TCP wrapper on a stream until it is lost or `signal` aborts. */
  serveWrapper(
    link: Link,
    opts: { wPorts?: number[]; onBeforeSend?: (frame: Uint8Array) => Uint8Array | null } = {},
    signal?: AbortSignal,
  ): { server: WrapperServer; done: Promise<void> } {
    link = this.reacting(link);
    const clients = new Set<number>();
    const server = new WrapperServer(link, this.clock, {
      ...opts,
      handler: async (apdu, ctx) => {
        clients.add(ctx.source);
        return this.handleOrHangUp(link, apdu, ctx.source);
      },
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
    const done = server.serve(signal).finally(() => {
      for (const c of clients) this.release(c);
    });
    return { server, done };
  }
}
