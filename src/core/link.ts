/**
 * The one transport seam. A Link carries bytes between MeterScope and one meter (or one bus):
 * a Web Serial port, a serialport in Node, a TCP socket, a WebSocket bridge, or a memory wire.
 */
export type Parity = 'none' | 'even' | 'odd';

export interface LineSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: Parity;
  stopBits: 1 | 2;
}

export const LINE_300_7E1: LineSettings = { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 };
export const LINE_9600_8N1: LineSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** Bits on the wire for one character: start + data + parity + stop. */
export function bitsPerChar(s: LineSettings): number {
  return 1 + s.dataBits + (s.parity === 'none' ? 0 : 1) + s.stopBits;
}

/** Milliseconds one character occupies on the line. */
export function charTimeMs(s: LineSettings): number {
  return (bitsPerChar(s) * 1000) / s.baudRate;
}

export interface Link {
  /**
   * `serial` links have line settings and baud switching; `stream` links (TCP, bridge) ignore
   * setLine, so an IEC 62056-21 session sends the baud acknowledgement but does not switch.
   */
  readonly kind: 'serial' | 'stream';
  /** Resolves once the bytes have left the line (so a baud switch after it cannot cut them). */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Wait up to `maxWaitMs` for at least one byte, then return every byte received so far.
   * Returns an empty array on timeout (callers decide what a silence means). Rejects with
   * PORT_LOST once the link is closed or unplugged. Bytes are never lost between calls.
   */
  read(maxWaitMs: number): Promise<Uint8Array>;
  /** Change line settings after pending output has drained. No-op on stream links. */
  setLine(settings: LineSettings): Promise<void>;
  /** Current line settings (stream links report what they were last given). */
  readonly line: LineSettings;
  /**
   * The highest baud rate `setLine` really reaches at the far end, when the link knows one: a probe
   * that cannot switch (a Bluetooth SPP probe's UART keeps its firmware's rate) reports the rate in
   * use, so IEC 62056-21 proposes no faster rate to the meter. Unset: no limit known.
   */
  readonly maxBaudRate?: number;
  /** Drop any received bytes not yet read (used before a new sign-on). */
  discardInput(): void;
  close(): Promise<void>;
  /** Called once when the link is lost without close() (unplug, socket reset). */
  onLost?: (reason: string) => void;
}
