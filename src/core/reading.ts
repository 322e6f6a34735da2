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
}
