import type { Reading, ReadingValue } from '../core/reading';

/** A configuration document exactly as the user wrote it, so re-export gives back their text. */
export interface StoredConfig {
  name: string;
  /** The user's JSON document, kept as text: formatting, hex strings and key order survive. */
  raw: string;
  savedAt: number;
}

/** A reading as stored: the auto-increment key rides along so streamed exports can resume. */
export interface StoredReading extends Reading {
  id: number;
}

export interface ProfileColumn {
  name: string;
  unit?: string;
  /** OBIS code or data-set address the column came from. */
  address?: string;
  /** The column holds epoch milliseconds; exports print it as an ISO 8601 time with offset. */
  isTime?: boolean;
}

/** A load profile or event log as read from a meter: one table, kept together. */
export interface ProfileRecord {
  id: number;
  device_alias: string;
  name: string;
  columns: ProfileColumn[];
  rows: ReadingValue[][];
  readAt: number;
}

export type NewProfile = Omit<ProfileRecord, 'id'> & { id?: number };
export type ProfileSummary = Omit<ProfileRecord, 'rows'> & { rowCount: number };

export interface EventRecord {
  id: number;
  ts: number;
  device_alias: string;
  signal_alias?: string;
  kind: string;
  message: string;
}
export type NewEvent = Omit<EventRecord, 'id'>;

export type TraceDirection = 'tx' | 'rx' | 'info';

export interface TraceRecord {
  id: number;
  ts: number;
  port: string;
  /** 0..7 as in the CLI's -d option. */
  level: number;
  dir: TraceDirection;
  text: string;
  hex?: string;
}
export type NewTrace = Omit<TraceRecord, 'id'>;

export interface ReadingFilter {
  device_alias?: string;
  /** Used together with device_alias it selects the compound index; alone it is a post-filter. */
  signal_alias?: string;
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Inclusive upper bound, epoch ms. */
  to?: number;
}

export interface ReadingQuery extends ReadingFilter {
  limit?: number;
  newestFirst?: boolean;
}

export interface EventQuery {
  device_alias?: string;
  from?: number;
  to?: number;
  limit?: number;
  newestFirst?: boolean;
}

export interface TraceQuery {
  port?: string;
  /** Only entries with level <= maxLevel. */
  maxLevel?: number;
  limit?: number;
  newestFirst?: boolean;
}

export interface StorageEstimateInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean;
}
