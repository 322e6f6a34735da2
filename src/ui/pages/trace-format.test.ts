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

  it('writes a line with its direction, hex and decoded tree', () => {
    const t = lineText(lines[1]!);
    expect(t).toMatch(/^\d\d:\d\d:\d\d\.001 \[5\] DEMO-DLMS TX → HDLC TX SNRM/);
    expect(t).toContain('\n    7E A0 07');
    expect(t).toContain('\n    HDLC SNRM\n      control: 0x93 SNRM');
    expect(linesText(lines).split('\n').filter(Boolean)).toHaveLength(1 + 4 + 2);
    expect(linesText([])).toBe('');
  });
});
