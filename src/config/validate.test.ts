import { describe, expect, it } from 'vitest';
import { formatIssue, validateConfig, validateDevice, validateSignal } from './validate';
import type { ConfigIssue, DlmsDeviceConfig, DlmsSignalConfig, ElgamaDeviceConfig, IecDeviceConfig, ValidationResult } from './types';

type Doc = Record<string, unknown>;

const dlms = (extra: Doc = {}): Doc => ({
  name: 'DLMS meter',
  device_alias: 'd1',
  protocol: 'DLMS',
  device: 'PORT1',
  client_address: '0x10',
  ...extra,
});
const iec = (extra: Doc = {}): Doc => ({ name: 'IEC meter', device_alias: 'i1', protocol: 'IEC 62056-21', device: 'PORT2', ...extra });
const elgama = (extra: Doc = {}): Doc => ({
  name: 'Elgama meter',
  device_alias: 'e1',
  protocol: 'Elgama',
  device: 'PORT3',
  timeout_ms: 3000,
  id: 21045678,
  meter_model: 2,
  ...extra,
});
const dlmsSignal = (extra: Doc = {}): Doc => ({ signal_name: 'Energy', device_alias: 'd1', signal_alias: 's1', obis_job: '1.0.1.8.0.255', ...extra });
const iecSignal = (extra: Doc = {}): Doc => ({ signal_name: 'Energy', device_alias: 'i1', signal_alias: 's1', tag_job_todo: '1.8.0', number_type: 'DOUBLE', ...extra });
const elgamaSignal = (extra: Doc = {}): Doc => ({ signal_name: 'Energy', device_alias: 'e1', signal_alias: 's1', job_todo: '1.8.0', number_type: 'DOUBLE', ...extra });

function errorsOf(r: ValidationResult): ConfigIssue[] {
  if (r.ok) throw new Error('expected the configuration to be invalid');
  return r.errors;
}
function okConfig(r: ValidationResult) {
  if (!r.ok) throw new Error(`expected valid, got ${r.errors.map(formatIssue).join('; ')}`);
  return r.config;
}
function one(devices: Doc[], signals: Doc[] = []): ValidationResult {
  return validateConfig({ devices, signals });
}
function issueAt(r: ValidationResult, path: string): ConfigIssue {
  const e = errorsOf(r).find((i) => i.path === path);
  if (!e) throw new Error(`no issue at ${path}; got ${errorsOf(r).map(formatIssue).join('; ')}`);
  return e;
}

describe('document shape', () => {
  it('accepts an empty configuration', () => {
    expect(okConfig(validateConfig({ devices: [], signals: [] }))).toEqual({ devices: [], signals: [] });
  });
  it('allows a document without signals', () => {
    expect(okConfig(validateConfig({ devices: [dlms()] })).signals).toEqual([]);
  });
  it('rejects a non-object document', () => {
    expect(issueAt(validateConfig([1]), '').message).toMatch(/must be a JSON object/);
    expect(issueAt(validateConfig(null), '').message).toMatch(/null/);
  });
  it('requires a devices list', () => {
    expect(issueAt(validateConfig({ signals: [] }), 'devices').message).toMatch(/missing/);
    expect(issueAt(validateConfig({ devices: {} }), 'devices').message).toMatch(/must be a list/);
  });
  it('rejects unknown top-level sections with a suggestion', () => {
    expect(issueAt(validateConfig({ devices: [], signal: [] }), 'signal').message).toMatch(/did you mean "signals"/);
  });
  it('rejects a device that is not an object', () => {
    expect(issueAt(one(['PORT1' as unknown as Doc]), 'devices[0]').message).toMatch(/must be an object/);
  });
});

describe('common device fields', () => {
  it('fills every default for a DLMS device', () => {
    const d = okConfig(one([dlms()])).devices[0] as DlmsDeviceConfig;
    expect(d).toMatchObject({
      description: '',
      enable: 1,
      timeout_ms: 2500,
      scan_rate_ms: 10000,
      retry_counter: 3,
      reconnect_time: 1000,
      baudrate: 9600,
      databits: 8,
      stopbits: 1,
      parity: 'none',
      flowcontrol: 'none',
      dtr: 1,
      rts: 1,
      echo: 'auto',
      type: 'SN',
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
      transport: 'serial',
      protocol: 'DLMS',
    });
  });
  it('requires name, device_alias and protocol', () => {
    const r = one([{ device: 'PORT1' }]);
    expect(issueAt(r, 'devices[0].name').message).toMatch(/missing/);
    expect(issueAt(r, 'devices[0].device_alias').message).toMatch(/missing/);
    expect(issueAt(r, 'devices[0].protocol').message).toMatch(/DLMS, IEC 62056-21, Elgama/);
  });
  it('suggests the protocol for a misspelling', () => {
    expect(issueAt(one([dlms({ protocol: 'DMLS' })]), 'devices[0].protocol').message).toMatch(/did you mean "DLMS"/);
  });
  it('requires device_alias to be unique', () => {
    const r = one([dlms(), iec({ device_alias: 'd1' })]);
    expect(issueAt(r, 'devices[1].device_alias').message).toBe('"d1" is already used by devices[0]; each device_alias must be unique');
  });
  it('enable is 0 or 1 (true/false accepted)', () => {
    expect(issueAt(one([dlms({ enable: 2 })]), 'devices[0].enable').message).toBe('2 is not 0 or 1');
    expect(okConfig(one([dlms({ enable: false })])).devices[0].enable).toBe(0);
  });
  it('checks integer ranges', () => {
    expect(issueAt(one([dlms({ timeout_ms: 0 })]), 'devices[0].timeout_ms').message).toMatch(/outside the allowed range 10\.\.600000/);
    expect(issueAt(one([dlms({ retry_counter: 1.5 })]), 'devices[0].retry_counter').message).toMatch(/not a whole number/);
    expect(issueAt(one([dlms({ scan_rate_ms: '1000' })]), 'devices[0].scan_rate_ms').message).toMatch(/not a whole number/);
  });
  it('treats null as not set', () => {
    expect(okConfig(one([dlms({ description: null })])).devices[0].description).toBe('');
  });
});

describe('transport', () => {
  it('reads ip + port as TCP', () => {
    const d = okConfig(one([dlms({ device: undefined, ip: '10.0.0.5', port: 4059 })])).devices[0];
    expect(d.transport).toBe('tcp');
    expect(d.ip).toBe('10.0.0.5');
    expect(d.port).toBe(4059);
  });
  it('lets ip + port win over device', () => {
    expect(okConfig(one([dlms({ ip: 'meter.local', port: 4059 })])).devices[0].transport).toBe('tcp');
  });
  it('needs port with ip and ip with port', () => {
    expect(issueAt(one([dlms({ device: undefined, ip: '10.0.0.5' })]), 'devices[0].port').message).toMatch(/both ip and port/);
    expect(issueAt(one([dlms({ device: undefined, port: 4059 })]), 'devices[0].ip').message).toMatch(/both ip and port/);
  });
  it('rejects a device with neither ip + port nor device', () => {
    expect(issueAt(one([dlms({ device: undefined })]), 'devices[0]').message).toMatch(/neither ip \+ port .* nor device/);
  });
  it('checks the ip address and port', () => {
    expect(issueAt(one([dlms({ ip: '300.1.1.1', port: 1 })]), 'devices[0].ip').message).toMatch(/IPv4/);
    expect(issueAt(one([dlms({ ip: 'a b', port: 1 })]), 'devices[0].ip').message).toMatch(/host name/);
    expect(issueAt(one([dlms({ ip: '::1', port: 70000 })]), 'devices[0].port').message).toMatch(/1\.\.65535/);
  });
  it('baudrate must be in the list', () => {
    expect(formatIssue(issueAt(one([dlms(), dlms({ device_alias: 'd2' }), dlms({ device_alias: 'd3', baudrate: 14400 })]), 'devices[2].baudrate'))).toBe(
      'devices[2].baudrate: 14400 is not one of 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200',
    );
  });
  it('databits is 6..9, stopbits 1 or 2', () => {
    expect(issueAt(one([dlms({ databits: 5 })]), 'devices[0].databits').message).toMatch(/6\.\.9/);
    expect(okConfig(one([dlms({ databits: 9 })])).devices[0].databits).toBe(9);
    expect(issueAt(one([dlms({ stopbits: 3 })]), 'devices[0].stopbits').message).toMatch(/not one of 1, 2/);
  });
  it('parity is case-insensitive and normalised', () => {
    expect(okConfig(one([dlms({ parity: 'EVEN' })])).devices[0].parity).toBe('even');
    expect(issueAt(one([dlms({ parity: 'evn' })]), 'devices[0].parity').message).toMatch(/did you mean "even"/);
  });
  it('flowcontrol is none only', () => {
    expect(issueAt(one([dlms({ flowcontrol: 'rtscts' })]), 'devices[0].flowcontrol').message).toMatch(/not one of none/);
  });
  it('dtr/rts are flags and echo is auto, 0 or 1', () => {
    const d = okConfig(one([dlms({ dtr: 0, rts: 0, echo: 1 })])).devices[0];
    expect([d.dtr, d.rts, d.echo]).toEqual([0, 0, 1]);
    expect(issueAt(one([dlms({ echo: 'yes' })]), 'devices[0].echo').message).toMatch(/auto, 0, 1/);
  });
});

describe('unknown fields', () => {
  it('suggests the closest field name', () => {
    expect(issueAt(one([dlms({ baudrat: 9600 })]), 'devices[0].baudrat').message).toBe('is not a known field of DLMS devices; did you mean "baudrate"?');
    expect(issueAt(one([dlms({ clinet_address: 1 })]), 'devices[0].clinet_address').message).toMatch(/did you mean "client_address"/);
  });
  it('names the protocol a misplaced field belongs to', () => {
    expect(issueAt(one([dlms({ t2: 300 })]), 'devices[0].t2').message).toMatch(/belongs to IEC 62056-21 devices/);
  });
  it('maps older WCC Lite DLMS names to the current ones', () => {
    const r = one([dlms({ master_address: 16, server_address: 17, id: 1, serialnumber: 5 })]);
    expect(issueAt(r, 'devices[0].master_address').message).toMatch(/call it "client_address"/);
    expect(issueAt(r, 'devices[0].server_address').message).toMatch(/call it "physical_address"/);
    expect(issueAt(r, 'devices[0].id').message).toMatch(/call it "logical_address"/);
    expect(issueAt(r, 'devices[0].serialnumber').message).toMatch(/call it "serial_number"/);
  });
  it('gives no suggestion for a name far from every field', () => {
    expect(issueAt(one([dlms({ zzzzzzzz: 1 })]), 'devices[0].zzzzzzzz').message).not.toMatch(/did you mean/);
  });
  it('quotes odd keys in the path', () => {
    expect(errorsOf(one([dlms({ 'my key': 1 })])).some((e) => e.path === 'devices[0]["my key"]')).toBe(true);
  });
  it('suggests for signal fields', () => {
    expect(issueAt(one([dlms()], [dlmsSignal({ obis_jb: 'x' })]), 'signals[0].obis_jb').message).toMatch(/did you mean "obis_job"/);
  });
});

describe('DLMS device', () => {
  it('accepts hex addresses and keeps them as numbers', () => {
    const d = okConfig(one([dlms({ client_address: '0x11', physical_address: '0x20', logical_address: '1', password: 'x', auth: 'Low' })])).devices[0] as DlmsDeviceConfig;
    expect([d.client_address, d.physical_address, d.logical_address]).toEqual([0x11, 0x20, 1]);
  });
  it('requires client_address', () => {
    expect(issueAt(one([dlms({ client_address: undefined })]), 'devices[0].client_address').message).toMatch(/missing/);
  });
  it('rejects malformed hex addresses', () => {
    expect(issueAt(one([dlms({ client_address: '0xZZ' })]), 'devices[0].client_address').message).toMatch(/hex like "0x10"/);
  });
  it('type is SN|LN, mode and auth are enumerations', () => {
    expect(issueAt(one([dlms({ type: 'XN' })]), 'devices[0].type').message).toMatch(/SN, LN/);
    expect(issueAt(one([dlms({ mode: 'HDLC' })]), 'devices[0].mode').message).toMatch(/IEC, DLMS, DLMS-HDLC, DLMS-WRAPPER/);
    expect(issueAt(one([dlms({ auth: 'HighSha265' })]), 'devices[0].auth').message).toMatch(/did you mean "HighSha256"/);
  });
  it('address_size is 1, 2 or 4', () => {
    expect(issueAt(one([dlms({ address_size: 3 })]), 'devices[0].address_size').message).toBe('3 is not one of 1, 2, 4');
  });
  it('requires a password for Low and the password-based High levels, without echoing it', () => {
    for (const auth of ['Low', 'High', 'HighMd5', 'HighSha1', 'HighSha256']) {
      expect(issueAt(one([dlms({ auth })]), 'devices[0].password').message).toBe(`is missing; auth ${auth} needs a password`);
    }
    expect(okConfig(one([dlms({ auth: 'Low', password: 12345678 })])).devices[0]).toMatchObject({ password: '12345678' });
    const r = one([dlms({ auth: 'Low', password: ['s3cr3t-value'] })]);
    expect(JSON.stringify(errorsOf(r))).not.toContain('s3cr3t');
  });
  it('HighGmac requires system_title, block_cipher_key and authentication_key', () => {
    const r = one([dlms({ auth: 'HighGmac' })]);
    for (const k of ['system_title', 'block_cipher_key', 'authentication_key']) expect(issueAt(r, `devices[0].${k}`).message).toMatch(/HighGmac/);
    expect(errorsOf(r).some((e) => e.path === 'devices[0].password')).toBe(false);
  });
  const keys = {
    system_title: '4D4D4D0000BC614E',
    block_cipher_key: '000102030405060708090A0B0C0D0E0F',
    authentication_key: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
  };
  it('accepts HighGmac with keys and normalises hex', () => {
    const d = okConfig(one([dlms({ auth: 'HighGmac', ...keys, system_title: '4d 4d 4d 00 00 bc 61 4e' })])).devices[0] as DlmsDeviceConfig;
    expect(d.system_title).toBe('4d4d4d0000bc614e');
    expect(d.block_cipher_key).toBe('000102030405060708090a0b0c0d0e0f');
  });
  it('checks exact key lengths and never echoes a key', () => {
    const secret = '000102030405060708090A0B0C0D0E';
    const r = one([dlms({ auth: 'HighGmac', ...keys, block_cipher_key: secret, system_title: '4D4D4D' })]);
    expect(issueAt(r, 'devices[0].block_cipher_key').message).toMatch(/exactly 16 bytes .*not shown/);
    expect(issueAt(r, 'devices[0].system_title').message).toMatch(/exactly 8 bytes/);
    expect(JSON.stringify(errorsOf(r))).not.toContain(secret);
    const r2 = one([dlms({ authentication_key: 'not hex at all, secret!' })]);
    expect(issueAt(r2, 'devices[0].authentication_key').message).toMatch(/not valid hex/);
    expect(JSON.stringify(errorsOf(r2))).not.toContain('secret!');
  });
  it('uses 32-byte keys with security suite 2', () => {
    const r = one([dlms({ auth: 'HighGmac', ...keys, security_suite: 2 })]);
    expect(issueAt(r, 'devices[0].block_cipher_key').message).toMatch(/exactly 32 bytes .*suite 2/);
  });
  it('dedicated_key is optional but checked', () => {
    expect(issueAt(one([dlms({ dedicated_key: '00' })]), 'devices[0].dedicated_key').message).toMatch(/16 bytes/);
  });
  it('security_suite is 0|1|2 and security_policy an enumeration', () => {
    expect(issueAt(one([dlms({ security_suite: 3 })]), 'devices[0].security_suite').message).toBe('3 is not one of 0, 1, 2');
    expect(issueAt(one([dlms({ security_policy: 'encrypt' })]), 'devices[0].security_policy').message).toMatch(/did you mean "encrypted"/);
  });
  it('a security policy needs the keys it uses', () => {
    const r = one([dlms({ security_policy: 'authenticated_encrypted' })]);
    for (const k of ['system_title', 'block_cipher_key', 'authentication_key']) expect(issueAt(r, `devices[0].${k}`).message).toMatch(/security_policy/);
    const r2 = one([dlms({ security_policy: 'encrypted' })]);
    expect(errorsOf(r2).some((e) => e.path === 'devices[0].authentication_key')).toBe(false);
  });
  const p256pub = '04' + 'ab'.repeat(64);
  it('HighEcdsa requires the ECDSA keys and suite 1 or 2', () => {
    const r = one([dlms({ auth: 'HighEcdsa' })]);
    for (const k of ['system_title', 'ecdsa_private_key', 'server_public_key']) expect(issueAt(r, `devices[0].${k}`).message).toMatch(/HighEcdsa/);
    expect(issueAt(r, 'devices[0].security_suite').message).toMatch(/suite 1 .* or 2/);
    const d = okConfig(
      one([dlms({ auth: 'HighEcdsa', security_suite: 1, system_title: keys.system_title, ecdsa_private_key: '11'.repeat(32), server_public_key: p256pub })]),
    ).devices[0] as DlmsDeviceConfig;
    expect(d.server_public_key).toBe(p256pub);
  });
  it('checks ECDSA key lengths per curve and accepts PEM', () => {
    const base = { auth: 'HighEcdsa', security_suite: 2, system_title: keys.system_title };
    const r = one([dlms({ ...base, ecdsa_private_key: '11'.repeat(32), server_public_key: p256pub })]);
    expect(issueAt(r, 'devices[0].ecdsa_private_key').message).toMatch(/P-384 private key is 48 bytes/);
    expect(issueAt(r, 'devices[0].server_public_key').message).toMatch(/P-384 public key is 96 bytes/);
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';
    expect(okConfig(one([dlms({ ...base, security_suite: 1, ecdsa_private_key: '11'.repeat(32), server_public_key: pem })])).devices.length).toBe(1);
    expect(issueAt(one([dlms({ ecdsa_public_key: '-----BEGIN PUBLIC KEY-----\nxx' })]), 'devices[0].ecdsa_public_key').message).toMatch(/PEM/);
  });
  it('invocation_counter_obis is an OBIS code without attribute', () => {
    expect((okConfig(one([dlms({ invocation_counter_obis: '0-0:43.1.0*255' })])).devices[0] as DlmsDeviceConfig).invocation_counter_obis).toBe('0.0.43.1.0.255');
    expect(issueAt(one([dlms({ invocation_counter_obis: '0.0.43.1.0.255:2' })]), 'devices[0].invocation_counter_obis').message).toMatch(/attribute/);
  });
  it('serial_number derives the address and defaults address_size to 4', () => {
    const d = okConfig(one([dlms({ serial_number: 12345678 })])).devices[0] as DlmsDeviceConfig;
    expect(d.address_size).toBe(4);
    const r = one([dlms({ serial_number: 12345678, address_size: 2 })]);
    expect(issueAt(r, 'devices[0].address_size').message).toMatch(/physical address 6678 \(from serial_number\) needs address_size 4/);
  });
  it('serial_number_formula accepts text or {modulo, offset} and rejects anything else', () => {
    const d = okConfig(one([dlms({ serial_number: 5, serial_number_formula: { modulo: 100, offset: 16 } })])).devices[0] as DlmsDeviceConfig;
    expect(d.serial_number_formula).toEqual({ modulo: 100, offset: 16 });
    expect(issueAt(one([dlms({ serial_number_formula: 'SN * 2' })]), 'devices[0].serial_number_formula').message).toMatch(/must look like/);
    const r = one([dlms({ serial_number: 99999, serial_number_formula: 'SN + 1000' })]);
    expect(issueAt(r, 'devices[0].serial_number').message).toMatch(/outside 0\.\.16383/);
  });
  it('HDLC limits the client address to one byte; the wrapper does not', () => {
    expect(issueAt(one([dlms({ client_address: 0x100 })]), 'devices[0].client_address').message).toMatch(/DLMS-WRAPPER/);
    expect(okConfig(one([dlms({ client_address: 0x100, mode: 'DLMS-WRAPPER', ip: '127.0.0.1', port: 4059 })])).devices.length).toBe(1);
  });
  it('DLMS-WRAPPER needs ip + port', () => {
    expect(issueAt(one([dlms({ mode: 'DLMS-WRAPPER' })]), 'devices[0].mode').message).toMatch(/needs? .*ip \+ port|no ip \+ port/);
  });
  it('addresses above 127 need address_size 4', () => {
    expect(issueAt(one([dlms({ physical_address: 200 })]), 'devices[0].address_size').message).toMatch(/needs address_size 4/);
    expect(okConfig(one([dlms({ physical_address: 200, address_size: 4 })])).devices.length).toBe(1);
  });
});

describe('IEC 62056-21 device', () => {
  it('defaults to mode C at 300 7E1', () => {
    const d = okConfig(one([iec()])).devices[0] as IecDeviceConfig;
    expect(d).toMatchObject({ baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', poll_delay_ms: 200, t2: 300, serial_close_delay: 400, meter_model: 1, serialnumber: '' });
  });
  it('type is A, B, C or D', () => {
    expect(issueAt(one([iec({ type: 'E' })]), 'devices[0].type').message).toBe('"E" is not one of A, B, C, D');
  });
  it('t2 is 200..1500', () => {
    expect(issueAt(one([iec({ t2: 100 })]), 'devices[0].t2').message).toMatch(/200\.\.1500/);
  });
  it('serialnumber is an address without IEC delimiters; 0 means none', () => {
    expect((okConfig(one([iec({ serialnumber: 0 })])).devices[0] as IecDeviceConfig).serialnumber).toBe('');
    expect((okConfig(one([iec({ serialnumber: 12345678 })])).devices[0] as IecDeviceConfig).serialnumber).toBe('12345678');
    expect(issueAt(one([iec({ serialnumber: 'AB!C' })]), 'devices[0].serialnumber').message).toMatch(/does not allow/);
  });
  it('password is optional and never echoed', () => {
    expect(okConfig(one([iec({ password: 'abc' })])).devices[0]).toMatchObject({ password: 'abc' });
    const r = one([iec({ password: { p: 'topsecret' } })]);
    expect(JSON.stringify(errorsOf(r))).not.toContain('topsecret');
  });
});

describe('Elgama device', () => {
  it('fills defaults', () => {
    const d = okConfig(one([elgama()])).devices[0] as ElgamaDeviceConfig;
    expect(d).toMatchObject({ baudrate: 9600, serial_close_delay: 400, use_time: 0, client_address: 16, type: 'SN', meter_model: 2 });
  });
  it('requires id, meter_model and timeout_ms', () => {
    const r = one([elgama({ id: undefined, meter_model: undefined, timeout_ms: undefined })]);
    for (const k of ['id', 'meter_model', 'timeout_ms']) expect(issueAt(r, `devices[0].${k}`).message).toMatch(/missing; an Elgama device needs it/);
  });
  it('meter_model is 0..4 and use_time 0|1', () => {
    expect(issueAt(one([elgama({ meter_model: 5 })]), 'devices[0].meter_model').message).toBe('5 is not one of 0, 1, 2, 3, 4');
    expect(issueAt(one([elgama({ use_time: 2 })]), 'devices[0].use_time').message).toMatch(/0 or 1/);
  });
  it('client_address defaults to 32 with a password, and 32 needs a password', () => {
    expect((okConfig(one([elgama({ password: 'pw' })])).devices[0] as ElgamaDeviceConfig).client_address).toBe(32);
    expect(issueAt(one([elgama({ client_address: 32 })]), 'devices[0].password').message).toMatch(/needs a password/);
  });
  it('type LN only for GAMA100', () => {
    expect(okConfig(one([elgama({ meter_model: 3, type: 'LN' })])).devices.length).toBe(1);
    expect(issueAt(one([elgama({ type: 'LN' })]), 'devices[0].type').message).toMatch(/GAMA100/);
  });
});

describe('signals', () => {
  it('normalises a DLMS signal and its OBIS forms', () => {
    const cfg = okConfig(one([dlms()], [dlmsSignal({ obis_job: '1-0:1.8.0*255' }), dlmsSignal({ signal_alias: 's2', obis_job: '1.0.32.7.0.255:3', short_name: '0x2A00' })]));
    const [a, b] = cfg.signals as DlmsSignalConfig[];
    expect(a).toMatchObject({ protocol: 'DLMS', obis_job: '1.0.1.8.0.255', obis: [1, 0, 1, 8, 0, 255], attribute: 2, enable: 1, log: 0 });
    expect(a.number_type).toBeUndefined();
    expect(b).toMatchObject({ attribute: 3, short_name: 0x2a00 });
  });
  it('requires signal_name, device_alias, signal_alias', () => {
    const r = one([dlms()], [{ obis_job: '1.0.1.8.0.255' }]);
    for (const k of ['signal_name', 'device_alias', 'signal_alias']) expect(issueAt(r, `signals[0].${k}`).message).toMatch(/missing/);
  });
  it('device_alias must name a device, with a suggestion', () => {
    expect(issueAt(one([dlms()], [dlmsSignal({ device_alias: 'D1' })]), 'signals[0].device_alias').message).toBe('"D1" does not name a device; did you mean "d1"?');
  });
  it('signal_alias is unique per device but may repeat across devices', () => {
    const r = one([dlms(), iec()], [dlmsSignal(), dlmsSignal({ signal_name: 'Again' })]);
    expect(issueAt(r, 'signals[1].signal_alias').message).toMatch(/already used by signals\[0\] of device "d1"/);
    expect(okConfig(one([dlms(), iec()], [dlmsSignal(), iecSignal()])).signals.length).toBe(2);
  });
  it('obis_job is required and checked', () => {
    expect(issueAt(one([dlms()], [dlmsSignal({ obis_job: undefined })]), 'signals[0].obis_job').message).toMatch(/missing/);
    expect(issueAt(one([dlms()], [dlmsSignal({ obis_job: '1.0.1.8.0.256' })]), 'signals[0].obis_job').message).toMatch(/group F = 256/);
  });
  it('number_type is required for IEC and Elgama, case-insensitive', () => {
    expect(issueAt(one([iec()], [iecSignal({ number_type: undefined })]), 'signals[0].number_type').message).toMatch(/missing/);
    expect(issueAt(one([elgama()], [elgamaSignal({ number_type: undefined })]), 'signals[0].number_type').message).toMatch(/missing/);
    expect(okConfig(one([iec()], [iecSignal({ number_type: 'float' })])).signals[0]).toMatchObject({ number_type: 'FLOAT' });
    expect(issueAt(one([iec()], [iecSignal({ number_type: 'INT8' })]), 'signals[0].number_type').message).toMatch(/not one of FLOAT, DOUBLE/);
  });
  it('tag_job_todo is required for IEC and rejects delimiters', () => {
    expect(issueAt(one([iec()], [iecSignal({ tag_job_todo: undefined })]), 'signals[0].tag_job_todo').message).toMatch(/missing/);
    expect(issueAt(one([iec()], [iecSignal({ tag_job_todo: '1.8.0(0.0)' })]), 'signals[0].tag_job_todo').message).toMatch(/write only the address/);
  });
  it('job_todo is required for Elgama; tag_job_todo optional', () => {
    expect(issueAt(one([elgama()], [elgamaSignal({ job_todo: undefined })]), 'signals[0].job_todo').message).toMatch(/missing/);
    expect(okConfig(one([elgama()], [elgamaSignal({ tag_job_todo: '3.8.0' })])).signals[0]).toMatchObject({ protocol: 'Elgama', tag_job_todo: '3.8.0' });
  });
  it('rejects fields of another protocol on a signal', () => {
    expect(issueAt(one([iec()], [iecSignal({ obis_job: '1.0.1.8.0.255' })]), 'signals[0].obis_job').message).toMatch(/belongs to DLMS signals/);
  });
  it('log is 0|1', () => {
    expect(issueAt(one([dlms()], [dlmsSignal({ log: 'yes' })]), 'signals[0].log').message).toMatch(/0 or 1/);
  });
});

describe('every error at once', () => {
  it('reports errors in several devices and signals in one pass', () => {
    const r = one([dlms({ baudrate: 1, parity: 'x' }), iec({ t2: 1 })], [dlmsSignal({ obis_job: 'x' }), iecSignal({ number_type: 'x' })]);
    expect(errorsOf(r).map((e) => e.path)).toEqual(['devices[0].baudrate', 'devices[0].parity', 'devices[1].t2', 'signals[0].obis_job', 'signals[1].number_type']);
  });
});

describe('validateDevice / validateSignal', () => {
  it('uses the same messages with and without an index', () => {
    expect(validateDevice(dlms({ baudrate: 14400 }))).toEqual({ ok: false, errors: [{ path: 'baudrate', message: expect.stringMatching(/14400 is not one of/) }] });
    const r = validateDevice(dlms({ baudrate: 14400 }), { index: 2 });
    expect(!r.ok && r.errors[0].path).toBe('devices[2].baudrate');
  });
  it('checks device_alias uniqueness against the other devices', () => {
    const devices = [dlms(), iec()];
    const r = validateDevice(iec({ device_alias: 'd1' }), { index: 1, devices });
    expect(!r.ok && r.errors.map((e) => e.message)).toEqual(['"d1" is already used by devices[0]; each device_alias must be unique']);
    expect(validateDevice(devices[0], { index: 0, devices }).ok).toBe(true);
  });
  it('returns the normalised device', () => {
    const r = validateDevice(iec());
    expect(r.ok && r.value.protocol).toBe('IEC 62056-21');
  });
  it('validates a signal against its device and siblings', () => {
    const devices = [dlms(), iec()];
    const signals = [dlmsSignal(), dlmsSignal()];
    const r = validateSignal(signals[1], { index: 1, devices, signals });
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual(['signals[1].signal_alias']);
    const ok = validateSignal(iecSignal(), { devices });
    expect(ok.ok && ok.value.protocol).toBe('IEC 62056-21');
    const orphan = validateSignal(iecSignal({ device_alias: 'nope' }), { devices });
    expect(!orphan.ok && orphan.errors[0].path).toBe('device_alias');
  });
  it('without devices, infers the protocol from the signal fields', () => {
    const r = validateSignal(elgamaSignal());
    expect(r.ok && r.value.protocol).toBe('Elgama');
  });
});
