/**
 * What the virtual meter prints for R5/R6 reads of a load profile (`P.01`) or the logbook (`P.98`)
 * between two meter-local instants.
 */
import { formatIecTimestamp, parseIecTimestamp } from '../../protocols/iec62056-21/load-profile';
import type { LoadProfileSpec, LogbookEntry } from './virtual-meter';

/** `from;to` as ZYYMMDDhhmm[ss] (either may be empty). Undefined if unparsable. */
export function range(params: string): [number, number] | undefined {
  const [a = '', b = ''] = params.split(';');
  try {
    const from = a.trim() === '' ? -Infinity : parseIecTimestamp(a).localMs;
    const to = b.trim() === '' ? Infinity : parseIecTimestamp(b).localMs;
    return [from, to];
  } catch {
    return undefined;
  }
}

export function profileText(lp: LoadProfileSpec, params: string): string | undefined {
  const r = range(params);
  if (!r) return undefined;
  const period = lp.periodMinutes * 60_000;
  let first = -1;
  let last = -1;
  for (let i = 0; i < lp.rows; i++) {
    const t = lp.startLocalMs + i * period;
    if (t >= r[0] && t <= r[1]) {
      if (first === -1) first = i;
      last = i;
    }
  }
  if (first === -1) return '(ERROR)\r\n';
  const chans = lp.channels.map((c) => `(${c.address})(${c.unit})`).join('');
  let text = `${lp.address}(${formatIecTimestamp(lp.startLocalMs + first * period, '0')})(00)(${lp.periodMinutes})(${lp.channels.length})${chans}\r\n`;
  for (let i = first; i <= last; i++) text += lp.channels.map((_, ch) => `(${lp.value(i, ch)})`).join('') + '\r\n';
  return text;
}

export function logbookText(entries: LogbookEntry[], params: string): string | undefined {
  const r = range(params);
  if (!r) return undefined;
  const hits = entries.filter((e) => e.localMs >= r[0] && e.localMs <= r[1]);
  if (hits.length === 0) return '(ERROR)\r\n';
  return hits.map((e) => `P.98(${formatIecTimestamp(e.localMs, '0')})(${e.status})()(0)\r\n`).join('');
}
