/**
 * Streaming plumbing shared by the encoders: batch small strings into ~64 KB chunks, turn string
 * chunks into UTF-8 bytes, and wrap any async iterable as a pull-based ReadableStream (one chunk is
 * produced only when the consumer asks, which is what keeps memory flat for a million rows).
 */

export const DEFAULT_CHUNK_CHARS = 64 * 1024;

export type ChunkSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/**
 * Encode items into ~chunkChars string chunks: `head`, then encode(item) for each item, then tail().
 * Rows are accumulated here rather than yielded one by one, so a million rows cost a million
 * function calls, not a million trips through a chain of async generators.
 */
export async function* encodeInChunks<T>(
  items: AsyncIterable<T> | Iterable<T>,
  encode: (item: T) => string,
  head: string,
  tail: () => string,
  chunkChars = DEFAULT_CHUNK_CHARS,
): AsyncGenerator<string, void, undefined> {
  let buf = head;
  for await (const item of items) {
    buf += encode(item);
    if (buf.length >= chunkChars) {
      yield buf;
      buf = '';
    }
  }
  buf += tail();
  if (buf.length > 0) yield buf;
}

/** UTF-8 encode string chunks; byte chunks pass through. */
export async function* utf8Chunks(source: ChunkSource): AsyncGenerator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  for await (const chunk of source) yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
}

/** A ReadableStream that pulls one chunk from `source` per read; cancel() stops the source. */
export function toReadableStream(source: ChunkSource): ReadableStream<Uint8Array> {
  const it = utf8Chunks(source)[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await it.next();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel() {
        await it.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Gather a whole stream into one string: for tests and small exports only. */
export async function collectText(source: ChunkSource | ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let out = '';
  const iterable: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> =
    source instanceof ReadableStream ? streamChunks(source) : source;
  for await (const chunk of iterable) out += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
