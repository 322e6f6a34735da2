import { describe, expect, it } from 'vitest';
import { progressText } from './progress-text';

describe('progressText', () => {
  it('gives count, total and a floored percentage', () => {
    expect(progressText(1234, 5000, 'en-US')).toBe('1,234 of 5,000 received (24 %)');
    expect(progressText(5000, 5000, 'en-US')).toBe('5,000 of 5,000 received (100 %)');
  });
  it('never shows more than 100 % when the meter sends more than announced', () => {
    expect(progressText(6000, 5000, 'en-US')).toBe('6,000 of 5,000 received (100 %)');
  });
  it('counts only when the total is unknown', () => {
    expect(progressText(42, 0, 'en-US')).toBe('42 received');
    expect(progressText(0, 0, 'en-US')).toBe('waiting for the meter');
  });
});
