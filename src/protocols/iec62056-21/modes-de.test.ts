import { afterEach, describe, expect, it } from 'vitest';
import { LINE_300_7E1 } from '../../core/link';
import { dsmr5P1, easyMeterModeD, landisLikeModeC, modeBQuirky } from '../../sim/iec/profiles';
import { listenModeD } from './mode-d';
import { encodeDataMessage } from './messages';
import { signOnModeE } from './mode-e';
import { startMeter, type Harness } from './test-support/harness';

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

describe('mode E sign-on', () => {
  it('ACK 2 Z 2, then 8N1 at the new rate, and the HDLC side hears us', async () => {
    let heard: number[] = [];
    h = startMeter({
      ...landisLikeModeC(),
      onModeE: async (link) => {
        const b = await link.read(5000);
        heard = Array.from(b);
      },
    });
    const hh = h;
    const r = await h.clock.run(async () => {
      const res = await signOnModeE(hh.pair.client, hh.clock, {});
      await hh.pair.client.write(Uint8Array.of(0x7e, 0xa0, 0x07));
      await hh.clock.sleep(50);
      return res;
    });
    expect(r.baudRate).toBe(9600);
    expect(r.identification.modeE).toBe(true);
    expect(h.pair.client.line).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(h.meter.stats.modeE).toBe(1);
    expect(heard).toEqual([0x7e, 0xa0, 0x07]);
  });

  it('a mode B meter cannot do mode E', async () => {
    h = startMeter(modeBQuirky());
    await expect(h.clock.run(signOnModeE(h.pair.client, h.clock, {}))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});

describe('mode D listening', () => {
  it('EasyMeter Q3DA push (real capture) at 9600 7E1', async () => {
    h = startMeter(easyMeterModeD(), { line: { ...LINE_300_7E1, baudRate: 9600 } });
    const t = await h.clock.run(listenModeD(h.pair.client, h.clock, { line: { ...LINE_300_7E1, baudRate: 9600 } }));
    expect(t.check).toBe('none');
    expect(t.identification?.manufacturer).toBe('ESY');
    expect(t.dataSets.find((d) => d.address === '1-0:1.8.0*255')?.values[0]).toEqual({ value: '00000504.9023619', unit: 'kWh' });
  });

  it('DSMR 5 P1 telegram with CRC; a damaged telegram is dropped and the next one taken', async () => {
    const line = { baudRate: 115200, dataBits: 8 as const, parity: 'none' as const, stopBits: 1 as const };
    h = startMeter(dsmr5P1(), { line });
    const first = await h.clock.run(listenModeD(h.pair.client, h.clock, { line, requireCrc: true }));
    expect(first.check).toBe('crc');
    expect(first.dataSets).toHaveLength(37);
    h.pair.faults.corruptNext('toClient', 1);
    await h.clock.advance(1000 - 1); // the next push starts now: its first byte is damaged
    h.pair.faults.corruptNext('toClient', 0);
    const logs: string[] = [];
    const second = await h.clock.run(listenModeD(h.pair.client, h.clock, { line, log: (_l, m) => logs.push(m) }));
    expect(second.crc?.given).toBe(second.crc?.computed);
  });

  it('a corrupted byte inside a DSMR telegram is caught by the CRC', async () => {
    const line = { baudRate: 115200, dataBits: 8 as const, parity: 'none' as const, stopBits: 1 as const };
    h = startMeter({ ...dsmr5P1(), faults: { bccErrors: 1 } }, { line });
    const logs: string[] = [];
    const t = await h.clock.run(listenModeD(h.pair.client, h.clock, { line, log: (_l, m) => logs.push(m), retries: 2 }));
    expect(t.check).toBe('crc');
    expect(t.receivedAtMs).toBeGreaterThan(1000); // the first (damaged) push was dropped
    expect(logs.some((m) => m.includes('CHECKSUM'))).toBe(true);
    h.stop();
    h = startMeter({ ...dsmr5P1(), faults: { bccErrors: 5 } }, { line });
    await expect(h.clock.run(listenModeD(h.pair.client, h.clock, { line, retries: 2 }))).rejects.toMatchObject({ code: 'CHECKSUM' });
  });

  it('IEC mode D framed with STX..ETX and BCC (checked)', async () => {
    const line = { ...LINE_300_7E1, baudRate: 2400 };
    const block = encodeDataMessage('1.8.0(001234.5*kWh)\r\n2.8.0(000000.1*kWh)\r\n!\r\n');
    const telegram = '/ABC4MODED\r\n' + String.fromCharCode(...block);
    h = startMeter({ ...modeBQuirky(), supportedModes: ['D'], faults: {}, modeD: { line, intervalMs: 5000, telegram } }, { line });
    const t = await h.clock.run(listenModeD(h.pair.client, h.clock, { line }));
    expect(t.check).toBe('bcc');
    expect(t.identification?.manufacturer).toBe('ABC');
    expect(t.dataSets.map((d) => d.address)).toEqual(['1.8.0', '2.8.0']);
  });

  it('silence: NO_ANSWER', async () => {
    h = startMeter(landisLikeModeC());
    await expect(h.clock.run(listenModeD(h.pair.client, h.clock, { timeoutMs: 3000 }))).rejects.toMatchObject({ code: 'NO_ANSWER' });
  });
});
