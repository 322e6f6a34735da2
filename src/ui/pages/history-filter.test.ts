import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, describeFilter, parseLocal, toFilter } from './history-filter';

describe('history-filter', () => {
  it('turns the form into a store filter, "to" inclusive of its minute', () => {
    const r = toFilter({ device: ' incomer ', signal: '', from: '2026-01-15T08:00', to: '2026-01-15T09:00' });
    if (!r.ok) throw new Error(r.message);
    expect(r.filter.device_alias).toBe('incomer');
    expect(r.filter.signal_alias).toBeUndefined();
    expect(r.filter.from).toBe(new Date(2026, 0, 15, 8, 0).getTime());
    expect(r.filter.to).toBe(new Date(2026, 0, 15, 9, 0, 59, 999).getTime());
    const s = toFilter({ ...EMPTY_FORM, to: '2026-01-15T09:00:30' });
    expect(s.ok && s.filter.to).toBe(new Date(2026, 0, 15, 9, 0, 30, 999).getTime());
  });

  it('says what is wrong', () => {
    expect(toFilter({ ...EMPTY_FORM, from: 'yesterday' })).toEqual({ ok: false, message: 'The start time is not a valid date and time.' });
    const r = toFilter({ ...EMPTY_FORM, from: '2026-01-15T10:00', to: '2026-01-15T09:00' });
    expect(r.ok).toBe(false);
    expect(parseLocal('')).toBeUndefined();
    expect(describeFilter({})).toBe('all readings');
    expect(describeFilter({ device_alias: 'a', signal_alias: 'b' })).toBe('device a, signal b');
  });

  it('reads the one-field form with a space as well as datetime-local text, and refuses impossible dates', () => {
    expect(parseLocal('2026-01-15 08:00')).toBe(new Date(2026, 0, 15, 8, 0).getTime());
    expect(parseLocal(' 2026-01-15 08:00:30 ')).toBe(new Date(2026, 0, 15, 8, 0, 30).getTime());
    expect(parseLocal('2026-02-31 08:00')).toBeUndefined();
    expect(parseLocal('2026-01-15 24:00')).toBeUndefined();
    expect(parseLocal('2026-01-15 08:60')).toBeUndefined();
    const r = toFilter({ ...EMPTY_FORM, to: '2026-01-15 09:00:30' });
    expect(r.ok && r.filter.to).toBe(new Date(2026, 0, 15, 9, 0, 30, 999).getTime());
  });
});
