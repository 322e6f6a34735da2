import { describe, expect, it } from 'vitest';
import { DEFAULTS, FIELD_DOCS } from './fields';
import { PROTOCOLS, type Protocol } from './types';
import { validateDevice, validateSignal } from './validate';

const minimalDevice: Record<Protocol, Record<string, unknown>> = {
  DLMS: { name: 'n', device_alias: 'a', protocol: 'DLMS', device: 'P', client_address: 16 },
  'IEC 62056-21': { name: 'n', device_alias: 'a', protocol: 'IEC 62056-21', device: 'P' },
  Elgama: { name: 'n', device_alias: 'a', protocol: 'Elgama', device: 'P', timeout_ms: 1000, id: 1, meter_model: 2 },
};
const minimalSignal: Record<Protocol, Record<string, unknown>> = {
  DLMS: { signal_name: 'n', device_alias: 'a', signal_alias: 's', obis_job: '1.0.1.8.0.255' },
  'IEC 62056-21': { signal_name: 'n', device_alias: 'a', signal_alias: 's', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
  Elgama: { signal_name: 'n', device_alias: 'a', signal_alias: 's', job_todo: 'x', number_type: 'FLOAT' },
};

describe('the field table drives validation', () => {
  for (const p of PROTOCOLS) {
    it(`${p}: a minimal device gets every device default`, () => {
      const r = validateDevice(minimalDevice[p]);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const v = r.value as unknown as Record<string, unknown>;
      for (const [k, d] of Object.entries(DEFAULTS[p].device)) {
        if (typeof d === 'string' && k !== 'description' && k !== 'serialnumber' && k !== 'serial_number_formula') expect(String(v[k]).toLowerCase(), k).toBe(d.toLowerCase());
        else if (typeof d === 'number') expect(v[k], k).toBe(d);
      }
    });
    it(`${p}: a minimal signal gets every signal default`, () => {
      const r = validateSignal(minimalSignal[p]);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      for (const [k, d] of Object.entries(DEFAULTS[p].signal)) expect((r.value as unknown as Record<string, unknown>)[k], k).toBe(d);
    });
    it(`${p}: every integer field rejects values outside its range, every choice field values outside its list`, () => {
      for (const [scope, base, check] of [
        ['device', minimalDevice[p], validateDevice],
        ['signal', minimalSignal[p], (v: unknown) => validateSignal(v, { devices: [minimalDevice[p]] })],
      ] as const) {
        for (const f of FIELD_DOCS[p][scope]) {
          const bad: unknown[] = [];
          if (f.type === 'integer') bad.push((f.min ?? 0) - 1, (f.max ?? 0) + 1, 1.5, 'abc');
          if (f.type === 'enum') bad.push(f.allowed?.every((a) => typeof a === 'number') ? 12345 : 'no-such-choice');
          for (const b of bad) {
            const r = check({ ...base, [f.name]: b });
            expect(r.ok, `${scope} ${f.name} = ${String(b)}`).toBe(false);
            if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(f.name);
          }
        }
      }
    });
    it(`${p}: every required field is reported when missing`, () => {
      for (const [scope, base, check] of [
        ['device', minimalDevice[p], validateDevice],
        ['signal', minimalSignal[p], (v: unknown) => validateSignal(v, { devices: [minimalDevice[p]] })],
      ] as const) {
        for (const f of FIELD_DOCS[p][scope].filter((x) => x.required)) {
          const doc: Record<string, unknown> = { ...base };
          delete doc[f.name];
          const r = check(doc);
          expect(r.ok, `${scope} ${f.name}`).toBe(false);
          if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(f.name);
        }
      }
    });
  }
  it('documents every field with a description', () => {
    for (const p of PROTOCOLS) for (const f of [...FIELD_DOCS[p].device, ...FIELD_DOCS[p].signal]) expect(f.description.length, f.name).toBeGreaterThan(5);
  });
});
