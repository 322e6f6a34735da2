import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock';
import { createSerialPair, receiveChar } from './memory-link';
import { LINE_300_7E1, LINE_9600_8N1, charTimeMs, type LineSettings } from './link';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function readAll(link: { read(ms: number): Promise<Uint8Array> }, quietMs: number): Promise<Uint8Array> {
  const parts: number[] = [];
  for (;;) {
    const chunk = await link.read(quietMs);
    if (chunk.length === 0) return Uint8Array.from(parts);
    parts.push(...chunk);
  }
}

describe('memory serial line', () => {
  it('each character takes (start + data + parity + stop) / baud of virtual time', async () => {
    const clock = new VirtualClock();
    const { client, meter } = createSerialPair(clock, { line: LINE_300_7E1 });
    const msg = enc('/?!\r\n');
    await clock.run(async () => {
      await client.write(msg);
      // 10 bits per 7E1 character at 300 baud: 33.3 ms each.
      expect(clock.now()).toBeCloseTo(5 * (10 / 300) * 1000, 6);
      const got = await meter.read(0);
      expect(dec(got)).toBe('/?!\r\n');
    });
    expect(charTimeMs(LINE_9600_8N1)).toBeCloseTo(10 / 9.6, 9);
  });

  it('a reader waiting with a timeout gets the bytes as they arrive, or an empty array', async () => {
    const clock = new VirtualClock();
    const { client, meter } = createSerialPair(clock, { line: LINE_9600_8N1 });
    await clock.run(async () => {
      const empty = await client.read(250);
      expect(empty.length).toBe(0);
      expect(clock.now()).toBe(250);
      void meter.write(enc('hello'));
      const got = await readAll(client, 50);
      expect(dec(got)).toBe('hello');
    });
  });

  it('bytes are never lost between reads', async () => {
    const clock = new VirtualClock();
    const { client, meter } = createSerialPair(clock, { line: LINE_9600_8N1, burstChars: 3 });
    const payload = new Uint8Array(1000).map((_, i) => i & 0xff);
    await clock.run(async () => {
      void meter.write(payload);
      const got = await readAll(client, 20);
      expect(Array.from(got)).toEqual(Array.from(payload));
    });
  });

  it('garbles when the receiver is at another baud rate (a session that forgets to switch fails)', async () => {
    const clock = new VirtualClock();
    const { client, meter } = createSerialPair(clock, { line: LINE_300_7E1 });
    await clock.run(async () => {
      await meter.setLine({ ...LINE_300_7E1, baudRate: 9600 });
      void meter.write(enc('/ABC5 identification\r\n'));
      const got = await readAll(client, 200);
      expect(dec(got)).not.toContain('identification');
    });
  });

  it('decodes 7E1 read as 8N1 at bit level: the parity bit shows up as bit 7', () => {
    const sevenE1: LineSettings = LINE_300_7E1;
    const eightN1: LineSettings = { ...LINE_9600_8N1, baudRate: 300 };
    // 'C' = 0x43 has three ones -> even parity bit 1 -> read as 0xC3.
    expect(receiveChar(0x43, sevenE1, eightN1)).toBe(0xc3);
    // 'A' = 0x41 has two ones -> parity 0 -> unchanged.
    expect(receiveChar(0x41, sevenE1, eightN1)).toBe(0x41);
    // 8N1 'A' read as 7E1: bit 7 (0) taken as parity: 2 ones + 0 = even -> accepted.
    expect(receiveChar(0x41, eightN1, sevenE1)).toBe(0x41);
    // 8N1 'C' read as 7E1: parity error -> dropped.
    expect(receiveChar(0x43, eightN1, sevenE1)).toBeNull();
    // matching settings pass every byte.
    for (let b = 0; b < 256; b++) expect(receiveChar(b, eightN1, eightN1)).toBe(b);
  });

  it('setLine waits until pending output has left the line', async () => {
    const clock = new VirtualClock();
    const { client, meter } = createSerialPair(clock, { line: LINE_300_7E1 });
    await clock.run(async () => {
      const ack = enc('\x06050\r\n');
      void client.write(ack);
      await client.setLine({ ...LINE_300_7E1, baudRate: 9600 });
      expect(clock.now()).toBeCloseTo(6 * (1000 / 30), 6);
      expect(dec(await meter.read(0))).toBe('\x06050\r\n');
    });
  });

  it('fault hooks: drop, corrupt, duplicate, delay', async () => {
    const clock = new VirtualClock();
    const { client, meter, faults } = createSerialPair(clock);
    await clock.run(async () => {
      faults.dropNext('toClient', 2);
      void meter.write(enc('abcd'));
      expect(dec(await readAll(client, 10))).toBe('cd');
      faults.corruptNext('toClient', 1);
      void meter.write(enc('ab'));
      const c = await readAll(client, 10);
      expect(c[0]).toBe(0x61 ^ 0x5a);
      expect(c[1]).toBe(0x62);
      faults.duplicateNext('toMeter', 1);
      void client.write(enc('xy'));
      expect(dec(await readAll(meter, 10))).toBe('xxy');
      faults.delayNext('toClient', 500);
      const t0 = clock.now();
      void meter.write(enc('z'));
      await client.read(1000);
      expect(clock.now() - t0).toBeGreaterThanOrEqual(500);
    });
  });

  it('random faults are repeatable from the seed', async () => {
    const run = async () => {
      const clock = new VirtualClock();
      const { client, meter, faults } = createSerialPair(clock);
      faults.setRandom({ drop: 0.1, corrupt: 0.1, seed: 42 });
      return clock.run(async () => {
        void meter.write(new Uint8Array(200).fill(0x55));
        return Array.from(await readAll(client, 10));
      });
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.length).toBeLessThan(200);
    expect(a.some((x) => x !== 0x55)).toBe(true);
  });

  it('echo: the client hears its own bytes', async () => {
    const clock = new VirtualClock();
    const { client, meter, faults } = createSerialPair(clock);
    faults.setEcho(true);
    await clock.run(async () => {
      await client.write(enc('/?!\r\n'));
      expect(dec(await readAll(client, 10))).toBe('/?!\r\n');
      expect(dec(await meter.read(0))).toBe('/?!\r\n');
    });
  });

  it('unplug: pending reads fail with PORT_LOST and onLost fires', async () => {
    const clock = new VirtualClock();
    const pair = createSerialPair(clock);
    let lost = '';
    pair.client.onLost = (r) => (lost = r);
    clock.schedule(100, () => pair.unplug());
    await expect(clock.run(() => pair.client.read(1000))).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(lost).toMatch(/unplugged/);
    await expect(pair.client.write(enc('x'))).rejects.toMatchObject({ code: 'PORT_LOST' });
  });

  it('stream links ignore line settings and add only latency', async () => {
    const clock = new VirtualClock();
    const { client, meter } = createSerialPair(clock, { kind: 'stream', latencyMs: 5 });
    await clock.run(async () => {
      await client.setLine(LINE_300_7E1);
      await client.write(new Uint8Array(10_000));
      expect(clock.now()).toBe(0);
      const got = await readAll(meter, 10);
      expect(clock.now()).toBeGreaterThanOrEqual(5);
      expect(got.length).toBe(10_000);
    });
  });
});
