/**
 * IEC 62056-21 message codec: request, identification, acknowledgement / option select, and the
 * BCC-protected blocks (programming commands and data messages). Pure functions; every failure is a
 * ProtocolError.
 */
import { ProtocolError } from '../../core/errors';
import { baudClass, type BaudClass } from './baud';
import { ACK, CR, EOT, ETX, LF, NAK, SOH, STX, bytesToText, concatBytes, showBytes, textToBytes } from './chars';

/** The standard allows 32 address characters; the same limit guards decoders. */
export const MAX_ADDRESS_LENGTH = 32;
/**
 * The standard allows 16 identification characters; real meters and DSMR headers print more
 * (`/ESY5Q3DA3024 V3.04`), so decoding accepts up to this many and still refuses endless lines.
 */
export const MAX_IDENT_LENGTH = 96;

/** XOR of `bytes[start..end)`. */
export function bcc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i];
  return x;
}

const ADDRESS_RE = /^[0-9A-Za-z ]*$/;

/** `/?address!CRLF`; an empty address (or '0' from a config) is the general request `/?!`. */
export function encodeRequest(address = ''): Uint8Array {
  if (address.length > MAX_ADDRESS_LENGTH) throw new ProtocolError('LENGTH', `Device address longer than ${MAX_ADDRESS_LENGTH} characters.`);
  if (!ADDRESS_RE.test(address)) throw new ProtocolError('FRAMING', 'Device address may hold only digits, letters and spaces.');
  return textToBytes(`/?${address}!\r\n`);
}

/** Parses a request line (with or without CRLF); returns the address ('' for none). */
export function decodeRequest(bytes: Uint8Array): { address: string } {
  const text = stripCrLf(bytes);
  if (!text.startsWith('/?') || !text.endsWith('!')) throw new ProtocolError('FRAMING', `Not a request message: ${showBytes(bytes)}`, { frame: bytes });
  const address = text.slice(2, -1);
  if (address.length > MAX_ADDRESS_LENGTH) throw new ProtocolError('LENGTH', 'Request address too long.', { frame: bytes });
  if (!ADDRESS_RE.test(address)) throw new ProtocolError('FRAMING', 'Request address has invalid characters.', { frame: bytes });
  return { address };
}

export interface Identification {
  /** The three manufacturer characters as sent. */
  manufacturer: string;
  /** A lowercase third letter: the meter allows a 20 ms reaction time. */
  fastReaction: boolean;
  /** Baud-rate character Z. */
  baudChar: string;
  /** 'C' (digits; also mode E capable meters), 'B' (A..F) or 'A' (anything else). */
  baudClass: BaudClass;
  /** Enhanced capability characters W of every `\W` sequence, in order. */
  enhanced: string[];
  /** `\2` present: the meter offers HDLC (mode E). */
  modeE: boolean;
  /** Identification text after Z and the `\W` sequences. */
  ident: string;
  /** The whole line without CRLF. */
  raw: string;
}

export function encodeIdentification(id: { manufacturer: string; baudChar: string; enhanced?: string[]; ident: string }): Uint8Array {
  if (!/^[A-Za-z]{2}[A-Za-z]$/.test(id.manufacturer)) throw new ProtocolError('FRAMING', 'Manufacturer must be three letters.');
  if (id.baudChar.length !== 1) throw new ProtocolError('FRAMING', 'Baud character must be one character.');
  const enh = (id.enhanced ?? []).map((w) => `\\${w}`).join('');
  const text = `/${id.manufacturer}${id.baudChar}${enh}${id.ident}`;
  if (text.length > MAX_IDENT_LENGTH + 5 || /[\r\n!]/.test(id.ident)) throw new ProtocolError('LENGTH', 'Identification too long or has reserved characters.');
  return textToBytes(`${text}\r\n`);
}

/** Decodes `/XXXZ[\W...]ident` (CRLF optional). */
export function decodeIdentification(bytes: Uint8Array): Identification {
  const raw = stripCrLf(bytes);
  if (raw.length > MAX_IDENT_LENGTH + 5) throw new ProtocolError('LENGTH', 'Identification line too long.', { frame: bytes });
  if (raw.length < 5 || raw[0] !== '/') throw new ProtocolError('FRAMING', `Not an identification message: ${showBytes(bytes)}`, { frame: bytes });
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      // DSMR headers copied through some tools carry a raw 0x02 for "\2"; accept it as that sequence.
      if (!(c === 0x02 && i === 5)) throw new ProtocolError('FRAMING', 'Identification has a control character.', { frame: bytes });
    }
  }
  const manufacturer = raw.slice(1, 4);
  if (!/^[A-Za-z]{3}$/.test(manufacturer)) throw new ProtocolError('FRAMING', `Bad manufacturer id "${manufacturer}".`, { frame: bytes });
  const baudChar = raw[4];
  const enhanced: string[] = [];
  let i = 5;
  for (;;) {
    if (raw[i] === '\\' && i + 1 < raw.length) {
      enhanced.push(raw[i + 1]);
      i += 2;
    } else if (raw.charCodeAt(i) === 0x02) {
      enhanced.push('2');
      i += 1;
    } else break;
  }
  const third = manufacturer[2];
  return {
    manufacturer,
    fastReaction: third >= 'a' && third <= 'z',
    baudChar,
    baudClass: baudClass(baudChar),
    enhanced,
    modeE: enhanced.includes('2'),
    ident: raw.slice(i),
    raw,
  };
}

/** Protocol control V of the option select. '0' normal, '1' secondary, '2' HDLC (mode E). */
export type ProtocolControl = '0' | '1' | '2';
/** Mode control Y: '0' data readout, '1' programming, '2' binary (HDLC); others manufacturer specific. */
export type ModeControl = string;

export interface OptionSelect {
  protocol: ProtocolControl;
  baudChar: string;
  mode: ModeControl;
}

export function encodeOptionSelect(o: OptionSelect): Uint8Array {
  if (o.baudChar.length !== 1 || o.mode.length !== 1) throw new ProtocolError('FRAMING', 'Option select fields are one character each.');
  return concatBytes(Uint8Array.of(ACK), textToBytes(`${o.protocol}${o.baudChar}${o.mode}\r\n`));
}

export function decodeOptionSelect(bytes: Uint8Array): OptionSelect {
  if (bytes.length < 4 || bytes[0] !== ACK) throw new ProtocolError('FRAMING', `Not an option select: ${showBytes(bytes)}`, { frame: bytes });
  const text = stripCrLf(bytes.subarray(1));
  if (text.length !== 3) throw new ProtocolError('FRAMING', 'Option select must have three characters.', { frame: bytes });
  const p = text[0];
  if (p !== '0' && p !== '1' && p !== '2') throw new ProtocolError('FRAMING', `Unknown protocol control "${p}".`, { frame: bytes });
  return { protocol: p, baudChar: text[1], mode: text[2] };
}

export type CommandId = 'P' | 'W' | 'R' | 'E' | 'B';
export const COMMAND_IDS: readonly CommandId[] = ['P', 'W', 'R', 'E', 'B'];

/** A programming command `SOH C D STX data ETX BCC` (B0 / B1 without STX and data). */
export interface Command {
  command: CommandId;
  /** Command type D, one digit: P0/P1/P2, R1..R6, W1..W5, E1/E2, B0/B1. */
  type: string;
  /** The data set text, e.g. `(12345678)` or `1.8.0()`; undefined when the command has no data. */
  data?: string;
  /** The block ended with EOT (a partial block). */
  partial?: boolean;
}

/** A data message `STX data ETX|EOT BCC` (readout, answers, error messages). */
export interface DataMessage {
  data: string;
  partial: boolean;
}

export type Block = ({ kind: 'command' } & Command & { partial: boolean }) | ({ kind: 'data' } & DataMessage);

/** Data text may not hold the framing characters it would be confused with. */
function checkBlockText(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === SOH || c === STX || c === ETX || c === EOT || c > 0xff) throw new ProtocolError('FRAMING', 'Block data contains a framing character.');
  }
}

export function encodeCommand(c: Command): Uint8Array {
  if (!COMMAND_IDS.includes(c.command)) throw new ProtocolError('FRAMING', `Unknown command "${String(c.command)}".`);
  if (!/^[0-9]$/.test(c.type)) throw new ProtocolError('FRAMING', 'Command type must be one digit.');
  const body = c.data === undefined ? textToBytes(`${c.command}${c.type}`) : textToBytes(`${c.command}${c.type}\x02${c.data}`);
  if (c.data !== undefined) checkBlockText(c.data);
  const end = c.partial ? EOT : ETX;
  const out = new Uint8Array(body.length + 3);
  out[0] = SOH;
  out.set(body, 1);
  out[body.length + 1] = end;
  out[body.length + 2] = bcc(out, 1, body.length + 2);
  return out;
}

export function encodeDataMessage(data: string, partial = false): Uint8Array {
  checkBlockText(data);
  const body = textToBytes(data);
  const out = new Uint8Array(body.length + 3);
  out[0] = STX;
  out.set(body, 1);
  out[body.length + 1] = partial ? EOT : ETX;
  out[body.length + 2] = bcc(out, 1, body.length + 2);
  return out;
}

/**
 * Decodes one complete block starting with SOH or STX and ending with ETX/EOT plus BCC (leading bytes
 * before the start character are not allowed here: the framer strips them). A BCC mismatch is CHECKSUM.
 */
export function decodeBlock(bytes: Uint8Array): Block {
  if (bytes.length < 3) throw new ProtocolError('FRAMING', 'Block too short.', { frame: bytes });
  const start = bytes[0];
  if (start !== SOH && start !== STX) throw new ProtocolError('FRAMING', `Block must start with SOH or STX: ${showBytes(bytes)}`, { frame: bytes });
  const endIdx = bytes.length - 2;
  const end = bytes[endIdx];
  if (end !== ETX && end !== EOT) throw new ProtocolError('FRAMING', 'Block must end with ETX or EOT and the BCC.', { frame: bytes });
  for (let i = 1; i < endIdx; i++) {
    const c = bytes[i];
    if (c === ETX || c === EOT || c === SOH || (c === STX && start === STX)) throw new ProtocolError('FRAMING', 'Framing character inside a block.', { frame: bytes });
  }
  const want = bcc(bytes, 1, endIdx + 1);
  if (want !== bytes[endIdx + 1]) {
    throw new ProtocolError('CHECKSUM', `BCC 0x${bytes[endIdx + 1].toString(16).padStart(2, '0')} should be 0x${want.toString(16).padStart(2, '0')}.`, { frame: bytes });
  }
  const partial = end === EOT;
  if (start === STX) return { kind: 'data', data: bytesToText(bytes, 1, endIdx), partial };
  if (endIdx < 3) throw new ProtocolError('FRAMING', 'Command block without command id and type.', { frame: bytes });
  const command = String.fromCharCode(bytes[1]) as CommandId;
  const type = String.fromCharCode(bytes[2]);
  if (!COMMAND_IDS.includes(command) || !/^[0-9]$/.test(type)) throw new ProtocolError('FRAMING', `Unknown command "${command}${type}".`, { frame: bytes });
  let stxAt = -1;
  for (let i = 3; i < endIdx; i++) if (bytes[i] === STX) { stxAt = i; break; }
  if (stxAt === -1) {
    if (endIdx !== 3) throw new ProtocolError('FRAMING', 'Command data without STX.', { frame: bytes });
    return { kind: 'command', command, type, partial };
  }
  if (stxAt !== 3) throw new ProtocolError('FRAMING', 'Command data must follow the command type.', { frame: bytes });
  for (let i = stxAt + 1; i < endIdx; i++) if (bytes[i] === STX) throw new ProtocolError('FRAMING', 'Second STX in a command.', { frame: bytes });
  return { kind: 'command', command, type, data: bytesToText(bytes, stxAt + 1, endIdx), partial };
}

export function isAck(bytes: Uint8Array): boolean {
  return bytes.length === 1 && bytes[0] === ACK;
}
export function isNak(bytes: Uint8Array): boolean {
  return bytes.length === 1 && bytes[0] === NAK;
}

function stripCrLf(bytes: Uint8Array): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === LF) end--;
  if (end > 0 && bytes[end - 1] === CR) end--;
  return bytesToText(bytes, 0, end);
}
