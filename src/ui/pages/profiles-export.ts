import { toReadableStream } from '../../export/chunking';
import { encodeProfileCsv, encodeProfileJson } from '../../export/profile-export';
import type { ExportSource } from '../components/export-buttons';
import type { ProfileTableData } from './profiles-model';

/** CSV (a unit in each header, ISO times with offset) and JSON of one profile table. */
export function profileSource(t: ProfileTableData): ExportSource {
  const table = { device_alias: t.device_alias, name: t.name, readAt: t.readAt, columns: t.columns, rows: t.rows };
  return {
    name: `${t.device_alias}-${t.name}`,
    csv: () => toReadableStream(encodeProfileCsv(table)),
    json: () => toReadableStream(encodeProfileJson(table)),
  };
}
