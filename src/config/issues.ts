/** Small shared pieces of validation: the issue collector and safe property access. */
import { joinPath } from './path';
import type { ConfigIssue } from './types';

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own property's value; null counts as "not set", so a form can clear a field by writing null. */
export function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? (o[key] ?? undefined) : undefined;
}

export const join = joinPath;

export class Issues {
  readonly list: ConfigIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

// Lone surrogates too (a pair is a real character and stays).
const UNSAFE_CHARS = /["\\]|[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text from the user's document as it may appear inside quotes in a message: a quote or backslash
 * escaped, and control, invisible and direction-changing characters (a NUL, a bell, a bidi override)
 * written as \uXXXX so a terminal or log shows what is there instead of acting on it.
 */
export function escapeForMessage(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
