/**
 * Trace lines as text (for copy and save) and the Trace page's filters. Pure functions: tested
 * without a browser. The decoded tree's type is imported as a type only, so no worker code loads.
 */
import type { TraceLine } from '../../core/logger';
import type { DecodedNode } from '../../worker/engine-api';

export interface TraceFilter {
  maxLevel: number;
  /** '' = every port. */
  port: string;
  /** Case-insensitive text to find in the message, hex, port or decoded tree ('' = no text filter). */
  text: string;
}

export function isDecodedNode(v: unknown): v is DecodedNode {
  return typeof v === 'object' && v !== null && typeof (v as { label?: unknown }).label === 'string';
}

/** The decoded tree's labels and values as one lower-case text, made once per line. */
const decodedTexts = new WeakMap<TraceLine, string>();

function decodedText(l: TraceLine): string {
  if (!isDecodedNode(l.decoded)) return '';
  let text = decodedTexts.get(l);
  if (text === undefined) {
    text = treeText(l.decoded, '', 0).join('\n').toLowerCase();
    decodedTexts.set(l, text);
  }
  return text;
}

/**
 * What to look for. An OBIS code typed as 1-0:1.8.0*255 (as on a meter's display or data sheet) is
 * also looked for in the dotted form the decoder prints: 1.0.1.8.0.255.
 */
function needles(text: string): string[] {
  const t = text.trim().toLowerCase();
  if (t === '') return [];
  const m = /^(\d+)-(\d+):(\d+)\.(\d+)\.(\d+)(?:[*&](\d+))?$/.exec(t);
  if (!m) return [t];
  const dotted = m.slice(1, 6).join('.') + (m[6] !== undefined ? `.${m[6]}` : '');
  return [t, dotted];
}

export function filterLines(lines: readonly TraceLine[], f: TraceFilter): TraceLine[] {
  const wanted = needles(f.text);
  const matches = (l: TraceLine): boolean =>
    wanted.some(
      (n) =>
        l.message.toLowerCase().includes(n) ||
        (l.hex ?? '').toLowerCase().includes(n) ||
        l.port.toLowerCase().includes(n) ||
        decodedText(l).includes(n),
    );
  return lines.filter((l) => l.level <= f.maxLevel && (f.port === '' || l.port === f.port) && (wanted.length === 0 || matches(l)));
}

/** Ports seen in the trace, sorted, for the port filter. */
export function portsOf(lines: readonly TraceLine[]): string[] {
  return [...new Set(lines.map((l) => l.port))].sort((a, b) => a.localeCompare(b));
}

/** `14:03:07.125`: local wall time with milliseconds, enough to see line timing at 300 baud. */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function dirLabel(dir: TraceLine['dir']): string {
  return dir === 'tx' ? 'TX →' : dir === 'rx' ? 'RX ←' : '';
}

/** A decoded tree as indented text lines. */
export function treeText(n: DecodedNode, indent = '    ', depth = 0): string[] {
  const head = `${indent}${'  '.repeat(depth)}${n.label}${n.value !== undefined ? `: ${n.value}` : ''}`;
  return [head, ...(n.children ?? []).flatMap((c) => treeText(c, indent, depth + 1))];
}

/** One line as text: the header, the hex, the decoded tree. Secrets were masked by the engine's logger. */
export function lineText(l: TraceLine, withDate = false): string {
  const time = withDate ? new Date(l.ts).toISOString() : formatClock(l.ts);
  const dir = dirLabel(l.dir);
  const out = [`${time} [${l.level}] ${l.port}${dir ? ` ${dir}` : ''} ${l.message}`];
  if (l.hex) out.push(`    ${l.hex}`);
  if (isDecodedNode(l.decoded)) out.push(...treeText(l.decoded));
  return out.join('\n');
}

export function linesText(lines: readonly TraceLine[], withDate = true): string {
  return lines.map((l) => lineText(l, withDate)).join('\n') + (lines.length ? '\n' : '');
}
