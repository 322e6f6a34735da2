import { describe, expect, it } from 'vitest';
import type { TraceLine } from '../../core/logger';
import { filterLines, lineText, linesText, portsOf } from './trace-format';

const lines: TraceLine[] = [
  { ts: 0, level: 3, port: 'engine', message: 'ready' },
  { ts: 1, level: 5, port: 'DEMO-DLMS', message: 'HDLC TX SNRM', dir: 'tx', hex: '7E A0 07 03 21 93 0F 01 7E', decoded: { label: 'HDLC SNRM', children: [{ label: 'control', value: '0x93 SNRM' }] } },
  { ts: 2, level: 7, port: 'DEMO-IEC', message: 'rx chunk', dir: 'rx', hex: '2F 3F 21' },
];

describe('trace-format', () => {
  it('filters by level, port and text (message or hex)', () => {
    expect(filterLines(lines, { maxLevel: 4, port: '', text: '' })).toHaveLength(1);
    expect(filterLines(lines, { maxLevel: 7, port: 'DEMO-IEC', text: '' })).toEqual([lines[2]]);
    expect(filterLines(lines, { maxLevel: 7, port: '', text: '7e a0' })).toEqual([lines[1]]);
    expect(portsOf(lines)).toEqual(['DEMO-DLMS', 'DEMO-IEC', 'engine']);
  });

  it('finds text in the decoded tree too: an APDU name, a field value, an OBIS code in either notation', () => {
    const get: TraceLine = {
      ts: 3,
      level: 5,
      port: 'DEMO-DLMS',
      message: 'rx 24 bytes',
      dir: 'rx',
      hex: 'C0 01 C1 00 03 01 00 01 08 00 FF 02 00',
      decoded: { label: 'APDU get-request-normal', children: [{ label: 'instance', value: '1.0.1.8.0.255 (Active energy import)' }] },
    };
    const all = [...lines, get];
    const find = (text: string) => filterLines(all, { maxLevel: 7, port: '', text });
    expect(find('SNRM')).toEqual([lines[1]]); // also in the message
    expect(find('control: 0x93 snrm')).toEqual([lines[1]]); // only in the decoded tree
    expect(find('get-request')).toEqual([get]);
    expect(find('1-0:1.8.0*255')).toEqual([get]);
    expect(find('1.8.0')).toEqual([get]);
    expect(find('energy import')).toEqual([get]);
  });

  it('writes a line with its direction, hex and decoded tree', () => {
    const t = lineText(lines[1]!);
    expect(t).toMatch(/^\d\d:\d\d:\d\d\.001 \[5\] DEMO-DLMS TX → HDLC TX SNRM/);
    expect(t).toContain('\n    7E A0 07');
    expect(t).toContain('\n    HDLC SNRM\n      control: 0x93 SNRM');
    expect(linesText(lines).split('\n').filter(Boolean)).toHaveLength(1 + 4 + 2);
    expect(linesText([])).toBe('');
  });
});
