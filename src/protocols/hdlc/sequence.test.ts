import { describe, expect, it } from 'vitest';
import { SendWindow, concat, splitSegments } from './sequence';

describe('SendWindow (go-back-N, modulo 8)', () => {
  it('hands out a window at a time with the poll bit on its last frame', () => {
    const w = new SendWindow(10, 6, 3);
    expect(w.take()).toEqual([
      { index: 0, ns: 6, poll: false },
      { index: 1, ns: 7, poll: false },
      { index: 2, ns: 0, poll: true },
    ]);
    expect(w.take()).toEqual([]);
    expect(w.nextNs).toBe(1);
    expect(w.ack(0)).toBe('new'); // acknowledges 6 and 7
    expect(w.unacknowledged).toBe(1);
    expect(w.take()).toEqual([
      { index: 3, ns: 1, poll: false },
      { index: 4, ns: 2, poll: true },
    ]);
  });

  it('marks the last segment with poll even inside a window', () => {
    const w = new SendWindow(2, 0, 7);
    expect(w.take().map((s) => s.poll)).toEqual([false, true]);
    expect(w.allSent).toBe(true);
    expect(w.ack(2)).toBe('new');
    expect(w.allAcknowledged).toBe(true);
  });

  it('goes back to the first unacknowledged frame, and refuses N(R) beyond what was sent', () => {
    const w = new SendWindow(5, 3, 4);
    w.take();
    expect(w.ack(4)).toBe('new');
    expect(w.ack(4)).toBe('none');
    expect(w.ack(0)).toBe('invalid'); // 3 sent beyond 4 are 4, 5, 6: N(R)=0 would mean 7 was sent
    w.goBack();
    expect(w.take().map((s) => s.ns)).toEqual([4, 5, 6, 7]);
  });

  it('splits and joins payloads', () => {
    const p = Uint8Array.from({ length: 10 }, (_, i) => i);
    const parts = splitSegments(p, 4);
    expect(parts.map((x) => x.length)).toEqual([4, 4, 2]);
    expect(Array.from(concat(parts))).toEqual(Array.from(p));
    expect(splitSegments(new Uint8Array(0), 4).length).toBe(1);
  });
});
