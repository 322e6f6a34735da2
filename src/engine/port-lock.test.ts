import { describe, expect, it } from 'vitest';
import { MeterError } from '../core/errors';
import { PortLock } from './port-lock';

describe('PortLock', () => {
  it('grants in arrival order, one holder at a time', async () => {
    const lock = new PortLock();
    const order: string[] = [];
    const r1 = await lock.acquire();
    const p2 = lock.acquire().then((r) => (order.push('2'), r));
    const p3 = lock.acquire().then((r) => (order.push('3'), r));
    await Promise.resolve();
    expect(order).toEqual([]);
    r1();
    r1(); // a second release of the same turn must not let two waiters in
    const r2 = await p2;
    await Promise.resolve();
    expect(order).toEqual(['2']);
    expect(lock.busy).toBe(true);
    r2();
    (await p3)();
    expect(order).toEqual(['2', '3']);
    expect(lock.busy).toBe(false);
  });

  it('an aborted waiter leaves the queue with the abort reason', async () => {
    const lock = new PortLock();
    const r1 = await lock.acquire();
    const ac = new AbortController();
    const p = lock.acquire(ac.signal);
    const p3 = lock.acquire();
    ac.abort(new MeterError('PORT_LOST'));
    await expect(p).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(lock.waiting).toBe(1);
    r1();
    (await p3)();
    expect(lock.busy).toBe(false);
    await expect(lock.acquire(ac.signal)).rejects.toMatchObject({ code: 'PORT_LOST' });
    const plain = new AbortController();
    plain.abort();
    await expect(lock.acquire(plain.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
