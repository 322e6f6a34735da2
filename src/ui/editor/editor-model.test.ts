import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workspaceOverClone } from '../../worker/config-workspace.harness';
import { largeSite } from '../../../e2e/large-site';
import type { DocEdit } from './doc-edits';
import { EditorModel } from './editor-model';

const changed = (m: EditorModel) => new Promise<void>((resolve) => m.addEventListener('change', () => resolve(), { once: true }));

/** Ask for every signal and wait until the model has them all. */
async function fetchAll(m: EditorModel): Promise<void> {
  const all = Array.from({ length: m.signalCount }, (_, j) => j);
  while (all.some((j) => !m.signal(j))) {
    const next = changed(m);
    m.want(all);
    await next;
  }
}

async function settled(m: EditorModel): Promise<void> {
  while (m.checking) await changed(m);
}

const FIELD_VALUES = fc.constantFrom<unknown>(undefined, 'x', 'meter_1', 'a', 9600, 0, 1, '1.0.1.8.0.255', '1.0.1.8');
const editArb = (devices: number, signals: number): fc.Arbitrary<DocEdit> =>
  fc.oneof(
    fc.record({ op: fc.constant('set-device' as const), index: fc.nat(devices + 1), name: fc.constantFrom('name', 'device_alias', 'baudrate', 'enable', 'protocol'), value: FIELD_VALUES }),
    fc.record({ op: fc.constant('set-signal' as const), index: fc.nat(signals + 1), name: fc.constantFrom('signal_name', 'obis_job', 'device_alias', 'signal_alias'), value: FIELD_VALUES }),
    fc.record({ op: fc.constant('add-device' as const), protocol: fc.constantFrom('DLMS' as const, 'IEC 62056-21' as const), options: fc.constant({}) }),
    fc.record({ op: fc.constant('duplicate-device' as const), index: fc.nat(devices + 1) }),
    fc.record({ op: fc.constant('remove-device' as const), index: fc.nat(devices + 1) }),
    fc.record({ op: fc.constant('add-signal' as const), deviceAlias: fc.constantFrom('meter_1', 'meter_2', 'nobody') }),
    fc.record({ op: fc.constant('duplicate-signal' as const), index: fc.nat(signals + 1) }),
    fc.record({ op: fc.constant('remove-signal' as const), index: fc.nat(signals + 1) }),
  );

describe('EditorModel (the page side of the worker workspace)', () => {
  it('holds the outline and only the signals it asked for; a field edit shows at once and is judged by the worker', async () => {
    const { api } = workspaceOverClone();
    const m = new EditorModel(() => api);
    const site = largeSite(3_000);
    const r = await m.openText(site.text, 'site');
    expect(r).toMatchObject({ status: 'done', opened: true, check: { kind: 'valid', devices: 30, signals: 3_000 } });
    expect(m.devices).toHaveLength(30);
    expect(m.signalCount).toBe(3_000);
    expect(m.signalsOf(1)).toHaveLength(100);
    expect(m.signal(100)).toBeUndefined();
    const page = m.signalsOf(1).slice(0, 50);
    const got = changed(m);
    m.want(page);
    await got;
    expect(page.every((j) => m.signal(j))).toBe(true);
    expect(m.signal(150)).toBeUndefined();

    await m.edit({ op: 'set-signal', index: 101, name: 'obis_job', value: '1.0.2.8' });
    expect(m.signal(101)?.obis_job).toBe('1.0.2.8');
    expect(m.checking).toBe(true);
    await settled(m);
    expect(m.issues.total).toBe(1);
    expect(m.issues.signalErrors(101).get('obis_job')?.[0]).toMatch(/obis/i);
    expect(m.issues.signalErrorsOf('meter_2')).toBe(1);
    expect(m.issues.firstBadDevice(m.devices)).toBe(1);
  });

  it('an edit is refused while a document is being opened (it would land on the one being replaced)', async () => {
    const { api } = workspaceOverClone();
    const m = new EditorModel(() => api);
    await m.openText(largeSite(10).text, 'a');
    const opening = m.openText(largeSite(2_000).text, 'b');
    expect(await m.edit({ op: 'add-device', protocol: 'DLMS', options: {} })).toBe(-1);
    await opening;
    expect(m.devices).toHaveLength(20);
  });

  it('the page copy and the worker copy stay equal under any sequence of edits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(editArb(3, 8), { maxLength: 25 }), async (edits) => {
        const { api } = workspaceOverClone();
        const m = new EditorModel(() => api);
        await m.openText(largeSite(8, 4).text, 'p');
        await fetchAll(m);
        for (const e of edits) await m.edit(e);
        await settled(m);
        const worker = JSON.parse(await api.workspaceText({ includeSecrets: true })) as { devices: unknown[]; signals: unknown[] };
        expect(m.devices).toEqual(worker.devices);
        expect(m.signalCount).toBe(worker.signals.length);
        await fetchAll(m);
        for (let j = 0; j < m.signalCount; j++) expect(m.signal(j)).toEqual(worker.signals[j]);
        // And the verdict is the validator's on the worker's copy.
        const { validateConfig } = await import('../../config');
        const v = validateConfig(worker);
        expect(m.issues.total).toBe(v.ok ? 0 : v.errors.length);
      }),
      { numRuns: 40 },
    );
  });
});
