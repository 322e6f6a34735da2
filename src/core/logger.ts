/**
 * Trace and debug logging with levels 0..7 (0 silent .. 7 every byte) and a port tag, as the WCC Lite
 * `-d` debug levels. Secrets registered with the logger are masked in every line and every hex dump,
 * whatever the level: a password travels inside AARQ frames and IEC P1 commands, so masking by field
 * name is not enough.
 */
export type LogLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const LEVEL_NAMES = ['silent', 'error', 'warning', 'notice', 'info', 'frames', 'details', 'bytes'] as const;

export interface TraceLine {
  ts: number;
  level: LogLevel;
  port: string;
  message: string;
  dir?: 'tx' | 'rx';
  /** Hex of the bytes, with any secret masked as `**` per byte. */
  hex?: string;
  /** Decoded frame tree, when a decoder is attached (level 5 and up). */
  decoded?: unknown;
}

/** The callback shape protocol sessions accept: they never see the logger itself. */
export type SessionLog = (level: number, message: string, bytes?: Uint8Array, dir?: 'tx' | 'rx') => void;

export type TraceSink = (line: TraceLine) => void;

const MASK = '***';

export class Logger {
  private secrets: { text: string; bytes: Uint8Array }[] = [];
  private sinks: TraceSink[] = [];

  constructor(
    public level: LogLevel = 3,
    private readonly now: () => number = () => Date.now(),
  ) {}

  addSink(sink: TraceSink): () => void {
    this.sinks.push(sink);
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /**
   * Register a secret: a password (text), a key (hex text or bytes). Both its text form and its byte form
   * are masked from then on. Very short secrets (< 3 bytes) are still masked in text but not in hex,
   * where they would blot out ordinary frame bytes.
   */
  addSecret(secret: string | Uint8Array): void {
    if (typeof secret === 'string') {
      if (secret.length === 0) return;
      const bytes = new TextEncoder().encode(secret);
      this.secrets.push({ text: secret, bytes });
      if (/^(0x)?[0-9a-f]+$/i.test(secret) && secret.replace(/^0x/i, '').length % 2 === 0) {
        const hex = secret.replace(/^0x/i, '');
        this.secrets.push({ text: hex, bytes: hexToBytes(hex) });
      }
    } else if (secret.length > 0) {
      this.secrets.push({ text: bytesToHex(secret, ''), bytes: secret });
    }
  }

  /** A logger for one port, in the shape protocol sessions take. */
  forPort(port: string): SessionLog {
    return (level, message, bytes, dir) => this.log(level, port, message, bytes, dir);
  }

  enabled(level: number): boolean {
    return level > 0 && level <= this.level;
  }

  log(level: number, port: string, message: string, bytes?: Uint8Array, dir?: 'tx' | 'rx', decoded?: unknown): void {
    if (!this.enabled(level) || this.sinks.length === 0) return;
    const line: TraceLine = {
      ts: this.now(),
      level: Math.min(7, Math.max(1, Math.trunc(level))) as LogLevel,
      port,
      message: this.redactText(message),
    };
    if (dir) line.dir = dir;
    if (bytes) line.hex = this.redactHex(bytes);
    if (decoded !== undefined) line.decoded = this.redactValue(decoded);
    for (const sink of this.sinks) sink(line);
  }

  redactText(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      if (s.text.length === 0) continue;
      out = replaceAllInsensitive(out, s.text, MASK);
      // Hex dumps inside messages may be spaced: "31 32 33".
      if (s.bytes.length >= 3) out = replaceAllInsensitive(out, bytesToHex(s.bytes, ' '), MASK);
    }
    return out;
  }

  /** Hex with every occurrence of a secret's bytes replaced by `**`. */
  redactHex(bytes: Uint8Array): string {
    const masked = new Uint8Array(bytes.length);
    for (const s of this.secrets) {
      const n = s.bytes.length;
      if (n < 3 || n > bytes.length) continue;
      outer: for (let i = 0; i + n <= bytes.length; i++) {
        for (let j = 0; j < n; j++) if (bytes[i + j] !== s.bytes[j]) continue outer;
        masked.fill(1, i, i + n);
      }
    }
    let out = '';
    for (let i = 0; i < bytes.length; i++) {
      if (i) out += ' ';
      out += masked[i] ? '**' : bytes[i].toString(16).padStart(2, '0').toUpperCase();
    }
    return out;
  }

  /** Deep copy of a decoded tree with secret-named fields and secret values masked. */
  redactValue(value: unknown, depth = 0): unknown {
    if (depth > 32) return '…';
    if (typeof value === 'string') return this.redactText(value);
    if (value instanceof Uint8Array) return this.redactHex(value);
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, depth + 1));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = isSecretField(k) ? MASK : this.redactValue(v, depth + 1);
      }
      return out;
    }
    return value;
  }
}

const SECRET_FIELD = /(password|passwd|secret|token|(^|_)key$|Key$|private)/i;

/** Field names that hold secrets in configurations and decoded frames. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

export function bytesToHex(bytes: Uint8Array, sep = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i && sep) out += sep;
    out += bytes[i].toString(16).padStart(2, '0').toUpperCase();
  }
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error('not a hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function replaceAllInsensitive(text: string, needle: string, replacement: string): string {
  const lower = text.toLowerCase();
  const n = needle.toLowerCase();
  let out = '';
  let i = 0;
  for (;;) {
    const j = lower.indexOf(n, i);
    if (j < 0) return out + text.slice(i);
    out += text.slice(i, j) + replacement;
    i = j + n.length;
  }
}
