import { toMeterError } from '../core/errors';

/**
 * Comlink carries a thrown Error as name, message and stack only. The typed code matters to the UI
 * (AUTH_FAILED reads differently from NO_ANSWER), so it travels in the name: `MeterError:AUTH_FAILED`.
 * `errorCodeOf` on the UI side reads it back.
 */
export function typedErrors<T extends object>(api: T): T {
  const out = {} as Record<string, unknown>;
  for (const [key, fn] of Object.entries(api)) {
    out[key] =
      typeof fn === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (fn as (...a: unknown[]) => unknown).apply(api, args);
            } catch (e) {
              const m = toMeterError(e);
              const err = new Error(m.message);
              err.name = `MeterError:${m.code}`;
              throw err;
            }
          }
        : fn;
  }
  return out as T;
}

/** The typed code of an error that crossed the worker boundary, if it has one. */
export function errorCodeOf(e: unknown): string | undefined {
  const name = e instanceof Error ? e.name : typeof e === 'object' && e && 'name' in e ? String((e as { name: unknown }).name) : '';
  return name.startsWith('MeterError:') ? name.slice('MeterError:'.length) : undefined;
}
