export { encodeReadingsCsv, readingsCsvStream, readingCsvRecord, READING_CSV_COLUMNS } from './readings-csv';
export type { CsvOptions, ReadingSource } from './readings-csv';
export {
  encodeReadingsJson,
  encodeReadingsJsonLines,
  readingsJsonStream,
  readingsJsonLinesStream,
  readingToJson,
} from './readings-json';
export type { JsonOptions, ReadingJson } from './readings-json';
export { encodeProfileCsv, encodeProfileJson } from './profile-export';
export type { ProfileTable, ProfileExportOptions } from './profile-export';
export { textCell, valueCell, quoteField } from './csv-cells';
export { formatIsoWithOffset, zoneOffsetMinutes, localTimeZone } from './iso-time';
export { toReadableStream, utf8Chunks, encodeInChunks, collectText, DEFAULT_CHUNK_CHARS } from './chunking';
export { exportFileName, MIME } from './file-names';
// save-file.ts is browser-only on purpose and is imported directly by the UI.
