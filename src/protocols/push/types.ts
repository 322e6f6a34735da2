import type { ProtocolError } from '../../core/errors';

/** Public types of the push listener (see index.ts and docs/protocols/push.md). */

export type PushLinkLayer = 'auto' | 'hdlc' | 'mbus' | 'raw';

export interface PushListenerOptions {
  /** 'auto' (default) detects the link layer from the bytes and keeps it. */
  linkLayer?: PushLinkLayer;
  /** Global unicast encryption key (16 bytes, suite 0/1; 32 for suite 2). A secret: never logged. */
  blockCipherKey?: Uint8Array;
  /** Authentication key (16 bytes). A secret: never logged. */
  authenticationKey?: Uint8Array;
  /** The meter's system title (8 bytes), when known: a push from another title is refused. Needed for glo-ciphering, which carries none. */
  systemTitle?: Uint8Array;
  /** The last invocation counter accepted (persisted by the caller): pushes with a counter <= it are refused. */
  lastInvocationCounter?: number;
  /** IANA zone for push date-times whose deviation is not specified; default UTC. */
  timeZone?: string;
}

export interface PushValue {
  /** 'a.b.c.d.e.f'. */
  obis: string;
  value: number | string | boolean | null;
  unit?: string;
  /** Decimals implied by the scaler (a scaler of -2 gives 2). */
  decimals?: number;
  /** The meter's own form of a converted value (a date-time's 12 bytes in hex). */
  raw?: string;
}

export type PushBadReason = 'crc' | 'gcm' | 'counter' | 'frame' | 'apdu' | 'shape';

export type PushEvent =
  | {
      kind: 'push';
      /** Epoch ms from the push's own date-time, when it has one. */
      time?: number;
      /** The list version identifier, e.g. 'KFM_001', 'Kamstrup_V0001', 'AIDON_V0001'. */
      listId?: string;
      /** The sender's system title in hex (ciphered pushes). */
      systemTitle?: string;
      invocationCounter?: number;
      values: PushValue[];
      /** Bytes of the frame(s) on the wire. */
      bytes: number;
    }
  | {
      kind: 'bad';
      /** CHECKSUM (CRC/FCS/M-Bus checksum), AUTH_FAILED (GCM tag, wrong key), PROTOCOL (replayed/older counter), FRAMING/LENGTH (malformed). */
      error: ProtocolError;
      reason: PushBadReason;
      bytes: number;
    };

export interface PushCounters {
  /** Link-layer frames seen (good or bad). */
  frames: number;
  /** Push events given out. */
  pushes: number;
  bad: Record<PushBadReason, number>;
  /** Bytes skipped while looking for a frame start (line noise, a frame cut at start). */
  skippedBytes: number;
}
