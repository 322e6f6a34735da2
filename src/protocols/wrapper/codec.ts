import { ProtocolError } from '../../core/errors';

/**
 * DLMS/COSEM TCP-UDP wrapper (IEC 62056-47 / Green Book): an 8-byte header, all big-endian: version
 * 0x0001, source wPort, destination wPort, APDU length; then the APDU.
 */

export const WRAPPER_VERSION = 0x0001;
export const WRAPPER_HEADER_LENGTH = 8;
export const WRAPPER_MAX_APDU = 0xffff;

export interface WrapperFrame {
  source: number;
  destination: number;
  apdu: Uint8Array;
}

function port(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new ProtocolError('FRAMING', `Wrapper ${what} wPort ${v} is not in 0..65535.`);
  return v;
}

export function encodeWrapper(f: WrapperFrame): Uint8Array {
  if (f.apdu.length > WRAPPER_MAX_APDU) throw new ProtocolError('LENGTH', `APDU of ${f.apdu.length} bytes does not fit a wrapper frame.`);
  const out = new Uint8Array(WRAPPER_HEADER_LENGTH + f.apdu.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, WRAPPER_VERSION);
  v.setUint16(2, port(f.source, 'source'));
  v.setUint16(4, port(f.destination, 'destination'));
  v.setUint16(6, f.apdu.length);
  out.set(f.apdu, WRAPPER_HEADER_LENGTH);
  return out;
}

interface Header {
  source: number;
  destination: number;
  length: number;
}

function readHeader(b: Uint8Array, at: number, maxLength: number): Header {
  const version = (b[at] << 8) | b[at + 1];
  if (version !== WRAPPER_VERSION) throw new ProtocolError('FRAMING', `Wrapper version ${version} is not 1.`, { frame: b.slice(at, at + 8) });
  const length = (b[at + 6] << 8) | b[at + 7];
  if (length > maxLength) throw new ProtocolError('LENGTH', `Wrapper APDU length ${length} exceeds the limit ${maxLength}.`, { frame: b.slice(at, at + 8) });
  return { source: (b[at + 2] << 8) | b[at + 3], destination: (b[at + 4] << 8) | b[at + 5], length };
}

/** Decode exactly one frame: the length field must match the bytes given. */
export function decodeWrapper(bytes: Uint8Array, maxLength = WRAPPER_MAX_APDU): WrapperFrame {
  if (bytes.length < WRAPPER_HEADER_LENGTH) throw new ProtocolError('FRAMING', `Wrapper frame of ${bytes.length} bytes is shorter than its header.`);
  const h = readHeader(bytes, 0, maxLength);
  if (bytes.length !== WRAPPER_HEADER_LENGTH + h.length) {
    throw new ProtocolError('LENGTH', `Wrapper length says ${h.length}, ${bytes.length - WRAPPER_HEADER_LENGTH} bytes follow the header.`);
  }
  return { source: h.source, destination: h.destination, apdu: bytes.slice(WRAPPER_HEADER_LENGTH) };
}

/**
 * Splits a TCP byte stream into wrapper frames. A header with a wrong version or an oversized length
 * means the stream lost its framing: everything buffered is dropped and `error` records why (TCP
 * gives no reliable way to resynchronise; the session polls again or reconnects).
 */
export class WrapperExtractor {
  private buf = new Uint8Array(0);
  error?: ProtocolError;
  discarded = 0;

  constructor(private readonly maxLength = WRAPPER_MAX_APDU) {}

  push(chunk: Uint8Array): WrapperFrame[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const out: WrapperFrame[] = [];
    let at = 0;
    while (joined.length - at >= WRAPPER_HEADER_LENGTH) {
      let h: Header;
      try {
        h = readHeader(joined, at, this.maxLength);
      } catch (e) {
        this.error = e instanceof ProtocolError ? e : new ProtocolError('FRAMING');
        this.discarded += joined.length - at;
        this.buf = new Uint8Array(0);
        return out;
      }
      const end = at + WRAPPER_HEADER_LENGTH + h.length;
      if (end > joined.length) break;
      out.push({ source: h.source, destination: h.destination, apdu: joined.slice(at + WRAPPER_HEADER_LENGTH, end) });
      at = end;
    }
    this.buf = joined.slice(at);
    return out;
  }

  reset(): void {
    this.discarded += this.buf.length;
    this.buf = new Uint8Array(0);
    this.error = undefined;
  }

  get pending(): number {
    return this.buf.length;
  }

  /**
   * Bytes the frame being received is known to need: the header alone until it is complete (a peer
   * sends it in one piece), then header plus the APDU length it announces. 0 when nothing is pending.
   */
  get expected(): number {
    if (this.buf.length === 0) return 0;
    if (this.buf.length < WRAPPER_HEADER_LENGTH) return WRAPPER_HEADER_LENGTH;
    return WRAPPER_HEADER_LENGTH + ((this.buf[6] << 8) | this.buf[7]);
  }
}

/** wPorts from the DLMS device settings: source = client address, destination = logical address or 1. */
export function wrapperPorts(opts: { clientAddress: number; logicalAddress?: number }): { client: number; server: number } {
  return { client: port(opts.clientAddress, 'client'), server: opts.logicalAddress ? port(opts.logicalAddress, 'server') : 1 };
}
