import { MeterError, ProtocolError, type ErrorCode } from '../../../core/errors';
import type { AxdrReader } from '../axdr/reader';
import type { AxdrWriter } from '../axdr/writer';
import { checkU32, checkU8 } from './common';
import { ApduTag, type ConfirmedServiceError, type ExceptionResponse } from './types';

/** exception-response and ConfirmedServiceError: the two ways a server refuses a whole request. */

export const STATE_ERROR_NAMES: Record<number, string> = { 1: 'service-not-allowed', 2: 'service-unknown' };
export const EXCEPTION_SERVICE_ERROR_NAMES: Record<number, string> = {
  1: 'operation-not-possible',
  2: 'service-not-supported',
  3: 'other-reason',
  4: 'pdu-too-long',
  5: 'deciphering-error',
  6: 'invocation-counter-error',
};

export function readExceptionResponse(r: AxdrReader): ExceptionResponse {
  const stateError = r.u8('state-error');
  const serviceError = r.u8('service-error');
  if (serviceError === 6) return { type: 'exception-response', stateError, serviceError, invocationCounter: r.u32('invocation-counter') };
  return { type: 'exception-response', stateError, serviceError };
}

export function writeExceptionResponse(w: AxdrWriter, a: ExceptionResponse): void {
  w.u8(ApduTag['exception-response']).u8(checkU8(a.stateError, 'state-error')).u8(checkU8(a.serviceError, 'service-error'));
  if (a.serviceError === 6) w.u32(checkU32(a.invocationCounter ?? 0, 'invocation-counter'));
}

export function exceptionResponseToMeterError(a: ExceptionResponse): MeterError {
  const state = STATE_ERROR_NAMES[a.stateError] ?? `state-error ${a.stateError}`;
  const service = EXCEPTION_SERVICE_ERROR_NAMES[a.serviceError] ?? `service-error ${a.serviceError}`;
  const code: ErrorCode = a.stateError === 2 || a.serviceError === 2 ? 'UNSUPPORTED' : 'REJECTED';
  const counter = a.invocationCounter !== undefined ? ` (expected invocation counter ${a.invocationCounter})` : '';
  return new MeterError(code, `The meter answered exception-response ${state} / ${service}${counter}.`);
}

export const CONFIRMED_SERVICE_NAMES: Record<number, string> = {
  1: 'initiateError',
  2: 'getStatus',
  3: 'getNameList',
  4: 'getVariableAttribute',
  5: 'read',
  6: 'write',
  7: 'getDataSetAttribute',
  8: 'getTIAttribute',
  9: 'changeScope',
  10: 'start',
  11: 'stop',
  12: 'resume',
  13: 'makeUsable',
  14: 'initiateLoad',
  15: 'loadSegment',
  16: 'terminateLoad',
  17: 'initiateUpLoad',
  18: 'upLoadSegment',
  19: 'terminateUpLoad',
};

/** ServiceError CHOICE: [choice name, value names]. */
export const SERVICE_ERROR_NAMES: Record<number, [string, string[]]> = {
  0: ['application-reference', ['other', 'time-elapsed', 'application-unreachable', 'application-reference-invalid', 'application-context-unsupported', 'provider-communication-error', 'deciphering-error']],
  1: ['hardware-resource', ['other', 'memory-unavailable', 'processor-resource-unavailable', 'mass-storage-unavailable', 'other-resource-unavailable']],
  2: ['vde-state-error', ['other', 'no-dlms-context', 'loading-data-set', 'status-nochange', 'status-inoperable']],
  3: ['service', ['other', 'pdu-size', 'service-unsupported']],
  4: ['definition', ['other', 'object-undefined', 'object-class-inconsistent', 'object-attribute-inconsistent']],
  5: ['access', ['other', 'scope-of-access-violated', 'object-access-violated', 'hardware-fault', 'object-unavailable']],
  6: ['initiate', ['other', 'dlms-version-too-low', 'incompatible-conformance', 'pdu-size-too-short', 'refused-by-the-VDE-Handler']],
  7: ['load-data-set', ['other', 'primitive-out-of-sequence', 'not-loadable', 'dataset-size-too-large', 'not-awaited-segment', 'interpretation-failure', 'storage-failure', 'data-set-not-ready']],
  8: ['change-scope', ['other']],
  9: ['task', ['other', 'no-remote-control', 'ti-stopped', 'ti-running', 'ti-unusable']],
  10: ['other', ['other']],
};

/** Reads a ConfirmedServiceError body (after its 0x0E tag). */
export function readConfirmedServiceError(r: AxdrReader): ConfirmedServiceError {
  const service = r.u8('ConfirmedServiceError choice');
  const errorType = r.u8('ServiceError choice');
  if (SERVICE_ERROR_NAMES[errorType] === undefined) {
    throw new ProtocolError('FRAMING', `ServiceError choice ${errorType} is not defined.`);
  }
  const error = r.u8('ServiceError value');
  return { type: 'confirmed-service-error', service, errorType, error };
}

export function writeConfirmedServiceError(w: AxdrWriter, a: ConfirmedServiceError): void {
  w.u8(ApduTag['confirmed-service-error']).u8(checkU8(a.service, 'service')).u8(checkU8(a.errorType, 'ServiceError choice')).u8(checkU8(a.error, 'ServiceError value'));
}

export function describeConfirmedServiceError(a: ConfirmedServiceError): string {
  const service = CONFIRMED_SERVICE_NAMES[a.service] ?? `service ${a.service}`;
  const [kind, values] = SERVICE_ERROR_NAMES[a.errorType] ?? [`error-type ${a.errorType}`, []];
  return `${service}: ${kind} / ${values[a.error] ?? `value ${a.error}`}`;
}

export function confirmedServiceErrorToMeterError(a: ConfirmedServiceError): MeterError {
  let code: ErrorCode = 'REJECTED';
  if (a.errorType === 4 && (a.error === 1 || a.error === 2)) code = 'OBJECT_UNDEFINED';
  else if (a.errorType === 5 && (a.error === 1 || a.error === 2)) code = 'ACCESS_DENIED';
  else if (a.errorType === 3 && a.error === 2) code = 'UNSUPPORTED';
  return new MeterError(code, `The meter answered confirmed-service-error ${describeConfirmedServiceError(a)}.`);
}
