import { MeterError } from '../core/errors';

/**
 * Browsers report a full disk in several shapes: a QuotaExceededError thrown by put(), the same name
 * on the request's error, or only on the transaction's error after an abort. All of them mean the
 * write did not happen, so all of them become STORAGE_FULL.
 */
export function isQuotaError(e: unknown): boolean {
  const name = errorName(e);
  if (name === 'QuotaExceededError') return true;
  // Legacy Firefox name and code 22 (QUOTA_EXCEEDED_ERR) from older engines.
  if (name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 22;
}

function errorName(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('name' in e)) return undefined;
  const name = (e as { name: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function errorMessage(e: unknown): string {
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const m = (e as { message: unknown }).message;
    if (typeof m === 'string' && m) return m;
  }
  return String(e);
}

/** `what` names the operation in the message ("saving 12 readings"), so the user knows what failed. */
export function toStorageError(e: unknown, what: string): MeterError {
  if (e instanceof MeterError) return e;
  if (isQuotaError(e)) return new MeterError('STORAGE_FULL', `While ${what}.`, { cause: e });
  const name = errorName(e);
  const detail = name ? `${name}: ${errorMessage(e)}` : errorMessage(e);
  return new MeterError('STORAGE', `While ${what}: ${detail}`, { cause: e });
}
