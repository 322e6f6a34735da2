/**
 * Real-meter quirks and hostile peers of the virtual IEC 62056-21 meter, kept apart from the dialogue
 * itself: how a readout or telegram is printed (end marker on the data line, a push cut off by a meter
 * restart) and what a broken or hostile peer sends instead of an answer (a trickle, a flood).
 */
import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import { STX, textToBytes } from '../../protocols/iec62056-21/chars';
import { crc16Arc } from '../../protocols/dsmr/crc16';

/**
 * `...(0012345*h)\r\n!\r\n` printed as `...(0012345*h)!\r\n`, as heat meters and some mode A meters do.
 * A DSMR-style `!CRC` end keeps a valid CRC (it is computed over the bytes up to '!', which change).
 */
export function endMarkerOnDataLine(text: string): string {
  const m = /\)\r?\n!([0-9A-Fa-f]{0,4})(\r?\n)?$/.exec(text);
  if (!m) return text;
  const upToBang = text.slice(0, m.index + 1) + '!';
  let crc = m[1];
  if (crc.length > 0) crc = crc16Arc(textToBytes(upToBang)).toString(16).toUpperCase().padStart(4, '0');
  return `${upToBang}${crc}${m[2] ?? ''}`;
}

/** Bytes a flooding peer repeats: data-set text without any end (no ETX, no '!'), or '/' with no LF. */
export function floodChunk(kind: 'block' | 'line'): Uint8Array {
  return textToBytes(kind === 'block' ? '1.8.0(0000000.0*kWh)\r\n'.repeat(12) : '/'.repeat(256));
}

/**
 * A peer that starts a frame and then sends one more byte every `everyMs`, for ever: each byte alone
 * is within the inter-character time, so only an overall deadline ends the exchange.
 */
export async function trickle(link: Link, clock: Clock, start: number, body: string, everyMs: number, signal?: AbortSignal): Promise<never> {
  await link.write(Uint8Array.of(start));
  const bytes = textToBytes(body.length > 0 ? body : '0');
  for (let i = 0; ; i++) {
    await clock.sleep(everyMs, signal);
    await link.write(bytes.subarray(i % bytes.length, (i % bytes.length) + 1));
  }
}

/**
 * A peer that streams bytes at full line speed for ever after a frame start (`start`; default STX for
 * a block flood, nothing for a line flood).
 */
export async function flood(link: Link, clock: Clock, kind: 'block' | 'line', signal?: AbortSignal, start?: Uint8Array): Promise<never> {
  const head = start ?? (kind === 'block' ? Uint8Array.of(STX) : new Uint8Array(0));
  if (head.length > 0) await link.write(head);
  const chunk = floodChunk(kind);
  for (;;) {
    if (signal?.aborted) throw new MeterError('CANCELLED');
    await link.write(chunk);
    // A stream link has no line time: pace it so virtual time moves (about 25 MB/s).
    if (link.kind === 'stream') await clock.sleep(0.01, signal);
  }
}
