import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock';
import { LINE_300_7E1 } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import type { Reading } from '../../core/reading';
import { VirtualClock } from '../../core/virtual-clock';
import { validateConfig } from '../../config';
import { serverAddress } from '../../protocols/hdlc/address';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { landisLikeModeC } from '../../sim/iec/profiles';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import type { DriverSignal } from '../driver';
import { createDriver } from '.';

/**
 * Issue 11, simulator quirk of the recorded Gurux server (mode-e-handshake.txt): the meter sends the
 * client's `ACK 2 Z 2 CR LF` back before HDLC starts. A DLMS mode E read of the demo meter through a
 * virtual IEC meter with `echoAck` reads the same values as without it, over TCP (as recorded: the copy
 * arrives as bytes before the UA) and over a serial line (the copy at 300 baud, after the client left
 * that rate). Virtual time.
 */
const EPOCH = Date.UTC(2026, 0, 1);
const NOW = EPOCH + 20 * 24 * 3600_000;
const OBIS = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.32.7.0.255', '1.0.31.7.0.255', '0.0.96.1.0.255', '0.0.42.0.0.255'];

/** The DLMS meter's model sees one frozen wall time, so both runs read the same values. */
function frozenWall(clock: VirtualClock): Clock {
  return { now: () => clock.now(), wallTime: () => NOW, sleep: (ms, s) => clock.sleep(ms, s), schedule: (ms, fn) => clock.schedule(ms, fn) };
}

function device() {
  const checked = validateConfig({
    devices: [
      { name: 'Mode E then HDLC', device_alias: 'modee', device: 'P3', protocol: 'DLMS', mode: 'IEC', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'LN', auth: 'None', client_address: 16, physical_address: 1, logical_address: 0, timeout_ms: 1500, retry_counter: 1 },
    ],
    signals: [],
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.config.devices[0];
}

const signals: DriverSignal[] = OBIS.map((obis, i) => ({ signal_alias: `s${i}`, device_alias: 'modee', address: obis, config: {} }));

async function readModeE(link: 'serial' | 'tcp', echoAck: boolean): Promise<{ readings: Reading[]; meterBytes: number; log: string[] }> {
  const clock = new VirtualClock(NOW);
  const pair = link === 'tcp' ? createSerialPair(clock, { kind: 'stream', latencyMs: 3 }) : createSerialPair(clock, { line: LINE_300_7E1 });
  const dlms = new SimDlmsMeter(frozenWall(clock), { referencing: 'LN', model: createDemoDlmsModel({ epochMs: EPOCH }) });
  const stop = new AbortController();
  const iec = new VirtualIecMeter({
    ...landisLikeModeC(),
    address: undefined,
    ...(echoAck ? { faults: { echoAck } } : {}),
    onModeE: async (l, _c, signal) => {
      await dlms.serveHdlc(l, { address: serverAddress({ logical: 0, physical: 1, size: 1 }) }, signal).done;
    },
  });
  void iec.serve(pair.meter, clock, stop.signal);
  const log: string[] = [];
  const driver = createDriver(device());
  const ctx = { link: pair.client, clock, log: (_l: number, m: string) => void log.push(m), signal: new AbortController().signal };
  const readings = await clock.run(async () => {
    await driver.connect(ctx);
    const r = await driver.read(signals, ctx);
    await driver.disconnect(ctx);
    return r;
  });
  stop.abort();
  expect(iec.stats.modeE).toBe(1);
  return { readings, meterBytes: pair.meter.stats.bytesOut, log };
}

const shown = (rs: Reading[]) => rs.map((r) => [r.signal_alias, r.quality, r.value, r.unit, r.error]);

describe('mode E through a meter that echoes the ACK option select (Gurux server quirk)', () => {
  for (const link of ['tcp', 'serial'] as const) {
    it(`${link}: every value good and equal to the read without the echo`, async () => {
      const plain = await readModeE(link, false);
      const echoed = await readModeE(link, true);
      expect(plain.readings.map((r) => r.quality)).toEqual(Array(OBIS.length).fill('good'));
      expect(shown(echoed.readings)).toEqual(shown(plain.readings));
      // The copy really went out (six bytes: ACK 2 Z 2 CR LF), and nothing else more: a client that stalls on
      // the copy gets its values only after a timeout and a second SNRM, which shows here.
      expect(echoed.meterBytes - plain.meterBytes).toBe(6);
    });
  }
});
