/**
 * How many received-but-unread bytes a Link may hold. A meter answers one request at a time and the
 * session reads while it waits, so a healthy link never holds more than one answer; a peer that
 * streams bytes nobody asked for (or while nobody reads: between two polls) would otherwise grow the
 * process without bound. Past the limit the bytes are dropped and the next read fails with LENGTH.
 *
 * Each limit is the longest answer the protocol may legally send, plus slack for a second one (a late
 * answer to a repeated request arriving together with the current one).
 */
import type { DeviceConfig } from '../config/types';
import { MAX_FRAME_LENGTH as HDLC_MAX_FRAME_LENGTH } from '../protocols/hdlc/frame';
import { DEFAULT_MAX_BLOCK_BYTES as IEC_MAX_BLOCK_BYTES } from '../protocols/iec62056-21/framer';
import { WRAPPER_HEADER_LENGTH, WRAPPER_MAX_APDU } from '../protocols/wrapper/codec';

/** The HDLC window (7 frames of 2047 bytes between flags) an HDLC answer may fill before we ack. */
const HDLC_MAX_BURST = 7 * (HDLC_MAX_FRAME_LENGTH + 2);

export const RX_LIMITS = {
  /** DLMS over HDLC (and mode E, whose sign-on lines are far shorter): 2 × a full window, 28 KiB. */
  hdlc: 2 * HDLC_MAX_BURST,
  /** DLMS wrapper: 2 × (8-byte header + 65535-byte APDU), 128 KiB. */
  wrapper: 2 * (WRAPPER_HEADER_LENGTH + WRAPPER_MAX_APDU),
  /** IEC 62056-21 (and Elgama readouts): 2 × the longest data block the session accepts, 256 KiB. */
  iec: 2 * IEC_MAX_BLOCK_BYTES,
} as const;

/** For a link whose protocol is not known: the largest of the above. */
export const DEFAULT_RX_LIMIT_BYTES = Math.max(RX_LIMITS.hdlc, RX_LIMITS.wrapper, RX_LIMITS.iec);

/** The limit for a configured device, from its protocol and mode. */
export function rxLimitFor(device: Pick<DeviceConfig, 'protocol'> & { mode?: unknown; meter_model?: unknown }): number {
  if (device.protocol === 'DLMS') return device.mode === 'DLMS-WRAPPER' ? RX_LIMITS.wrapper : RX_LIMITS.hdlc;
  if (device.protocol === 'Elgama') return device.meter_model === 2 || device.meter_model === 3 ? RX_LIMITS.hdlc : RX_LIMITS.iec;
  return RX_LIMITS.iec;
}

/** The error of a read after the limit was passed (built by each buffer with its own numbers). */
export function overflowMessage(limit: number, dropped: number): string {
  return `More than ${limit} bytes arrived without being read (${dropped} dropped): the peer sends more than any answer may hold.`;
}
