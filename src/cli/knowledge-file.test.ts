import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeterKnowledge } from '../protocols/dlms-client/knowledge';
import { FileKnowledgeStore, defaultKnowledgeFile } from './knowledge-file';

describe('meter knowledge file', () => {
  it('keeps each meter’s knowledge across runs', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'ms-kn-')), 'sub', 'meter-knowledge.json');
    const k = new MeterKnowledge();
    k.lists = { mode: 'on', maxItems: 5, largestWorked: 5 };
    k.objectList = new Map([['1.1.21.25.0.255', 3]]);
    await Promise.all([new FileKnowledgeStore(path).save('a', k.serialise()), new FileKnowledgeStore(path).save('b', new MeterKnowledge().serialise())]);
    const back = new MeterKnowledge();
    back.restore(await new FileKnowledgeStore(path).load('a'));
    expect(back.lists.maxItems).toBe(5);
    expect(back.confirmedClass('1.1.21.25.0.255')).toBe(3);
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')) as object)).toContain('a');
  });

  it('a damaged file is set aside: nothing learnt, nothing failed', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'ms-kn-')), 'meter-knowledge.json');
    await writeFile(path, '{ not json');
    expect(await new FileKnowledgeStore(path).load('a')).toBeUndefined();
    await expect(readFile(`${path}.damaged`, 'utf8')).resolves.toBe('{ not json');
  });

  it('lives in the state directory', () => {
    expect(defaultKnowledgeFile({ METERSCOPE_STATE_DIR: '/var/lib/ms' })).toBe('/var/lib/ms/meter-knowledge.json');
  });
});
