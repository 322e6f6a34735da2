import { concatBytes as concatAll } from '../../../core/bytes';
import { MeterError } from '../../../core/errors';
import { trackOffLoop } from '../../../core/off-loop';

/** Small byte helpers for the security layer (no key material ever leaves through messages). */

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** Constant-time comparison (the length is not secret). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export function u32be(v: number): Uint8Array {
  return Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

export function readU32be(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
}

let tracked: SubtleCrypto | undefined;

/**
 * WebCrypto's SubtleCrypto (browsers, workers, Node 20). Its operations run off the event loop, so each is
 * tracked (core/off-loop.ts): a virtual clock holds time still until they settle.
 */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new MeterError('UNSUPPORTED', 'WebCrypto (crypto.subtle) is not available here; DLMS security needs it (a secure context in browsers).');
  if (!tracked) {
    tracked = new Proxy(s, {
      get(target, prop) {
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== 'function') return v;
        // Every SubtleCrypto method returns a promise.
        return (...args: unknown[]) => trackOffLoop((v as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      },
    });
  }
  return tracked;
}

/** A source of random bytes; tests pass a fixed one. */
export type RandomSource = (n: number) => Uint8Array;

export const webRandom: RandomSource = (n) => {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
};

/** A standalone ArrayBuffer copy: WebCrypto wants BufferSource, and views into larger buffers are easy to get wrong. */
export function buf(b: Uint8Array): ArrayBuffer {
  return b.slice().buffer as ArrayBuffer;
}
