import { concatBytes } from '../core/bytes';
import { ProtocolError, isMeterError } from '../core/errors';
import { decodeFrame, type HdlcFrame } from '../protocols/hdlc/frame';
import { stripLlc } from '../protocols/hdlc/llc';
import { decodeWrapper } from '../protocols/wrapper/codec';
import { decodeApdu } from '../protocols/dlms/apdu/apdu';
import type { Apdu } from '../protocols/dlms/apdu/types';
import { decodeAare, type Aare } from '../protocols/dlms/acse/aare';
import { decodeAarq, type Aarq } from '../protocols/dlms/acse/aarq';
import { decodeRlre, decodeRlrq, type ReleaseMessage } from '../protocols/dlms/acse/release';
import { decodeDataExact } from '../protocols/dlms/axdr/data';
import type { DlmsData } from '../protocols/dlms/axdr/types';
import { isCipheredTag } from '../protocols/dlms/security/ciphered-apdu';
import { unprotectApdu, type CipherKeys } from '../protocols/dlms/security/protect';
import type { Direction, Recording } from './recording';

/**
 * Decodes every message of a recorded session with our own codecs, as the decoding oracle: HDLC frames
 * (FCS/HCS checked, segments reassembled, LLC stripped) or wrapper frames, then the APDU: AARQ/AARE,
 * RLRQ/RLRE, xDLMS (ciphered ones deciphered and their GCM tags checked with the given keys), and GET
 * answers sent in blocks put back together and decoded as one Data value.
 *
 * Nothing is thrown for one bad message: each comes back with its typed error, so a test can show
 * every disagreement at once.
 */

export type DecodedApdu =
  | { kind: 'aarq'; value: Aarq }
  | { kind: 'aare'; value: Aare }
  | { kind: 'rlrq'; value: ReleaseMessage }
  | { kind: 'rlre'; value: ReleaseMessage }
  | { kind: 'xdlms'; value: Apdu; ciphered: boolean };

export interface DecodedMessage {
  dir: Direction;
  /** Line of the recording the message (or its last segment) came from. */
  line: number;
  /** HDLC frames of this message; empty on the wrapper. */
  frames: HdlcFrame[];
  /** The APDU once complete (the last segment carries it); undefined for frames without one. */
  apdu?: DecodedApdu;
  /** The plain APDU bytes (deciphered when it came ciphered). */
  plain?: Uint8Array;
  /** A GET answer's Data, whole (after the last block for block transfer). */
  data?: DlmsData;
  error?: ProtocolError;
}

export interface DecodeOptions {
  /** Keys of a ciphered association (both sides share them: global keys). */
  keys?: CipherKeys;
  /** The client's system title (the server's comes from the AARE). */
  clientSystemTitle?: Uint8Array;
}

interface Side {
  segments: Uint8Array[];
  frames: HdlcFrame[];
  blocks: Uint8Array[];
}

/** The system title a ciphered APDU from `dir` was made with. */
function senderTitle(dir: Direction, opts: DecodeOptions, serverTitle: Uint8Array | undefined): Uint8Array | undefined {
  return dir === 'tx' ? opts.clientSystemTitle : serverTitle;
}

export async function decodeRecordedSession(rec: Recording, opts: DecodeOptions = {}): Promise<DecodedMessage[]> {
  const out: DecodedMessage[] = [];
  const sides: Record<Direction, Side> = { tx: { segments: [], frames: [], blocks: [] }, rx: { segments: [], frames: [], blocks: [] } };
  let serverTitle: Uint8Array | undefined;

  for (const m of rec.messages) {
    const side = sides[m.dir];
    const msg: DecodedMessage = { dir: m.dir, line: m.line, frames: [] };
    out.push(msg);
    try {
      let apduBytes: Uint8Array | undefined;
      if (rec.link === 'hdlc') {
        const frame = decodeFrame(m.bytes);
        side.frames.push(frame);
        if (frame.type === 'I' || frame.type === 'UI') {
          side.segments.push(frame.info);
          if (!frame.segmented) {
            apduBytes = stripLlc(concatBytes(side.segments), m.dir === 'tx' ? 'request' : 'response', true);
            side.segments = [];
          }
        }
        msg.frames = side.frames;
        if (!frame.segmented) side.frames = [];
      } else if (rec.link === 'wrapper') {
        apduBytes = decodeWrapper(m.bytes).apdu;
      } else {
        continue;
      }
      if (!apduBytes) continue;

      let plain = apduBytes;
      let ciphered = false;
      if (isCipheredTag(apduBytes[0])) {
        if (!opts.keys) throw new ProtocolError('PROTOCOL', 'A ciphered APDU, and no keys to decipher it.');
        plain = (await unprotectApdu(apduBytes, senderTitle(m.dir, opts, serverTitle), opts.keys)).plain;
        ciphered = true;
      }
      msg.plain = plain;
      switch (plain[0]) {
        case 0x60:
          msg.apdu = { kind: 'aarq', value: decodeAarq(plain) };
          break;
        case 0x61: {
          const aare = decodeAare(plain);
          serverTitle = aare.respondingApTitle;
          msg.apdu = { kind: 'aare', value: aare };
          break;
        }
        case 0x62:
          msg.apdu = { kind: 'rlrq', value: decodeRlrq(plain) };
          break;
        case 0x63:
          msg.apdu = { kind: 'rlre', value: decodeRlre(plain) };
          break;
        default: {
          const apdu = decodeApdu(plain);
          msg.apdu = { kind: 'xdlms', value: apdu, ciphered };
          if (apdu.type === 'get-response-normal' && apdu.result.type === 'data') msg.data = apdu.result.value;
          if (apdu.type === 'get-response-with-datablock') {
            if (apdu.result.type === 'error') {
              side.blocks = [];
            } else {
              side.blocks.push(apdu.result.bytes);
              if (apdu.lastBlock) {
                const whole = concatBytes(side.blocks);
                side.blocks = [];
                msg.data = decodeDataExact(whole);
              }
            }
          }
        }
      }
    } catch (e) {
      // Typed faults are the answer; anything else is a bug in a codec and must surface.
      if (e instanceof ProtocolError) msg.error = e;
      else if (isMeterError(e)) msg.error = new ProtocolError(e.code, e.message);
      else throw e;
    }
  }
  return out;
}
