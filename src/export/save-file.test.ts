import { describe, expect, it, vi } from 'vitest';
import { MeterError } from '../core/errors';
import { toReadableStream } from './chunking';
import { MIME } from './file-names';
import { pickerAcceptType, saveStream, type SaveEnvironment } from './save-file';

/** What Chromium checks before it opens a save dialog: each accept key a bare type/subtype. */
function chromiumLikePicker(written: Uint8Array[]) {
  return vi.fn(async (options?: { types?: { accept: Record<string, string[]> }[] }) => {
    for (const t of options?.types ?? []) {
      for (const key of Object.keys(t.accept)) {
        if (!/^[\w.+-]+\/[\w.+-]+$/.test(key)) throw new TypeError(`Failed to execute 'showSaveFilePicker' on 'Window': Invalid type: ${key}`);
      }
    }
    return { createWritable: async () => new WritableStream<Uint8Array>({ write: (c) => void written.push(c) }) };
  });
}

function source(): ReadableStream<Uint8Array> {
  return toReadableStream(['a,b\r\n', '1,2\r\n']);
}

function fakeDocument(clicked: { href: string; download: string }[]): NonNullable<SaveEnvironment['document']> {
  const body = { append: vi.fn() };
  return {
    body: body as unknown as HTMLElement,
    createElement: ((tag: string) => {
      expect(tag).toBe('a');
      const a = { href: '', download: '', rel: '', style: {}, click: () => clicked.push({ href: a.href, download: a.download }), remove: vi.fn() };
      return a;
    }) as unknown as Document['createElement'],
  };
}

describe('saveStream', () => {
  it('writes through the File System Access picker when available', async () => {
    const written: Uint8Array[] = [];
    const picker = vi.fn(async () => ({
      createWritable: async () => new WritableStream<Uint8Array>({ write: (c) => void written.push(c) }),
    }));
    const outcome = await saveStream(source(), 'readings.csv', 'text/csv', { showSaveFilePicker: picker });
    expect(outcome).toBe('saved');
    expect(picker).toHaveBeenCalledWith({ suggestedName: 'readings.csv', types: [{ accept: { 'text/csv': ['.csv'] } }] });
    expect(new TextDecoder().decode(Buffer.concat(written))).toBe('a,b\r\n1,2\r\n');
  });

  it('gives the picker bare MIME types for every export format, as Chromium requires', async () => {
    for (const [format, mime] of Object.entries(MIME)) {
      const written: Uint8Array[] = [];
      const picker = chromiumLikePicker(written);
      expect(await saveStream(source(), `x.${format}`, mime, { showSaveFilePicker: picker })).toBe('saved');
      expect(Object.keys(picker.mock.calls[0][0]!.types![0].accept)).toEqual([mime]);
    }
    // The type that broke Chrome and Edge: its parameters are dropped for the picker.
    expect(pickerAcceptType('text/csv;charset=utf-8')).toBe('text/csv');
    expect(() => pickerAcceptType('csv')).toThrow(MeterError);
  });

  it('the Chromium-like check itself refuses the old text/csv;charset=utf-8 key', async () => {
    const picker = chromiumLikePicker([]);
    await expect(picker({ types: [{ accept: { 'text/csv;charset=utf-8': ['.csv'] } }] })).rejects.toThrow(/Invalid type/);
  });

  it('reports a cancelled picker as cancelled, not as an error', async () => {
    const picker = vi.fn(async () => {
      throw new DOMException('user said no', 'AbortError');
    });
    expect(await saveStream(source(), 'x.csv', 'text/csv', { showSaveFilePicker: picker })).toBe('cancelled');
  });

  it('turns a full disk while writing into STORAGE_FULL', async () => {
    const picker = vi.fn(async () => ({
      createWritable: async () =>
        new WritableStream<Uint8Array>({
          write: () => {
            throw new DOMException('disk full', 'QuotaExceededError');
          },
        }),
    }));
    const err = await saveStream(source(), 'x.csv', 'text/csv', { showSaveFilePicker: picker }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('STORAGE_FULL');
  });

  it('falls back to a Blob download through <a download>', async () => {
    const clicked: { href: string; download: string }[] = [];
    let blob: Blob | undefined;
    const outcome = await saveStream(source(), 'r.csv', 'text/csv', {
      document: fakeDocument(clicked),
      createObjectURL: (b) => {
        blob = b;
        return 'blob:1';
      },
    });
    expect(outcome).toBe('downloaded');
    expect(clicked).toEqual([{ href: 'blob:1', download: 'r.csv' }]);
    expect(blob?.type).toBe('text/csv');
    expect(await blob?.text()).toBe('a,b\r\n1,2\r\n');
  });

  it('says UNSUPPORTED where neither way exists', async () => {
    const err = await saveStream(source(), 'r.csv', 'text/csv', {}).catch((e: unknown) => e);
    expect((err as MeterError).code).toBe('UNSUPPORTED');
  });
});
