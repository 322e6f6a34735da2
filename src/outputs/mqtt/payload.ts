/**
 * The JSON payload of one reading on MQTT: the fields of `meterscope --format jsonl` (one shape for
 * every consumer), plus the address (OBIS code or IEC data-set address) and the meter's decimals when
 * the reading has them. The spool stores exactly this object, so what is published after an outage is
 * byte for byte what would have been published at once.
 */
import { readingLine, type ReadingLine } from '../../cli/format';
import type { Reading } from '../../core/reading';

export interface ReadingPayload extends ReadingLine {
  address?: string;
  decimals?: number;
}

export function readingPayload(r: Reading): ReadingPayload {
  const out: ReadingPayload = readingLine(r);
  if (r.address !== undefined) out.address = r.address;
  if (r.decimals !== undefined) out.decimals = r.decimals;
  return out;
}

const KEYS: readonly (keyof ReadingLine)[] = ['ts', 'device_alias', 'signal_alias', 'value', 'unit', 'quality', 'error', 'raw'];

/** A payload read back from the spool, checked field by field: a damaged record is not a reading. */
export function isReadingPayload(x: unknown): x is ReadingPayload {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  if (!KEYS.every((k) => k in o)) return false;
  const v = o.value;
  return (
    typeof o.ts === 'string' &&
    typeof o.device_alias === 'string' &&
    typeof o.signal_alias === 'string' &&
    (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') &&
    (o.unit === null || typeof o.unit === 'string') &&
    (o.quality === 'good' || o.quality === 'bad') &&
    (o.error === null || typeof o.error === 'string') &&
    (o.raw === null || typeof o.raw === 'string') &&
    (o.address === undefined || typeof o.address === 'string') &&
    (o.decimals === undefined || (typeof o.decimals === 'number' && Number.isInteger(o.decimals)))
  );
}
