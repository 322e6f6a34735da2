import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haId, haSensorClass, haSensorConfig, obisGroups } from './ha-discovery';
import { readingPayload } from './payload';
import { Topics, topicLevel, topicPrefix } from './topics';

describe('Home Assistant classes from DLMS/IEC units', () => {
  it.each([
    ['Wh', '1.0.1.8.0.255', { device_class: 'energy', unit: 'Wh', state_class: 'total_increasing' }],
    ['kWh', '1.8.0', { device_class: 'energy', unit: 'kWh', state_class: 'total_increasing' }],
    ['kvarh', '3.8.0', { device_class: 'reactive_energy', unit: 'kvarh', state_class: 'total_increasing' }],
    ['varh', '1.0.3.8.0.255', { device_class: 'reactive_energy', unit: 'varh', state_class: 'total_increasing' }],
    ['VAh', '1.0.9.8.0.255', { unit: 'VAh', state_class: 'total_increasing' }],
    ['Wh', '1.0.1.9.0.255', { device_class: 'energy', unit: 'Wh', state_class: 'total' }],
    ['W', '1.0.1.7.0.255', { device_class: 'power', unit: 'W', state_class: 'measurement' }],
    ['kW', '1.6.1', { device_class: 'power', unit: 'kW', state_class: 'measurement' }],
    ['var', '1.0.3.7.0.255', { device_class: 'reactive_power', unit: 'var', state_class: 'measurement' }],
    ['VA', '1.0.9.7.0.255', { device_class: 'apparent_power', unit: 'VA', state_class: 'measurement' }],
    ['V', '32.7.0', { device_class: 'voltage', unit: 'V', state_class: 'measurement' }],
    ['A', '1.0.31.7.0.255', { device_class: 'current', unit: 'A', state_class: 'measurement' }],
    ['Hz', '1.0.14.7.0.255', { device_class: 'frequency', unit: 'Hz', state_class: 'measurement' }],
    ['°C', '0.0.96.9.0.255', { device_class: 'temperature', unit: '°C', state_class: 'measurement' }],
    ['m³', '7.0.3.0.0.255', { device_class: 'gas', unit: 'm³', state_class: 'total_increasing' }],
    ['m³', '8.0.1.0.0.255', { device_class: 'water', unit: 'm³', state_class: 'total_increasing' }],
    ['m³', '6.0.1.0.0.255', { device_class: 'volume', unit: 'm³', state_class: 'total_increasing' }],
    ['%', '1.0.13.7.0.255', { device_class: 'power_factor', unit: '%', state_class: 'measurement' }],
    ['J/h', '6.0.8.0.0.255', { unit: 'J/h', state_class: 'measurement' }],
    ['Ωm²/m', undefined, { unit: 'Ωm²/m', state_class: 'measurement' }],
    [null, '0.0.96.7.0.255', { state_class: 'measurement' }],
  ] as const)('%s at %s', (unit, address, want) => {
    expect(haSensorClass(unit, address)).toEqual(want);
  });

  it('a value that is not a number (text, date) gets no class at all', () => {
    expect(haSensorClass('kWh', '1.8.0', false)).toEqual({});
  });

  it('a unit with a device class is always spelt as Home Assistant accepts it', () => {
    const accepted: Record<string, string[]> = {
      energy: ['Wh', 'kWh', 'MWh', 'J', 'MJ', 'GJ'],
      reactive_energy: ['varh', 'kvarh'],
      power: ['W', 'kW', 'MW'],
      reactive_power: ['var', 'kvar'],
      apparent_power: ['VA', 'kVA'],
      voltage: ['V', 'mV', 'kV'],
      current: ['A', 'mA'],
      frequency: ['Hz'],
      temperature: ['°C', 'K'],
      gas: ['m³'],
      water: ['m³', 'L'],
      volume: ['m³', 'L'],
      pressure: ['Pa', 'bar'],
      volume_flow_rate: ['m³/h'],
      signal_strength: ['dBm'],
      duration: ['s', 'min', 'h', 'd'],
      power_factor: ['%'],
    };
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('Wh', 'kWh', 'varh', 'kvarh', 'VAh', 'W', 'kW', 'var', 'VA', 'V', 'A', 'Hz', '°C', 'K', 'm³', 'l', '%', 'dBm', 's', 'bar', 'm³/h', 'J/h', 'kg'), fc.string()), fc.option(fc.string(), { nil: undefined }), (unit, address) => {
        const c = haSensorClass(unit, address);
        if (c.device_class) expect(accepted[c.device_class], `${unit} -> ${c.device_class}`).toContain(c.unit);
        // Home Assistant refuses `measurement` for energy and gas/water counters.
        if (['energy', 'reactive_energy', 'gas', 'water', 'volume'].includes(c.device_class ?? '')) expect(c.state_class).not.toBe('measurement');
      }),
    );
  });

  it('OBIS value groups from full codes and IEC addresses', () => {
    expect(obisGroups('1.0.1.8.0.255')).toEqual({ a: 1, c: 1, d: 8 });
    expect(obisGroups('1-0:32.7.0*255')).toEqual({ a: 1, c: 32, d: 7 });
    expect(obisGroups('1.8.0')).toEqual({ c: 1, d: 8 });
    expect(obisGroups('C.1.0')).toEqual({});
    expect(obisGroups(undefined)).toEqual({});
  });
});

describe('discovery config', () => {
  const topics = new Topics('meterscope', 'host-1');
  const reading = readingPayload({ ts: 0, device_alias: 'flat 3/b', signal_alias: 'energy import', value: 1.5, unit: 'kWh', quality: 'good', address: '1.0.1.8.0.255', decimals: 3 });

  it('one retained sensor per signal, grouped by meter, available with the poller', () => {
    const msg = haSensorConfig(topics, reading, { name: 'Flat 3B meter', serial_number: '123' });
    expect(msg.topic).toBe('homeassistant/sensor/meterscope_flat_3_b/energy_import/config');
    expect(JSON.parse(msg.payload)).toMatchObject({
      unique_id: 'meterscope_flat_3_b_energy_import',
      state_topic: 'meterscope/flat 3_b/energy import',
      value_template: '{{ value_json.value }}',
      device_class: 'energy',
      state_class: 'total_increasing',
      unit_of_measurement: 'kWh',
      suggested_display_precision: 3,
      availability: [{ topic: 'meterscope/pollers/host-1/state', payload_available: 'online', payload_not_available: 'offline' }],
      device: { identifiers: ['meterscope_flat_3_b'], name: 'Flat 3B meter', serial_number: '123' },
    });
  });

  it('ids keep only what Home Assistant allows', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(haId(s)).toMatch(/^[a-zA-Z0-9_-]+$/);
      }),
    );
  });
});

describe('topics', () => {
  it('aliases never make wildcards, extra levels or $ topics', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const level = topicLevel(s);
        expect(level).not.toMatch(/[+#/\u0000]/);
        expect(level.startsWith('$')).toBe(false);
        expect(level.length).toBeGreaterThan(0);
      }),
    );
    expect(topicLevel('$SYS')).toBe('_SYS');
    expect(topicLevel('a+b#c/d')).toBe('a_b_c_d');
  });

  it('prefix, reading, status and poller topics', () => {
    const t = new Topics('site//a/', 'p#1');
    expect(topicPrefix('site//a/')).toBe('site/a');
    expect(t.reading('m1', 'energy')).toBe('site/a/m1/energy');
    expect(t.reading('m1', 'status')).toBe('site/a/m1/status_');
    expect(t.deviceStatus('m1')).toBe('site/a/m1/status');
    expect(t.pollerState()).toBe('site/a/pollers/p_1/state');
  });
});
