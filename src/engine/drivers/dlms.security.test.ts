import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import type { Link } from '../../core/link';
import { validateConfig } from '../../config';
import type { DeviceConfig, DlmsDeviceConfig } from '../../config/types';
import { Engine } from '../engine';
import { createDriver } from '.';
import { dlmsProfileFromConfig } from './dlms';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { serverAddress } from '../../protocols/hdlc/address';
import { fromHex } from '../../protocols/dlms/hex';

const EPOCH = Date.UTC(2026, 0, 1);
const ST = '4d4d4d0000000001';
const EK = '000102030405060708090a0b0c0d0e0f';
const AK = 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf';
const DK = '00112233445566778899aabbccddeeff';

const config = {
  devices: [
    {
      name: 'Secured HDLC', device_alias: 'gmac', protocol: 'DLMS', device: 'PORT1', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, mode: 'DLMS-HDLC',
      type: 'LN', auth: 'HighGmac', client_address: 48, physical_address: 17, logical_address: 1, address_size: 2,
      system_title: ST, block_cipher_key: EK, authentication_key: AK, dedicated_key: DK, security_suite: 0, security_policy: 'authenticated_encrypted',
    },
    {
      name: 'SHA-256 wrapper', device_alias: 'sha', protocol: 'DLMS', ip: '127.0.0.1', port: 4059, mode: 'DLMS-WRAPPER', type: 'SN', auth: 'HighSha256',
      password: 'hls-secret-sha256', client_address: 18, logical_address: 1, system_title: ST,
    },
  ],
  signals: [
    { signal_name: 'Import', device_alias: 'gmac', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
    { signal_name: 'Voltage', device_alias: 'gmac', signal_alias: 'u1', obis_job: '1.0.32.7.0.255', number_type: 'FLOAT' },
    { signal_name: 'Import', device_alias: 'sha', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
  ],
};

function ports(clock: VirtualClock, meters: SimDlmsMeter[]) {
  return async (device: DeviceConfig): Promise<Link> => {
    const security = { systemTitle: fromHex('4D4D4D0000BC614E'), blockCipherKey: fromHex(EK), authenticationKey: fromHex(AK), hlsSecret: new TextEncoder().encode('hls-secret-sha256') };
    if (device.device_alias === 'gmac') {
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      const m = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel({ epochMs: EPOCH }), security: { ...security, requiredPolicy: 'authenticated_encrypted' } });
      meters.push(m);
      m.serveHdlc(pair.meter, { address: serverAddress({ logical: 1, physical: 17, size: 2 }) });
      return pair.client;
    }
    const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 3 });
    const m = new SimDlmsMeter(clock, { referencing: 'SN', model: createDemoDlmsModel({ epochMs: EPOCH }), security });
    meters.push(m);
    m.serveWrapper(pair.meter);
    return pair.client;
  };
}

describe('DLMS driver with security from the configuration', () => {
  it('reads a HighGmac ciphered meter over HDLC and a HighSha256 SN meter over the wrapper through the engine', async () => {
    const checked = validateConfig(config);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
    const meters: SimDlmsMeter[] = [];
    const engine = new Engine({ config: checked.config, clock, openLink: ports(clock, meters), createDriver, onEvent: () => undefined });
    const readings = await clock.run(() => engine.readOnce());
    await clock.run(() => engine.stop());
    const by = (d: string, s: string) => readings.find((r) => r.device_alias === d && r.signal_alias === s)!;
    expect(by('gmac', 'ai')).toMatchObject({ quality: 'good', unit: 'Wh' });
    expect(by('gmac', 'u1').value).toBeGreaterThan(220);
    expect(by('sha', 'ai')).toMatchObject({ quality: 'good', unit: 'Wh' });
    // The frame counter was read through the public client first: the meter saw counters from the secured client.
    expect(meters[0].security!.lastClientCounter).toBeGreaterThan(0);
    expect(meters[0].counters.decipherFailures).toBe(0);
  });

  it('profile: every level maps, secrets are listed, missing material is CONFIG_INVALID', () => {
    const checked = validateConfig(config);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const gmac = checked.config.devices[0] as DlmsDeviceConfig;
    const p = dlmsProfileFromConfig(gmac);
    expect(p.auth).toBe('HighGmac');
    expect(p.security?.policy).toBe('authenticated_encrypted');
    expect(p.security?.preReadCounter).toBe(true);
    expect(p.secrets).toEqual(expect.arrayContaining([EK, AK, DK]));
    for (const auth of ['None', 'Low', 'High', 'HighMd5', 'HighSha1', 'HighSha256', 'HighGmac', 'HighEcdsa'] as const) {
      const d: DlmsDeviceConfig = { ...gmac, auth, password: '0123456789abcdef', security_suite: auth === 'HighEcdsa' ? 1 : 0, block_cipher_key: EK, authentication_key: AK, dedicated_key: undefined, ecdsa_private_key: 'aa'.repeat(32), server_public_key: '04' + 'bb'.repeat(64) };
      expect(dlmsProfileFromConfig(d).auth).toBe(auth);
    }
    expect(() => dlmsProfileFromConfig({ ...gmac, system_title: undefined })).toThrow(/system_title/);
    expect(() => dlmsProfileFromConfig({ ...gmac, authentication_key: undefined })).toThrow(/authentication_key/);
    expect(dlmsProfileFromConfig({ ...gmac, auth: 'High', password: 'Gurux', security_policy: 'none' }).password).toBe('Gurux');
    expect(() => dlmsProfileFromConfig({ ...gmac, auth: 'High', password: 'x'.repeat(33), security_policy: 'none' })).toThrow(/1 to 32 bytes/);
    expect(() => dlmsProfileFromConfig({ ...gmac, auth: 'HighEcdsa', security_suite: 0 })).toThrow(/suite 1/);
    expect(() => dlmsProfileFromConfig({ ...gmac, auth: 'HighMd5', password: undefined, security_policy: 'none' })).toThrow(/password/);
  });
});
