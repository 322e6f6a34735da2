import { describe, expect, it } from 'vitest';
import { largeSite, randomBytes } from '../../e2e/large-site';
import { DRAFT_KEY } from './config-workspace';
import { workspaceOverClone } from './config-workspace.harness';

const DEVICE = { name: 'A', device_alias: 'a', protocol: 'DLMS', device: 'PORT1', client_address: 16, physical_address: 17, logical_address: 1 };
const doc = (signals: Record<string, unknown>[]) => JSON.stringify({ devices: [DEVICE], signals });

describe('ConfigWorkspace (the editor document in the engine worker)', () => {
  it('a newer import abandons an older one that is still validating; the older never replaces it', async () => {
    const { api } = workspaceOverClone();
    const big = largeSite(6_000);
    const small = largeSite(30, 10);
    const first = api.importConfigText(big.text, 1);
    const second = api.importConfigText(small.text, 2);
    expect(await first).toEqual({ status: 'abandoned' });
    const done = await second;
    expect(done.status).toBe('done');
    if (done.status !== 'done' || !done.workspace.ok) throw new Error('the small site opens');
    expect(done.check).toEqual({ kind: 'valid', devices: 3, signals: 30 });
    expect(done.workspace.outline.devices).toHaveLength(3);
    expect([...done.workspace.outline.signalDevice.slice(0, 12)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect((await api.workspaceSignals([29]))[0]?.signal_alias).toBe('s_3_10');
  });

  it('a file chosen in the page arrives as a Blob and is read in the worker', async () => {
    const { api } = workspaceOverClone();
    const out = await api.importConfigText(new Blob([largeSite(100).text]), 1);
    expect(out.status === 'done' && out.check).toEqual({ kind: 'valid', devices: 1, signals: 100 });
  });

  it('5 MB of random bytes is one typed error, and the document being edited is kept', async () => {
    const { api } = workspaceOverClone();
    await api.importConfigText(doc([{ signal_name: 'x', device_alias: 'a', signal_alias: 'x', obis_job: '1.0.1.8.0.255' }]), 1);
    const noise = new TextDecoder().decode(randomBytes(5_000_000));
    const out = await api.importConfigText(noise, 2);
    if (out.status !== 'done') throw new Error('not abandoned');
    expect(out.workspace).toEqual({ ok: false, reason: 'the text is not valid JSON' });
    expect(out.check.kind).toBe('invalid');
    expect(out.check.kind === 'invalid' && out.check.errors[0]?.message).toMatch(/^is not valid JSON: line \d+, column \d+/);
    // The editor's document is still the first one (nothing was adopted).
    expect((await api.workspaceSignals([0]))[0]?.signal_alias).toBe('x');
  });

  it('edits are validated in the worker; a newer edit abandons the validation of an older one', async () => {
    const { api } = workspaceOverClone();
    await api.importConfigText(doc([{ signal_name: 'x', device_alias: 'a', signal_alias: 'x', obis_job: '1.0.1.8.0.255' }]), 1);
    await api.editWorkspace(2, { op: 'set-signal', index: 0, name: 'obis_job', value: '1.0.1.8' });
    const older = api.validateWorkspace(2);
    await api.editWorkspace(3, { op: 'set-signal', index: 0, name: 'obis_job', value: '1.0.1' });
    const newer = api.validateWorkspace(3);
    expect(await older).toBeUndefined();
    const r = await newer;
    expect(r?.version).toBe(3);
    expect(r?.issues.map((i) => i.path)).toEqual(['signals[0].obis_job']);
  });

  it('an edit that moves signals sends the new outline; a field edit does not', async () => {
    const { api } = workspaceOverClone();
    await api.importConfigText(doc([{ signal_name: 'x', device_alias: 'a', signal_alias: 'x', obis_job: '1.0.1.8.0.255' }]), 1);
    expect(await api.editWorkspace(2, { op: 'set-device', index: 0, name: 'name', value: 'B' })).toEqual({ created: -1 });
    const dup = await api.editWorkspace(3, { op: 'duplicate-device', index: 0 });
    expect(dup.created).toBe(1);
    expect(dup.outline?.devices.map((d) => d.device_alias)).toEqual(['a', 'a_copy']);
    expect([...(dup.outline?.signalDevice ?? [])]).toEqual([0, 1]);
    const renamed = await api.editWorkspace(4, { op: 'set-signal', index: 1, name: 'device_alias', value: 'nobody' });
    expect([...(renamed.outline?.signalDevice ?? [])]).toEqual([0, -1]);
  });

  it('the draft is kept and restored in the worker, and only into an untouched workspace', async () => {
    const { api, store } = workspaceOverClone();
    await api.importConfigText(doc([]), 1);
    await api.saveWorkspaceDraft('site', true);
    expect(store.settings.get(DRAFT_KEY)).toMatchObject({ name: 'site', dirty: true, doc: { devices: [DEVICE], signals: [] } });
    expect(await api.restoreWorkspaceDraft(2)).toBeUndefined();
    const fresh = workspaceOverClone(store).api;
    const draft = await fresh.restoreWorkspaceDraft(1);
    expect(draft?.name).toBe('site');
    expect(draft?.outline.devices).toEqual([DEVICE]);
  });

  it('saves, exports without secrets unless asked, and counts stored text without validating it', async () => {
    const { api, store } = workspaceOverClone();
    await api.importConfigText(JSON.stringify({ devices: [{ ...DEVICE, password: 'hunter22' }], signals: [] }), 1);
    expect(await api.saveWorkspace('s')).toEqual({ errors: 0 });
    expect(store.configs.get('s')).toContain('hunter22');
    expect(await api.workspaceText({ includeSecrets: false })).not.toContain('hunter22');
    expect(await api.workspaceText({ includeSecrets: true })).toContain('hunter22');
    expect(await api.configCounts(largeSite(250).text)).toEqual({ devices: 3, signals: 250 });
    expect(await api.configCounts('{"devices": 1}')).toEqual({ devices: 0, signals: 0 });
    expect(await api.configCounts('no')).toBeUndefined();
  });
});
