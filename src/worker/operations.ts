/**
 * What the app asks of one device besides reading its signals: the DLMS object list, one attribute,
 * a load profile or event log. Each runs inside the engine's session for that device (same port lock,
 * same association while polling) and turns protocol results into plain, cloneable data for the UI.
 */
import { MeterError } from '../core/errors';
import type { Engine } from '../engine/engine';
import { DlmsDriver } from '../engine/drivers/dlms';
import { IecDriver } from '../engine/drivers/iec';
import type { DlmsSession } from '../protocols/dlms-client/session';
import { attributeName, className, cosemClass } from '../protocols/cosem/classes';
import { describeObis } from '../protocols/cosem/dictionary';
import { parseObis, toObisKey } from '../protocols/cosem/obis';
import type { LnObjectEntry, SnObjectEntry } from '../protocols/cosem/object-list';
import { toPlainAttributeValue, toPlainValue } from '../protocols/cosem/values';
import { attributeView } from '../protocols/cosem/attribute-view';
import type { DlmsData } from '../protocols/dlms/axdr/types';
import type { AttributeValue, ObjectInfo, ProfileRequest, ProfileResult } from './engine-api';

const ACCESS = ['none', 'read', 'write', 'read-write', 'authenticated read', 'authenticated write', 'authenticated read-write'];

function dlmsSession(driver: unknown): DlmsSession {
  const s = driver instanceof DlmsDriver ? driver.activeSession : undefined;
  if (!s) throw new MeterError('UNSUPPORTED', 'This device is not read over DLMS/COSEM: it has no object list.');
  return s;
}

export async function readObjectList(engine: Engine, device_alias: string): Promise<ObjectInfo[]> {
  const entries = await engine.operate(device_alias, async (driver) => dlmsSession(driver).readObjectList());
  return (entries as (LnObjectEntry | SnObjectEntry)[]).map((e) => {
    const cls = cosemClass(e.classId);
    const rights = 'accessRights' in e ? e.accessRights : undefined;
    const ids = rights?.attributes.map((a) => a.id) ?? cls?.attributes.map((a) => a.id) ?? [1, 2];
    const info: ObjectInfo = {
      classId: e.classId,
      className: className(e.classId),
      version: e.version,
      obis: e.obis,
      description: describeObis(e.logicalName),
      attributes: ids.map((id) => {
        const access = rights?.attributes.find((a) => a.id === id)?.access;
        return { id, name: attributeName(e.classId, id), ...(access !== undefined ? { access: ACCESS[access] ?? String(access) } : {}) };
      }),
    };
    if ('baseName' in e) info.baseName = e.baseName;
    return info;
  });
}

export async function readAttribute(
  engine: Engine,
  device_alias: string,
  target: { classId: number; obis: string; attribute: number },
): Promise<AttributeValue> {
  const obis = parseObis(target.obis).obis;
  const [result] = await engine.operate(device_alias, async (driver) =>
    dlmsSession(driver).readValues([{ obis, attribute: target.attribute, classId: target.classId }]),
  );
  if (result.error) throw result.error;
  const data = result.data!;
  const classId = result.classId ?? target.classId;
  // The reader reads a register's scaler_unit along with its value: the view shows the meter's decimals.
  const scaler = result.scaled ? { scaler: result.scaled.scaler, unit: result.scaled.unit } : undefined;
  // Decoded by the class definition: date-times with deviation, enums by name, scaler_unit as 10^n unit...
  const view = attributeView(classId, target.attribute, data, scaler ? { scaler } : {});
  if (result.scaled) return { value: result.scaled.value, unit: result.scaled.unit, text: view.text, view };
  // A secret (an association's LLS password) never leaves the worker, in any form.
  if (view.kind === 'secret') return { value: null, text: view.text, view };
  const plain = toPlainAttributeValue(classId, target.attribute, data);
  const value = view.kind === 'error' ? null : plain === null || typeof plain !== 'object' ? plain : JSON.stringify(plain);
  return { value, text: describeData(data), view };
}

/** A compact readable rendering of any A-XDR value, for the object browser. */
export function describeData(d: DlmsData, depth = 0): string {
  if (depth > 6) return '…';
  switch (d.type) {
    case 'array':
    case 'structure':
    case 'compact-array': {
      const shown = d.items.slice(0, 20).map((x) => describeData(x, depth + 1));
      const more = d.items.length > 20 ? `, … ${d.items.length - 20} more` : '';
      return `${d.type}[${d.items.length}] { ${shown.join(', ')}${more} }`;
    }
    default: {
      const plain = toPlainValue(d);
      return `${d.type} ${typeof plain === 'string' ? JSON.stringify(plain) : String(plain)}`;
    }
  }
}

export async function readProfile(engine: Engine, device_alias: string, req: ProfileRequest): Promise<Omit<ProfileResult, 'storedId'>> {
  return engine.operate(device_alias, async (driver, ctx) => {
    if (driver instanceof DlmsDriver) {
      const address = req.address ?? '1.0.99.1.0.255';
      const p = await dlmsSession(driver).readProfile(parseObis(address).obis, { from: req.from, to: req.to });
      return {
        device_alias,
        address,
        name: describeObis(address),
        columns: p.columns.map((c, i) => ({
          name: i === p.timestampColumn ? 'Time' : describeObis(c.obis),
          unit: c.unit,
          // The captured object's own OBIS, not the profile's: exports say where each column came from.
          address: toObisKey(c.obis),
        })),
        rows: p.rows.map((r) => ({ ts: r.ts, values: r.values.map((v) => (v === null || typeof v !== 'object' ? v : JSON.stringify(v))) })),
      };
    }
    if (driver instanceof IecDriver) {
      const address = req.address ?? 'P.01';
      const blocks = await driver.readProfile(ctx, address, req.from, req.to);
      const first = blocks[0];
      if (!first) return { device_alias, address, name: address, columns: [], rows: [] };
      return {
        device_alias,
        address,
        name: address === 'P.98' ? 'Logbook (P.98)' : `Load profile (${address})`,
        columns: first.channels.map((c) => ({ name: c.address, unit: c.unit, address: c.address })),
        rows: blocks.flatMap((b) =>
          b.rows.map((r) => ({
            ts: r.utcMs ?? r.localMs, // UTC: the meter-local time converted with the device time_zone
            values: r.values.map((v) => {
              const n = Number(v.value.replace(',', '.'));
              return v.value !== '' && Number.isFinite(n) ? n : v.value;
            }),
          })),
        ),
      };
    }
    throw new MeterError('UNSUPPORTED', 'This device type has no profile reading.');
  });
}

