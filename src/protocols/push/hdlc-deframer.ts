import { ProtocolError } from '../../core/errors';
import { decodeFrame, FLAG, MAX_FRAME_LENGTH } from '../hdlc/frame';
import { type Deframer, type LinkOutput, StreamBuffer } from './link-frames';

/**
 * HDLC frames pushed without a session (IEC 62056-46 frame format type 3, no SNRM): UI frames
 * (Kamstrup, control 0x13) and I frames (Kaifa, control 0x10) alike. The length field delimits a frame
 * (no byte stuffing); a frame whose closing flag is missing is line noise, skipped byte by byte. Frames
 * with the segmentation bit are joined until the frame without it; the LLC header (E6 E7 00, or the
 * request form some meters use) is taken off the joined information field.
 */

/** Longest joined APDU we keep (a HAN list is a few hundred bytes; P1 lists about 1 KiB). */
export const MAX_PUSH_APDU = 16 * 1024;

export class HdlcDeframer implements Deframer {
  private readonly rx = new StreamBuffer();
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private partFrames = 0;
  private partWire = 0;
  skipped = 0;

  push(chunk: Uint8Array): LinkOutput[] {
    this.rx.append(chunk);
    const out: LinkOutput[] = [];
    this.scan(out);
    return out;
  }

  /** Takes every whole frame off the buffer; stops at a frame start still waiting for its bytes. */
  private scan(out: LinkOutput[]): void {
    const rx = this.rx;
    for (;;) {
      let i = 0;
      while (i < rx.length && rx.at(i) !== FLAG) i++;
      this.skip(i);
      // A run of flags: the last one opens the frame.
      while (rx.length >= 2 && rx.at(1) === FLAG) this.skip(1);
      if (rx.length < 3) break;
      const f0 = rx.at(1);
      const length = ((f0 & 0x07) << 8) | rx.at(2);
      if (f0 >>> 4 !== 0xa || length < 7 || length > MAX_FRAME_LENGTH) {
        this.skip(1);
        continue;
      }
      if (rx.length < length + 2) break;
      if (rx.at(length + 1) !== FLAG) {
        this.skip(1);
        continue;
      }
      const raw = rx.view(0, length + 2).slice();
      const end = rx.offset + length + 1;
      // Keep the closing flag: it may open a back-to-back frame.
      rx.consume(length + 1);
      this.frame(raw, end, out);
    }
  }

  /**
   * No more bytes are coming for now: a frame start still waiting was noise (skip it and look again
   * behind it, so real frames queued after a false start are kept), then a half-received message is
   * dropped.
   */
  flush(): LinkOutput[] {
    const out: LinkOutput[] = [];
    for (;;) {
      this.scan(out);
      if (this.rx.length === 0) break;
      this.skip(1);
    }
    if (this.parts.length > 0) out.push(this.dropPartial('The push stopped in the middle of a segmented HDLC message.', this.rx.offset));
    return out;
  }

  private skip(n: number): void {
    if (n <= 0) return;
    this.skipped += n;
    this.rx.consume(n);
  }

  private frame(raw: Uint8Array, end: number, out: LinkOutput[]): void {
    let f;
    try {
      f = decodeFrame(raw);
    } catch (e) {
      const err = e instanceof ProtocolError ? e : new ProtocolError('FRAMING', String(e));
      // A damaged frame also ends the message it belonged to: one refusal covers both.
      const lost = this.partWire;
      this.parts = [];
      this.partBytes = this.partFrames = this.partWire = 0;
      out.push({ kind: 'bad', reason: err.code === 'CHECKSUM' ? 'crc' : 'frame', error: err, bytes: raw.length + lost, frames: 1, end });
      return;
    }
    if (f.type !== 'I' && f.type !== 'UI') {
      out.push({ kind: 'bad', reason: 'frame', error: new ProtocolError('FRAMING', `An HDLC ${f.type} frame on a push port.`, { frame: raw }), bytes: raw.length, frames: 1, end });
      return;
    }
    if (this.partBytes + f.info.length > MAX_PUSH_APDU) {
      this.parts = [];
      this.partBytes = this.partFrames = this.partWire = 0;
      out.push({ kind: 'bad', reason: 'frame', error: new ProtocolError('LENGTH', `A pushed message longer than ${MAX_PUSH_APDU} bytes.`), bytes: raw.length, frames: 1, end });
      return;
    }
    // Meters put the LLC header only in a message's first segment: a later segment that starts with one
    // is a new message, and the one being joined lost its end.
    if (this.parts.length > 0 && hasLlcHeader(f.info)) out.push(this.dropPartial('A new HDLC message began before the last one ended.', end - raw.length + 1));
    this.parts.push(f.info);
    this.partBytes += f.info.length;
    this.partFrames++;
    this.partWire += raw.length;
    if (f.segmented) return;
    const joined = new Uint8Array(this.partBytes);
    let p = 0;
    for (const part of this.parts) {
      joined.set(part, p);
      p += part.length;
    }
    const frames = this.partFrames;
    const bytes = this.partWire;
    this.parts = [];
    this.partBytes = this.partFrames = this.partWire = 0;
    out.push({ kind: 'apdu', apdu: stripLlcHeader(joined), bytes, frames, end });
  }

  private dropPartial(why: string, end: number): LinkOutput {
    const o: LinkOutput = { kind: 'bad', reason: 'frame', error: new ProtocolError('FRAMING', why), bytes: this.partWire, frames: 0, end };
    this.parts = [];
    this.partBytes = this.partFrames = this.partWire = 0;
    return o;
  }
}

/** E6 E7 00 (response) is what meters send; E6 E6 00 appears on some P1 ports. Absent on others. */
export function stripLlcHeader(info: Uint8Array): Uint8Array {
  return hasLlcHeader(info) ? info.subarray(3) : info;
}

function hasLlcHeader(info: Uint8Array): boolean {
  return info.length >= 3 && info[0] === 0xe6 && (info[1] === 0xe7 || info[1] === 0xe6) && info[2] === 0x00;
}
