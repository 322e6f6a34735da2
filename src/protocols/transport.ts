/**
 * What the DLMS client needs from the layer below: an APDU in, an APDU out. HDLC (HdlcClient) and
 * the TCP wrapper (WrapperClient) both satisfy it, so the application layer does not care which.
 */
export interface TransportStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Completed request/response exchanges. */
  roundTrips: number;
  /** Frames sent again (retransmissions, polls after a timeout or a damaged frame). */
  retries: number;
  /** Received frames thrown away: damaged, out of sequence, or for another address. */
  badFrames: number;
}

export interface DlmsTransport {
  readonly kind: 'hdlc' | 'wrapper';
  /** Open the link layer (HDLC: SNRM/UA; wrapper: nothing to do). Idempotent once connected. */
  connect(): Promise<void>;
  /** Send one APDU and resolve with the complete response APDU (reassembled, headers stripped). */
  request(apdu: Uint8Array): Promise<Uint8Array>;
  /** Close the link layer (HDLC: DISC, accepting UA or DM). Never throws for a silent meter. */
  disconnect(): Promise<void>;
  readonly connected: boolean;
  /** Largest APDU the peer is known to accept in one piece, when the link layer knows (else undefined). */
  readonly maxApduHint?: number;
  readonly stats: Readonly<TransportStats>;
}

export function emptyTransportStats(): TransportStats {
  return { framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0, roundTrips: 0, retries: 0, badFrames: 0 };
}

/** Hex for trace messages. */
export function hex(bytes: Uint8Array, max = 64): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0').toUpperCase();
  return bytes.length > max ? `${s} ...(${bytes.length})` : s;
}
