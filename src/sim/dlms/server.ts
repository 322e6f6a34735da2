import type { Clock } from '../../core/clock';
import type { Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import {
  APPLICATION_CONTEXT,
  MECHANISM,
  conformanceFromNames,
  decodeAarq,
  decodeRlrq,
  encodeAare,
  encodeRlre,
  mechanismIdOf,
  type Aare,
  type ConformanceName,
} from '../../protocols/dlms/acse';
import { encodeApdu } from '../../protocols/dlms/apdu';
import { HdlcServer, type HdlcServerOptions } from '../../protocols/hdlc/server-session';
import type { HdlcAddress } from '../../protocols/hdlc/address';
import { WrapperServer } from '../../protocols/wrapper/server-session';
import { type SimModel, createDemoDlmsModel } from './model';
import { XdlmsHandler } from './xdlms-handler';

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
  /** Overrides the conformance this meter offers (e.g. without multiple-references, like older meters). */
  conformance?: ConformanceName[];
  log?: SessionLog;
}

interface AssociationState {
  handler: XdlmsHandler;
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
  readonly counters = { associations: 0, rejected: 0, requests: 0 };

  constructor(
    private readonly clock: Clock,
    readonly opts: SimDlmsMeterOptions,
  ) {
    this.model = opts.model ?? createDemoDlmsModel();
  }

  get offeredConformance(): number {
    return conformanceFromNames(this.opts.conformance ?? (this.opts.referencing === 'LN' ? LN_SERVER_CONFORMANCE : SN_SERVER_CONFORMANCE));
  }

  /** One APDU from `client` in, the answer out. */
  handle(apdu: Uint8Array, client: number): Uint8Array {
    this.counters.requests++;
    const tag = apdu[0];
    if (tag === 0x60) return this.associate(apdu, client);
    if (tag === 0x62) {
      decodeRlrq(apdu);
      this.associations.delete(client);
      return encodeRlre({ reason: 0 });
    }
    const state = this.associations.get(client);
    if (!state) return encodeApdu({ type: 'exception-response', stateError: 1, serviceError: 1 });
    return state.handler.handle(apdu);
  }

  /** The association ends with the link (HDLC DISC, TCP close). */
  release(client: number): void {
    this.associations.delete(client);
  }

  private associate(bytes: Uint8Array, client: number): Uint8Array {
    const context = this.opts.referencing === 'LN' ? APPLICATION_CONTEXT.LN : APPLICATION_CONTEXT.SN;
    let aarq;
    try {
      aarq = decodeAarq(bytes);
    } catch {
      return this.reject(context, DIAG.noReason);
    }
    if (aarq.applicationContextName !== context) return this.reject(context, DIAG.contextNotSupported);
    const mechanism = aarq.mechanismName ? mechanismIdOf(aarq.mechanismName) : MECHANISM.none;
    if (mechanism === undefined) return this.reject(context, DIAG.mechanismNotRecognised);
    if (mechanism === MECHANISM.none) {
      if (!(this.opts.publicClients ?? [0x10]).includes(client)) return this.reject(context, DIAG.mechanismRequired);
    } else if (mechanism === MECHANISM.low) {
      const given = aarq.callingAuthenticationValue ? new TextDecoder().decode(aarq.callingAuthenticationValue) : '';
      if (this.opts.lowPassword === undefined || given !== this.opts.lowPassword) return this.reject(context, DIAG.authFailure);
    } else {
      return this.reject(context, DIAG.mechanismNotRecognised);
    }
    const init = aarq.userInformation?.type === 'initiate-request' ? aarq.userInformation.value : undefined;
    if (!init) return this.reject(context, DIAG.noReason);
    const negotiated = init.proposedConformance & this.offeredConformance;
    const clientMaxPdu = init.clientMaxReceivePduSize === 0 ? 0xffff : init.clientMaxReceivePduSize;
    const multiple = (negotiated & conformanceFromNames(['multiple-references'])) !== 0;
    this.associations.set(client, {
      handler: new XdlmsHandler(this.model, {
        referencing: this.opts.referencing,
        clientMaxPdu: () => clientMaxPdu,
        multipleReferences: () => multiple,
        now: () => this.clock.wallTime(),
      }),
    });
    this.counters.associations++;
    const aare: Aare = {
      applicationContextName: context,
      result: 0,
      diagnostic: { source: 'user', value: DIAG.none },
      userInformation: {
        type: 'initiate-response',
        value: {
          negotiatedDlmsVersion: 6,
          negotiatedConformance: negotiated,
          serverMaxReceivePduSize: this.opts.maxPdu ?? 1024,
          vaaName: this.opts.referencing === 'LN' ? 0x0007 : 0xfa00,
        },
      },
    };
    return encodeAare(aare);
  }

  private reject(context: string, diagnostic: number): Uint8Array {
    this.counters.rejected++;
    return encodeAare({ applicationContextName: context, result: 1, diagnostic: { source: 'user', value: diagnostic } });
  }

  /** Serve HDLC on a line until it is lost or `signal` aborts. */
  serveHdlc(
    link: Link,
    opts: { address: HdlcAddress } & Partial<Omit<HdlcServerOptions, 'handler' | 'address'>>,
    signal?: AbortSignal,
  ): { server: HdlcServer; done: Promise<void> } {
    const server = new HdlcServer(link, this.clock, {
      ...opts,
      handler: async (apdu, ctx) => this.handle(apdu, ctx.client.value),
      onDisconnect: (client) => {
        this.release(client.value);
        opts.onDisconnect?.(client);
      },
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
    return { server, done: server.serve(signal) };
  }

  /** Serve the TCP wrapper on a stream until it is lost or `signal` aborts. */
  serveWrapper(
    link: Link,
    opts: { wPorts?: number[]; onBeforeSend?: (frame: Uint8Array) => Uint8Array | null } = {},
    signal?: AbortSignal,
  ): { server: WrapperServer; done: Promise<void> } {
    const clients = new Set<number>();
    const server = new WrapperServer(link, this.clock, {
      ...opts,
      handler: async (apdu, ctx) => {
        clients.add(ctx.source);
        return this.handle(apdu, ctx.source);
      },
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
    const done = server.serve(signal).finally(() => {
      for (const c of clients) this.release(c);
    });
    return { server, done };
  }
}
