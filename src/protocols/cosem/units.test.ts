import { describe, expect, it } from 'vitest';
import { allUnits, unitInfo, unitSymbol } from './units';

describe('units', () => {
  it('knows the common metering units', () => {
    expect(unitSymbol(27)).toBe('W');
    expect(unitSymbol(30)).toBe('Wh');
    expect(unitSymbol(32)).toBe('varh');
    expect(unitSymbol(33)).toBe('A');
    expect(unitSymbol(35)).toBe('V');
    expect(unitSymbol(44)).toBe('Hz');
    expect(unitSymbol(13)).toBe('m³');
    expect(unitSymbol(9)).toBe('°C');
    expect(unitSymbol(56)).toBe('%');
    expect(unitSymbol(72)).toBe('dB');
    expect(unitInfo(1)).toEqual({ code: 1, symbol: 'a', quantity: 'time (year)' });
  });

  it('prints no symbol for count / other and a placeholder for reserved codes', () => {
    expect(unitSymbol(255)).toBe('');
    expect(unitInfo(255)?.quantity).toBe('count (no unit)');
    expect(unitSymbol(254)).toBe('');
    expect(unitSymbol(58)).toBe('unit 58');
    expect(unitInfo(0)).toBeUndefined();
  });

  it('has no duplicate codes and is sorted', () => {
    const codes = allUnits().map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort((a, b) => a - b)).toEqual(codes);
    expect(codes.length).toBe(71); // 1..57, 60..67, 70..72, 253..255
  });
});
