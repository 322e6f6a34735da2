/** Every pull mode x echo x address x wake-up x partial blocks x injected BCC errors, against the virtual meter. */
import { afterEach, describe, expect, it } from 'vitest';
import type { IecMeterProfile } from '../../sim/iec/virtual-meter';
import { parseDataBlock } from './datasets';
import { readout } from './readout';
import { signOnModeE } from './mode-e';
import { startMeter, type Harness } from './test-support/harness';

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

const READOUT = '0.0.0(12345678)\r\n1.8.0(0001234.5*kWh)\r\n1.8.0*01(0001200.0*kWh)\r\n2.8.0(0000001.0*kWh)\r\n!\r\n';

function profile(mode: 'A' | 'B' | 'C' | 'E', opts: { address?: string; wake?: boolean; partial?: boolean; bcc?: number }): IecMeterProfile {
  return {
    name: `matrix ${mode}`,
    manufacturer: 'MTX',
    ident: 'MATRIX',
    supportedModes: mode === 'E' ? ['C', 'E'] : [mode],
    maxBaud: mode === 'A' ? 300 : 4800,
    readout: READOUT,
    address: opts.address,
    wakeUpRequired: opts.wake,
    faults: { partialBlockSize: opts.partial ? 16 : undefined, bccErrors: opts.bcc },
  };
}

const cases: { mode: 'A' | 'B' | 'C'; echo: boolean; address: boolean; wake: boolean; partial: boolean; bcc: number }[] = [];
for (const mode of ['A', 'B', 'C'] as const)
  for (const echo of [false, true])
    for (const address of [false, true])
      for (const [wake, partial, bcc] of [
        [false, false, 0],
        [true, false, 0],
        [false, true, 0],
        [false, true, 1],
        [false, false, 1],
      ] as const)
        cases.push({ mode, echo, address, wake, partial, bcc });

describe('readout matrix', () => {
  it.each(cases)('mode $mode echo=$echo address=$address wake=$wake partial=$partial bcc=$bcc', async (c) => {
    h = startMeter(profile(c.mode, { address: c.address ? '12345678' : undefined, wake: c.wake, partial: c.partial, bcc: c.bcc }));
    if (c.echo) h.pair.faults.setEcho(true);
    const r = await h.clock.run(readout(h.pair.client, h.clock, { address: c.address ? '12345678' : '', wakeUp: c.wake, retries: 2 }));
    expect(r.mode).toBe(c.mode);
    expect(r.baudRate).toBe(c.mode === 'A' ? 300 : 4800);
    expect(r.dataSets).toEqual(parseDataBlock(READOUT).dataSets);
    expect(r.echo).toBe(c.echo);
    expect(h.meter.stats.naksReceived).toBe(c.bcc);
  });

  it.each([false, true])('mode E sign-on, echo=%s', async (echo) => {
    h = startMeter(profile('E', {}));
    if (echo) h.pair.faults.setEcho(true);
    const r = await h.clock.run(signOnModeE(h.pair.client, h.clock, {}));
    expect(r.baudRate).toBe(4800);
    await h.clock.advance(100); // let the meter take in the ACK that has just left the line
    expect(h.meter.stats.modeE).toBe(1);
    expect(h.pair.meter.line).toEqual(h.pair.client.line);
  });
});
