import { ProtocolError } from '../../core/errors';
import { MAX_PUSH_APDU } from './hdlc-deframer';
import { type Deframer, type LinkOutput, StreamBuffer } from './link-frames';

/**
 * Wired M-Bus long frames (EN 13757-2: 68 L L 68 C A CI data CS 16, L counting C..data, CS their sum
 * mod 256) carrying DLMS/COSEM through the M-Bus DLMS transport layer (the "wired M-Bus" communication
 * profile of IEC 62056-7-6, used on Austrian customer ports): CI 0x00..0x1F, low nibble the segment's
 * sequence number, 0x10 set on the last segment; each segment's data starts with the source and
 * destination transport SAPs (e.g. 01 67), then a piece of the APDU. A message whose first segment
 * we missed (the port opened mid-message) is one 'frame' refusal, then we are in step.
 * Fact source: the worked example in fneur/smart-meter-tirol doc/EXAMPLE.md (two segments, CI 00 and 11).
 */

const START = 0x68;
const STOP = 0x16;
const LAST_SEGMENT = 0x10;

export class MbusDeframer implements Deframer {
  private readonly rx = new StreamBuffer();
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private partWire = 0;
  private partFrames = 0;
  private nextSeq = -1;
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
      while (i < rx.length && rx.at(i) !== START) i++;
      this.skip(i);
      if (rx.length < 4) break;
      const l = rx.at(1);
      if (rx.at(2) !== l || rx.at(3) !== START || l < 3) {
        this.skip(1);
        continue;
      }
      const total = l + 6;
      if (rx.length < total) break;
      if (rx.at(total - 1) !== STOP) {
        this.skip(1);
        continue;
      }
      const raw = rx.view(0, total).slice();
      const end = rx.offset + total;
      rx.consume(total);
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
    if (this.parts.length > 0) out.push(this.dropPartial('The push stopped in the middle of a segmented M-Bus message.', this.rx.offset));
    return out;
  }

  private skip(n: number): void {
    if (n <= 0) return;
    this.skipped += n;
    this.rx.consume(n);
  }

  private bad(out: LinkOutput[], reason: 'crc' | 'frame', error: ProtocolError, bytes: number, end: number): void {
    out.push({ kind: 'bad', reason, error, bytes, frames: 1, end });
  }

  private frame(raw: Uint8Array, end: number, out: LinkOutput[]): void {
    const l = raw[1];
    let sum = 0;
    for (let i = 4; i < 4 + l; i++) sum = (sum + raw[i]) & 0xff;
    if (sum !== raw[4 + l]) {
      // A damaged segment also ends the message it belonged to: one refusal covers both; a later
      // segment of that message is then refused as an orphan.
      const lost = this.partWire;
      this.dropPartial('', end);
      this.bad(out, 'crc', new ProtocolError('CHECKSUM', 'M-Bus frame checksum mismatch.', { frame: raw }), raw.length + lost, end);
      return;
    }
    const ci = raw[6];
    if (ci > 0x1f) {
      this.bad(out, 'frame', new ProtocolError('FRAMING', `M-Bus CI 0x${ci.toString(16)} is not a DLMS transport segment.`, { frame: raw }), raw.length, end);
      return;
    }
    // C, A, CI, then the two transport SAPs.
    if (l < 5) {
      this.bad(out, 'frame', new ProtocolError('LENGTH', 'M-Bus DLMS segment without its transport header.', { frame: raw }), raw.length, end);
      return;
    }
    const seq = ci & 0x0f;
    const last = (ci & LAST_SEGMENT) !== 0;
    const data = raw.subarray(9, 4 + l);
    if (seq === 0) {
      if (this.parts.length > 0) out.push(this.dropPartial('A new M-Bus message began before the last one ended.', end));
    } else if (seq !== this.nextSeq) {
      if (this.parts.length > 0) out.push(this.dropPartial(`M-Bus segment ${seq} where ${this.nextSeq} was due.`, end));
      this.bad(out, 'frame', new ProtocolError('FRAMING', `M-Bus segment ${seq} of a message whose start was not received.`, { frame: raw }), raw.length, end);
      return;
    }
    if (this.partBytes + data.length > MAX_PUSH_APDU) {
      this.dropPartial('', end);
      this.bad(out, 'frame', new ProtocolError('LENGTH', `A pushed message longer than ${MAX_PUSH_APDU} bytes.`), raw.length, end);
      return;
    }
    this.parts.push(data);
    this.partBytes += data.length;
    this.partWire += raw.length;
    this.partFrames++;
    this.nextSeq = (seq + 1) & 0x0f;
    if (!last) return;
    const joined = new Uint8Array(this.partBytes);
    let p = 0;
    for (const part of this.parts) {
      joined.set(part, p);
      p += part.length;
    }
    out.push({ kind: 'apdu', apdu: joined, bytes: this.partWire, frames: this.partFrames, end });
    this.parts = [];
    this.partBytes = this.partWire = this.partFrames = 0;
    this.nextSeq = -1;
  }

  private dropPartial(why: string, end: number): LinkOutput {
    const o: LinkOutput = { kind: 'bad', reason: 'frame', error: new ProtocolError('FRAMING', why), bytes: this.partWire, frames: 0, end };
    this.parts = [];
    this.partBytes = this.partWire = this.partFrames = 0;
    this.nextSeq = -1;
    return o;
  }
}

/** Builds M-Bus long frames for one APDU (the simulator and tests). */
export function encodeMbusSegments(apdu: Uint8Array, maxData = 240, address = 0xff, saps = [0x01, 0x67]): Uint8Array[] {
  const room = Math.min(maxData, 255 - 3 - saps.length);
  if (room < 1) throw new ProtocolError('LENGTH', 'M-Bus segment too small.');
  const count = Math.max(1, Math.ceil(apdu.length / room));
  if (count > 16) throw new ProtocolError('LENGTH', `An APDU of ${apdu.length} bytes needs more than 16 M-Bus segments.`);
  const frames: Uint8Array[] = [];
  for (let s = 0; s < count; s++) {
    const piece = apdu.subarray(s * room, Math.min(apdu.length, (s + 1) * room));
    const l = 3 + saps.length + piece.length;
    const f = new Uint8Array(l + 6);
    f[0] = START;
    f[1] = f[2] = l;
    f[3] = START;
    f[4] = 0x53; // SND_UD from the meter, as on the customer ports
    f[5] = address;
    f[6] = s | (s === count - 1 ? LAST_SEGMENT : 0);
    f.set(saps, 7);
    f.set(piece, 7 + saps.length);
    let sum = 0;
    for (let i = 4; i < 4 + l; i++) sum = (sum + f[i]) & 0xff;
    f[4 + l] = sum;
    f[5 + l] = STOP;
    frames.push(f);
  }
  return frames;
}
