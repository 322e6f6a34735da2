import { MeterError } from '../../core/errors';
import { decodeFrame } from '../../protocols/hdlc/frame';
import type { DlmsTransport } from '../../protocols/transport';

/**
 * The meter had dropped the HDLC connection the driver kept since the last poll (its inactivity timeout),
 * seen on the first request of the poll. Coded CANCELLED so no layer above takes it for a fault of the
 * request itself (a list the meter cannot answer, say): the driver catches it and associates again.
 */
export class DroppedWhileKept extends MeterError {
  constructor(cause: unknown) {
    super('CANCELLED', 'The meter had dropped the connection kept since the last poll.', { cause });
    this.name = 'DroppedWhileKept';
  }
}

/** The meter answered with DM: it no longer holds the HDLC connection. */
function isDisconnectedMode(e: unknown): boolean {
  if (!(e instanceof MeterError) || !e.frame) return false;
  try {
    return decodeFrame(e.frame).type === 'DM';
  } catch {
    return false;
  }
}

/**
 * The driver's transport, armed at the start of a poll on a kept session: a DM to the first request then
 * becomes DroppedWhileKept. Every other request and error passes through unchanged.
 */
export class KeptSessionTransport implements DlmsTransport {
  private armed = false;

  constructor(private readonly inner: DlmsTransport) {}

  /** The next request is the first one on a session kept from an earlier poll. */
  arm(): void {
    this.armed = true;
  }

  get kind(): DlmsTransport['kind'] {
    return this.inner.kind;
  }

  get connected(): boolean {
    return this.inner.connected;
  }

  get maxApduHint(): number | undefined {
    return this.inner.maxApduHint;
  }

  get stats(): DlmsTransport['stats'] {
    return this.inner.stats;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  disconnect(): Promise<void> {
    this.armed = false;
    return this.inner.disconnect();
  }

  async request(apdu: Uint8Array): Promise<Uint8Array> {
    const first = this.armed;
    this.armed = false;
    try {
      return await this.inner.request(apdu);
    } catch (e) {
      if (first && isDisconnectedMode(e)) throw new DroppedWhileKept(e);
      throw e;
    }
  }
}
