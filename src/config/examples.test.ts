import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportConfigText, parseConfigText } from './text';
import { formatIssue } from './validate';
import type { DlmsDeviceConfig } from './types';

const read = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');

describe('examples/wcc-lite.json', () => {
  const text = read('wcc-lite.json');
  it('validates', () => {
    const r = parseConfigText(text);
    if (!r.ok) throw new Error(r.errors.map(formatIssue).join('\n'));
    expect(r.config.devices.map((d) => d.protocol)).toEqual(['DLMS', 'IEC 62056-21', 'Elgama']);
    expect(new Set(r.config.signals.map((s) => s.protocol))).toEqual(new Set(['DLMS', 'IEC 62056-21', 'Elgama']));
  });
  it('round-trips to equal JSON, keeping hex strings as written', () => {
    const r = parseConfigText(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = exportConfigText(r.raw, { includeSecrets: true });
    expect(JSON.parse(out)).toEqual(JSON.parse(text));
    expect(out).toContain('"client_address": "0x11"');
    const again = parseConfigText(out);
    expect(again.ok && again.config).toEqual(r.config);
  });
});

describe('examples/sim.json', () => {
  it('validates and targets the loopback simulators', () => {
    const r = parseConfigText(read('sim.json'));
    if (!r.ok) throw new Error(r.errors.map(formatIssue).join('\n'));
    const byAlias = new Map(r.config.devices.map((d) => [d.device_alias, d]));
    expect([...byAlias.values()].map((d) => [d.transport, d.ip, d.port])).toEqual([
      ['tcp', '127.0.0.1', 4059],
      ['tcp', '127.0.0.1', 4061],
      ['tcp', '127.0.0.1', 4062],
      ['tcp', '127.0.0.1', 4063],
    ]);
    const wrapper = byAlias.get('sim_wrapper') as DlmsDeviceConfig;
    expect([wrapper.mode, wrapper.type, wrapper.client_address, wrapper.logical_address]).toEqual(['DLMS-WRAPPER', 'LN', 0x10, 1]);
    expect((byAlias.get('sim_hdlc') as DlmsDeviceConfig).mode).toBe('DLMS-HDLC');
    for (const alias of byAlias.keys()) expect(r.config.signals.filter((s) => s.device_alias === alias).length).toBe(5);
  });
});

describe('examples/invalid.json', () => {
  it('reports every error, of at least five kinds, at once', () => {
    const r = parseConfigText(read('invalid.json'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.errors.map(formatIssue);
    const expected = [
      /^devices\[0\]\.baudrat: is not a known field of DLMS devices; did you mean "baudrate"\?$/,
      /^devices\[1\]\.baudrate: 14400 is not one of 300, 600/,
      /^devices\[1\]\.t2: 2000 is outside the allowed range 200\.\.1500$/,
      /^devices\[1\]\.device_alias: "m1" is already used by devices\[0\]/,
      /^devices\[2\]\.password: is missing; auth Low needs a password$/,
      /^devices\[3\]: has neither ip \+ port/,
      /^devices\[3\]\.timeout_ms: is missing/,
      /^devices\[4\]\.block_cipher_key: has 15 bytes/,
      /^devices\[5\]\.protocol: "DMLS" .*did you mean "DLMS"\?$/,
      /^signals\[0\]\.obis_job: "1\.0\.1\.8\.0" is not an OBIS code/,
      /^signals\[1\]\.signal_alias: "e" is already used/,
      /^signals\[2\]\.device_alias: "m33" does not name a device/,
      /^signals\[3\]\.number_type: is missing/,
    ];
    for (const re of expected) expect(lines.some((l) => re.test(l)), `${re} in\n${lines.join('\n')}`).toBe(true);
  });
});
