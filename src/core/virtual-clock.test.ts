import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock';
import { MeterError } from './errors';

describe('VirtualClock', () => {
  it('runs hours of sleeps instantly and in order', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const order: string[] = [];
    const result = await clock.run(async () => {
      await Promise.all([
        clock.sleep(3 * 3600_000).then(() => order.push('3h')),
        clock.sleep(1000).then(() => order.push('1s')),
        clock.sleep(1000).then(() => order.push('1s-b')),
      ]);
      return clock.now();
    });
    expect(result).toBe(3 * 3600_000);
    expect(order).toEqual(['1s', '1s-b', '3h']);
    expect(clock.wallTime()).toBe(Date.UTC(2026, 0, 1) + 3 * 3600_000);
  });

  it('cancelled timers do not fire and do not hold time', async () => {
    const clock = new VirtualClock();
    let fired = false;
    const cancel = clock.schedule(500, () => (fired = true));
    cancel();
    await clock.run(() => clock.sleep(10));
    expect(fired).toBe(false);
    expect(clock.now()).toBe(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('sleep rejects with CANCELLED on abort', async () => {
    const clock = new VirtualClock();
    const ac = new AbortController();
    clock.schedule(5, () => ac.abort());
    await expect(clock.run(() => clock.sleep(100, ac.signal))).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(clock.now()).toBe(5);
  });

  it('reports a hang instead of spinning', async () => {
    const clock = new VirtualClock();
    await expect(clock.run(() => new Promise<void>(() => undefined))).rejects.toThrow(/nothing is scheduled/);
  });

  it('propagates task errors', async () => {
    const clock = new VirtualClock();
    await expect(
      clock.run(async () => {
        await clock.sleep(1);
        throw new MeterError('TIMEOUT');
      }),
    ).rejects.toBeInstanceOf(MeterError);
  });

  it('advance fires due timers only', async () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    clock.schedule(10, () => seen.push(10));
    clock.schedule(30, () => seen.push(30));
    await clock.advance(20);
    expect(seen).toEqual([10]);
    expect(clock.now()).toBe(20);
  });
});
