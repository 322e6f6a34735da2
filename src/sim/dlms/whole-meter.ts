/**
 * A whole-meter readout of the demo DLMS meter for tests and benchmarks: every attribute of every object
 * in the association view (profile buffers excepted: they are read with selective access, not as plain
 * attributes), against a model whose time-dependent values are frozen so two readouts that take different
 * times on the line still give equal values.
 */
import { cosemClass } from '../../protocols/cosem/classes';
import { obisBytes, createDemoDlmsModel, type SimModel } from './model';
import type { ValueRequest, ValueResult } from '../../protocols/dlms-client/reader';

export const EPOCH = Date.UTC(2026, 0, 1);
export const NOW = EPOCH + 10 * 24 * 3600_000 + 3600_000 * 13.5;

/** The demo model with every time-dependent attribute frozen at `at`. */
export function frozenDemoModel(at = NOW): SimModel {
  const m = createDemoDlmsModel({ epochMs: EPOCH, profileDays: 2 });
  for (const o of m.objects) {
    for (const [id, v] of o.attributes) if (typeof v === 'function') o.attributes.set(id, () => v(at));
  }
  return m;
}

/** Every attribute of every object the association lists (LN: class 15's view; SN: class 12's), classes given. */
export function wholeMeterRequests(model: SimModel, referencing: 'LN' | 'SN'): ValueRequest[] {
  const out: ValueRequest[] = [];
  for (const o of model.objects) {
    if (o.classId === (referencing === 'LN' ? 12 : 15)) continue;
    const n = cosemClass(o.classId)?.attributes.length ?? Math.max(1, ...o.attributes.keys());
    for (let a = 1; a <= n; a++) {
      if (o.classId === 7 && a === 2) continue;
      out.push({ obis: obisBytes(o.obis), attribute: a, classId: o.classId });
    }
  }
  return out;
}

/** A comparable text of one result: the value (scaled where scaled) or the error code. */
export function readoutKey(r: ValueResult): string {
  if (r.error) return `error:${r.error.code}`;
  const scaled = r.scaled ? ` ${String(r.scaled.value)} ${r.scaled.unit}` : '';
  return JSON.stringify(r.data, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v)) + scaled;
}
