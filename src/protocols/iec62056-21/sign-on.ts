/**
 * The part every pull mode shares: optional wake-up, the request `/?address!` at the initial line
 * settings, and the identification answer. Also the block exchange helpers (NAK-repeat, partial-block
 * stitching) used by the readout and the programming mode.
 */
import { MeterError, ProtocolError } from '../../core/errors';
import { type LineSettings, charTimeMs } from '../../core/link';
import { ACK, NAK, NUL } from './chars';
import { decodeBlock, decodeIdentification, encodeRequest, type Block, type Identification } from './messages';
import type { ResolvedOptions } from './options';
import type { IecIo } from './session-io';

/** Bytes that may arrive while waiting for an identification (an echo, noise, the line itself). */
const IDENT_EXCHANGE_BYTES = 512;
/**
 * Frames skipped while waiting for one answer (echoes, stray ACKs, bad lines). Each skipped frame
 * starts a new wait, so without a cap a peer that keeps sending them would hold the session for ever.
 */
const MAX_SKIPPED_FRAMES = 16;

function skipped(n: number, what: string): void {
  if (n > MAX_SKIPPED_FRAMES) throw new MeterError('PROTOCOL', `More than ${MAX_SKIPPED_FRAMES} unexpected messages while waiting for ${what}.`);
}

/** The wake-up train lasts 2.1..2.3 s at 300 baud, then 1.5..1.7 s of silence. */
export const WAKE_UP_TRAIN_MS = 2200;
export const WAKE_UP_SILENCE_MS = 1500;

export async function sendWakeUp(io: IecIo, line: LineSettings): Promise<void> {
  const count = Math.ceil(WAKE_UP_TRAIN_MS / charTimeMs(line));
  await io.sendRaw(new Uint8Array(count).fill(NUL), 'wake-up NUL train');
  await io.clock.sleep(WAKE_UP_SILENCE_MS, io.signal);
}

/** Puts the link on the initial line settings (serial links only). */
export async function toInitialLine(io: IecIo, o: ResolvedOptions): Promise<void> {
  if (io.link.kind !== 'serial') return;
  const l = io.link.line;
  const w = o.initialLine;
  if (l.baudRate !== w.baudRate || l.dataBits !== w.dataBits || l.parity !== w.parity || l.stopBits !== w.stopBits) {
    await io.link.setLine(w);
  }
}

/** Sends the request and returns the identification (with the time its last byte arrived). */
export async function signOn(io: IecIo, o: ResolvedOptions): Promise<{ identification: Identification; identAt: number }> {
  await toInitialLine(io, o);
  if (o.pollDelayMs > 0) await io.clock.sleep(o.pollDelayMs, o.signal);
  if (o.wakeUp) {
    o.onProgress?.({ phase: 'wake-up', bytes: 0 });
    await sendWakeUp(io, o.initialLine);
  }
  io.reset();
  o.onProgress?.({ phase: 'sign-on', bytes: 0 });
  await io.send(encodeRequest(o.address), `request /?${o.address}!`);
  for (let n = 1; ; n++) {
    if (n > 1) skipped(n - 1, 'the identification');
    // The identification is one short line: its exchange is bounded by that, not by a readout's size.
    const frame = await io.receive(o.timeoutMs, o.interCharTimeoutMs, { maxBlockBytes: IDENT_EXCHANGE_BYTES });
    if (frame.kind !== 'line') {
      io.log(4, `ignored ${frame.kind} while waiting for the identification`);
      continue;
    }
    if (frame.bytes[1] === 0x3f /* '?' */) continue; // our own request, echoed late or damaged
    try {
      const identification = decodeIdentification(frame.bytes);
      io.log(4, `identification: manufacturer ${identification.manufacturer}, baud character ${identification.baudChar}, ident "${identification.ident}"`);
      return { identification, identAt: io.clock.now() };
    } catch (e) {
      if (e instanceof ProtocolError) {
        io.log(3, `bad identification line skipped: ${e.message}`);
        continue;
      }
      throw e;
    }
  }
}

/**
 * Receives one block; on a BCC or framing error sends NAK and waits for the repeat, up to `retries`
 * times. Bare ACK / NAK frames from the meter are returned as they are (the caller knows what they mean).
 */
export async function receiveBlock(io: IecIo, o: ResolvedOptions): Promise<Block | 'ack' | 'nak'> {
  let naks = 0;
  for (let n = 1; ; n++) {
    if (n > 1) skipped(n - 1 - naks, 'a block');
    const frame = await io.receive(o.timeoutMs, o.interCharTimeoutMs);
    if (frame.kind === 'ack') return 'ack';
    if (frame.kind === 'nak') return 'nak';
    if (frame.kind !== 'block') {
      io.log(4, `ignored ${frame.kind} while waiting for a block`);
      continue;
    }
    try {
      return decodeBlock(frame.bytes);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      if (naks >= o.retries) throw e;
      naks++;
      io.log(3, `${e.code === 'CHECKSUM' ? 'BCC error' : 'damaged block'}, NAK ${naks}/${o.retries}: ${e.message}`);
      if (o.pollDelayMs > 0) await io.clock.sleep(o.pollDelayMs, o.signal);
      await io.send(Uint8Array.of(NAK), 'NAK');
    }
  }
}

/**
 * Receives a data message, acknowledging partial blocks (EOT) and stitching them. Returns the text
 * and the number of blocks. A command block (SOH) or a bare ACK/NAK here is a protocol error.
 */
export async function receiveData(io: IecIo, o: ResolvedOptions, onBytes?: (n: number) => void): Promise<{ text: string; blocks: number }> {
  let text = '';
  let blocks = 0;
  let stray = 0;
  for (;;) {
    const b = await receiveBlock(io, o);
    if (b === 'ack' || b === 'nak') {
      skipped(++stray, 'the data message');
      // A stray control byte (a late echo, line noise): the data message is still to come.
      io.log(4, `ignored ${b.toUpperCase()} while waiting for data`);
      continue;
    }
    if (b.kind !== 'data') {
      if (b.command === 'B') throw new MeterError('REJECTED', 'The meter ended the session (break).');
      throw new MeterError('PROTOCOL', `Meter sent command ${b.command}${b.type} instead of data.`);
    }
    text += b.data;
    blocks++;
    // A peer that sends partial blocks for ever: the stitched message is capped like one block.
    if (text.length > o.maxMessageBytes) throw new MeterError('LENGTH', `Data message longer than ${o.maxMessageBytes} bytes (${blocks} blocks).`);
    onBytes?.(text.length);
    if (!b.partial) return { text, blocks };
    if (o.pollDelayMs > 0) await io.clock.sleep(o.pollDelayMs, o.signal);
    await io.send(Uint8Array.of(ACK), `ACK (partial block ${blocks})`);
  }
}

/** An answer that is only `(text)` beginning with ER is the meter's error message. */
export function errorMessageOf(text: string): string | undefined {
  const t = text.replace(/[\r\n]+$/, '');
  const m = /^\(([^()]*)\)$/.exec(t);
  if (m && /^er/i.test(m[1])) return m[1];
  return undefined;
}
