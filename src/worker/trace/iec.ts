/** IEC 62056-21 messages in a trace. */
import { decodeBlock, decodeIdentification, decodeOptionSelect, decodeRequest } from '../../protocols/iec62056-21/messages';
import { type DecodedNode, message, node } from './tree';

// ---------------------------------------------------------------- IEC 62056-21

export const CTRL: Record<number, string> = { 0x06: 'ACK', 0x15: 'NAK', 0x01: 'SOH', 0x02: 'STX', 0x03: 'ETX', 0x04: 'EOT' };

export function decodeIec(b: Uint8Array): DecodedNode | undefined {
  const first = b[0];
  if (b.length === 1 && (first === 0x06 || first === 0x15)) {
    return node(`IEC 62056-21 ${CTRL[first]}`, first === 0x06 ? 'acknowledge' : 'repeat request');
  }
  const text = asciiLine(b);
  if (first === 0x2f /* / */ && text !== undefined) {
    if (text.startsWith('/?')) {
      try {
        const r = decodeRequest(b);
        return node('IEC 62056-21 request', `/?${r.address}!`, [node('device address', r.address === '' ? '(none: any meter)' : r.address)]);
      } catch {
        return undefined;
      }
    }
    try {
      const id = decodeIdentification(b);
      const children = [
        node('manufacturer', id.manufacturer),
        node('reaction time', id.fastReaction ? '20 ms allowed (lowercase third letter)' : '200 ms'),
        node('baud character', `${id.baudChar} (mode ${id.baudClass}${baudRateText(id.baudChar, id.baudClass)})`),
      ];
      if (id.enhanced.length > 0) children.push(node('enhanced capability', id.enhanced.map((w) => `\\${w}`).join(' ') + (id.modeE ? ' (HDLC, mode E)' : '')));
      children.push(node('identification', id.ident));
      return node('IEC 62056-21 identification', id.raw, children);
    } catch {
      return undefined;
    }
  }
  if (first === 0x06 && b.length >= 4) {
    try {
      const o = decodeOptionSelect(b);
      const proto = { '0': 'normal', '1': 'secondary', '2': 'HDLC (mode E)' }[o.protocol];
      const mode = { '0': 'data readout', '1': 'programming', '2': 'binary (HDLC)' }[o.mode] ?? 'manufacturer specific';
      return node('IEC 62056-21 option select', `ACK ${o.protocol}${o.baudChar}${o.mode}`, [
        node('protocol control', `${o.protocol} ${proto}`),
        node('baud character', `${o.baudChar}${baudRateText(o.baudChar, 'C')}`),
        node('mode control', `${o.mode} ${mode}`),
      ]);
    } catch {
      return undefined;
    }
  }
  if (first === 0x01 || first === 0x02) {
    // Readouts may arrive with leading noise stripped already; the block runs to ETX/EOT + BCC.
    try {
      const blk = decodeBlock(b);
      if (blk.kind === 'command') {
        const children = [node('command', `${blk.command}${blk.type} ${COMMAND_NAMES[blk.command] ?? ''}`.trim())];
        // P1/P2 carry the password: never shown.
        if (blk.data !== undefined) children.push(node('data', blk.command === 'P' ? 'hidden (password)' : blk.data));
        children.push(node('end', blk.partial ? 'EOT (partial block)' : 'ETX'), node('BCC', 'ok'));
        return node('IEC 62056-21 command', `${blk.command}${blk.type}`, children);
      }
      const lines = blk.data.split(/\r?\n/).filter((l) => l.length > 0);
      return node('IEC 62056-21 data message', `${lines.length} line${lines.length === 1 ? '' : 's'}`, [
        node('data', undefined, lines.slice(0, 500).map((l) => dataLineNode(l))),
        node('end', blk.partial ? 'EOT (partial block)' : 'ETX'),
        node('BCC', 'ok'),
      ]);
    } catch (e) {
      if (b[b.length - 2] === 0x03 || b[b.length - 2] === 0x04) return node('IEC 62056-21 block (damaged)', message(e));
      return undefined;
    }
  }
  return undefined;
}

export const COMMAND_NAMES: Record<string, string> = { P: 'password', W: 'write', R: 'read', E: 'execute', B: 'break' };

/** `1.8.0*24(0147238.4*kWh)` -> address, values, units. */
export function dataLineNode(line: string): DecodedNode {
  const m = /^([^(]*)((?:\([^)]*\))+)$/.exec(line);
  if (!m) return node(line);
  const values = [...m[2]!.matchAll(/\(([^)]*)\)/g)].map((x) => x[1]!);
  if (values.length === 1) return node(m[1] || '(value)', values[0]);
  return node(m[1] || '(values)', values.map((v) => `(${v})`).join(''), values.map((v, i) => node(`[${i}]`, v)));
}

export function baudRateText(c: string, cls: string): string {
  const C = ['300', '600', '1200', '2400', '4800', '9600', '19200'];
  const B = { A: '600', B: '1200', C: '2400', D: '4800', E: '9600', F: '19200' } as Record<string, string>;
  if (cls === 'C' && /^[0-6]$/.test(c)) return `, ${C[Number(c)]} Bd`;
  if (cls === 'B' && B[c]) return `, ${B[c]} Bd`;
  return '';
}

/** The bytes as text when they are a printable line (CRLF allowed); undefined otherwise. */
export function asciiLine(b: Uint8Array): string | undefined {
  let s = '';
  for (const c of b) {
    if (c === 0x0d || c === 0x0a) continue;
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}
