/**
 * A virtual IEC 62056-21 meter on the meter end of a Link: sign-on, modes A/B/C, programming mode with
 * password, load profile and logbook reads, mode E hand-over, mode D pushes, wake-up, echo and injected
 * faults. It switches its own line like a real meter, so a client that forgets to switch (or switches
 * too early) hears garbage. Pure: talks only to the Link and the Clock; it is also the demo meter.
 */
import type { Clock } from '../../core/clock';
import { reactionDelays } from '../reaction';
import { MeterError } from '../../core/errors';
import { LINE_300_7E1, charTimeMs, type LineSettings, type Link } from '../../core/link';
import { baudClass, baudFromChar, modeBCharFor, modeCCharFor } from '../../protocols/iec62056-21/baud';
import { NAK, NUL, STX, textToBytes } from '../../protocols/iec62056-21/chars';
import { formatDataSets, parseDataBlock, type DataSet } from '../../protocols/iec62056-21/datasets';
import { Framer, type Frame } from '../../protocols/iec62056-21/framer';
import { prefixedLink } from '../../core/prefixed-link';
import { decodeBlock, decodeOptionSelect, decodeRequest, encodeCommand, encodeDataMessage, encodeIdentification } from '../../protocols/iec62056-21/messages';
import { endMarkerOnDataLine, flood, trickle } from './quirks';
import { logbookText, profileText } from './profile-text';

import type { IecMeterFaults, IecMeterProfile, IecMeterStats, ModeDSpec } from './profile-types';

export type { IecSimMode, IecMeterFaults, LoadProfileSpec, LogbookEntry, ModeDSpec, IecMeterProfile, IecMeterStats } from './profile-types';

/** How long the meter waits for the option select, an ACK to a partial block, or a NAK after data. */
const ANSWER_WINDOW_MS = 1500;
const OPTION_WINDOW_MS = 2500;
const PROGRAMMING_IDLE_MS = 60_000;
/** A wake-up train shorter than this (at 300 baud) does not wake the meter. */
const WAKE_MIN_MS = 1800;
const WAKE_SILENCE_MS = 1000;
const AWAKE_MS = 10_000;
/** IEC 62056-21: at least 200 ms between a message received and the answer, the client's option select too. */
export const STANDARD_MIN_ACK_DELAY_MS = 200;

export class VirtualIecMeter {
  readonly stats: IecMeterStats = { signOns: 0, readouts: 0, naksReceived: 0, programmingSessions: 0, modeE: 0, earlyAcks: 0 };
  /** Values written with W1 (and the readout's data sets), by address. */
  readonly registers = new Map<string, string>();
  private readonly faults: IecMeterFaults;
  private link!: Link;
  private clock!: Clock;
  private signal?: AbortSignal;
  private framer = new Framer();
  private pushback?: Frame;
  private nulRun = 0;
  private lastNulAt = -Infinity;
  private awakeUntil = -Infinity;
  /** When the first character received since `markRx()` began (its arrival less its own line time). */
  private rxStartAt?: number;
  /** The meter hung up (`hangUpAfterReadoutMs`). */
  hungUp = false;

  constructor(readonly profile: IecMeterProfile) {
    this.faults = { ...(profile.faults ?? {}) };
    const sets = typeof profile.readout === 'string' ? parseDataBlock(profile.readout).dataSets : profile.readout;
    for (const ds of sets) {
      if (!this.registers.has(ds.address)) this.registers.set(ds.address, formatDataSets([ds], false).replace(/\r\n$/, '').slice(ds.address.length));
    }
  }

  /** Inject faults while running (tests). */
  setFaults(f: IecMeterFaults): void {
    Object.assign(this.faults, f);
  }

  private drawReaction?: () => number;

  /** The wait before the next answer (a new draw each time when the profile gives a range). */
  get reactionMs(): number {
    if (this.profile.reactionMs !== undefined) return (this.drawReaction ??= reactionDelays(this.profile.reactionMs))();
    const third = this.profile.manufacturer[2] ?? 'A';
    return third >= 'a' && third <= 'z' ? 20 : 200;
  }

  get signOnClass(): 'A' | 'B' | 'C' {
    const m = this.profile.supportedModes;
    if (m.includes('C') || m.includes('E')) return 'C';
    if (m.includes('B')) return 'B';
    return 'A';
  }

  get baudChar(): string {
    const cls = this.signOnClass;
    if (cls === 'C') return modeCCharFor(this.profile.maxBaud);
    if (cls === 'B') return modeBCharFor(this.profile.maxBaud);
    return 'H'; // any character outside 0-9 and A-I: mode A
  }

  identificationBytes(): Uint8Array {
    return encodeIdentification({
      manufacturer: this.profile.manufacturer,
      baudChar: this.baudChar,
      enhanced: this.profile.supportedModes.includes('E') ? ['2'] : [],
      ident: this.profile.ident,
    });
  }

  /** The readout data block as the meter prints it. */
  readoutText(): string {
    let text = typeof this.profile.readout === 'string' ? this.profile.readout : formatDataSets(this.profile.readout, false);
    if (!/(^|\n|\))!\r?\n?$/.test(text)) text += text.endsWith('\n') || text.length === 0 ? '!\r\n' : '\r\n!\r\n';
    if (this.faults.lfOnly) text = text.replace(/\r\n/g, '\n');
    if (this.faults.endOnDataLine) text = endMarkerOnDataLine(text);
    return text;
  }

  /** Runs until the link is closed or lost, or the signal aborts. */
  async serve(link: Link, clock: Clock, signal?: AbortSignal): Promise<void> {
    this.link = link;
    this.clock = clock;
    this.signal = signal;
    try {
      if (this.profile.modeD) {
        await this.pushLoop(this.profile.modeD);
        return;
      }
      for (;;) await this.session();
    } catch (e) {
      if (e instanceof MeterError && (e.code === 'PORT_LOST' || e.code === 'CANCELLED')) return;
      throw e;
    }
  }

  private async pushLoop(d: ModeDSpec): Promise<void> {
    if (this.link.kind === 'serial') await this.link.setLine(d.line);
    for (;;) {
      this.checkAbort();
      if (this.faults.trickleMs) await trickle(this.link, this.clock, 0x2f, d.telegram.slice(1), this.faults.trickleMs, this.signal);
      // A push flood: a telegram header, then data lines (or '/'s) that never reach an end.
      if (this.faults.flood) await flood(this.link, this.clock, this.faults.flood, this.signal, textToBytes(d.telegram.slice(0, d.telegram.indexOf('\n') + 1)));
      const bytes = textToBytes(this.faults.endOnDataLine ? endMarkerOnDataLine(d.telegram) : d.telegram);
      const cutAt = this.faults.cutNextPushAt;
      if (cutAt !== undefined) {
        // The meter restarts mid-telegram and starts over with a complete one at once.
        this.faults.cutNextPushAt = undefined;
        await this.link.write(bytes.slice(0, cutAt));
      }
      const out = bytes.slice();
      if ((this.faults.bccErrors ?? 0) > 0) {
        // A damaged byte in the middle of the telegram: the CRC (or nothing, without one) must catch it.
        this.faults.bccErrors = (this.faults.bccErrors ?? 0) - 1;
        out[out.length >> 1] ^= 0x01;
      }
      await this.link.write(out);
      await this.clock.sleep(d.intervalMs, this.signal);
    }
  }

  private checkAbort(): void {
    if (this.signal?.aborted) throw new MeterError('CANCELLED');
  }

  private async toLine(line: LineSettings): Promise<void> {
    if (this.link.kind !== 'serial') return;
    await this.link.setLine(line);
  }

  private get initialLine(): LineSettings {
    return this.profile.initialLine ?? LINE_300_7E1;
  }

  /** The next frame within `ms`, or undefined on silence. */
  private async next(ms: number, optionSelect = false): Promise<Frame | undefined> {
    if (this.pushback) {
      const f = this.pushback;
      this.pushback = undefined;
      return f;
    }
    const deadline = this.clock.now() + ms;
    for (;;) {
      this.checkAbort();
      const f = this.framer.next({ optionSelect });
      if (f) return f;
      const wait = deadline - this.clock.now();
      if (wait <= 0) return undefined;
      const chunk = await this.link.read(Math.min(wait, 30_000));
      if (chunk.length === 0) continue;
      // A reader wakes at a character's arrival or at the end of a burst: either way the chunk's first
      // character began that many character times earlier.
      this.rxStartAt ??= this.clock.now() - (this.link.kind === 'serial' ? chunk.length * charTimeMs(this.link.line) : 0);
      if (this.profile.echo) void this.link.write(chunk).catch(() => undefined);
      this.trackWakeUp(chunk);
      this.framer.push(chunk);
    }
  }

  private trackWakeUp(chunk: Uint8Array): void {
    const now = this.clock.now();
    for (const b of chunk) {
      if (b === NUL) {
        this.nulRun++;
        this.lastNulAt = now;
      } else this.nulRun = 0;
    }
    if (this.nulRun * charTimeMs(this.initialLine) >= WAKE_MIN_MS) this.awakeUntil = now + AWAKE_MS;
  }

  private isAwake(): boolean {
    if (!this.profile.wakeUpRequired) return true;
    const now = this.clock.now();
    return now <= this.awakeUntil && now - this.lastNulAt >= WAKE_SILENCE_MS;
  }

  /** One sign-on dialogue from the idle state back to it. */
  private async session(): Promise<void> {
    await this.toLine(this.initialLine);
    const f = await this.next(60_000);
    if (!f || f.kind !== 'line') return;
    let address: string;
    try {
      address = decodeRequest(f.bytes).address;
    } catch {
      return;
    }
    if (address !== '' && address !== (this.profile.address ?? '')) return;
    if (!this.isAwake()) return;
    this.awakeUntil = this.clock.now() + AWAKE_MS;
    this.stats.signOns++;
    await this.clock.sleep(this.reactionMs, this.signal);
    if (this.faults.leadingGarbage) await this.link.write(textToBytes(this.faults.leadingGarbage));
    await this.link.write(this.identificationBytes());
    const identEnd = this.clock.now();
    this.rxStartAt = undefined;
    const cls = this.signOnClass;
    if (cls === 'A') {
      await this.sendReadout();
      return;
    }
    if (cls === 'B') {
      await this.toLine({ ...this.initialLine, baudRate: baudFromChar(this.baudChar) });
      await this.clock.sleep(this.reactionMs, this.signal);
      await this.sendReadout();
      return;
    }
    const opt = await this.next(OPTION_WINDOW_MS, true);
    if (!opt || opt.kind !== 'option') return;
    let sel;
    try {
      sel = decodeOptionSelect(opt.bytes);
    } catch {
      return;
    }
    if (this.tooEarly(identEnd)) {
      this.stats.earlyAcks++;
      if ((this.profile.earlyAck ?? 'ignore') === 'ignore') return;
      await this.clock.sleep(this.reactionMs, this.signal);
      await this.sendReadout();
      return;
    }
    const asked = baudClass(sel.baudChar) === 'C' ? baudFromChar(sel.baudChar) : this.initialLine.baudRate;
    const baud = Math.min(asked, this.profile.maxBaud);
    if (this.profile.baudRates && !this.profile.baudRates.includes(baud)) return;
    if (sel.protocol === '2' && sel.mode === '2' && this.profile.supportedModes.includes('E')) {
      this.stats.modeE++;
      if (this.faults.echoAck) await this.link.write(opt.bytes);
      await this.toLine({ baudRate: baud, dataBits: 8, parity: 'none', stopBits: 1 });
      if (this.profile.onModeE) {
        // Bytes already taken off the line after the option select (the client's first HDLC frame, when
        // both arrived in one chunk) belong to the DLMS side.
        const leftover = this.framer.peek();
        this.framer.clear();
        await this.profile.onModeE(prefixedLink(this.link, leftover), this.clock, this.signal);
      } else await this.next(ANSWER_WINDOW_MS * 4);
      this.framer.clear();
      return;
    }
    await this.toLine({ ...this.initialLine, baudRate: baud });
    if (sel.mode === '1') {
      this.stats.programmingSessions++;
      await this.programming();
      return;
    }
    await this.clock.sleep(this.reactionMs, this.signal);
    await this.sendReadout();
  }

  /** The option select began sooner after the identification than the meter takes (IEC 62056-21: 200 ms). */
  private tooEarly(identEnd: number): boolean {
    const min = this.profile.minAckDelayMs ?? STANDARD_MIN_ACK_DELAY_MS;
    const began = this.rxStartAt ?? this.clock.now();
    // A microsecond's leeway for floating-point character times; a real meter's timer is coarser still.
    return began - identEnd < min - 1e-3;
  }

  /** The data message of a readout, or what a broken / hostile meter sends in its place. */
  private async sendReadout(): Promise<void> {
    if (this.faults.trickleMs) await trickle(this.link, this.clock, STX, this.readoutText(), this.faults.trickleMs, this.signal);
    if (this.faults.flood) await flood(this.link, this.clock, this.faults.flood, this.signal);
    const hangUp = this.faults.hangUpAfterReadoutMs;
    await this.sendData(this.readoutText(), this.faults.partialBlockSize, hangUp === undefined ? undefined : () => this.hangUpIn(hangUp));
    this.stats.readouts++;
  }

  private hangUpIn(ms: number): void {
    this.clock.schedule(ms, () => {
      this.hungUp = true;
      void this.link.close().catch(() => undefined);
      this.profile.onHangUp?.();
    });
  }

  /** Sends a data message, in partial blocks if asked; repeats a block on NAK. False if the client went away. */
  private async sendData(text: string, blockSize?: number, onLastSent?: () => void): Promise<boolean> {
    const size = blockSize && blockSize > 0 ? blockSize : Math.max(1, text.length);
    const chunks: string[] = [];
    for (let i = 0; i < text.length || chunks.length === 0; i += size) chunks.push(text.slice(i, i + size));
    for (let i = 0; i < chunks.length; i++) {
      const partial = i < chunks.length - 1;
      for (let repeats = 0; ; repeats++) {
        const msg = encodeDataMessage(chunks[i], partial);
        if ((this.faults.bccErrors ?? 0) > 0) {
          this.faults.bccErrors = (this.faults.bccErrors ?? 0) - 1;
          msg[msg.length - 1] ^= 0x01;
        }
        await this.link.write(msg);
        if (!partial && repeats === 0) onLastSent?.();
        if (repeats > 5) return false;
        const answer = await this.next(ANSWER_WINDOW_MS);
        if (answer?.kind === 'nak') {
          this.stats.naksReceived++;
          await this.clock.sleep(this.reactionMs, this.signal);
          continue;
        }
        if (partial) {
          if (answer?.kind !== 'ack') return false;
          await this.clock.sleep(this.reactionMs, this.signal);
          break;
        }
        if (answer) this.pushback = answer;
        break;
      }
    }
    return true;
  }

  private async answer(bytes: Uint8Array): Promise<void> {
    await this.clock.sleep(this.reactionMs, this.signal);
    await this.link.write(bytes);
  }

  private async error(text = 'ERROR'): Promise<void> {
    await this.answer(encodeDataMessage(`(${text})`));
  }

  private async programming(): Promise<void> {
    await this.answer(encodeCommand({ command: 'P', type: '0', data: `(${this.profile.passwordSeed ?? '00000000'})` }));
    let authenticated = this.profile.password === undefined;
    for (;;) {
      const f = await this.next(PROGRAMMING_IDLE_MS);
      if (!f) return;
      if (f.kind !== 'block') continue;
      let block;
      try {
        block = decodeBlock(f.bytes);
      } catch {
        await this.answer(Uint8Array.of(NAK));
        continue;
      }
      if (block.kind !== 'command') continue;
      const data = block.data ?? '';
      switch (block.command) {
        case 'B':
          return;
        case 'P': {
          const given = data.replace(/^\(|\)$/g, '');
          if (this.profile.password === undefined || given === this.profile.password) {
            authenticated = true;
            await this.answer(Uint8Array.of(0x06));
          } else await this.error();
          break;
        }
        case 'R':
          if (!authenticated) await this.error();
          else await this.read(block.type, data);
          break;
        case 'W': {
          const m = /^([^()]+)\((.*)\)$/.exec(data);
          if (!authenticated || !m || !this.registers.has(m[1])) await this.error();
          else {
            this.registers.set(m[1], `(${m[2]})`);
            await this.answer(Uint8Array.of(0x06));
          }
          break;
        }
        case 'E':
          if (!authenticated) await this.error();
          else await this.answer(Uint8Array.of(0x06));
          break;
      }
    }
  }

  private async read(type: string, data: string): Promise<void> {
    const m = /^([^()]*)\((.*)\)$/.exec(data);
    if (!m) return this.error();
    const [, address, params] = m;
    const lp = this.profile.loadProfile;
    if (lp && address === lp.address) {
      const text = profileText(lp, params);
      if (text === undefined) return this.error();
      await this.clock.sleep(this.reactionMs, this.signal);
      await this.sendData(text, type === '6' ? (lp.blockSize ?? 256) : undefined);
      return;
    }
    if (address === 'P.98' && this.profile.logbook) {
      const text = logbookText(this.profile.logbook, params);
      if (text === undefined) return this.error();
      await this.clock.sleep(this.reactionMs, this.signal);
      await this.sendData(text, type === '6' ? 256 : undefined);
      return;
    }
    const value = this.registers.get(address);
    if (value === undefined) return this.error();
    await this.answer(encodeDataMessage(`${address}${value}`));
  }
}
