import { describe, expect, it } from 'vitest';
import type { DlmsDeviceConfig, ElgamaDeviceConfig, SignalConfig } from '../config/types';
import { alignReadings, buildDriverSignals, isLogged, obisAddress } from './signals';
import { commonDevice, iecDevice, iecSignal } from './test-kit';
import { linkKey, portTag } from './ports';

const common = commonDevice('x');

const dlms: DlmsDeviceConfig = {
  ...common,
  device_alias: 'd',
  protocol: 'DLMS',
  type: 'LN',
  mode: 'DLMS-HDLC',
  auth: 'None',
  client_address: 16,
  address_size: 1,
  serial_number: 0,
  serial_number_formula: { modulo: 10000, offset: 1000 },
  physical_address: 16,
  logical_address: 0,
  security_suite: 0,
  security_policy: 'none',
  invocation_counter_obis: '0.0.43.1.0.255',
};

const elgama = (meter_model: ElgamaDeviceConfig['meter_model']): ElgamaDeviceConfig => ({
  ...common,
  device_alias: 'e',
  protocol: 'Elgama',
  id: 12345,
  meter_model,
  use_time: 0,
  serial_close_delay: 400,
  client_address: 16,
  type: 'SN',
});

const sig = (fields: Record<string, unknown>) => ({ signal_name: 'n', enable: 1, log: 0, ...fields }) as unknown as SignalConfig;

describe('buildDriverSignals', () => {
  it('DLMS: obis_job with the attribute, in the normalised form', () => {
    const out = buildDriverSignals(dlms, [
      sig({ protocol: 'DLMS', device_alias: 'd', signal_alias: 'a', obis_job: '1.0.1.8.0.255', obis: [1, 0, 1, 8, 0, 255], attribute: 2 }),
      sig({ protocol: 'DLMS', device_alias: 'd', signal_alias: 'b', obis_job: '0.0.1.0.0.255', attribute: 3 }),
      // Not yet normalised spellings still give the canonical address; the written attribute wins.
      sig({ protocol: 'DLMS', device_alias: 'd', signal_alias: 'c', obis_job: '1-0:32.7.0*255:2' }),
      sig({ protocol: 'DLMS', device_alias: 'd', signal_alias: 'd', obis_job: '1.0.1.8.0.255' }),
    ]);
    expect(out.map((s) => s.address)).toEqual(['1.0.1.8.0.255:2', '0.0.1.0.0.255:3', '1.0.32.7.0.255:2', '1.0.1.8.0.255:2']);
    expect(out[0]).toMatchObject({ signal_alias: 'a', device_alias: 'd' });
    expect(out[0].config.obis_job).toBe('1.0.1.8.0.255');
  });

  it('IEC 62056-21: tag_job_todo as the meter prints it, number_type carried', () => {
    const dev = iecDevice('m');
    const out = buildDriverSignals(dev, [iecSignal('m', 'e', { tag_job_todo: ' 1.8.0*24 ', number_type: 'DOUBLE' } as Partial<SignalConfig>)]);
    expect(out).toMatchObject([{ address: '1.8.0*24', number_type: 'DOUBLE' }]);
  });

  it('Elgama: OBIS + attribute for GAMA models 2/3, data-set address for 0/1/4', () => {
    const signals = [
      sig({ protocol: 'Elgama', device_alias: 'e', signal_alias: 'a', job_todo: '1.0.1.8.0.255', number_type: 'FLOAT' }),
      sig({ protocol: 'Elgama', device_alias: 'e', signal_alias: 'b', job_todo: '1.0.1.8.0.255', tag_job_todo: '3', number_type: 'FLOAT' }),
      sig({ protocol: 'Elgama', device_alias: 'e', signal_alias: 'c', job_todo: 'readout', tag_job_todo: '1.8.1', number_type: 'FLOAT' }),
      sig({ protocol: 'Elgama', device_alias: 'e', signal_alias: 'd', job_todo: '2.8.0', number_type: 'FLOAT' }),
    ];
    expect(buildDriverSignals(elgama(2), signals).map((s) => s.address).slice(0, 2)).toEqual(['1.0.1.8.0.255:2', '1.0.1.8.0.255:3']);
    expect(buildDriverSignals(elgama(3), signals)[1].address).toBe('1.0.1.8.0.255:3');
    for (const model of [0, 1, 4] as const) {
      expect(buildDriverSignals(elgama(model), signals).map((s) => s.address).slice(2)).toEqual(['1.8.1', '2.8.0']);
    }
  });

  it('keeps only enabled signals of this device, in configuration order', () => {
    const dev = iecDevice('m');
    const out = buildDriverSignals(dev, [
      iecSignal('m', 'one'),
      iecSignal('other', 'two'),
      iecSignal('m', 'three', { enable: 0 }),
      iecSignal('m', 'four', { log: 1 }),
    ]);
    expect(out.map((s) => s.signal_alias)).toEqual(['one', 'four']);
    expect(out.map(isLogged)).toEqual([false, true]);
  });

  it('obisAddress leaves text that is not OBIS as it is', () => {
    expect(obisAddress('C.1.0')).toBe('C.1.0');
  });
});

describe('alignReadings', () => {
  it('puts readings in signal order and fills what the driver left out', () => {
    const signals = buildDriverSignals(iecDevice('m'), [iecSignal('m', 'a'), iecSignal('m', 'b'), iecSignal('m', 'c')]);
    const out = alignReadings(
      signals,
      [
        { ts: 1, device_alias: 'm', signal_alias: 'c', value: 3, quality: 'good' },
        { ts: 1, device_alias: 'm', signal_alias: 'a', value: 1, quality: 'good' },
      ],
      99,
    );
    expect(out.map((r) => [r.signal_alias, r.value, r.quality, r.error])).toEqual([
      ['a', 1, 'good', undefined],
      ['b', null, 'bad', 'INTERNAL'],
      ['c', 3, 'good', undefined],
    ]);
    expect(out[1].ts).toBe(99);
    expect(out[0].address).toBe(signals[0].address);
  });
});

describe('ports', () => {
  it('serial devices share a key per port name; TCP devices have one each', () => {
    const a = iecDevice('a', { device: 'PORT1' });
    const b = iecDevice('b', { device: 'PORT1' });
    const t1 = iecDevice('t1', { transport: 'tcp', ip: '10.0.0.1', port: 4059 });
    const t2 = iecDevice('t2', { transport: 'tcp', ip: '10.0.0.1', port: 4059 });
    expect(linkKey(a)).toBe(linkKey(b));
    expect(linkKey(t1)).not.toBe(linkKey(t2));
    expect(portTag(a)).toBe('PORT1');
    expect(portTag(t1)).toBe('10.0.0.1:4059');
  });
});
