/**
 * DSMR P1 telegrams (and IEC 62056-21 mode D pushes, which share the format):
 *   /XXXZ ident CRLF CRLF data lines ... !CRC CRLF   (the '!' may also follow the last ')' directly)
 * The CRC is CRC-16/ARC over every byte from '/' through '!' inclusive, printed as hex after '!'.
 * DSMR 4/5 always print four digits; some meters drop leading zeros (`!B9F`); DSMR 2/3 and plain mode D
 * have no CRC at all. A telegram whose CRC does not match is rejected (CHECKSUM), never half-used.
 */
import { ProtocolError } from '../../core/errors';
import { bytesToText, showBytes } from '../iec62056-21/chars';
import { DEFAULT_LIMITS, parseDataBlock, type DataSet, type DataSetLimits } from '../iec62056-21/datasets';
import { decodeIdentification, type Identification } from '../iec62056-21/messages';
import { crc16Arc } from './crc16';

export interface TelegramCrc {
  /** As printed after '!'. */
  text: string;
  given: number;
  computed: number;
}

export interface Telegram {
  /** Header line without CRLF, e.g. `/ISk5\2MT382-1000`. */
  header: string;
  /** The header decoded as an IEC identification, when it is one. */
  identification?: Identification;
  dataSets: DataSet[];
  crc?: TelegramCrc;
  /** Offset just past the telegram's last line in the input (for stream scanning). */
  end: number;
  skippedLines: string[];
}

export interface TelegramOptions {
  /** Refuse a telegram without CRC (DSMR 4+ always has one). Default false. */
  requireCrc?: boolean;
  limits?: DataSetLimits;
}

const SLASH = 0x2f;
const BANG = 0x21;
const LF = 0x0a;
const CR = 0x0d;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export interface TelegramBounds {
  start: number;
  /** Index of the end marker '!'; -1 for a telegram cut off by the start of the next one. */
  bang: number;
  /** Index just past the LF that ends the '!' line; for a cut telegram, the next telegram's '/'. */
  end: number;
  /** The meter restarted mid-telegram: a new '/' came before this telegram's end marker. */
  cut?: boolean;
}

const OPEN = 0x28;
const CLOSE = 0x29;

/**
 * Where the first complete telegram lies in `bytes`, or undefined when it is not complete yet.
 * Garbage before the '/' is skipped. The end marker '!' stands at the start of a line or right after a
 * data set's ')'. A '/' outside a value (a meter that restarted and sends a new header) ends the
 * telegram before it as cut off, so the next one is not lost with it; so does a '/' inside a value that
 * never closes on its line (the restart came mid-value). Pure scanning: no allocation driven by the input.
 */
/**
 * Where a meter that restarted mid-message begins again between `from` and `to`: a '/' outside a
 * value, or one inside a value that never closes on its line (the restart came mid-value). -1 if none.
 */
export function findRestart(bytes: Uint8Array, from: number, to: number): number {
  let open = false;
  let slashInValue = -1;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c === LF) {
      if (open && slashInValue !== -1) return slashInValue;
      open = false;
      slashInValue = -1;
    } else if (open) {
      if (c === CLOSE) open = false;
      else if (c === SLASH && slashInValue === -1) slashInValue = i;
    } else if (c === OPEN) open = true;
    else if (c === SLASH) return i;
  }
  return open ? slashInValue : -1;
}

export function findTelegram(bytes: Uint8Array, from = 0): TelegramBounds | undefined {
  const start = bytes.indexOf(SLASH, from);
  if (start === -1) return undefined;
  const headerEnd = bytes.indexOf(LF, start);
  // A second '/' in the header line: the meter restarted while printing it.
  const again = bytes.indexOf(SLASH, start + 1);
  if (again !== -1 && (headerEnd === -1 || again < headerEnd)) return { start, bang: -1, end: again, cut: true };
  if (headerEnd === -1) return undefined;
  let open = false;
  let slashInValue = -1;
  for (let i = headerEnd + 1; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === LF) {
      if (open && slashInValue !== -1) return { start, bang: -1, end: slashInValue, cut: true };
      open = false;
      slashInValue = -1;
      continue;
    }
    if (open) {
      if (c === CLOSE) open = false;
      else if (c === SLASH && slashInValue === -1) slashInValue = i;
      continue;
    }
    if (c === OPEN) open = true;
    else if (c === SLASH) return { start, bang: -1, end: i, cut: true };
    else if (c === BANG && (bytes[i - 1] === LF || bytes[i - 1] === CLOSE)) {
      const endLf = bytes.indexOf(LF, i + 1);
      // A restart inside the end line (the CRC cut short) must not swallow the next header.
      const restart = bytes.indexOf(SLASH, i + 1);
      if (restart !== -1 && (endLf === -1 || restart < endLf)) return { start, bang: -1, end: restart, cut: true };
      if (endLf === -1) return undefined;
      return { start, bang: i, end: endLf + 1 };
    }
  }
  return undefined;
}

/** Decodes one telegram (leading garbage allowed; anything after its '!' line is ignored). */
export function decodeTelegram(bytes: Uint8Array, opts: TelegramOptions = {}): Telegram {
  const b = findTelegram(bytes);
  if (!b) {
    if (bytes.indexOf(SLASH) === -1) throw new ProtocolError('FRAMING', 'No telegram header ("/") found.', { frame: bytes.slice(0, 64) });
    throw new ProtocolError('FRAMING', 'Telegram has no "!" end line.', { frame: bytes.slice(0, 64) });
  }
  if (b.cut) throw new ProtocolError('FRAMING', 'Telegram cut off: the next telegram starts before its "!" end line.', { frame: bytes.slice(b.start, Math.min(b.end, b.start + 64)) });
  // CRC digits: up to four hex characters after '!', then the line end.
  let k = b.bang + 1;
  while (k < b.end && isHex(bytes[k])) k++;
  const crcText = bytesToText(bytes, b.bang + 1, k);
  let rest = k;
  while (rest < b.end && (bytes[rest] === CR || bytes[rest] === LF || bytes[rest] === 0x20)) rest++;
  if (rest !== b.end || crcText.length > 4) throw new ProtocolError('FRAMING', `Bad telegram end line: ${showBytes(bytes.subarray(b.bang, b.end))}`, { frame: bytes.slice(b.bang, b.end) });
  let crc: TelegramCrc | undefined;
  if (crcText.length > 0) {
    const given = parseInt(crcText, 16);
    const computed = crc16Arc(bytes, b.start, b.bang + 1);
    crc = { text: crcText, given, computed };
    if (given !== computed) {
      throw new ProtocolError('CHECKSUM', `Telegram CRC ${crcText} should be ${computed.toString(16).toUpperCase().padStart(4, '0')}.`, { frame: bytes.slice(b.start, b.end) });
    }
  } else if (opts.requireCrc) {
    throw new ProtocolError('CHECKSUM', 'Telegram has no CRC.', { frame: bytes.slice(b.start, b.end) });
  }
  const headerEnd = bytes.indexOf(LF, b.start);
  const headerBytes = bytes.subarray(b.start, headerEnd);
  const header = bytesToText(headerBytes).replace(/\r$/, '');
  let identification: Identification | undefined;
  try {
    identification = decodeIdentification(headerBytes);
  } catch {
    identification = undefined; // a header that is not an IEC identification is still a telegram
  }
  const body = bytesToText(bytes, headerEnd + 1, b.bang);
  const parsed = parseDataBlock(body, opts.limits ?? DEFAULT_LIMITS);
  const out: Telegram = { header, dataSets: parsed.dataSets, end: b.end, skippedLines: parsed.skippedLines };
  if (identification) out.identification = identification;
  if (crc) out.crc = crc;
  return out;
}

/** Builds a telegram with a valid CRC (for the simulator and tests). */
export function encodeTelegram(header: string, body: string, withCrc = true): Uint8Array {
  const head = `/${header.replace(/^\//, '')}\r\n\r\n${body}${body.endsWith('\n') || body.length === 0 ? '' : '\r\n'}!`;
  const bytes = new Uint8Array(head.length);
  for (let i = 0; i < head.length; i++) bytes[i] = head.charCodeAt(i) & 0xff;
  const crc = withCrc ? crc16Arc(bytes).toString(16).toUpperCase().padStart(4, '0') : '';
  const tail = `${crc}\r\n`;
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes);
  for (let i = 0; i < tail.length; i++) out[bytes.length + i] = tail.charCodeAt(i);
  return out;
}
