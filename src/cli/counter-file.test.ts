import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileInvocationCounterStore, defaultCounterFile } from './counter-file';

describe('invocation counters in a file (CLI)', () => {
  it('persist across store instances, per meter and client, and never go backwards', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ms-ic-')), 'sub', 'counters.json');
    const a = new FileInvocationCounterStore(path);
    expect(await a.get('m1', 48)).toBeUndefined();
    await Promise.all([a.set('m1', 48, 10), a.set('m2', 48, 3)]);
    const b = new FileInvocationCounterStore(path);
    expect(await b.get('m1', 48)).toBe(10);
    expect(await b.get('m2', 48)).toBe(3);
    await expect(b.set('m1', 48, 9)).rejects.toMatchObject({ code: 'PROTOCOL' });
    await b.set('m1', 48, 11);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'm1|48': 11, 'm2|48': 3 });
  });

  it('lives in the home directory unless METERSCOPE_STATE_DIR says otherwise', () => {
    expect(defaultCounterFile({ METERSCOPE_STATE_DIR: '/srv/ms' })).toBe('/srv/ms/invocation-counters.json');
    expect(defaultCounterFile({})).toMatch(/\.meterscope\/invocation-counters\.json$/);
  });
});
