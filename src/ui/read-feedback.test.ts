import { describe, expect, it } from 'vitest';
import { TONES, VIBRATION, withReadFeedback, type FeedbackEnv, type ReadSignal } from './read-feedback';

/** A page as the phone shows it: a wake lock the browser drops when hidden, vibration and tones recorded. */
function phone(signal: ReadSignal = 'vibrate+sound') {
  const listeners = new Set<() => void>();
  const held: { released: boolean; release(): Promise<void> }[] = [];
  const vibrations: number[][] = [];
  const tones: (readonly (readonly [number, number])[])[] = [];
  const doc = {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: (_t: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_t: string, fn: () => void) => listeners.delete(fn),
  };
  const env: FeedbackEnv = {
    wakeLock: {
      request: async () => {
        const s = { released: false, release: async () => void (s.released = true) };
        held.push(s);
        return s;
      },
    },
    vibrate: (p) => (vibrations.push(p), true),
    beep: (t) => void tones.push(t),
    // Only the visibility part of Document is used; the cast keeps the test free of a DOM.
    document: doc as unknown as FeedbackEnv['document'],
    signal: async () => signal,
  };
  const setVisible = (visible: boolean) => {
    doc.visibilityState = visible ? 'visible' : 'hidden';
    // The browser releases a screen wake lock by itself when the page is hidden.
    if (!visible) for (const s of held) s.released = true;
    for (const fn of [...listeners]) fn();
  };
  const locked = () => held.some((s) => !s.released);
  return { env, held, vibrations, tones, setVisible, locked, listeners };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('read feedback', () => {
  it('keeps the screen on while reading, takes the lock again after the page was hidden, lets go at the end', async () => {
    const p = phone();
    let finish!: (v: string) => void;
    const read = withReadFeedback(p.env, () => new Promise<string>((r) => (finish = r)));
    await flush();
    expect(p.locked()).toBe(true);
    p.setVisible(false);
    expect(p.locked()).toBe(false);
    p.setVisible(true);
    await flush();
    expect(p.locked()).toBe(true);
    expect(p.held).toHaveLength(2);
    finish('done');
    await expect(read).resolves.toBe('done');
    expect(p.locked()).toBe(false);
    expect(p.listeners.size).toBe(0);
  });

  it('signals success and failure differently', async () => {
    const p = phone();
    await withReadFeedback(p.env, async () => [1]);
    await expect(withReadFeedback(p.env, async () => Promise.reject(new Error('NO_ANSWER')))).rejects.toThrow('NO_ANSWER');
    await withReadFeedback(p.env, async () => ['bad'], { failed: (r) => r.includes('bad') });
    await flush();
    expect(p.vibrations).toEqual([[...VIBRATION.ok], [...VIBRATION.failed], [...VIBRATION.failed]]);
    expect(p.tones).toEqual([TONES.ok, TONES.failed, TONES.failed]);
    expect(VIBRATION.ok).not.toEqual(VIBRATION.failed);
  });

  it('follows the setting, and stays silent after a cancel', async () => {
    const off = phone('off');
    await withReadFeedback(off.env, async () => 1);
    await flush();
    expect(off.vibrations).toEqual([]);
    expect(off.tones).toEqual([]);
    const sound = phone('sound');
    await withReadFeedback(sound.env, async () => 1);
    await flush();
    expect(sound.vibrations).toEqual([]);
    expect(sound.tones).toEqual([TONES.ok]);
    const cancelled = phone();
    await expect(withReadFeedback(cancelled.env, () => Promise.reject(new Error('cancelled')), { cancelled: () => true })).rejects.toThrow();
    await flush();
    expect(cancelled.vibrations).toEqual([]);
    expect(cancelled.locked()).toBe(false);
  });

  it('a denied wake lock does not stop the read', async () => {
    const p = phone();
    p.env.wakeLock = { request: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) };
    await expect(withReadFeedback(p.env, async () => 7)).resolves.toBe(7);
    await flush();
    expect(p.vibrations).toEqual([[...VIBRATION.ok]]);
  });
});
