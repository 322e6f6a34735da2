import { describe, expect, it } from 'vitest';
import { FIELD_DOCS, parseConfigText } from '../../config';
import {
  addDevice,
  addSignal,
  deviceErrors,
  docIssues,
  docText,
  duplicateDevice,
  emptyDoc,
  fieldValue,
  orphanSignals,
  removeDevice,
  renameDeviceAlias,
  signalErrors,
  signalProtocol,
  toDoc,
  uniqueName,
} from './config-doc';

const doc = (FIELD: string) => FIELD_DOCS.DLMS.device.find((d) => d.name === FIELD)!;

describe('config-doc', () => {
  it('keeps what the user typed unless it is a canonical number', () => {
    expect(fieldValue(doc('client_address'), '16')).toBe(16);
    expect(fieldValue(doc('client_address'), '0x10')).toBe('0x10');
    expect(fieldValue(doc('timeout_ms'), '010')).toBe('010');
    expect(fieldValue(doc('timeout_ms'), '')).toBeUndefined();
    expect(fieldValue(doc('baudrate'), '9600')).toBe(9600);
    expect(fieldValue(doc('parity'), 'even')).toBe('even');
    expect(fieldValue(doc('name'), '12')).toBe('12');
  });

  it('reports errors per field with the same messages as an import', () => {
    const d = emptyDoc();
    addDevice(d, 'DLMS');
    d.devices[0]!.device = 'PORT1';
    d.devices[0]!.client_address = '0x1G';
    const errs = deviceErrors(d, 0);
    const imported = parseConfigText(docText(d));
    expect(imported.ok).toBe(false);
    const importMsg = !imported.ok && imported.errors.find((e) => e.path === 'devices[0].client_address')?.message;
    expect(errs.get('client_address')).toEqual([importMsg]);
    d.devices[0]!.client_address = 16;
    expect(deviceErrors(d, 0).size).toBe(0);
    expect(docIssues(d)).toEqual([]);
  });

  it('puts unknown fields and quoted keys under their own name', () => {
    const d = toDoc({ devices: [{ name: 'a', device_alias: 'a', protocol: 'DLMS', device: 'P', client_address: 16, 'bad key': 1, baudrat: 9600 }], signals: [] });
    if (!d.ok) throw new Error(d.reason);
    const errs = deviceErrors(d.doc, 0);
    expect(errs.get('bad key')?.[0]).toContain('is not a known field');
    expect(errs.get('baudrat')?.[0]).toContain('did you mean "baudrate"');
  });

  it('duplicates a device with its signals under a unique alias', () => {
    const d = emptyDoc();
    addDevice(d, 'IEC 62056-21');
    addSignal(d, 'meter_1');
    addSignal(d, 'meter_1');
    const j = duplicateDevice(d, 0);
    expect(j).toBe(1);
    expect(d.devices[1]!.device_alias).toBe('meter_1_copy');
    expect(d.signals.filter((s) => s.device_alias === 'meter_1_copy')).toHaveLength(2);
    duplicateDevice(d, 0);
    expect(d.devices[1]!.device_alias).toBe('meter_1_copy_2');
  });

  it('renaming an alias carries the signals; removing a device removes its signals', () => {
    const d = emptyDoc();
    addDevice(d, 'DLMS');
    addSignal(d, 'meter_1');
    renameDeviceAlias(d, 0, 'incomer');
    expect(d.signals[0]!.device_alias).toBe('incomer');
    expect(orphanSignals(d)).toEqual([]);
    expect(signalErrors(d, 0).get('obis_job')?.[0]).toContain('is missing');
    expect(removeDevice(d, 0)).toBe(1);
    expect(d.signals).toHaveLength(0);
  });

  it('infers an orphan signal\'s protocol from its keys, like the validator', () => {
    expect(signalProtocol({ obis_job: '1.0.1.8.0.255' }, undefined)).toBe('DLMS');
    expect(signalProtocol({ tag_job_todo: '1.8.0' }, undefined)).toBe('IEC 62056-21');
    expect(signalProtocol({ job_todo: 'x', tag_job_todo: '2' }, undefined)).toBe('Elgama');
    expect(signalProtocol({ obis_job: 'x' }, { protocol: 'iec 62056-21' })).toBe('IEC 62056-21');
  });

  it('writes probe defaults only where they differ from the field defaults', () => {
    const d = emptyDoc();
    addDevice(d, 'DLMS', { probe: { dtr: 0, rts: 1, echo: 'auto' } });
    expect(d.devices[0]).toMatchObject({ dtr: 0 });
    expect(d.devices[0]).not.toHaveProperty('rts');
    expect(d.devices[0]).not.toHaveProperty('echo');
  });

  it('refuses documents the form cannot show, and copies the ones it can', () => {
    expect(toDoc([]).ok).toBe(false);
    expect(toDoc({ devices: [1] }).ok).toBe(false);
    const src = { devices: [{ name: 'x' }] };
    const d = toDoc(src);
    if (!d.ok) throw new Error();
    d.doc.devices[0]!.name = 'y';
    expect(src.devices[0]!.name).toBe('x');
    expect(uniqueName('a', ['a', 'a_2'])).toBe('a_3');
  });
});
