/**
 * Mode D: the meter pushes its data (IEC 62056-21 mode D at 2400 baud 7E1, DSMR P1 at 115200 8N1,
 * older DSMR at 9600 7E1); the client only listens. Returns the next complete telegram. A telegram
 * with a CRC is checked (DSMR); a mode D message framed with STX..ETX is checked by its BCC. A damaged
 * telegram is dropped and the next one awaited, up to `retries` times; so is one cut off by a meter that
 * restarted mid-telegram (a new '/' header before the end): the telegram after it is read, not lost.
 * Bounded whatever the peer does: a telegram must end within `maxBytes` at the line rate once it has
 * started, and the buffer never holds more than `maxBytes` (LENGTH).
 */
import type { Clock } from '../../core/clock';
import { MeterError, ProtocolError } from '../../core/errors';
import { charTimeMs, type Link, type LineSettings } from '../../core/link';
import { decodeTelegram, findRestart, findTelegram, type Telegram } from '../dsmr/telegram';
import { ETX, EOT, LF, STX, bytesToText } from './chars';
import { DEFAULT_LIMITS, parseDataBlock, type DataSetLimits } from './datasets';
import { bcc, decodeIdentification } from './messages';
import type { IecLog } from './options';

export interface ModeDOptions {
  /** Line settings to listen with (serial links); default: leave the link as it is. */
  line?: LineSettings;
  /** Longest wait for a telegram to start arriving. Push intervals are 1 s (DSMR 5) to 10 s and more. */
  timeoutMs?: number;
  /** Longest silence inside a telegram. */
  interCharTimeoutMs?: number;
  /** Damaged (or cut-off) telegrams skipped before giving up. */
  retries?: number;
  requireCrc?: boolean;
  /**
   * Longest telegram accepted (bytes). It also bounds the time one telegram may take once its '/' is
   * in: this many characters at the line rate plus one inter-character gap, so a peer that trickles a
   * byte now and then cannot hold the listener for longer than a real telegram could take.
   */
  maxBytes?: number;
  limits?: DataSetLimits;
  signal?: AbortSignal;
  log?: IecLog;
}

export interface ModeDTelegram extends Telegram {
  /** 'crc' (DSMR CRC checked), 'bcc' (STX..ETX framing checked) or 'none' (nothing to check). */
  check: 'crc' | 'bcc' | 'none';
  bytes: number;
  receivedAtMs: number;
  /** Damaged or cut-off telegrams dropped before this one (bad frames, for the trace and link status). */
  badFrames: number;
}

/** DSMR 5 telegrams with the longest text messages stay under 5 KiB; this leaves room for any meter. */
const DEFAULT_MAX = 16 * 1024;

export async function listenModeD(link: Link, clock: Clock, opts: ModeDOptions = {}): Promise<ModeDTelegram> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const interChar = opts.interCharTimeoutMs ?? 1500;
  const retries = opts.retries ?? 3;
  const max = opts.maxBytes ?? DEFAULT_MAX;
  if (opts.line && link.kind === 'serial') await link.setLine(opts.line);
  const frameBudgetMs = interChar + max * charTimeMs(opts.line ?? link.line);
  let buf = new Uint8Array(0);
  let failures = 0;
  let start = clock.now();
  let lastByte = start;
  /** When the '/' of the telegram now arriving came in (undefined while none has started). */
  let frameStartAt: number | undefined;
  let anyRx = false;
  const fail = (error: ProtocolError | MeterError): void => {
    failures++;
    opts.log?.(3, `damaged telegram dropped (${error.code}): ${error.message}`);
    if (failures > retries) throw error;
    start = clock.now();
    frameStartAt = undefined;
  };
  for (;;) {
    if (opts.signal?.aborted) throw new MeterError('CANCELLED');
    const got = tryDecode(buf);
    if (got) {
      buf = buf.slice(got.consumed);
      if (got.telegram) {
        opts.log?.(4, `mode D telegram: ${got.telegram.dataSets.length} data sets, check ${got.telegram.check}`);
        return { ...got.telegram, receivedAtMs: clock.now(), badFrames: failures };
      }
      fail(got.error ?? new ProtocolError('FRAMING', 'Damaged telegram.'));
      if (buf.indexOf(0x2f) !== -1) frameStartAt = clock.now();
      continue;
    }
    const now = clock.now();
    const started = frameStartAt !== undefined;
    // Once a telegram has started, it must end within what its largest legal size takes at the line
    // rate: each byte may not push the deadline out for good.
    const deadline = frameStartAt !== undefined ? Math.min(Math.max(start + timeoutMs, lastByte + interChar), frameStartAt + frameBudgetMs) : start + timeoutMs;
    if (now >= deadline) {
      const overran = frameStartAt !== undefined && now >= frameStartAt + frameBudgetMs;
      throw new MeterError(buf.length === 0 && !anyRx ? 'NO_ANSWER' : 'TIMEOUT', overran ? `The telegram did not end within ${Math.round(frameBudgetMs)} ms (longer than ${max} bytes take at the line rate).` : started ? 'The telegram stopped before its end line.' : 'No telegram arrived.');
    }
    const chunk = await link.read(Math.min(deadline - now, 500));
    if (chunk.length === 0) continue;
    anyRx = true;
    lastByte = clock.now();
    opts.log?.(7, `rx chunk (${chunk.length} bytes)`, chunk, 'rx');
    // Bytes before any '/' are line noise: never kept.
    const from = buf.length > 0 ? 0 : chunk.indexOf(0x2f);
    if (from === -1) continue;
    if (frameStartAt === undefined) frameStartAt = lastByte;
    const next = new Uint8Array(buf.length + chunk.length - from);
    next.set(buf);
    next.set(chunk.subarray(from), buf.length);
    buf = next;
    if (buf.length > max) {
      // A flooding peer: the receive buffer never grows past the longest legal telegram.
      buf = new Uint8Array(0);
      fail(new ProtocolError('LENGTH', `More than ${max} bytes without a complete telegram; discarded.`));
    }
  }

  function tryDecode(b: Uint8Array): { consumed: number; telegram?: Omit<ModeDTelegram, 'receivedAtMs' | 'badFrames'>; error?: ProtocolError } | undefined {
    const slash = b.indexOf(0x2f);
    if (slash === -1) return undefined;
    const headerEnd = b.indexOf(LF, slash);
    if (headerEnd === -1) return undefined;
    // STX-framed mode D: identification line, then STX data ETX BCC.
    let k = headerEnd + 1;
    while (k < b.length && (b[k] === 0x0d || b[k] === LF)) k++;
    if (k < b.length && b[k] === STX) {
      let e = k + 1;
      while (e < b.length && b[e] !== ETX && b[e] !== EOT) e++;
      if (e + 1 >= b.length) return undefined;
      // A new '/' header inside the block: the meter restarted; the next telegram begins there.
      const restart = findRestart(b, k + 1, e);
      if (restart !== -1) return { consumed: restart, error: new ProtocolError('FRAMING', 'Mode D telegram cut off: the next one starts before its ETX.', { frame: b.slice(k, Math.min(restart, k + 64)) }) };
      const consumed = e + 2;
      try {
        if (bcc(b, k + 1, e + 1) !== b[e + 1]) throw new ProtocolError('CHECKSUM', 'Mode D block BCC mismatch.', { frame: b.slice(k, e + 2) });
        const header = bytesToText(b, slash, headerEnd).replace(/\r$/, '');
        const parsed = parseDataBlock(bytesToText(b, k + 1, e), opts.limits ?? DEFAULT_LIMITS);
        const t: Omit<ModeDTelegram, 'receivedAtMs' | 'badFrames'> = { header, dataSets: parsed.dataSets, end: consumed, skippedLines: parsed.skippedLines, check: 'bcc', bytes: consumed - slash };
        try {
          t.identification = decodeIdentification(b.subarray(slash, headerEnd + 1));
        } catch {
          // header kept as text
        }
        return { consumed, telegram: t };
      } catch (err) {
        if (err instanceof ProtocolError) return { consumed, error: err };
        throw err;
      }
    }
    const bounds = findTelegram(b, slash);
    if (!bounds) return undefined;
    if (bounds.cut) return { consumed: bounds.end, error: new ProtocolError('FRAMING', 'Telegram cut off: the next telegram starts before its "!" end line.', { frame: b.slice(bounds.start, Math.min(bounds.end, bounds.start + 64)) }) };
    try {
      const t = decodeTelegram(b.subarray(0, bounds.end), { requireCrc: opts.requireCrc, limits: opts.limits });
      return { consumed: bounds.end, telegram: { ...t, check: t.crc ? 'crc' : 'none', bytes: bounds.end - bounds.start } };
    } catch (err) {
      if (err instanceof ProtocolError) return { consumed: bounds.end, error: err };
      throw err;
    }
  }
}
