import { MeterError, type ErrorCode } from '../../../core/errors';

/** Data-Access-Result (IEC 62056-5-3), the per-attribute outcome of GET/SET/READ/WRITE. */
export const DATA_ACCESS_RESULT_NAMES: Record<number, string> = {
  0: 'success',
  1: 'hardware-fault',
  2: 'temporary-failure',
  3: 'read-write-denied',
  4: 'object-undefined',
  9: 'object-class-inconsistent',
  11: 'object-unavailable',
  12: 'type-unmatched',
  13: 'scope-of-access-violated',
  14: 'data-block-unavailable',
  15: 'long-get-aborted',
  16: 'no-long-get-in-progress',
  17: 'long-set-aborted',
  18: 'no-long-set-in-progress',
  19: 'data-block-number-invalid',
  250: 'other-reason',
};

/** Action-Result: same numbering as Data-Access-Result, with long-action codes in place of the GET/SET ones. */
export const ACTION_RESULT_NAMES: Record<number, string> = {
  0: 'success',
  1: 'hardware-fault',
  2: 'temporary-failure',
  3: 'read-write-denied',
  4: 'object-undefined',
  9: 'object-class-inconsistent',
  11: 'object-unavailable',
  12: 'type-unmatched',
  13: 'scope-of-access-violated',
  14: 'data-block-unavailable',
  15: 'long-action-aborted',
  16: 'no-long-action-in-progress',
  250: 'other-reason',
};

export function dataAccessResultName(result: number): string {
  return DATA_ACCESS_RESULT_NAMES[result] ?? `unknown data-access-result ${result}`;
}

export function actionResultName(result: number): string {
  return ACTION_RESULT_NAMES[result] ?? `unknown action-result ${result}`;
}

function codeFor(result: number): ErrorCode {
  switch (result) {
    case 3: // read-write-denied
    case 13: // scope-of-access-violated
      return 'ACCESS_DENIED';
    case 4: // object-undefined
    case 9: // object-class-inconsistent: the object at that name is not of the class asked for
      return 'OBJECT_UNDEFINED';
    case 12: // type-unmatched
      return 'TYPE_MISMATCH';
    case 14:
    case 15:
    case 16:
    case 17:
    case 18:
    case 19: // block-transfer bookkeeping went out of step
      return 'PROTOCOL';
    default: // hardware-fault, temporary-failure, object-unavailable, other-reason, unknown codes
      return 'REJECTED';
  }
}

/** A typed error for a non-success Data-Access-Result; the standard's name stays in the message. */
export function dataAccessErrorToMeterError(result: number, context?: string): MeterError {
  const name = dataAccessResultName(result);
  return new MeterError(codeFor(result), `The meter answered ${name} (data-access-result ${result})${context ? ` for ${context}` : ''}.`);
}

/** A typed error for a non-success Action-Result. */
export function actionResultToMeterError(result: number, context?: string): MeterError {
  const name = actionResultName(result);
  return new MeterError(codeFor(result), `The meter answered ${name} (action-result ${result})${context ? ` for ${context}` : ''}.`);
}
