import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../../core/errors';
import { fromHex, toHex } from '../hex';
import { decodeAarq, encodeAarq, type Aarq } from './aarq';
import { buildAarq } from './build';
import { aareOutcome, decodeAare, encodeAare } from './aare';
import { decodeOid, encodeOid } from './ber';
import { conformanceFromNames, conformanceNames, hasConformance, LN_CLIENT_CONFORMANCE, SN_CLIENT_CONFORMANCE } from './conformance';
import { decodeInitiateRequest, decodeInitiateResponse, encodeInitiateRequest, encodeInitiateResponse } from './initiate';
import { APPLICATION_CONTEXT, mechanismOid } from './names';
import { decodeRlre, decodeRlrq, encodeRlre, encodeRlrq } from './release';

const LN = APPLICATION_CONTEXT.LN;

describe('xDLMS initiate', () => {
  it('InitiateRequest simple and with dedicated key', () => {
    const simple = decodeInitiateRequest(fromHex('01000000065F1F0400007E1F04B0'));
    expect(simple).toEqual({ proposedDlmsVersion: 6, proposedConformance: 0x7e1f, clientMaxReceivePduSize: 0x4b0 });
    expect(toHex(encodeInitiateRequest(simple))).toBe('01000000065F1F0400007E1F04B0');
    const keyed = decodeInitiateRequest(fromHex('01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0'));
    expect(toHex(keyed.dedicatedKey!)).toBe('00112233445566778899AABBCCDDEEFF');
    expect(toHex(encodeInitiateRequest(keyed))).toBe('01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0');
  });

  it('InitiateResponse default and non-default quality of service', () => {
    expect(decodeInitiateResponse(fromHex('0800065F1F040000501F01F40007'))).toEqual({
      negotiatedDlmsVersion: 6,
      negotiatedConformance: 0x501f,
      serverMaxReceivePduSize: 500,
      vaaName: 7,
    });
    const q = decodeInitiateResponse(fromHex('080100065F1F0400001E1D04C80007'));
    expect(q.negotiatedQualityOfService).toBe(0);
    expect(q.serverMaxReceivePduSize).toBe(0x4c8);
    expect(toHex(encodeInitiateResponse(q))).toBe('080100065F1F0400001E1D04C80007');
  });
});

describe('conformance', () => {
  it('named bits of 0x001E1D and 0x00501F', () => {
    expect(conformanceNames(0x001e1d)).toEqual([
      'block-transfer-with-get-or-read',
      'block-transfer-with-set-or-write',
      'block-transfer-with-action',
      'multiple-references',
      'get',
      'set',
      'selective-access',
      'action',
    ]);
    expect(LN_CLIENT_CONFORMANCE).toBe(0x001e1d);
    expect(SN_CLIENT_CONFORMANCE).toBe(0x1c1b20);
    expect(conformanceNames(0x00501f)).toEqual(['priority-mgmt-supported', 'block-transfer-with-get-or-read', 'get', 'set', 'selective-access', 'event-notification', 'action']);
    expect(conformanceFromNames(['general-protection', 'general-block-transfer', 'read'])).toBe(0x700000);
    expect(hasConformance(0x00007e1f, 'attribute0-supported-with-get')).toBe(true);
    expect(hasConformance(0x00007e1f, 'read')).toBe(false);
  });
});

describe('AARQ', () => {
  it('LN, no security (the HDLC I-frame vector)', () => {
    const bytes = fromHex('601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFF');
    const a = decodeAarq(bytes);
    expect(a).toEqual({
      applicationContextName: LN,
      userInformation: { type: 'initiate-request', value: { proposedDlmsVersion: 6, proposedConformance: 0x1e1d, clientMaxReceivePduSize: 0xffff } },
    });
    expect(toHex(encodeAarq(a))).toBe(toHex(bytes));
  });

  it('LLS with password 12345678 and HLS-GMAC with a client challenge', () => {
    const lls = fromHex('6036A1090607608574050801018A0207808B0760857405080201AC0A80083132333435363738BE10040E01000000065F1F0400007E1F04B0');
    const a = decodeAarq(lls);
    expect(a.authentication).toBe(true);
    expect(a.mechanismName).toBe(mechanismOid(1));
    expect(new TextDecoder().decode(a.callingAuthenticationValue)).toBe('12345678');
    expect(toHex(encodeAarq(a))).toBe(toHex(lls));
    const hls = fromHex('6036A1090607608574050801018A0207808B0760857405080205AC0A80084B35366956616759BE10040E01000000065F1F0400007E1F04B0');
    const h = decodeAarq(hls);
    expect(h.mechanismName).toBe('2.16.756.5.8.2.5');
    expect(toHex(h.callingAuthenticationValue!)).toBe('4B35366956616759');
    expect(toHex(encodeAarq(h))).toBe(toHex(hls));
  });

  it('ciphered LN context with calling-AP-title keeps the glo-initiate-request raw', () => {
    const bytes = fromHex(
      '6066A109060760857405080103A60A04084D4D4D0000BC614E8A0207808B0760857405080201AC0A80083132333435363738BE34043221303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855',
    );
    const a = decodeAarq(bytes);
    expect(a.applicationContextName).toBe(APPLICATION_CONTEXT['LN-ciphered']);
    expect(toHex(a.callingApTitle!)).toBe('4D4D4D0000BC614E');
    expect(a.userInformation?.type).toBe('raw');
    expect(toHex(encodeAarq(a))).toBe(toHex(bytes));
  });

  it('built from fields, with a 2-byte BER length', () => {
    const a: Aarq = {
      applicationContextName: APPLICATION_CONTEXT.SN,
      authentication: true,
      mechanismName: mechanismOid(1),
      callingAuthenticationValue: new Uint8Array(130).fill(0x41),
    };
    const bytes = encodeAarq(a);
    expect(toHex(bytes.subarray(0, 3))).toBe('6081A0');
    expect(decodeAarq(bytes)).toEqual(a);
  });

  it('errors never include the password', () => {
    const lls = fromHex('6036A1090607608574050801018A0207808B0760857405080201AC0A80083132333435363738BE10040E01000000065F1F0400007E1F04B0');
    for (let cut = 0; cut < lls.length; cut++) {
      try {
        decodeAarq(lls.subarray(0, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        expect((e as Error).message).not.toContain('12345678');
        expect((e as Error).message).not.toContain('3132333435363738');
      }
    }
  });
});

describe('AARE', () => {
  it('accepted, no security', () => {
    const bytes = fromHex('6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000501F01F40007');
    const a = decodeAare(bytes);
    expect(a).toEqual({
      applicationContextName: LN,
      result: 0,
      diagnostic: { source: 'user', value: 0 },
      userInformation: { type: 'initiate-response', value: { negotiatedDlmsVersion: 6, negotiatedConformance: 0x501f, serverMaxReceivePduSize: 500, vaaName: 7 } },
    });
    expect(toHex(encodeAare(a))).toBe(toHex(bytes));
    const o = aareOutcome(a);
    expect(o.status).toBe('accepted');
    if (o.status !== 'accepted') throw new Error();
    expect(o.initiateResponse?.serverMaxReceivePduSize).toBe(500);
  });

  it('accepted with conformance 001E1D and max PDU 04C8', () => {
    const a = decodeAare(fromHex('6129a109060760857405080101a203020100a305a103020100be10040e0800065f1f0400001e1d04c80007'));
    const o = aareOutcome(a);
    if (o.status !== 'accepted') throw new Error();
    expect(o.initiateResponse).toEqual({ negotiatedDlmsVersion: 6, negotiatedConformance: 0x1e1d, serverMaxReceivePduSize: 0x4c8, vaaName: 7 });
  });

  it('rejected: application-context-name-not-supported', () => {
    const bytes = fromHex('6129A109060760857405080101A203020101A305A103020102BE10040E0800065F1F040000501F01F40007');
    const a = decodeAare(bytes);
    expect(a.result).toBe(1);
    expect(a.diagnostic).toEqual({ source: 'user', value: 2 });
    expect(toHex(encodeAare(a))).toBe(toHex(bytes));
    const o = aareOutcome(a);
    if (o.status !== 'rejected') throw new Error();
    expect(o.error.code).toBe('REJECTED');
    expect(o.error.message).toContain('rejected-permanent');
    expect(o.error.message).toContain('application-context-name-not-supported');
  });

  it('rejected with a ConfirmedServiceError in user-information (dlms-version-too-low)', () => {
    const bytes = fromHex('611FA109060760857405080101A203020101A305A103020101BE0604040E010601');
    const a = decodeAare(bytes);
    expect(a.userInformation).toEqual({ type: 'confirmed-service-error', value: { type: 'confirmed-service-error', service: 1, errorType: 6, error: 1 } });
    expect(toHex(encodeAare(a))).toBe(toHex(bytes));
    const o = aareOutcome(a);
    if (o.status !== 'rejected') throw new Error();
    expect(o.error.message).toContain('dlms-version-too-low');
    expect(o.diagnostic).toBe('no-reason-given');
  });

  it('HLS-GMAC: authentication-required gives the StoC challenge', () => {
    const bytes = fromHex(
      '6142A109060760857405080101A203020100A305A10302010E88020780890760857405080205AA0A8008503677524A323146BE10040E0800065F1F040000501F01F40007',
    );
    const a = decodeAare(bytes);
    expect(a.authentication).toBe(true);
    expect(a.mechanismName).toBe('2.16.756.5.8.2.5');
    expect(toHex(encodeAare(a))).toBe(toHex(bytes));
    const o = aareOutcome(a);
    if (o.status !== 'challenge') throw new Error(o.status);
    expect(o.mechanism).toBe(5);
    expect(new TextDecoder().decode(o.challenge)).toBe('P6wRJ21F');
    expect(o.initiateResponse?.vaaName).toBe(7);
  });

  it('authentication-failure is AUTH_FAILED; responding-AP-title is the server system title', () => {
    const a = decodeAare(
      encodeAare({
        applicationContextName: APPLICATION_CONTEXT['LN-ciphered'],
        result: 1,
        diagnostic: { source: 'user', value: 13 },
        respondingApTitle: fromHex('4D4D4D0000BC614E'),
      }),
    );
    expect(toHex(a.respondingApTitle!)).toBe('4D4D4D0000BC614E');
    const o = aareOutcome(a);
    if (o.status !== 'rejected') throw new Error();
    expect(o.error.code).toBe('AUTH_FAILED');
    expect(o.error.message).toContain('authentication-failure');
  });

  it('provider diagnostic', () => {
    const bytes = encodeAare({ applicationContextName: LN, result: 2, diagnostic: { source: 'provider', value: 2 } });
    expect(toHex(bytes)).toBe('6117A109060760857405080101A203020102A305A203020102');
    const o = aareOutcome(decodeAare(bytes));
    if (o.status !== 'rejected') throw new Error();
    expect(o.error.message).toContain('no-common-acse-version');
  });
});

describe('RLRQ / RLRE', () => {
  it('simple and with an InitiateResponse', () => {
    expect(decodeRlrq(fromHex('6203800100'))).toEqual({ reason: 0 });
    expect(toHex(encodeRlrq({ reason: 0 }))).toBe('6203800100');
    expect(decodeRlre(fromHex('6303800100'))).toEqual({ reason: 0 });
    const withInit = fromHex('6316800100BE11040F080100065F1F0400001E1D04C80007');
    const r = decodeRlre(withInit);
    expect(r.userInformation).toEqual({
      type: 'initiate-response',
      value: { negotiatedQualityOfService: 0, negotiatedDlmsVersion: 6, negotiatedConformance: 0x1e1d, serverMaxReceivePduSize: 0x4c8, vaaName: 7 },
    });
    expect(toHex(encodeRlre(r))).toBe(toHex(withInit));
  });

  it('ciphered user-information stays raw', () => {
    const bytes = fromHex('6239800100BE34043221303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855');
    const r = decodeRlrq(bytes);
    expect(r.userInformation?.type).toBe('raw');
    expect(toHex(encodeRlrq(r))).toBe(toHex(bytes));
    const rlre = fromHex('6328800100BE230421281F3001234567891214A0845E475714383F65BC19745CA235906525E4F3E1C893');
    expect(toHex(encodeRlre(decodeRlre(rlre)))).toBe(toHex(rlre));
  });
});

describe('BER hardening', () => {
  it('OIDs', () => {
    expect(toHex(encodeOid('2.16.756.5.8.1.1'))).toBe('60857405080101');
    expect(decodeOid(fromHex('60857405080205'))).toBe('2.16.756.5.8.2.5');
    expect(() => decodeOid(fromHex('6085'))).toThrow(ProtocolError);
  });

  it('lying lengths and indefinite forms', () => {
    const code = (hex: string): string => {
      try {
        decodeAare(fromHex(hex));
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        return (e as ProtocolError).code;
      }
    };
    expect(code('6184FFFFFFFF')).toBe('LENGTH');
    expect(code('6180')).toBe('UNSUPPORTED');
    expect(code('6105A10906076085')).toBe('LENGTH');
    expect(code('6100')).toBe('FRAMING');
    expect(code('6003A10100')).toBe('FRAMING');
  });

  const vectors = [
    '6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000501F01F40007',
    '6142A109060760857405080101A203020100A305A10302010E88020780890760857405080205AA0A8008503677524A323146BE10040E0800065F1F040000501F01F40007',
    '611FA109060760857405080101A203020101A305A103020101BE0604040E010601',
    '6036A1090607608574050801018A0207808B0760857405080201AC0A80083132333435363738BE10040E01000000065F1F0400007E1F04B0',
    '6316800100BE11040F080100065F1F0400001E1D04C80007',
  ].map(fromHex);

  it('random and mutated input give a value or a ProtocolError (property)', () => {
    const all = (b: Uint8Array): void => {
      for (const f of [decodeAare, decodeAarq, decodeRlre, decodeRlrq]) {
        try {
          f(b);
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
        }
      }
    };
    fc.assert(
      fc.property(fc.constantFrom(...vectors), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(), (v, edits, cut) => {
        const m = v.slice();
        for (const [at, b] of edits) m[at % m.length] = b;
        all(m);
        all(m.subarray(0, cut % (m.length + 1)));
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.constantFrom(0x60, 0x61, 0x62, 0x63), fc.uint8Array({ maxLength: 60 }), (t, rest) => all(Uint8Array.of(t, ...rest))), { numRuns: 2000 });
  });

  it('AARQ encode -> decode round trip (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(APPLICATION_CONTEXT)),
        fc.option(fc.uint8Array({ minLength: 8, maxLength: 8 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
        fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 0, max: 0xffff }),
        (ctx, st, mech, pw, conf, pdu) => {
          const a: Aarq = {
            applicationContextName: ctx,
            userInformation: { type: 'initiate-request', value: { proposedDlmsVersion: 6, proposedConformance: conf, clientMaxReceivePduSize: pdu } },
          };
          if (st) a.callingApTitle = st;
          if (mech !== undefined) {
            a.authentication = true;
            a.mechanismName = mechanismOid(mech);
          }
          if (pw) a.callingAuthenticationValue = pw;
          const bytes = encodeAarq(a);
          expect(decodeAarq(bytes)).toEqual(a);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('buildAarq', () => {
  it('LN without authentication gives the HDLC I-frame AARQ', () => {
    expect(toHex(encodeAarq(buildAarq({ referencing: 'LN' })))).toBe('601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFF');
  });
  it('LN with LLS gives the Green Book LLS AARQ', () => {
    const a = buildAarq({ referencing: 'LN', mechanism: 1, authenticationValue: new TextEncoder().encode('12345678'), conformance: 0x7e1f, maxReceivePduSize: 0x4b0 });
    expect(toHex(encodeAarq(a))).toBe('6036A1090607608574050801018A0207808B0760857405080201AC0A80083132333435363738BE10040E01000000065F1F0400007E1F04B0');
  });
});
