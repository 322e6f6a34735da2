/**
 * Mode D: the meter pushes its data (IEC 62056-21 mode D at 2400 baud 7E1, DSMR P1 at 115200 8N1,
 * older DSMR at 9600 7E1); the client only listens. Returns the next complete telegram. A telegram
 * with a CRC is checked (DSMR); a mode D message framed with STX..ETX is checked by its BCC. A damaged
 * telegram is dropped and the next one awaited, up to `retries` times.
 */
import type { Clock } from '../../core/clock';
import { MeterError, ProtocolError } from '../../core/errors';
import type { Link, LineSettings } from '../../core/link';
import { decodeTelegram, findTelegram, type Telegram } from '../dsmr/telegram';
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
  /** Damaged telegrams skipped before giving up. */
  retries?: number;
  requireCrc?: boolean;
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
}

const DEFAULT_MAX = 64 * 1024;

export async function listenModeD(link: Link, clock: Clock, opts: ModeDOptions = {}): Promise<ModeDTelegram> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const interChar = opts.interCharTimeoutMs ?? 1500;
  const retries = opts.retries ?? 3;
  const max = opts.maxBytes ?? DEFAULT_MAX;
  if (opts.line && link.kind === 'serial') await link.setLine(opts.line);
  let buf = new Uint8Array(0);
  let failures = 0;
  let start = clock.now();
  let lastByte = start;
  for (;;) {
    if (opts.signal?.aborted) throw new MeterError('CANCELLED');
    const got = tryDecode(buf);
    if (got) {
      buf = buf.slice(got.consumed);
      if (got.telegram) {
        opts.log?.(4, `mode D telegram: ${got.telegram.dataSets.length} data sets, check ${got.telegram.check}`);
        return { ...got.telegram, receivedAtMs: clock.now() };
      }
      failures++;
      opts.log?.(3, `damaged telegram dropped (${got.error?.code}): ${got.error?.message}`);
      if (failures > retries) throw got.error ?? new MeterError('FRAMING');
      start = clock.now();
      continue;
    }
    const now = clock.now();
    const started = buf.indexOf(0x2f) !== -1;
    const deadline = started ? Math.max(start + timeoutMs, lastByte + interChar) : start + timeoutMs;
    if (now >= deadline) throw new MeterError(buf.length === 0 ? 'NO_ANSWER' : 'TIMEOUT', started ? 'The telegram stopped before its end line.' : 'No telegram arrived.');
    const chunk = await link.read(Math.min(deadline - now, 500));
    if (chunk.length === 0) continue;
    lastByte = clock.now();
    opts.log?.(7, `rx chunk (${chunk.length} bytes)`, chunk, 'rx');
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
    if (buf.length > max) {
      // Keep only what might still hold the start of a telegram.
      const slash = buf.lastIndexOf(0x2f);
      buf = slash > 0 && buf.length - slash <= max ? buf.slice(slash) : new Uint8Array(0);
      opts.log?.(3, `more than ${max} bytes without a complete telegram; discarded`);
    }
  }

  function tryDecode(b: Uint8Array): { consumed: number; telegram?: Omit<ModeDTelegram, 'receivedAtMs'>; error?: ProtocolError } | undefined {
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
      const consumed = e + 2;
      try {
        if (bcc(b, k + 1, e + 1) !== b[e + 1]) throw new ProtocolError('CHECKSUM', 'Mode D block BCC mismatch.', { frame: b.slice(k, e + 2) });
        const header = bytesToText(b, slash, headerEnd).replace(/\r$/, '');
        const parsed = parseDataBlock(bytesToText(b, k + 1, e), opts.limits ?? DEFAULT_LIMITS);
        const t: Omit<ModeDTelegram, 'receivedAtMs'> = { header, dataSets: parsed.dataSets, end: consumed, skippedLines: parsed.skippedLines, check: 'bcc', bytes: consumed - slash };
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
    try {
      const t = decodeTelegram(b.subarray(0, bounds.end), { requireCrc: opts.requireCrc, limits: opts.limits });
      return { consumed: bounds.end, telegram: { ...t, check: t.crc ? 'crc' : 'none', bytes: bounds.end - bounds.start } };
    } catch (err) {
      if (err instanceof ProtocolError) return { consumed: bounds.end, error: err };
      throw err;
    }
  }
}
