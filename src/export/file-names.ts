/** A file name that sorts by time and is safe on Windows, macOS and Linux. */
export function exportFileName(what: string, ext: string, at: Date = new Date()): string {
  const safe = what.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/\s+/g, '-').slice(0, 80) || 'export';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `meterscope-${safe}-${stamp}.${ext.replace(/^\./, '')}`;
}

export const MIME = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
} as const;
