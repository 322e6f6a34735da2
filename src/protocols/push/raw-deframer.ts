import { ProtocolError } from '../../core/errors';
import { readData } from '../dlms/axdr/data';
import { AxdrReader } from '../dlms/axdr/reader';
import { GENERAL_GLO_CIPHERING } from '../dlms/security/ciphered-apdu';
import { type Deframer, type LinkOutput, StreamBuffer } from './link-frames';

/**
 * Bare APDUs with nothing around them (a P1 port or gateway that strips the link layer). Nothing marks
 * where one ends, so the APDU itself is measured: a data-notification by decoding it, a
 * general-glo-ciphering APDU by its lengths. A start byte that is not a push tag, or an APDU that
 * cannot be one, is skipped a byte at a time. Without a checksum a garbled plain APDU can still decode:
 * raw is the layer to use only where the transport below checks the bytes.
 */

/** Longest raw APDU waited for; a false start claiming more is skipped instead of stalling the port. */
const MAX_RAW_APDU = 4096;
const DATA_NOTIFICATION = 0x0f;

type Measure = number | 'more' | 'bad';

/** Length of the push APDU at the start of `b`, 'more' when `b` could be its beginning, 'bad' when not. */
export function measureRawApdu(b: Uint8Array): Measure {
  if (b.length === 0) return 'more';
  const r = new AxdrReader(b);
  try {
    const tag = r.u8();
    if (tag === DATA_NOTIFICATION) {
      r.u32();
      if (r.remaining >= 2 && r.bytes[r.pos] === 0x09 && r.bytes[r.pos + 1] === 12) r.pos++;
      const dt = r.u8();
      if (dt !== 0 && dt !== 12) return 'bad';
      r.need(dt, 'date-time');
      r.pos += dt;
      readData(r);
      return r.pos;
    }
    if (tag === GENERAL_GLO_CIPHERING) {
      if (r.u8() !== 8) return 'bad';
      r.need(8, 'system title');
      r.pos += 8;
      const n = r.length('ciphered content');
      if (n < 5 || n > MAX_RAW_APDU) return 'bad';
      r.need(n, 'ciphered content');
      return r.pos + n;
    }
    return 'bad';
  } catch (e) {
    // Running out of bytes shows as LENGTH (a truncated field, or a count larger than what is left):
    // wait for more, up to the cap. Anything else cannot start a push here.
    if (e instanceof ProtocolError && e.code === 'LENGTH') return b.length >= MAX_RAW_APDU ? 'bad' : 'more';
    return 'bad';
  }
}

export class RawDeframer implements Deframer {
  private readonly rx = new StreamBuffer();
  skipped = 0;

  push(chunk: Uint8Array): LinkOutput[] {
    this.rx.append(chunk);
    const out: LinkOutput[] = [];
    while (this.rx.length > 0) {
      const m = measureRawApdu(this.rx.view());
      if (m === 'more') break;
      if (m === 'bad') {
        this.skipped++;
        this.rx.consume(1);
        continue;
      }
      const apdu = this.rx.view(0, m).slice();
      const end = this.rx.offset + m;
      this.rx.consume(m);
      out.push({ kind: 'apdu', apdu, bytes: m, frames: 1, end });
    }
    return out;
  }

  flush(): LinkOutput[] {
    const n = this.rx.length;
    if (n === 0) return [];
    const end = this.rx.offset + n;
    this.rx.consume(n);
    return [{ kind: 'bad', reason: 'frame', error: new ProtocolError('LENGTH', `The line went quiet ${n} byte(s) into an APDU.`), bytes: n, frames: 1, end }];
  }
}
