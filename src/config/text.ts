/**
 * Configuration text in and out. Import keeps the user's document as written (raw) so that export
 * gives back equal JSON: hex strings, omitted defaults and field order survive a round trip.
 */
import type { ValidationResult } from './types';
import { indexPath, joinPath } from './path';
import { escapeForMessage } from './issues';
import { runAbortable, runToEnd, type AbortableOptions } from './steps';
import { validateSteps } from './validate';
import { FIELD_DOCS } from './fields';

export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/**
 * Where and why a text is not JSON. Engines word and place JSON.parse errors differently (and some
 * give no position), so the first fault is located by a small scanner of our own. The message never
 * quotes the text, which may hold a password.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  return scanJson(text).error;
}

interface ScanResult {
  error?: JsonSyntaxError;
  /** Paths of keys written twice in the same object (JSON.parse silently keeps the last one). */
  duplicates: string[];
}

function scanJson(text: string): ScanResult {
  const duplicates: string[] = [];
  let i = 0;
  const n = text.length;
  class Fault {
    constructor(
      readonly at: number,
      readonly message: string,
    ) {}
  }
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = (at: number) => (at >= n ? 'the end of the text' : `"${escapeForMessage(text[at])}"`);
  const fail = (expected: string): never => {
    throw new Fault(i, `expected ${expected} but found ${describe(i)}`);
  };
  // Jump to the next quote, backslash or control character instead of stepping one by one.
  const special = /["\\\x00-\x1f]/g;
  const str = (): void => {
    i++; // opening quote
    for (;;) {
      special.lastIndex = i;
      const m = special.exec(text);
      if (!m) throw new Fault(n, 'a text value is not closed with a quote');
      i = m.index;
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Fault(i, 'a text value contains a line break or control character; close the quote or write it as \\n');
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Fault(i, 'a \\u escape needs four hex digits');
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Fault(i, 'a text value contains an invalid backslash escape');
      i += 2;
    }
  };
  const numberRe = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const num = () => {
    numberRe.lastIndex = i;
    const m = numberRe.exec(text);
    if (!m) fail('a number');
    i += m![0].length;
  };
  // Path segments of the value being scanned; joined into text only when a duplicate is found.
  const path: (string | number)[] = [];
  const pathText = (): string => path.reduce<string>((acc, seg) => (typeof seg === 'number' ? indexPath(acc, seg) : joinPath(acc, seg)), '');
  const value = (depth: number): void => {
    if (depth > 500) throw new Fault(i, 'the document is nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      const keys = new Set<string>();
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'another field (remove the comma before "}")' : 'a field name in double quotes');
        const keyStart = i;
        str();
        const rawKey = text.slice(keyStart + 1, i - 1);
        const key = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
        path.push(key);
        if (keys.has(key)) duplicates.push(pathText());
        keys.add(key);
        ws();
        if (text[i] !== ':') fail('":" after the field name');
        i++;
        value(depth + 1);
        path.pop();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        ws();
        if (text[i] === ']') fail('another value (remove the comma before "]")');
        path.push(index);
        value(depth + 1);
        path.pop();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    }
    if (c === '"') return str();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    if (c === "'") fail('a value (JSON text uses double quotes, not single quotes)');
    fail('a value');
  };
  try {
    value(0);
    ws();
    if (i < n) fail('the end of the document');
    return { duplicates };
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    const before = text.slice(0, e.at);
    const line = before.split('\n').length;
    const column = e.at - before.lastIndexOf('\n');
    return { error: { offset: e.at, line, column, message: e.message }, duplicates };
  }
}

/** Parse a configuration document and validate it. Never throws. */
export function parseConfigText(text: string): ValidationResult {
  return runToEnd(parseSteps(text));
}

/**
 * Parse (when given text) and validate a configuration without blocking: the event loop gets a turn
 * every `yieldEvery` devices/signals (default 500), and when `signal` is aborted the promise rejects
 * with an `AbortError` (a DOMException, or the signal's reason when that is an Error) at the next
 * pause. Same result as parseConfigText / validateConfig otherwise. Used by the CLI (SIGINT/SIGTERM)
 * and the app's worker (a new import or a cancel abandons the one running).
 */
export function validateConfigAsync(input: string | unknown, options: AbortableOptions = {}): Promise<ValidationResult> {
  return runAbortable(parseSteps(input), options);
}

function* parseSteps(text: unknown): Generator<void, ValidationResult> {
  if (typeof text !== 'string') return yield* validateSteps(text);
  // A UTF-8 byte order mark is what Windows editors often put first; it is not a JSON error.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    const where = locateJsonError(body);
    const message = where
      ? `is not valid JSON: line ${where.line}, column ${where.column}: ${where.message}`
      : 'is not valid JSON';
    return { ok: false, errors: [{ path: '', message }] };
  }
  yield; // JSON.parse was one long step; let an abort in before validation starts
  const result = yield* validateSteps(doc);
  // A key written twice is silently dropped by JSON.parse; for a config that is a hidden mistake.
  let dup: ScanResult;
  try {
    dup = scanJson(body);
  } catch {
    return result; // the scan is a refinement; never let it turn a result into an exception
  }
  if (dup.duplicates.length === 0) return result;
  const errors = dup.duplicates.map((path) => ({ path, message: 'is written more than once in the same object; only the last one would be used, remove the others' }));
  return { ok: false, errors: [...errors, ...(result.ok ? [] : result.errors)] };
}

/** The user's document as pretty JSON (2 spaces), ending with a newline. */
export interface ExportOptions {
  /**
   * Keep passwords and keys in the exported document. Off by default: an exported configuration gets
   * mailed and attached to tickets, and secrets leave only when the user explicitly chooses so.
   */
  includeSecrets?: boolean;
}

export function exportConfigText(raw: unknown, options: ExportOptions = {}): string {
  const doc = options.includeSecrets ? raw : withoutSecrets(raw);
  return `${JSON.stringify(doc ?? null, null, 2) ?? 'null'}\n`;
}

/** Names of the device fields that hold secrets, for any protocol (from the field table). */
export const SECRET_DEVICE_FIELDS: ReadonlySet<string> = new Set(
  Object.values(FIELD_DOCS).flatMap((p) => p.device.filter((f) => f.secret).map((f) => f.name)),
);

/** A copy of the document with every secret device field removed; anything else is kept as written. */
export function withoutSecrets(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const doc = raw as Record<string, unknown>;
  if (!Array.isArray(doc.devices)) return raw;
  return {
    ...doc,
    devices: doc.devices.map((d: unknown) =>
      d && typeof d === 'object' && !Array.isArray(d)
        ? Object.fromEntries(Object.entries(d as Record<string, unknown>).filter(([k]) => !SECRET_DEVICE_FIELDS.has(k)))
        : d,
    ),
  };
}
