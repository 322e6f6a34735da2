import type { ErrorCode } from './errors';

/** A value as read from a meter. `bad` readings carry the typed error code instead of a value. */
export type ReadingValue = number | string | boolean | null;

export interface Reading {
  /** Epoch milliseconds (system time, or the meter's clock when the device says so). */
  ts: number;
  device_alias: string;
  signal_alias: string;
  value: ReadingValue;
  unit?: string;
  quality: 'good' | 'bad';
  error?: ErrorCode;
  /** Address as configured: OBIS code for DLMS, data-set address for IEC 62056-21. */
  address?: string;
  /**
   * The meter's own form of a value that was converted for display: a COSEM date-time's 12 bytes in hex,
   * an IEC 62056-21 time stamp's text in the meter's local time. Exports keep it beside the value.
   */
  raw?: string;
  /** Decimals the meter gave the value (a scaler of -2 gives 2): shown and exported with them. */
  decimals?: number;
}
