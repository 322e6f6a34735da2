/** The descriptive part of a file name; with the prefix and time stamp a name stays under ~72 characters. */
export const MAX_NAME_PART = 40;

/**
 * A file name that sorts by time and is safe on Windows, macOS and Linux: characters those forbid and
 * brackets become `_`, spaces `-`, runs of either collapse, and the description is cut to
 * MAX_NAME_PART characters ("demo_dlms-Load-profile-1-1.0.99.1.0.255", not a 100-character name).
 */
export function exportFileName(what: string, ext: string, at: Date = new Date()): string {
  const safe =
    what
      .replace(/[\\/:*?"<>|()[\]{}\u0000-\u001f]+/g, '_')
      .replace(/\s+/g, '-')
      .replace(/[-_]*-[-_]*/g, '-')
      .replace(/_{2,}/g, '_')
      .slice(0, MAX_NAME_PART)
      .replace(/^[-_.]+|[-_.]+$/g, '') || 'export';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `meterscope-${safe}-${stamp}.${ext.replace(/^\./, '')}`;
}

/**
 * Bare MIME types: showSaveFilePicker's `accept` keys must be a type/subtype without parameters
 * (Chromium throws "Invalid type: text/csv;charset=utf-8"). Our exports are always UTF-8.
 */
export const MIME = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
} as const;
