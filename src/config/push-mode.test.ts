/** Mode PUSH (extension, issue 14): a DLMS meter that pushes on its customer port. */
import { describe, expect, it } from 'vitest';
import { formatIssue, validateConfig } from './validate';
import type { ConfigIssue, DlmsDeviceConfig, ValidationResult } from './types';

type Doc = Record<string, unknown>;
const EK = '000102030405060708090a0b0c0d0e0f';
const AK = 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf';

const push = (extra: Doc = {}): Doc => ({
  name: 'HAN port',
  device_alias: 'han',
  protocol: 'DLMS',
  mode: 'PUSH',
  device: 'PORT1',
  baudrate: 2400,
  databits: 8,
  parity: 'even',
  stopbits: 1,
  ...extra,
});

function errors(r: ValidationResult): ConfigIssue[] {
  if (r.ok) throw new Error('expected the configuration to be invalid');
  return r.errors;
}
function device(r: ValidationResult): DlmsDeviceConfig {
  if (!r.ok) throw new Error(r.errors.map(formatIssue).join('; '));
  return r.config.devices[0] as DlmsDeviceConfig;
}
const one = (d: Doc, signals: Doc[] = []) => validateConfig({ devices: [d], signals });
const at = (r: ValidationResult, path: string) => {
  const hit = errors(r).find((i) => i.path === path);
  if (!hit) throw new Error(`no issue at ${path}; got ${errors(r).map(formatIssue).join('; ')}`);
  return hit.message;
};

describe('DLMS mode PUSH', () => {
  it('needs no client address and keeps the HAN line (2400 8E1) and the P1 line (115200 8N1)', () => {
    const han = device(one(push()));
    expect(han).toMatchObject({ mode: 'PUSH', baudrate: 2400, databits: 8, parity: 'even', client_address: 0 });
    expect(han.push_link_layer).toBeUndefined();
    const p1 = device(one(push({ baudrate: 115200, parity: 'none', push_link_layer: 'MBUS', push_interval_ms: 1000, push_all_values: 1 })));
    expect(p1).toMatchObject({ baudrate: 115200, parity: 'none', push_link_layer: 'mbus', push_interval_ms: 1000, push_all_values: 1 });
  });

  it('takes the keys and the meter system title as hex, and says which byte count is wrong without showing the key', () => {
    const d = device(one(push({ block_cipher_key: EK.toUpperCase(), authentication_key: AK, system_title: '4b 46 4d 10 20 00 00 01' })));
    expect(d.block_cipher_key).toBe(EK);
    expect(d.system_title).toBe('4b464d1020000001');
    const short = at(one(push({ block_cipher_key: EK.slice(0, 30) })), 'devices[0].block_cipher_key');
    expect(short).toMatch(/15 bytes.*16 bytes/);
    expect(short).not.toContain(EK.slice(0, 30));
    expect(at(one(push({ block_cipher_key: 'zz'.repeat(16) })), 'devices[0].block_cipher_key')).not.toContain('zz');
    expect(at(one(push({ authentication_key: AK })), 'devices[0].block_cipher_key')).toMatch(/missing/);
  });

  it('refuses by name what needs an association', () => {
    const r = one(push({ client_address: 16, auth: 'Low', password: 'secret-pw', physical_address: 17, security_policy: 'encrypted', window_size: 1 }));
    for (const k of ['client_address', 'auth', 'password', 'physical_address', 'security_policy', 'window_size']) {
      expect(at(r, `devices[0].${k}`)).toMatch(/PUSH/);
    }
    expect(JSON.stringify(errors(r))).not.toContain('secret-pw');
  });

  it('refuses the push fields in the other modes, and still needs a client there', () => {
    const r = validateConfig({
      devices: [{ name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'PORT2', client_address: 16, push_all_values: 1, push_link_layer: 'hdlc' }],
    });
    expect(at(r, 'devices[0].push_all_values')).toMatch(/only used with mode PUSH/);
    expect(at(r, 'devices[0].push_link_layer')).toMatch(/only used with mode PUSH/);
    expect(at(validateConfig({ devices: [{ name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'PORT2' }] }), 'devices[0].client_address')).toMatch(/missing/);
  });

  it('checks the push fields themselves', () => {
    expect(at(one(push({ push_link_layer: 'wmbus' })), 'devices[0].push_link_layer')).toMatch(/auto, hdlc, mbus, raw/);
    expect(at(one(push({ push_interval_ms: 50 })), 'devices[0].push_interval_ms')).toMatch(/range/);
    expect(at(one(push({ push_all_values: 2 })), 'devices[0].push_all_values')).toBeDefined();
  });

  it('takes signals by obis_job as for polled DLMS', () => {
    const r = one(push({ push_all_values: 1 }), [{ signal_name: 'P+', device_alias: 'han', signal_alias: 'p', obis_job: '1-0:1.7.0*255' }]);
    if (!r.ok) throw new Error(r.errors.map(formatIssue).join('; '));
    expect(r.config.signals[0]).toMatchObject({ obis_job: '1.0.1.7.0.255' });
  });

  it('needs a serial port of its own', () => {
    const r = validateConfig({ devices: [push(), { name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'PORT1', client_address: 16 }] });
    expect(at(r, 'devices[0].device')).toMatch(/devices\[1\].*port of its own/);
    expect(device(validateConfig({ devices: [push(), { name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'PORT2', client_address: 16 }] })).mode).toBe('PUSH');
  });
});
