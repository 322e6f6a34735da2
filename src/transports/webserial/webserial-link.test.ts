import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { LINE_300_7E1, LINE_9600_8N1, charTimeMs } from '../../core/link';
import { MeterError } from '../../core/errors';
import { FakeSerialPort } from './fake-serial-port';
import { openWebSerialLink } from './webserial-link';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Read until `quietMs` of silence; at most `max` reads. */
async function readAll(link: { read(ms: number): Promise<Uint8Array> }, quietMs: number, max = 10_000): Promise<Uint8Array> {
  const parts: number[] = [];
  for (let i = 0; i < max; i++) {
    const chunk = await link.read(quietMs);
    if (chunk.length === 0) break;
    parts.push(...chunk);
  }
  return Uint8Array.from(parts);
}

function setup(opts: { meterLine?: typeof LINE_300_7E1; poweredBy?: ('dtr' | 'rts')[] } = {}) {
  const clock = new VirtualClock();
  const port = new FakeSerialPort({ clock, meterLine: opts.meterLine ?? LINE_9600_8N1, ...(opts.poweredBy ? { poweredBy: opts.poweredBy } : {}) });
  return { clock, port };
}

describe('WebSerialLink over the fake SerialPort', () => {
  it('writes resolve once the bytes have left the line; reads return them at the meter', async () => {
    const { clock, port } = setup({ meterLine: LINE_300_7E1 });
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_300_7E1 });
      expect(link.kind).toBe('serial');
      const t0 = clock.now();
      await link.write(enc('/?!\r\n'));
      expect(clock.now() - t0).toBeCloseTo(5 * charTimeMs(LINE_300_7E1), 6);
      expect(dec(await port.meter.read(0))).toBe('/?!\r\n');
      await link.close();
    });
    expect(port.opens).toEqual([{ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1, flowControl: 'none', bufferSize: 4096 }]);
    expect(port.opened).toBe(false);
    port.dispose();
  });

  it('a read timeout returns an empty array and loses no byte that arrives afterwards', async () => {
    const { clock, port } = setup();
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      const t0 = clock.now();
      expect((await link.read(250)).length).toBe(0);
      expect(clock.now() - t0).toBe(250);
      // The meter talks while nobody is reading, across several timeouts.
      const payload = new Uint8Array(3000).map((_, i) => (i * 7) & 0xff);
      void port.meter.write(payload);
      const got: number[] = [];
      for (let i = 0; i < 1000 && got.length < payload.length; i++) {
        got.push(...(await link.read(1)));
        await clock.sleep(3);
      }
      expect(got).toEqual(Array.from(payload));
      await link.close();
    });
    port.dispose();
  });

  it('setLine drains the written bytes at the old settings, then reopens the port at the new ones', async () => {
    const { clock, port } = setup({ meterLine: LINE_300_7E1 });
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_300_7E1 });
      // The IEC 62056-21 option select at 300 7E1, then the switch to 9600 8N1.
      await link.write(enc('\x06050\r\n'));
      await link.setLine(LINE_9600_8N1);
      expect(link.line).toEqual(LINE_9600_8N1);
      expect(dec(await port.meter.read(0))).toBe('\x06050\r\n');
      await port.meter.setLine(LINE_9600_8N1);
      void port.meter.write(enc('after the switch'));
      expect(dec(await readAll(link, 50))).toBe('after the switch');
      // Same settings again: no reopen.
      await link.setLine(LINE_9600_8N1);
      await link.close();
    });
    expect(port.opens.map((o) => `${o.baudRate} ${o.dataBits}${o.parity}`)).toEqual(['300 7even', '9600 8none']);
    port.dispose();
  });

  it('a wrong baud rate garbles, as on a real line', async () => {
    const { clock, port } = setup({ meterLine: LINE_300_7E1 });
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      void port.meter.write(enc('/LGZ5ZMD3104407.B32\r\n'));
      const got = await readAll(link, 1000);
      expect(dec(got)).not.toContain('LGZ');
      await link.close();
    });
    port.dispose();
  });

  it('raises DTR and RTS on open (a probe powered from them works) unless configured off', async () => {
    for (const [dtr, works] of [
      [true, true],
      [false, false],
    ] as const) {
      const { clock, port } = setup({ poweredBy: ['dtr', 'rts'] });
      await clock.run(async () => {
        const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1, dtr, rts: true });
        expect(port.signals).toEqual({ dataTerminalReady: dtr, requestToSend: true });
        await link.write(enc('ping'));
        const atMeter = await port.meter.read(100);
        expect(dec(atMeter)).toBe(works ? 'ping' : '');
        void port.meter.write(enc('pong'));
        expect(dec(await readAll(link, 100))).toBe(works ? 'pong' : '');
        await link.close();
      });
      port.dispose();
    }
  });

  it('goes on reading after a non-fatal receive error (parity), keeping the bytes before it', async () => {
    const { clock, port } = setup();
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      await port.meter.write(enc('before'));
      await clock.sleep(5);
      port.simulateReadError('ParityError');
      await port.meter.write(enc('after'));
      expect(dec(await readAll(link, 50))).toBe('beforeafter');
      expect(link.stats.readErrors).toBe(1);
      await link.close();
    });
    port.dispose();
  });

  it('unplugging fails a pending read with PORT_LOST and calls onLost once; the port is released', async () => {
    const { clock, port } = setup();
    const lost: string[] = [];
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      link.onLost = (r) => lost.push(r);
      const pending = link.read(5000);
      clock.schedule(100, () => port.unplug());
      await expect(pending).rejects.toMatchObject({ code: 'PORT_LOST' });
      await expect(link.write(enc('x'))).rejects.toBeInstanceOf(MeterError);
      await expect(link.setLine(LINE_300_7E1)).rejects.toMatchObject({ code: 'PORT_LOST' });
      await link.close();
    });
    expect(lost).toHaveLength(1);
    expect(port.opened).toBe(false);
  });

  it('after a loss, close() resolves only once the port is released: the same port opens again at once', async () => {
    const { clock, port } = setup();
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      const lost: string[] = [];
      link.onLost = (r) => lost.push(r);
      port.dispatchEvent(new Event('disconnect')); // the event alone (the device came back at once)
      await expect(link.read(100)).rejects.toMatchObject({ code: 'PORT_LOST' });
      await link.close();
      expect(port.opened).toBe(false);
      const again = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      void port.meter.write(enc('back'));
      expect(dec(await readAll(again, 50))).toBe('back');
      await again.close();
      expect(lost).toEqual(['The serial device was disconnected.']);
    });
    port.dispose();
  });

  it('close() fails pending reads, closes the port, and the port can be opened again', async () => {
    const { clock, port } = setup();
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      const pending = link.read(5000);
      await link.close();
      await expect(pending).rejects.toMatchObject({ code: 'PORT_LOST' });
      expect(port.opened).toBe(false);
      const again = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      void port.meter.write(enc('hi'));
      expect(dec(await readAll(again, 50))).toBe('hi');
      await again.close();
    });
    port.dispose();
  });

  it('a second link on an open port fails with PORT_LOST (the port is busy)', async () => {
    const { clock, port } = setup();
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: LINE_9600_8N1 });
      await expect(openWebSerialLink(port, { clock, line: LINE_9600_8N1 })).rejects.toMatchObject({ code: 'PORT_LOST' });
      await link.close();
    });
    port.dispose();
  });

  it('stops pulling above the high-water mark and resumes when read: nothing lost', async () => {
    const { clock, port } = setup();
    await clock.run(async () => {
      const link = await openWebSerialLink(port, { clock, line: { ...LINE_9600_8N1, baudRate: 115200 }, highWaterBytes: 256 });
      await port.meter.setLine({ ...LINE_9600_8N1, baudRate: 115200 });
      const payload = new Uint8Array(8000).map((_, i) => (i * 13 + 5) & 0xff);
      await port.meter.write(payload);
      await clock.sleep(50);
      expect(await readAll(link, 50)).toEqual(payload);
      await link.close();
    });
    port.dispose();
  });

  it('several ports are open at once, each with its own line', async () => {
    const clock = new VirtualClock();
    const a = new FakeSerialPort({ clock, meterLine: LINE_300_7E1, info: { usbVendorId: 0x0403, usbProductId: 0x6001 } });
    const b = new FakeSerialPort({ clock, meterLine: LINE_9600_8N1, info: { usbVendorId: 0x10c4, usbProductId: 0xea60 } });
    await clock.run(async () => {
      const [la, lb] = await Promise.all([openWebSerialLink(a, { clock, line: LINE_300_7E1 }), openWebSerialLink(b, { clock, line: LINE_9600_8N1 })]);
      void a.meter.write(enc('from A'));
      void b.meter.write(enc('from B'));
      const [ga, gb] = await Promise.all([readAll(la, 500), readAll(lb, 500)]);
      expect([dec(ga), dec(gb)]).toEqual(['from A', 'from B']);
      await Promise.all([la.close(), lb.close()]);
    });
    a.dispose();
    b.dispose();
  });
});
