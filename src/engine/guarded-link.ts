/**
 * The Link a driver gets: the runner's link seen through the exchange's AbortSignal. Link.read has no
 * signal of its own, so without this a stop (or a lost port) would wait out the read's timeout; here
 * every pending operation rejects at once. close() is not passed on: links belong to the engine (a bus
 * link is shared by several devices), a driver only borrows one.
 */
import type { LineSettings, Link } from '../core/link';
import { abortError, raceAbort } from './port-lock';

export function guardLink(link: Link, signal: AbortSignal): Link {
  return {
    get kind() {
      return link.kind;
    },
    get line(): LineSettings {
      return link.line;
    },
    get maxBaudRate() {
      return link.maxBaudRate;
    },
    write: (bytes) => guarded(() => link.write(bytes), signal),
    read: (maxWaitMs) => guarded(() => link.read(maxWaitMs), signal),
    setLine: (settings) => guarded(() => link.setLine(settings), signal),
    discardInput: () => link.discardInput(),
    close: async () => undefined,
  };
}

function guarded<T>(op: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return raceAbort(op(), signal);
}
