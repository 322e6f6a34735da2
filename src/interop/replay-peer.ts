import { concatBytes } from '../core/bytes';
import { MeterError } from '../core/errors';
import { LINE_9600_8N1, type Link } from '../core/link';
import { HdlcFrameExtractor } from '../protocols/hdlc/extractor';
import { decodeFrame, encodeFrame, type HdlcFrame } from '../protocols/hdlc/frame';
import type { HdlcAddress } from '../protocols/hdlc/address';
import { LLC_RESPONSE } from '../protocols/hdlc/llc';
import { WrapperExtractor, encodeWrapper } from '../protocols/wrapper/codec';
import { ReplayResponder } from './replay-responder';
import type { ReplayScript } from './replay-script';
import type { CipherKeys } from '../protocols/dlms/security/protect';

/**
 * A DLMS/COSEM server for our tests made of another stack's recorded answers (../shared/fixtures/
 * dlms-peer): it sits on the far end of a memory wire and answers our client with the recorded server
 * APDUs, matched by the request's content, in the recorded HDLC segmentation, with fresh N(S)/N(R),
 * FCS, addresses and invoke ids (ReplayResponder does the APDU part). It is strict about the client:
 * every frame check, sequence number, LLC header, proof and ciphered tag is checked and any deviation
 * is listed in `violations`, which a test expects to stay empty.
 */

export interface ReplayPeerOptions {
  script: ReplayScript;
  keys?: CipherKeys;
  /** Secrets the recorded server holds (README): the Low password, the High secret. */
  lowPassword?: string;
  highSecret?: string;
  /** Fault hook on every HDLC frame the peer sends (n counts from 1): return null to lose it on the line. */
  onBeforeSend?: (frame: Uint8Array, n: number) => Uint8Array | null;
}

/** How long the peer waits on a silent line before looking again (the client decides when to stop). */
const IDLE_MS = 60_000;

export class ReplayPeer {
  /** Everything the client did that a strict server would not accept. */
  readonly violations: string[] = [];
  readonly responder: ReplayResponder;
  /** Frames the peer received and sent, for round-trip counts. */
  readonly stats = { framesIn: 0, framesOut: 0, apdusIn: 0, snrm: 0, disc: 0, resent: 0 };
  /** The sizes the client wrote the server address in (the WCC Lite default is 1 byte). */
  readonly addressSizes = new Set<number>();

  constructor(private readonly opts: ReplayPeerOptions) {
    this.responder = new ReplayResponder(opts.script, {
      ...(opts.keys ? { keys: opts.keys } : {}),
      ...(opts.lowPassword ? { lowPassword: opts.lowPassword } : {}),
      ...(opts.highSecret ? { highSecret: opts.highSecret } : {}),
      violation: (text) => this.violations.push(text),
    });
  }

  /** Serve HDLC until the link is lost or closed. */
  async serveHdlc(link: Link): Promise<void> {
    const script = this.opts.script;
    const extractor = new HdlcFrameExtractor();
    let connected = false;
    let vs = 0;
    let vr = 0;
    let inbound: Uint8Array[] = [];
    let outbound: { info: Uint8Array; last: boolean }[] = [];
    const serverValue = script.serverAddressValue ?? 1;
    // The recorded server answers from its 1-byte address whatever size the client wrote.
    const own: HdlcAddress = { value: serverValue, size: 1 };

    // The last I-frame sent, kept until the client acknowledges it: it goes again when the client
    // shows it never arrived (an RR that does not acknowledge it, or the client's request repeated).
    let unacked: Parameters<typeof encodeFrame>[0] | undefined;
    const send = async (f: Parameters<typeof encodeFrame>[0]) => {
      this.stats.framesOut++;
      const bytes = this.opts.onBeforeSend ? this.opts.onBeforeSend(encodeFrame(f), this.stats.framesOut) : encodeFrame(f);
      if (bytes) await link.write(bytes);
    };
    const sendNextSegment = async (client: HdlcAddress) => {
      const seg = outbound.shift();
      if (!seg) return;
      unacked = { type: 'I', pf: true, ns: vs, nr: vr, dest: client, src: own, segmented: !seg.last, info: seg.info };
      await send(unacked);
      vs = (vs + 1) & 7;
    };
    const resend = async () => {
      if (!unacked) return false;
      this.stats.resent++;
      await send({ ...unacked, nr: vr });
      return true;
    };

    for (;;) {
      const chunk = await readUnlessGone(link);
      if (!chunk) return;
      for (const raw of extractor.push(chunk)) {
        let f: HdlcFrame;
        try {
          f = decodeFrame(raw);
        } catch (e) {
          this.violations.push(`HDLC frame refused: ${e instanceof Error ? e.message : String(e)}`);
          continue;
        }
        this.stats.framesIn++;
        this.addressSizes.add(f.dest.size);
        if (!isServer(f.dest, serverValue)) {
          // A real meter keeps silent for frames addressed elsewhere.
          this.violations.push(`frame for server address ${f.dest.value} (size ${f.dest.size})`);
          continue;
        }
        const client = f.src;
        switch (f.type) {
          case 'SNRM':
            this.stats.snrm++;
            connected = true;
            vs = vr = 0;
            inbound = [];
            outbound = [];
            unacked = undefined;
            await send({ type: 'UA', pf: true, dest: client, src: own, ...(script.snrmUa ? { info: script.snrmUa } : {}) });
            break;
          case 'DISC':
            this.stats.disc++;
            await send({ type: connected ? 'UA' : 'DM', pf: true, dest: client, src: own, ...(connected && script.discUa ? { info: script.discUa } : {}) });
            connected = false;
            break;
          case 'RR':
            if (!connected) break;
            if (f.nr === ((vs + 7) & 7) && (await resend())) break;
            if (f.nr !== vs) this.violations.push(`RR N(R)=${f.nr}, expected ${vs}`);
            unacked = undefined;
            if (outbound.length > 0) await sendNextSegment(client);
            else await send({ type: 'RR', pf: true, nr: vr, dest: client, src: own });
            break;
          case 'I': {
            if (!connected) {
              await send({ type: 'DM', pf: true, dest: client, src: own });
              break;
            }
            // The client repeats its request: our answer to it was lost on the way.
            if (f.ns === ((vr + 7) & 7) && inbound.length === 0 && (await resend())) break;
            if (f.ns !== vr) this.violations.push(`I-frame N(S)=${f.ns}, expected ${vr}`);
            if (f.nr !== vs) this.violations.push(`I-frame N(R)=${f.nr}, expected ${vs}`);
            unacked = undefined;
            vr = (vr + 1) & 7;
            inbound.push(f.info);
            if (f.segmented) {
              await send({ type: 'RR', pf: true, nr: vr, dest: client, src: own });
              break;
            }
            const info = concatBytes(inbound);
            inbound = [];
            if (info.length < 3 || info[0] !== 0xe6 || info[1] !== 0xe6 || info[2] !== 0x00) {
              this.violations.push('I-frame without the LLC request header E6 E6 00');
              break;
            }
            this.stats.apdusIn++;
            const answer = await this.responder.answer(info.subarray(3), `hdlc:${client.value}`);
            if (!answer) break;
            outbound = split(concatBytes([LLC_RESPONSE, answer.apdu]), answer.segments);
            await sendNextSegment(client);
            break;
          }
          default:
            this.violations.push(`unexpected ${f.type} frame`);
        }
      }
    }
  }

  /** Serve the TCP wrapper until the link is lost or closed. */
  async serveWrapper(link: Link): Promise<void> {
    const extractor = new WrapperExtractor();
    for (;;) {
      const chunk = await readUnlessGone(link);
      if (!chunk) return;
      for (const frame of extractor.push(chunk)) {
        this.stats.framesIn++;
        this.stats.apdusIn++;
        const answer = await this.responder.answer(frame.apdu, `wrapper:${frame.source}`);
        if (!answer) continue;
        this.stats.framesOut++;
        await link.write(encodeWrapper({ source: frame.destination, destination: frame.source, apdu: answer.apdu }));
      }
      if (extractor.error) {
        this.violations.push(`wrapper stream refused: ${extractor.error.message}`);
        return;
      }
    }
  }

  /**
   * IEC 62056-21 mode E as the recorded server does it (mode-e-handshake.txt): answer the sign-on with
   * the recorded identification (no `\2` marker), echo the ACK back, then HDLC at the agreed rate.
   */
  async serveModeE(link: Link, handshake: { identification: Uint8Array; baudRate: number }): Promise<void> {
    let text = '';
    const readLine = async (): Promise<string> => {
      for (;;) {
        const end = text.indexOf('\r\n');
        if (end >= 0) {
          const line = text.slice(0, end + 2);
          text = text.slice(end + 2);
          return line;
        }
        const chunk = await link.read(IDLE_MS);
        text += String.fromCharCode(...chunk);
      }
    };
    try {
      const signOn = await readLine();
      if (!/^\/\?[0-9A-Za-z ]*!\r\n$/.test(signOn.replace(/^[^/]*/, ''))) this.violations.push(`sign-on ${JSON.stringify(signOn)}`);
      await link.write(handshake.identification);
      const ack = await readLine();
      const m = /\x06([0-9])([0-9])([0-9])\r\n$/.exec(ack);
      if (!m || m[1] !== '2' || m[3] !== '2') {
        this.violations.push(`mode E ACK expected, got ${JSON.stringify(ack)}`);
        return;
      }
      // The recorded server echoes the ACK, as an optical head would.
      await link.write(Uint8Array.from(ack, (c) => c.charCodeAt(0)));
      await link.setLine({ ...LINE_9600_8N1, baudRate: handshake.baudRate });
    } catch (e) {
      if (e instanceof MeterError && (e.code === 'PORT_LOST' || e.code === 'CANCELLED')) return;
      throw e;
    }
    await this.serveHdlc(link);
  }
}

/** True when `a` is the server's address, in whatever size the client wrote it (physical part, logical 0). */
function isServer(a: HdlcAddress, physical: number): boolean {
  if (a.size === 1) return a.value === physical;
  const shift = a.size === 2 ? 7 : 14;
  return a.value >>> shift === 0 && (a.value & ((1 << shift) - 1)) === physical;
}


/** The next bytes from the client; undefined once the link is lost or closed (serving ends then). */
async function readUnlessGone(link: Link): Promise<Uint8Array | undefined> {
  try {
    return await link.read(IDLE_MS);
  } catch (e) {
    if (e instanceof MeterError && (e.code === 'PORT_LOST' || e.code === 'CANCELLED')) return undefined;
    throw e;
  }
}

/** Cut `bytes` the way the recorded server cut that answer; 128-byte pieces when it has no record. */
function split(bytes: Uint8Array, sizes: number[]): { info: Uint8Array; last: boolean }[] {
  const out: { info: Uint8Array; last: boolean }[] = [];
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const n = sizes[i++] ?? 128;
    const end = Math.min(bytes.length, at + n);
    out.push({ info: bytes.subarray(at, end), last: end === bytes.length });
    at = end;
  }
  return out;
}
