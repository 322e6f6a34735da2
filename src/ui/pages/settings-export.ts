/**
 * How CSV files are written, set once in Settings: a UTF-8 byte order mark (old Excel needs it to read
 * UTF-8) and the separator (`;` with decimal commas for spreadsheets set to a comma decimal locale).
 */
import type { MeterStore } from '../../store';

export const EXPORT_KEYS = {
  bom: 'export.csvBom',
  separator: 'export.csvSeparator',
} as const;

export interface CsvPreferences {
  bom: boolean;
  separator: ',' | ';';
}

export const CSV_FACTORY: CsvPreferences = { bom: false, separator: ',' };

export async function loadCsvPreferences(store: Pick<MeterStore, 'getSetting'>): Promise<CsvPreferences> {
  const [bom, separator] = await Promise.all([store.getSetting(EXPORT_KEYS.bom), store.getSetting(EXPORT_KEYS.separator)]);
  return {
    bom: typeof bom === 'boolean' ? bom : CSV_FACTORY.bom,
    separator: separator === ';' || separator === ',' ? separator : CSV_FACTORY.separator,
  };
}

export async function saveCsvPreferences(store: Pick<MeterStore, 'setSetting'>, p: CsvPreferences): Promise<void> {
  await store.setSetting(EXPORT_KEYS.bom, p.bom);
  await store.setSetting(EXPORT_KEYS.separator, p.separator);
}
