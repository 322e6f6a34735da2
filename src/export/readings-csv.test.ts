import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../core/reading';
import { collectText } from './chunking';
import { quoteField, textCell, valueCell } from './csv-cells';
import { labelsFromConfigs } from './reading-labels';
import { encodeReadingsCsv, READING_CSV_COLUMNS, readingsCsvStream } from './readings-csv';

const ZONE = 'Europe/Vilnius';

function r(partial: Partial<Reading>): Reading {
  return { ts: Date.UTC(2026, 10, 25, 12, 3), device_alias: 'm1', signal_alias: 'e', value: 1, quality: 'good', ...partial };
}

async function csv(readings: Reading[], options = {}): Promise<string> {
  return collectText(encodeReadingsCsv(readings, { timeZone: ZONE, ...options }));
}

describe('CSV cells (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(quoteField('plain')).toBe('plain');
    expect(quoteField('a,b')).toBe('"a,b"');
    expect(quoteField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteField('line\nbreak')).toBe('"line\nbreak"');
    expect(quoteField('cr\rhere')).toBe('"cr\rhere"');
    expect(quoteField('')).toBe('');
  });

  it('neutralises text that a spreadsheet would run as a formula', () => {
    expect(textCell('=1+2')).toBe("'=1+2");
    expect(textCell('+49')).toBe("'+49");
    expect(textCell('-5')).toBe("'-5");
    expect(textCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(textCell('\tx')).toBe("'\tx");
    expect(textCell('\rx')).toBe('"\'\rx"');
    expect(textCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(textCell('1.8.0')).toBe('1.8.0');
  });

  it('writes numbers as numbers, negative ones included', () => {
    expect(valueCell(-12.5)).toBe('-12.5');
    expect(valueCell(0)).toBe('0');
    expect(valueCell(1e21)).toBe('1e+21');
    expect(valueCell(true)).toBe('true');
    expect(valueCell(null)).toBe('');
    expect(valueCell('-12.5')).toBe("'-12.5"); // the same digits as text are text
    expect(valueCell(Number.NEGATIVE_INFINITY)).toBe("'-Infinity");
    expect(valueCell(Number.NaN)).toBe('NaN');
  });
});

describe('readings CSV', () => {
  it('has the documented header, CRLF line ends, ISO times with offset', async () => {
    const text = await csv([
      r({ address: '1.8.0', unit: 'kWh', value: 147238.4 }),
      r({ ts: Date.UTC(2026, 6, 1, 11, 3), value: null, quality: 'bad', error: 'TIMEOUT' }),
    ]);
    expect(text).toBe(
      'ts,device_alias,device_name,meter_id,signal_alias,signal_name,address,value,unit,quality,error,raw\r\n' +
        '2026-11-25T14:03:00.000+02:00,m1,,,e,,1.8.0,147238.4,kWh,good,,\r\n' +
        '2026-07-01T14:03:00.000+03:00,m1,,,e,,,,,bad,TIMEOUT,\r\n',
    );
  });

  it('writes names, the meter identity, raw text and the meter\'s decimals beside the aliases', async () => {
    const labels = labelsFromConfigs(
      [
        {
          devices: [{ device_alias: 'm1', name: 'Incomer, north', serial_number: 0 }],
          signals: [
            { device_alias: 'm1', signal_alias: 'f', signal_name: 'Frequency', obis_job: '1.0.14.7.0.255' },
            { device_alias: 'm1', signal_alias: 'ldn', signal_name: 'Logical device name', obis_job: '0.0.42.0.0.255' },
          ],
        },
      ],
      [r({ signal_alias: 'ldn', value: 'ELG1234567890' })],
    );
    const text = await csv(
      [
        r({ signal_alias: 'f', address: '1.0.14.7.0.255', value: 50, decimals: 2, unit: 'Hz' }),
        r({ signal_alias: 'clock', value: 1764072180000, raw: '07EA0B19030E0300FF800000' }),
        r({ signal_alias: 'p', value: 12.345, decimals: 1 }),
      ],
      { labels },
    );
    const rows = parseCsv(text);
    expect(rows[1]).toEqual(['2026-11-25T14:03:00.000+02:00', 'm1', 'Incomer, north', 'ELG1234567890', 'f', 'Frequency', '1.0.14.7.0.255', '50.00', 'Hz', 'good', '', '']);
    expect(rows[2]![11]).toBe('07EA0B19030E0300FF800000');
    // More digits than the decimals say: nothing is rounded away.
    expect(rows[3]![7]).toBe('12.345');
  });

  it('for comma decimal spreadsheets: BOM, ";" between cells and a decimal comma', async () => {
    const text = await csv([r({ value: 50, decimals: 2, device_alias: 'a;b' }), r({ value: -0.5 })], { bom: true, separator: ';' });
    expect(text.startsWith('\uFEFFts;device_alias;device_name;')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[1]).toBe('2026-11-25T14:03:00.000+02:00;"a;b";;;e;;;50,00;;good;;');
    expect(lines[2]).toBe('2026-11-25T14:03:00.000+02:00;m1;;;e;;;-0,5;;good;;');
  });

  it('keeps the decimals of any number exactly (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 }), (units, decimals) => {
        const value = units / 10 ** decimals;
        const cell = valueCell(value, ',', decimals);
        expect(Number(cell)).toBe(value);
        // 50 with a scaler of -2 is 50.00: exactly the meter's decimals, trailing zeros kept.
        expect(cell.split('.')[1]?.length ?? 0).toBe(decimals);
        expect(valueCell(value, ';', decimals)).toBe(cell.replace('.', ','));
      }),
      { numRuns: 300 },
    );
  });

  it('can leave out the header and add a BOM', async () => {
    const text = await csv([r({})], { header: false, bom: true });
    expect(text.startsWith('\uFEFF2026-')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(2);
  });

  it('round-trips awkward text through a strict RFC 4180 parser', async () => {
    const readings = [
      r({ device_alias: 'meter, "north"', signal_alias: 'line1\r\nline2', value: 'a "quoted", text', unit: '°C' }),
      r({ device_alias: '=cmd|x', signal_alias: '-p', value: -3.25, unit: 'm³' }),
    ];
    const rows = parseCsv(await csv(readings));
    expect(rows[0]).toEqual([...READING_CSV_COLUMNS]);
    expect(rows[1]).toEqual(['2026-11-25T14:03:00.000+02:00', 'meter, "north"', '', '', 'line1\r\nline2', '', '', 'a "quoted", text', '°C', 'good', '', '']);
    expect(rows[2]).toEqual(['2026-11-25T14:03:00.000+02:00', "'=cmd|x", '', '', "'-p", '', '', '-3.25', 'm³', 'good', '', '']);
  });

  it('round-trips arbitrary text and numbers (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ alias: fc.string({ unit: 'grapheme' }), value: fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true })) }), {
          maxLength: 20,
        }),
        async (items) => {
          const readings = items.map((it) => r({ device_alias: it.alias, value: it.value }));
          const rows = parseCsv(await csv(readings));
          expect(rows).toHaveLength(readings.length + 1);
          readings.forEach((reading, i) => {
            const row = rows[i + 1];
            expect(row).toHaveLength(READING_CSV_COLUMNS.length);
            const unneutralise = (s: string): string => (/^'[=+\-@\t\r']/.test(s) ? s.slice(1) : s);
            expect(unneutralise(row[1])).toBe(reading.device_alias);
            if (typeof reading.value === 'number') expect(Number(row[7])).toBe(reading.value === 0 ? 0 : reading.value);
            else expect(unneutralise(row[7])).toBe(reading.value);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('streams: chunks are ~64 KB, and rows are pulled only as chunks are read', async () => {
    let pulled = 0;
    async function* many(): AsyncGenerator<Reading> {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield r({ ts: Date.UTC(2026, 0, 1) + i * 1000, value: i });
      }
    }
    const reader = readingsCsvStream(many(), { timeZone: ZONE }).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(first.value!.byteLength).toBeGreaterThanOrEqual(64 * 1024);
    expect(first.value!.byteLength).toBeLessThan(64 * 1024 + 200);
    const pulledAfterFirst = pulled;
    expect(pulledAfterFirst).toBeLessThan(2_000);
    await reader.cancel();
    expect(pulled).toBe(pulledAfterFirst); // cancel stopped the source
  });

  it('rejects an unknown time zone before writing anything', () => {
    expect(() => encodeReadingsCsv([r({})], { timeZone: 'Nowhere/Land' })).toThrow(RangeError);
  });
});

/**
 * A strict RFC 4180 parser for tests only: it rejects anything the RFC does not allow (bare LF
 * line ends, quotes inside unquoted fields, text after a closing quote), so an encoder bug shows up.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted field');
        const c = text[i++];
        if (c === '"') {
          if (text[i] === '"') {
            field += '"';
            i++;
          } else break;
        } else field += c;
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      rows.push(row);
      row = [];
      if (i >= n) return rows;
      continue;
    }
    throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
}
