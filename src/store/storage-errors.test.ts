import { describe, expect, it } from 'vitest';
import { MeterError } from '../core/errors';
import { isQuotaError, toStorageError } from './storage-errors';

describe('storage errors', () => {
  it('recognises the shapes a full disk takes', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError({ name: 'Error', code: 22 })).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
    expect(isQuotaError('QuotaExceededError')).toBe(false);
  });

  it('maps quota to STORAGE_FULL and the rest to STORAGE, naming the operation', () => {
    const full = toStorageError(new DOMException('full', 'QuotaExceededError'), 'saving 3 readings');
    expect(full.code).toBe('STORAGE_FULL');
    expect(full.message).toContain('saving 3 readings');
    const other = toStorageError(new DOMException('gone', 'InvalidStateError'), 'reading events');
    expect(other.code).toBe('STORAGE');
    expect(other.message).toContain('InvalidStateError: gone');
    expect(other.cause).toBeInstanceOf(DOMException);
  });

  it('keeps typed errors as they are', () => {
    const typed = new MeterError('CANCELLED');
    expect(toStorageError(typed, 'x')).toBe(typed);
  });
});
