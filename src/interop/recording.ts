import { ProtocolError } from '../core/errors';

/**
 * Reader for the session recordings in ../shared/fixtures/dlms-peer/: traffic between another
 * project's DLMS/COSEM client and server, one message a line. Two spellings occur:
 *
 *   TX:\t7E A0 07 ...            (the HDLC and wrapper sessions; RX lines start with a tab and a space)
 *   TX: b'/?!\r\n'  hex=2f 3f ...  (the mode E handshake: a printable rendering, then the hex)
 *
 * Every other line is the recording client's own output: progress ("GetAssociationView"), object
 * headers ("-------- Reading Object Clock 0.0.1.0.0.255") and its printed decode ("Index: 2 Value:
 * ..."). Those are kept in order as notes, so a test can pair what that client printed with the bytes
 * it had just received. Pure: text in, data out.
 */

export type Direction = 'tx' | 'rx';

/** One line of a recording: a message on the wire, or a line the recording client printed. */
export type RecordingEntry =
  | { kind: 'message'; dir: Direction; bytes: Uint8Array; line: number }
  | { kind: 'note'; text: string; line: number };

export interface Recording {
  entries: RecordingEntry[];
  /** The messages only, in order. */
  messages: { dir: Direction; bytes: Uint8Array; line: number }[];
  /** The link the messages use, told from the first message's bytes. */
  link: 'hdlc' | 'wrapper' | 'iec';
}

const MESSAGE = /^(TX|RX):\s*(.*)$/;
const HEX_BYTE = /^[0-9a-fA-F]{2}$/;

function hexBytes(text: string, line: number): Uint8Array {
  const parts = text.trim().split(/\s+/).filter((p) => p !== '');
  const out = new Uint8Array(parts.length);
  parts.forEach((p, i) => {
    if (!HEX_BYTE.test(p)) throw new ProtocolError('FRAMING', `Recording line ${line}: "${p}" is not a hex byte.`);
    out[i] = Number.parseInt(p, 16);
  });
  if (out.length === 0) throw new ProtocolError('LENGTH', `Recording line ${line}: a message without bytes.`);
  return out;
}

/** Parse a whole recording. Throws ProtocolError on a message line whose bytes are not hex. */
export function parseRecording(text: string): Recording {
  const entries: RecordingEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const m = MESSAGE.exec(raw);
    if (m) {
      const dir: Direction = m[1] === 'TX' ? 'tx' : 'rx';
      // The mode E spelling carries a Python-style rendering first; only the hex after "hex=" counts.
      const at = m[2].lastIndexOf('hex=');
      entries.push({ kind: 'message', dir, bytes: hexBytes(at >= 0 ? m[2].slice(at + 4) : m[2], line), line });
    } else if (raw.trim() !== '') {
      entries.push({ kind: 'note', text: raw, line });
    }
  });
  const messages = entries.flatMap((e) => (e.kind === 'message' ? [{ dir: e.dir, bytes: e.bytes, line: e.line }] : []));
  const first = messages[0]?.bytes;
  const link = first === undefined ? 'hdlc' : first[0] === 0x7e ? 'hdlc' : first[0] === 0x00 && first[1] === 0x01 ? 'wrapper' : 'iec';
  return { entries, messages, link };
}

/** What the recording client printed for one attribute of one object. */
export interface PrintedAttribute {
  /** The client's class name, e.g. "Clock", "Register", "ProfileGeneric". */
  className: string;
  /** Logical name as printed, e.g. "0.0.1.0.0.255". */
  obis: string;
  attribute: number;
  /** The printed value; multi-line values (arrays, profile rows) keep their line breaks. */
  value: string;
  /** Index of the first entry after this block in `entries` (to find the bytes read just before). */
  line: number;
}

const OBJECT_HEADER = /^-------- Reading Object (\S+) (\d+\.\d+\.\d+\.\d+\.\d+\.\d+)$/;
const ATTRIBUTE = /^Index: (\d+) Value:\s?(.*)$/;

/**
 * The client's printed decode, object by object, attribute by attribute. A value runs until the next
 * "Index:" line, object header or message, so multi-line values (profile rows) stay whole.
 */
export function printedAttributes(rec: Recording): PrintedAttribute[] {
  const out: PrintedAttribute[] = [];
  let object: { className: string; obis: string } | undefined;
  let current: PrintedAttribute | undefined;
  for (const e of rec.entries) {
    if (e.kind === 'message') {
      current = undefined;
      continue;
    }
    const header = OBJECT_HEADER.exec(e.text);
    if (header) {
      object = { className: header[1], obis: header[2] };
      current = undefined;
      continue;
    }
    const attr = ATTRIBUTE.exec(e.text);
    if (attr && object) {
      current = { ...object, attribute: Number(attr[1]), value: attr[2], line: e.line };
      out.push(current);
    } else if (current && !/^(All items are read\.|GetAssociationView|InitializeConnection|Connecting to )/.test(e.text)) {
      current.value += `\n${e.text}`;
    }
  }
  return out;
}
