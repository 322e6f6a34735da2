import { describe, expect, it } from 'vitest';
import { validateConfig } from '.';
import type { DlmsDeviceConfig } from './types';
import { dlmsProfileFromConfig } from '../engine/drivers/dlms';

/** Issue 11 findings 1 and 3 at the configuration: address_size defaults to 1; High takes 1..32-byte secrets. */
const device = (extra: Record<string, unknown> = {}) => ({
  name: 'Meter',
  device_alias: 'd1',
  protocol: 'DLMS',
  device: 'PORT1',
  type: 'LN',
  client_address: 16,
  physical_address: 1,
  logical_address: 0,
  ...extra,
});

function check(extra: Record<string, unknown>) {
  return validateConfig({ devices: [device(extra)], signals: [] });
}

describe('DLMS address size and High secret in the configuration', () => {
  it('address_size defaults to 1 as in the WCC Lite table: physical 1, logical 0 is the 1-byte address 03', () => {
    const r = check({});
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const d = r.config.devices[0] as DlmsDeviceConfig;
    expect(d.address_size).toBe(1);
    expect(dlmsProfileFromConfig(d).server).toEqual({ value: 1, size: 1 });
    // Logical 1 still needs the 2-byte form, whatever the default.
    const two = check({ logical_address: 1, physical_address: 17 });
    if (!two.ok) throw new Error(JSON.stringify(two.errors));
    expect(dlmsProfileFromConfig(two.config.devices[0] as DlmsDeviceConfig).server).toEqual({ value: 145, size: 2 });
  });

  it('auth High accepts a 1..32-byte password and refuses a longer one at the field, without showing it', () => {
    expect(check({ auth: 'High', password: 'Gurux', client_address: 18 }).ok).toBe(true);
    expect(check({ auth: 'High', password: 'x'.repeat(32), client_address: 18 }).ok).toBe(true);
    const long = check({ auth: 'High', password: 'y'.repeat(33), client_address: 18 });
    expect(long.ok).toBe(false);
    if (long.ok) return;
    const issue = long.errors.find((e) => e.path === 'devices[0].password');
    expect(issue?.message).toMatch(/at most 32 bytes/);
    expect(JSON.stringify(long.errors)).not.toContain('y'.repeat(33));
    // Other levels keep their own rules: a long HighSha1 secret is fine.
    expect(check({ auth: 'HighSha1', password: 'y'.repeat(40), client_address: 18 }).ok).toBe(true);
  });
});
