/**
 * Browser-only sinks for an export stream. With the File System Access API (Chromium) the bytes go
 * straight to the chosen file as they are produced, so a million rows never sit in memory at once.
 * Elsewhere the stream is gathered into a Blob and offered as a download: that path needs memory for
 * the whole file, which is the best a plain <a download> can do.
 *
 * Call saveStream directly from a click handler: the picker needs the user's gesture, so it is opened
 * before anything is awaited.
 */
import { MeterError } from '../core/errors';
import { toStorageError } from '../store/storage-errors';

export type SaveOutcome = 'saved' | 'downloaded' | 'cancelled';

interface SaveFilePickerOptions {
  suggestedName?: string;
  types?: { description?: string; accept: Record<string, string[]> }[];
}

interface FileHandleLike {
  createWritable(): Promise<WritableStream<Uint8Array>>;
}

/** What saveStream needs from the page; injectable so the logic is testable without a browser. */
export interface SaveEnvironment {
  showSaveFilePicker?: (options?: SaveFilePickerOptions) => Promise<FileHandleLike>;
  document?: Pick<Document, 'createElement' | 'body'>;
  createObjectURL?: (blob: Blob) => string;
  revokeObjectURL?: (url: string) => void;
}

function browserEnvironment(): SaveEnvironment {
  // showSaveFilePicker is not in TypeScript's DOM library yet; read it structurally.
  const g = globalThis as unknown as { showSaveFilePicker?: SaveEnvironment['showSaveFilePicker']; document?: Document };
  return {
    showSaveFilePicker: typeof g.showSaveFilePicker === 'function' ? g.showSaveFilePicker.bind(globalThis) : undefined,
    document: g.document,
    createObjectURL: typeof URL.createObjectURL === 'function' ? (b) => URL.createObjectURL(b) : undefined,
    revokeObjectURL: typeof URL.revokeObjectURL === 'function' ? (u) => URL.revokeObjectURL(u) : undefined,
  };
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

/**
 * The picker's `accept` keys must be a bare type/subtype: Chromium rejects parameters such as
 * `;charset=utf-8` with a TypeError before any dialog opens. Anything else is refused here as well,
 * so a bad type fails in unit tests too, not only in a real browser.
 */
export function pickerAcceptType(mime: string): string {
  const essence = mime.split(';')[0].trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(essence)) {
    throw new MeterError('UNSUPPORTED', `"${mime}" is not a MIME type the save dialog accepts.`);
  }
  return essence;
}

function extensionOf(name: string): string | undefined {
  const m = /\.[A-Za-z0-9]{1,8}$/.exec(name);
  return m ? m[0].toLowerCase() : undefined;
}

/** Keep the object URL alive long enough for the browser to start the download. */
const REVOKE_AFTER_MS = 60_000;

export async function saveStream(
  stream: ReadableStream<Uint8Array>,
  suggestedName: string,
  mime: string,
  env: SaveEnvironment = browserEnvironment(),
): Promise<SaveOutcome> {
  if (env.showSaveFilePicker) {
    let handle: FileHandleLike;
    try {
      const ext = extensionOf(suggestedName);
      handle = await env.showSaveFilePicker({
        suggestedName,
        types: ext ? [{ accept: { [pickerAcceptType(mime)]: [ext] } }] : undefined,
      });
    } catch (e) {
      await stream.cancel().catch(() => undefined);
      if (isAbort(e)) return 'cancelled';
      if (e instanceof MeterError) throw e;
      throw toStorageError(e, `choosing where to save ${suggestedName}`);
    }
    try {
      const writable = await handle.createWritable();
      // pipeTo aborts the writable on any error, and an aborted FSA writable discards its temporary
      // file: the user never gets a silently truncated export.
      await stream.pipeTo(writable);
      return 'saved';
    } catch (e) {
      if (e instanceof MeterError) throw e;
      throw toStorageError(e, `writing ${suggestedName}`);
    }
  }

  if (!env.document || !env.createObjectURL) {
    await stream.cancel().catch(() => undefined);
    throw new MeterError('UNSUPPORTED', 'This environment can neither save files nor download them.');
  }
  const blob = await new Response(stream).blob();
  const typed = blob.type === mime ? blob : new Blob([blob], { type: mime });
  const url = env.createObjectURL(typed);
  const a = env.document.createElement('a');
  a.href = url;
  a.download = suggestedName;
  a.rel = 'noopener';
  a.style.display = 'none';
  env.document.body.append(a);
  a.click();
  a.remove();
  const revoke = env.revokeObjectURL;
  if (revoke) setTimeout(() => revoke(url), REVOKE_AFTER_MS);
  return 'downloaded';
}
