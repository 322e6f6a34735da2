import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MeterError } from '../core/errors';
import type { Reading } from '../core/reading';
import { openMeterStore } from '../store/meter-store';
import { collectText, encodeInChunks, toReadableStream } from './chunking';
import { readingsCsvStream } from './readings-csv';

describe('chunking', () => {
  it('batches rows into chunks of at least the asked size, head and tail included', async () => {
    const chunks: string[] = [];
    for await (const c of encodeInChunks(['aaaa', 'bbbb', 'cccc', 'dd'], (s) => s, '<', () => '>', 6)) chunks.push(c);
    expect(chunks).toEqual(['<aaaabbbb', 'ccccdd', '>']);
    const empty: string[] = [];
    for await (const c of encodeInChunks([], (s: string) => s, '[', () => ']')) empty.push(c);
    expect(empty).toEqual(['[]']);
  });

  it('passes a failure of the source to the stream reader as the same typed error', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'ok';
      throw new MeterError('STORAGE', 'disk went away');
    }
    const reader = toReadableStream(failing()).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('ok');
    const err = await reader.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('STORAGE');
  });
});

describe('store to CSV', () => {
  it('exports what iterateReadings yields, in time order, nothing more', async () => {
    const store = await openMeterStore('x', { factory: new IDBFactory(), storage: null, pageSize: 7 });
    try {
      const t0 = Date.UTC(2026, 6, 1, 9);
      for (let p = 0; p < 10; p++) {
        const poll: Reading[] = ['a', 'b', 'c'].map((s, i) => ({ ts: t0 + p * 60_000, device_alias: 'm1', signal_alias: s, value: p * 10 + i, unit: 'kWh', quality: 'good' }));
        await store.addReadings(poll);
      }
      await store.addReadings([{ ts: t0, device_alias: 'other', signal_alias: 'a', value: -1, quality: 'good' }]);
      const text = await collectText(readingsCsvStream(store.iterateReadings({ device_alias: 'm1' }), { timeZone: 'Europe/Vilnius' }));
      const lines = text.split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(31);
      expect(lines[1]).toBe('2026-07-01T12:00:00.000+03:00,m1,,,a,,,0,kWh,good,,');
      expect(lines[30]).toBe('2026-07-01T12:09:00.000+03:00,m1,,,c,,,92,kWh,good,,');
      expect(text).not.toContain('other');
    } finally {
      store.close();
    }
  });
});
