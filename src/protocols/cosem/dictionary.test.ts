import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeObis } from './dictionary';

describe('describeObis', () => {
  it('names electricity registers by quantity, processing and tariff', () => {
    expect(describeObis('1.0.1.8.0.255')).toBe('Active energy import (+A), total');
    expect(describeObis('1.0.1.8.1.255')).toBe('Active energy import (+A), tariff 1');
    expect(describeObis('1.0.2.8.0.255')).toBe('Active energy export (-A), total');
    expect(describeObis('1.0.3.8.0.255')).toBe('Reactive energy import (+R), total');
    expect(describeObis('1-0:1.8.0*3')).toBe('Active energy import (+A), total, billing period 3');
    expect(describeObis('1.0.32.7.0.255')).toBe('Voltage L1');
    expect(describeObis('1.0.52.7.0.255')).toBe('Voltage L2');
    expect(describeObis('1.0.71.7.0.255')).toBe('Current L3');
    expect(describeObis('1.0.1.7.0.255')).toBe('Active power import (+P)');
    expect(describeObis('1.0.21.7.0.255')).toBe('Active power import (+P) L1');
    expect(describeObis('1.0.14.7.0.255')).toBe('Frequency');
    expect(describeObis('1.0.13.7.0.255')).toBe('Power factor');
    expect(describeObis('1.0.1.6.0.255')).toBe('Maximum demand, active power import (+P), total');
    expect(describeObis('1.0.1.4.0.255')).toBe('Active power import (+P), current average 1');
    expect(describeObis('1.0.32.7.3.255')).toBe('Voltage L1, harmonic 3');
    expect(describeObis('1.0.32.32.0.255')).toBe('Voltage L1, under limit occurrence counter');
    expect(describeObis('1.0.91.7.0.255')).toBe('Neutral current');
  });

  it('names abstract objects a meter lists', () => {
    expect(describeObis('0.0.1.0.0.255')).toBe('Clock');
    expect(describeObis('0.0.40.0.0.255')).toBe('Current association');
    expect(describeObis('0.0.40.0.2.255')).toBe('Association 2');
    expect(describeObis('0.0.42.0.0.255')).toBe('COSEM logical device name');
    expect(describeObis('0.0.96.1.0.255')).toBe('Meter serial number');
    expect(describeObis('0.0.43.1.0.255')).toBe('Invocation counter (frame counter)');
    expect(describeObis('0.0.43.0.0.255')).toBe('Security setup');
    expect(describeObis('1.0.99.1.0.255')).toBe('Load profile 1');
    expect(describeObis('1.0.99.2.0.255')).toBe('Load profile 2');
    expect(describeObis('0.0.99.98.0.255')).toBe('Standard event log');
    expect(describeObis('0.0.96.3.10.255')).toBe('Disconnect control');
    expect(describeObis('0.0.96.7.21.255')).toBe('Number of power failures, any phase');
    expect(describeObis('0.0.43.0.3.255')).toBe('Security setup 3');
    expect(describeObis('0.0.22.0.0.255')).toBe('IEC HDLC setup');
    expect(describeObis('0.0.25.1.0.255')).toBe('IPv4 setup');
    expect(describeObis('0.0.25.0.0.255')).toBe('TCP-UDP setup');
    expect(describeObis('0.0.96.14.0.255')).toBe('Current tariff');
    expect(describeObis('0-0:C.1.0')).toBe('Meter serial number');
    expect(describeObis('0.1.24.2.1.255')).toBe('M-Bus value 1 (channel 1)');
    expect(describeObis('0.2.24.1.0.255')).toBe('M-Bus client setup (channel 2)');
  });

  it('names gas, water and heat quantities', () => {
    expect(describeObis('7.0.3.0.0.255')).toBe('Gas volume at metering conditions, forward');
    expect(describeObis('7.0.13.0.0.255')).toBe('Gas converted volume, forward');
    expect(describeObis('8.0.1.0.0.255')).toBe('Cold water accumulated volume');
    expect(describeObis('9.0.1.0.0.255')).toBe('Hot water accumulated volume');
    expect(describeObis('6.0.1.0.0.255')).toBe('Heat energy');
    expect(describeObis('5.0.1.0.0.255')).toBe('Cooling energy');
    expect(describeObis('7.0.99.1.0.255')).toBe('Gas profile 1');
    expect(describeObis('1.0.81.7.10.255')).toBe('Phase angle, E=10');
    expect(describeObis('6.0.10.7.0.255')).toBe('Heat flow temperature, instantaneous');
  });

  it('falls back to a description by value groups and never throws', () => {
    expect(describeObis('1.0.128.8.0.255')).toBe('Electricity manufacturer-specific, D=8, E=0');
    expect(describeObis('0.0.200.1.2.255')).toBe('Abstract C=200, D=1, E=2');
    expect(describeObis('not obis')).toBe('not obis');
    expect(describeObis(new Uint8Array(3))).toBe('Invalid logical name');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (b) => {
        const t = describeObis(b);
        expect(typeof t).toBe('string');
        expect(t.length).toBeGreaterThan(0);
        expect(t).not.toContain('undefined');
      }),
    );
    fc.assert(fc.property(fc.string(), (t) => void describeObis(t)));
  });
});
