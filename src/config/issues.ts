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
