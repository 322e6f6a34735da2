/**
 * Data readout in protocol modes A, B and C (and over TCP, where the ACK is sent but nothing switches).
 *
 * Mode C timing, the part that matters for speed and for real meters:
 *   identification received -> wait t2 -> ACK 0 Z 0 -> wait until the ACK has left the line (and its
 *   echo is in) -> switch the line -> receive the data message at the new rate.
 * Switching earlier cuts the ACK's last characters; switching later loses the data's first ones.
 */
import type { Clock } from '../../core/clock';
import { MeterError, toMeterError } from '../../core/errors';
import { type Link, charTimeMs } from '../../core/link';
import { baudFromChar, minModeCChar, modeCCharFor } from './baud';
import { parseDataBlock, type DataSet } from './datasets';
import { assertPlausible } from './plausible';
import { encodeOptionSelect, type Identification } from './messages';
import { STANDARD_RATES, resolveOptions, type IecSessionOptions, type ResolvedOptions } from './options';
import { IecIo } from './session-io';
import { receiveData, signOn, toInitialLine } from './sign-on';

export interface IecReadoutTiming {
  /** Clock times (ms) of the session's milestones. */
  startMs: number;
  identAtMs: number;
  ackSentAtMs?: number;
  endMs: number;
  totalMs: number;
}

export interface IecReadout {
  identification: Identification;
  /** The mode actually used, from the meter's baud character. */
  mode: 'A' | 'B' | 'C';
  baudRate: number;
  /** Length of the data block text. */
  bytes: number;
  /** Every byte received from the meter in the successful attempt (echo excluded). */
  rxBytes: number;
  text: string;
  dataSets: DataSet[];
  /** The `!` end line was present. */
  complete: boolean;
  blocks: number;
  attempts: number;
  echo: boolean;
  skippedLines: string[];
  timing: IecReadoutTiming;
  /** A failure after the complete readout (link lost during the close delay, ...): logged, readings kept. */
  afterError?: string;
}

/** Errors after which a new sign-on cannot help. */
export function isFinal(e: MeterError): boolean {
  return e.code === 'CANCELLED' || e.code === 'PORT_LOST' || e.code === 'CONFIG_INVALID' || e.code === 'UNSUPPORTED' || e.code === 'AUTH_FAILED';
}

/** Reads the meter's data message. Retries the whole sign-on up to `retries` times. */
export async function readout(link: Link, clock: Clock, opts: IecSessionOptions = {}): Promise<IecReadout> {
  let o = resolveOptions(opts);
  let last: MeterError | undefined;
  for (let attempt = 1; attempt <= o.retries + 1; attempt++) {
    const io = new IecIo(link, clock, { echo: o.echo, maxBlockBytes: o.maxBlockBytes, signal: o.signal, log: o.log });
    const info: AttemptInfo = {};
    let r: IecReadout;
    try {
      r = await readoutOnce(io, o, attempt, info);
    } catch (e) {
      last = toMeterError(e);
      if (isFinal(last) || attempt > o.retries) {
        await finish(io, o).catch(() => undefined);
        throw last;
      }
      io.log(2, `readout attempt ${attempt} failed (${last.code}): ${last.message}; signing on again`);
      // Silence right after a mode C switch: the meter (or the optical head) cannot do that rate.
      if (o.baudFallback && info.ackBaud !== undefined && info.ackBaud > o.initialLine.baudRate && !info.dataSeen) {
        const lower = STANDARD_RATES.filter((r) => r < (info.ackBaud ?? 0)).pop() ?? o.initialLine.baudRate;
        io.log(3, `no data at ${info.ackBaud} baud: next attempt proposes ${lower}`);
        o = { ...o, maxBaud: lower };
      }
      await toInitialLine(io, o).catch(() => undefined);
      await clock.sleep(o.recoveryDelayMs, o.signal);
      continue;
    }
    // The readout is complete and its BCC checked: nothing after it (the wait before closing, the
    // line back to the initial rate, a gateway that hangs up) can make it less true. Logged, not thrown.
    try {
      await finish(io, o);
    } catch (e) {
      const err = toMeterError(e);
      io.log(2, `link ended after a complete readout (${err.code}): ${err.message}; the readings stand`);
      r.afterError = err.code;
    }
    return r;
  }
  throw last ?? new MeterError('INTERNAL');
}

async function finish(io: IecIo, o: ResolvedOptions): Promise<void> {
  await toInitialLine(io, o);
  if (o.closeDelayMs > 0) await io.clock.sleep(o.closeDelayMs, o.signal);
}

/** Switches a serial link to `baud`, keeping the other line settings. */
export async function switchBaud(io: IecIo, baud: number): Promise<void> {
  if (io.link.kind !== 'serial' || io.link.line.baudRate === baud) return;
  io.log(4, `line switched to ${baud} baud`);
  await io.link.setLine({ ...io.link.line, baudRate: baud });
}

/** Waits out t2 (counted from the identification's last byte) and sends ACK V Z Y; then switches. */
export async function acknowledgeAndSwitch(io: IecIo, o: ResolvedOptions, identAt: number, protocol: '0' | '2', baudChar: string, modeChar: string): Promise<number> {
  const wait = identAt + o.t2Ms - io.clock.now();
  if (wait > 0) await io.clock.sleep(wait, o.signal);
  // A probe that cannot follow a switch (Link.maxBaudRate): ask the meter for no faster rate than it has.
  const cap = io.link.maxBaudRate;
  if (cap !== undefined && baudFromChar(baudChar) > cap) {
    baudChar = minModeCChar(baudChar, modeCCharFor(cap));
    io.log(3, `the probe cannot switch baud rate: reading at ${baudFromChar(baudChar)} baud`);
  }
  const ack = encodeOptionSelect({ protocol, baudChar, mode: modeChar });
  await io.send(ack, `ACK ${protocol} ${baudChar} ${modeChar}`);
  // Only when an echo is expected: its copy of the ACK must be in before the switch garbles it.
  // A meter-side echo comes back only after the whole ACK was received: allow for that, too.
  await io.drainEcho((ack.length + 3) * charTimeMs(io.link.line) + 50);
  const baud = baudFromChar(baudChar);
  await switchBaud(io, baud);
  return baud;
}

/** The baud character the client proposes in mode C / E. */
export function proposedChar(o: ResolvedOptions, id: Identification): string {
  const cap = o.mode === 'A' ? o.initialLine.baudRate : o.maxBaud;
  return minModeCChar(id.baudChar, modeCCharFor(cap));
}

/** What a failed attempt got to, for the next attempt's choices. */
interface AttemptInfo {
  ackBaud?: number;
  dataSeen?: boolean;
}

async function readoutOnce(io: IecIo, o: ResolvedOptions, attempt: number, info: AttemptInfo): Promise<IecReadout> {
  const startMs = io.clock.now();
  const { identification, identAt } = await signOn(io, o);
  o.onProgress?.({ phase: 'identified', bytes: 0 });
  let baudRate = io.link.line.baudRate;
  let ackSentAtMs: number | undefined;
  const mode = identification.baudClass;
  if (mode === 'C') {
    baudRate = await acknowledgeAndSwitch(io, o, identAt, '0', proposedChar(o, identification), '0');
    ackSentAtMs = io.clock.now();
    info.ackBaud = baudRate;
  } else if (mode === 'B') {
    baudRate = baudFromChar(identification.baudChar);
    if (baudRate > o.maxBaud) io.log(3, `mode B meter switches to ${baudRate} baud, above the configured maximum ${o.maxBaud}`);
    if (baudRate > (io.link.maxBaudRate ?? baudRate)) io.log(2, `mode B meter switches to ${baudRate} baud, which the probe cannot follow`);
    await switchBaud(io, baudRate);
  }
  const rxBefore = io.rxBytes;
  const { text, blocks } = await receiveData(io, o, (bytes) => o.onProgress?.({ phase: 'data', bytes })).catch((e: unknown) => {
    info.dataSeen = io.rxBytes > rxBefore || io.framer.buffered > 0;
    throw e;
  });
  const parsed = parseDataBlock(text, o.limits);
  // The XOR BCC misses some damage (a character turned into ETX ends the block early with a chance
  // BCC match); a readout must end with the "!" line, so a cut one is refused and read again.
  if (!parsed.complete && !o.acceptIncomplete) throw new MeterError('FRAMING', 'The readout has no "!" end line (cut short?).');
  assertPlausible(parsed.dataSets); // damage parity and the BCC let through (FRAMING: read again); issue 13
  const endMs = io.clock.now();
  o.onProgress?.({ phase: 'done', bytes: text.length });
  io.log(4, `readout: ${parsed.dataSets.length} data sets, ${text.length} bytes at ${baudRate} baud in ${Math.round(endMs - startMs)} ms`);
  return {
    identification,
    mode,
    baudRate,
    bytes: text.length,
    rxBytes: io.rxBytes,
    text,
    dataSets: parsed.dataSets,
    complete: parsed.complete,
    blocks,
    attempts: attempt,
    echo: io.echoSeen,
    skippedLines: parsed.skippedLines,
    timing: { startMs, identAtMs: identAt, ackSentAtMs, endMs, totalMs: endMs - startMs },
  };
}
