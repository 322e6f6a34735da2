import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_300_7E1, LINE_9600_8N1, type Link } from '../../core/link';
import { validateConfig } from '../../config';
import type { DeviceConfig, ElgamaDeviceConfig } from '../../config/types';
import { Engine } from '../engine';
import { createDriver } from '.';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { serverAddressFromSerial } from '../../protocols/hdlc/address';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { landisLikeModeC } from '../../sim/iec/profiles';

const EPOCH = Date.UTC(2026, 0, 1);
const MODELS = ['EPQM/LZQM', 'EPQS', 'GAMA 300', 'GAMA 100', 'ITS'];

/** One Elgama device of each meter_model (GAMA 100 both with short and with logical names). */
const devices = [
  { alias: 'm0', model: 0, id: 11110001 },
  { alias: 'm1', model: 1, id: 11110002 },
  { alias: 'm2', model: 2, id: 2141421 },
  { alias: 'm3sn', model: 3, id: 3100001, type: 'SN' },
  { alias: 'm3ln', model: 3, id: 3100002, type: 'LN' },
  { alias: 'm4', model: 4, id: 11110004 },
];

const config = {
  devices: devices.map((d) => ({
    name: `${MODELS[d.model]} ${d.id}`,
    device_alias: d.alias,
    protocol: 'Elgama',
    device: `PORT_${d.alias}`,
    baudrate: 9600,
    databits: 8,
    parity: 'none',
    stopbits: 1,
    id: d.id,
    meter_model: d.model,
    timeout_ms: 2500,
    ...(d.type ? { type: d.type } : {}),
  })),
  signals: devices.flatMap((d) =>
    d.model === 2 || d.model === 3
      ? [
          { signal_name: 'Import', device_alias: d.alias, signal_alias: 'ai', job_todo: '1.0.1.8.0.255', tag_job_todo: '2', number_type: 'DOUBLE' },
          { signal_name: 'Nothing', device_alias: d.alias, signal_alias: 'none', job_todo: '1.0.128.8.0.255', tag_job_todo: '2', number_type: 'DOUBLE' },
        ]
      : [
          { signal_name: 'Import', device_alias: d.alias, signal_alias: 'ai', job_todo: '1.8.0', number_type: 'FLOAT' },
          { signal_name: 'Nothing', device_alias: d.alias, signal_alias: 'none', job_todo: '99.99.9', number_type: 'FLOAT' },
        ],
  ),
};

function elgamaSimulators(clock: VirtualClock) {
  return async (device: DeviceConfig): Promise<Link> => {
    const d = device as ElgamaDeviceConfig;
    if (d.meter_model === 2 || d.meter_model === 3) {
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      new SimDlmsMeter(clock, { referencing: d.type, model: createDemoDlmsModel({ epochMs: EPOCH }) }).serveHdlc(pair.meter, {
        address: serverAddressFromSerial(d.id),
        uaParameters: false,
      });
      return pair.client;
    }
    const pair = createSerialPair(clock, { line: LINE_300_7E1 });
    // The IEC profiles answer only to their own id (and the general request, which the client does not send).
    void new VirtualIecMeter({ ...landisLikeModeC(), address: String(d.id) }).serve(pair.meter, clock);
    return pair.client;
  };
}

describe('Elgama profiles against the simulators', () => {
  it('one device of each meter_model reads its signals; a job_todo naming no object is OBJECT_UNDEFINED', async () => {
    const checked = validateConfig(config);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const clock = new VirtualClock(EPOCH + 3 * 24 * 3600_000);
    const engine = new Engine({ config: checked.config, clock, openLink: elgamaSimulators(clock), createDriver, onEvent: () => undefined });
    const readings = await clock.run(() => engine.readOnce());
    await clock.run(() => engine.stop());
    for (const d of devices) {
      const ai = readings.find((r) => r.device_alias === d.alias && r.signal_alias === 'ai')!;
      const none = readings.find((r) => r.device_alias === d.alias && r.signal_alias === 'none')!;
      expect({ d: d.alias, q: ai.quality, e: ai.error }).toEqual({ d: d.alias, q: 'good', e: undefined });
      expect(typeof ai.value).toBe('number');
      expect(none).toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED' });
    }
  });
});
