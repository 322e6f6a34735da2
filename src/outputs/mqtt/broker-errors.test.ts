import { describe, expect, it } from 'vitest';
import { classifyBrokerError, isFinal } from './broker-errors';

const withCode = (code: number | string, message = 'x') => Object.assign(new Error(message), { code });

describe('what a broker error means for the poller', () => {
  it.each([
    [4, 'credentials'],
    [5, 'not-authorised'],
    [0x86, 'credentials'],
    [0x87, 'not-authorised'],
    [2, 'client-refused'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
  ] as const)('%s is final: %s', (code, kind) => {
    const c = classifyBrokerError(withCode(code));
    expect(c.kind).toBe(kind);
    expect(isFinal(c)).toBe(true);
  });

  it.each([3, 0x88, 0x89, 0x97, 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'ECONNRESET'])('%s is an outage: keep spooling, keep trying', (code) => {
    expect(classifyBrokerError(withCode(code)).kind).toBe('outage');
  });

  it('an error without a code is an outage', () => {
    expect(classifyBrokerError(new Error('connack timeout')).kind).toBe('outage');
  });
});
