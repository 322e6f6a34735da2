import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { MeterError, ProtocolError } from '../../../core/errors';
import { decodeApdu } from '../apdu';
import { fromHex, toHex } from '../hex';
import { decodeCipheredApdu, encodeCipheredApdu, cipheredTagFor, plainTagOf, isCipheredTag } from './ciphered-apdu';
import { gcmProtect, gcmUnprotect, gmacTag, securityControlFor } from './gcm';
import { protectApdu, unprotectApdu } from './protect';
import { aesEcbEncrypt, hlsProof, hlsVerify, type HlsParty } from './hls';
import { ecdsaSign, ecdsaVerify, exportPublicPoint, generateEcKeyPair, importPrivateKey, importPublicKey } from './ecdsa';
import { buf } from './bytes';
import { concatKdf, deriveSuiteKey, ecdhSharedSecret } from './kdf';
import { md5 } from '@noble/hashes/legacy.js';

// The Green Book worked examples, as transcribed in shared/fixtures/dlms/VECTORS-curated.txt.
const VECTORS = readFileSync(new URL('../../../../../shared/fixtures/dlms/VECTORS-curated.txt', import.meta.url), 'utf8');
function vectorLine(after: string): string {
  const i = VECTORS.indexOf(after);
  if (i < 0) throw new Error(`fixture line not found: ${after}`);
  return VECTORS.slice(i + after.length).trim().split(/\s+/)[0];
}

const EK = fromHex('000102030405060708090A0B0C0D0E0F');
const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');

describe('Green Book vectors (security suite 0)', () => {
  it('AES-GCM authenticated encryption of a GET request', async () => {
    const expected = vectorLine('-> ciphertext||tag(12)');
    expect(VECTORS).toContain('ST=4D4D4D0000BC614E  IC=01234567');
    const p = { securityControl: 0x30, systemTitle: fromHex('4D4D4D0000BC614E'), invocationCounter: 0x01234567, encryptionKey: EK, authenticationKey: AK };
    const out = await gcmProtect(p, fromHex('C0010000080000010000FF0200'));
    expect(toHex(out)).toBe(expected);
    expect(toHex(await gcmUnprotect(p, out))).toBe('C0010000080000010000FF0200');
    // One flipped bit anywhere: AUTH_FAILED, never garbage.
    const bad = out.slice();
    bad[3] ^= 0x01;
    await expect(gcmUnprotect(p, bad)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(gcmUnprotect({ ...p, authenticationKey: EK }, out)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('HLS-GMAC tag of the server challenge', async () => {
    const expected = vectorLine('-> GMAC tag');
    const stoc = fromHex('503677524A323146');
    const tag = await gmacTag({ securityControl: 0x10, systemTitle: fromHex('4D4D4D0000000001'), invocationCounter: 1, encryptionKey: EK, authenticationKey: AK }, stoc);
    expect(toHex(tag)).toBe(expected);
    // The same through the HLS mechanism 5 proof: SC || IC || tag.
    const client: HlsParty = { mechanism: 5, suite: 0, ownSystemTitle: fromHex('4D4D4D0000000001'), blockCipherKey: EK, authenticationKey: AK };
    const proof = await hlsProof(client, stoc, fromHex('0102030405060708'), 1);
    expect(toHex(proof)).toBe(`1000000001${expected}`);
    const server: HlsParty = { ...client, ownSystemTitle: fromHex('4D4D4D0000BC614E'), peerSystemTitle: fromHex('4D4D4D0000000001') };
    await expect(hlsVerify(server, proof, stoc, fromHex('0102030405060708'))).resolves.toEqual({ invocationCounter: 1 });
  });

  it('general-glo-ciphering DataNotification deciphers to the plain push, and re-ciphers byte for byte', async () => {
    const literal = VECTORS.split('\n').find((l) => l.trim().startsWith('DB082F19'))!.trim();
    // The test literal has one stray 00 after the tag (the fixture notes it): the APDU is the 3B-long content.
    const apdu = fromHex(literal).subarray(0, 10 + 1 + 0x3b);
    const key = new TextEncoder().encode('MYDUMMYGLOBALKEY');
    const { plain, header } = await unprotectApdu(apdu, undefined, { blockCipherKey: key, authenticationKey: key });
    expect(header).toMatchObject({ kind: 'general-glo', securityControl: 0x30, invocationCounter: 0x1e5 });
    expect(toHex(plain)).toBe(vectorLine('-> plain DATA-NOTIFICATION:'));
    expect(decodeApdu(plain).type).toBe('data-notification');
    const again = await protectApdu(
      { kind: 'general-glo', securityControl: 0x30, invocationCounter: 0x1e5, systemTitle: fromHex('2F19229199164103'), keys: { blockCipherKey: key, authenticationKey: key } },
      plain,
    );
    expect(toHex(again)).toBe(toHex(apdu));
  });
});

describe('AES-GCM policies and suites', () => {
  const st = fromHex('4D4D4D0000BC614E');
  it('authentication only keeps the plaintext readable and tags it; encryption only has no tag', async () => {
    const plain = fromHex('C0010000080000010000FF0200');
    const a = await gcmProtect({ securityControl: 0x10, systemTitle: st, invocationCounter: 5, encryptionKey: EK, authenticationKey: AK }, plain);
    expect(toHex(a.subarray(0, plain.length))).toBe(toHex(plain));
    expect(a.length).toBe(plain.length + 12);
    const altered = a.slice();
    altered[2] ^= 4;
    await expect(gcmUnprotect({ securityControl: 0x10, systemTitle: st, invocationCounter: 5, encryptionKey: EK, authenticationKey: AK }, altered)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    const e = await gcmProtect({ securityControl: 0x20, systemTitle: st, invocationCounter: 0x01234567, encryptionKey: EK }, plain);
    expect(e.length).toBe(plain.length);
    // GCM's ciphertext does not depend on the AAD: same bytes as the first 13 of the Green Book output.
    expect(toHex(e)).toBe(vectorLine('-> ciphertext||tag(12)').slice(0, 26));
    expect(toHex(await gcmUnprotect({ securityControl: 0x20, systemTitle: st, invocationCounter: 0x01234567, encryptionKey: EK }, e))).toBe(toHex(plain));
  });
  it('suite 2 uses AES-256', async () => {
    const k32 = new Uint8Array(32).map((_, i) => i);
    const p = { securityControl: securityControlFor('authenticated_encrypted', 2), systemTitle: st, invocationCounter: 9, encryptionKey: k32, authenticationKey: AK };
    expect(p.securityControl).toBe(0x32);
    const c = await gcmProtect(p, fromHex('C001'));
    expect(toHex(await gcmUnprotect(p, c))).toBe('C001');
  });
  it('refuses counters that do not fit 32 bits and compressed APDUs', async () => {
    await expect(gcmProtect({ securityControl: 0x30, systemTitle: st, invocationCounter: 2 ** 32, encryptionKey: EK, authenticationKey: AK }, fromHex('00'))).rejects.toMatchObject({ code: 'PROTOCOL' });
    await expect(gcmProtect({ securityControl: 0xb0, systemTitle: st, invocationCounter: 1, encryptionKey: EK, authenticationKey: AK }, fromHex('00'))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});

describe('ciphered APDU envelopes', () => {
  it('tags: glo-/ded- forms of GET/SET/ACTION and the SN services', () => {
    expect(cipheredTagFor(0xc0, 'glo')).toBe(0xc8);
    expect(cipheredTagFor(0xc7, 'glo')).toBe(0xcf);
    expect(cipheredTagFor(0xc3, 'ded')).toBe(0xd3);
    expect(cipheredTagFor(0x01, 'glo')).toBe(0x21);
    expect(cipheredTagFor(0x08, 'glo')).toBe(0x28);
    expect(cipheredTagFor(0x05, 'ded')).toBe(0x45);
    expect(cipheredTagFor(0xd8, 'glo')).toBeUndefined();
    expect(plainTagOf(0xd4)).toEqual({ plainTag: 0xc4, scheme: 'ded' });
    expect(isCipheredTag(0xdb)).toBe(true);
    expect(isCipheredTag(0xc0)).toBe(false);
  });
  it('glo-get-request of the Green Book example', () => {
    const body = fromHex(vectorLine('-> ciphertext||tag(12)'));
    const bytes = encodeCipheredApdu({ kind: 'glo', tag: 0xc8, securityControl: 0x30, invocationCounter: 0x01234567, payload: body });
    expect(toHex(bytes.subarray(0, 7))).toBe('C81E3001234567');
    expect(decodeCipheredApdu(bytes)).toMatchObject({ kind: 'glo', tag: 0xc8, securityControl: 0x30, invocationCounter: 0x01234567 });
  });
  it('general-ciphering and general-signing are UNSUPPORTED, truncation is LENGTH', () => {
    expect(() => decodeCipheredApdu(fromHex('DD00'))).toThrow(ProtocolError);
    expect(() => decodeCipheredApdu(fromHex('DD00'))).toThrow(/general-ciphering/);
    expect(() => decodeCipheredApdu(fromHex('C8053001'))).toThrow(ProtocolError);
    expect(() => decodeCipheredApdu(fromHex('C80430010203'))).toThrow(expect.objectContaining({ code: 'LENGTH' }));
    expect(() => decodeCipheredApdu(fromHex('C0020000'))).toThrow(expect.objectContaining({ code: 'FRAMING' }));
  });
  it('a length in a longer form than needed is read (found by the property below: 21 81 06 …)', () => {
    const d = decodeCipheredApdu(Uint8Array.from([0x21, 0x81, 0x06, 0, 0, 0, 0, 0, 0]));
    expect(toHex(encodeCipheredApdu(d))).toBe(toHex(Uint8Array.from([0x21, 0x06, 0, 0, 0, 0, 0, 0])));
  });
  it('property: random and mutated input gives a value or a ProtocolError', () => {
    const valid = encodeCipheredApdu({ kind: 'general-ded', tag: 0xdc, systemTitle: fromHex('4D4D4D0000BC614E'), securityControl: 0x31, invocationCounter: 7, payload: fromHex('00112233445566778899AABBCCDD') });
    const check = (b: Uint8Array): void => {
      let d: ReturnType<typeof decodeCipheredApdu>;
      try {
        d = decodeCipheredApdu(b);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        return;
      }
      // A length may come in a longer form than it needs (81 06 for 06): accepted, so the bytes need not
      // come back the same, but what was decoded must survive a round trip.
      expect(decodeCipheredApdu(encodeCipheredApdu(d))).toEqual(d);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => check(b)), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: valid.length }), (i, v, cut) => {
        const m = valid.slice(0, cut === 0 ? valid.length : cut);
        if (i < m.length) m[i] = v;
        check(m);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(0xc8, 0xcc, 0xd0, 0xd4, 0x21, 0x28, 0x45, 0xdb, 0xdc),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 300 }),
        (tag, st, sc, ic, payload) => {
          const kind = tag === 0xdb ? 'general-glo' : tag === 0xdc ? 'general-ded' : plainTagOf(tag)!.scheme;
          const c = { kind, tag, ...(tag >= 0xdb ? { systemTitle: st } : {}), securityControl: sc, invocationCounter: ic, payload } as const;
          expect(decodeCipheredApdu(encodeCipheredApdu(c))).toEqual(c);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('property: unprotectApdu on random and mutated input throws only typed errors', async () => {
    const keys = { blockCipherKey: EK, authenticationKey: AK, dedicatedKey: EK };
    const st = fromHex('4D4D4D0000BC614E');
    const valid = await protectApdu({ kind: 'glo', securityControl: 0x30, invocationCounter: 3, systemTitle: st, keys }, fromHex('C0010000080000010000FF0200'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 60 }), fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
        const m = valid.slice();
        m[i] = v;
        return m;
      })), async (b) => {
        try {
          const { plain } = await unprotectApdu(b, st, keys);
          expect(plain.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('protect/unprotect: ded- needs the dedicated key, the envelope must match the inner tag', async () => {
    const keys = { blockCipherKey: EK, authenticationKey: AK, dedicatedKey: fromHex('00112233445566778899AABBCCDDEEFF') };
    const st = fromHex('4D4D4D0000BC614E');
    const c = await protectApdu({ kind: 'ded', securityControl: 0x30, invocationCounter: 3, systemTitle: st, keys }, fromHex('C0010000080000010000FF0200'));
    expect(c[0]).toBe(0xd0);
    expect(toHex((await unprotectApdu(c, st, keys)).plain)).toBe('C0010000080000010000FF0200');
    await expect(unprotectApdu(c, st, { ...keys, dedicatedKey: EK })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    const wrongEnvelope = c.slice();
    wrongEnvelope[0] = 0xd1;
    await expect(unprotectApdu(wrongEnvelope, st, keys)).rejects.toMatchObject({ code: 'PROTOCOL' });
  });
});

describe('HLS mechanisms', () => {
  const stc = fromHex('4D4D4D0000000001');
  const sts = fromHex('4D4D4D0000BC614E');
  const ctos = fromHex('000102030405060708090A0B0C0D0E0F');
  const stoc = fromHex('503677524A323146503677524A323146');
  const secret = new TextEncoder().encode('0123456789ABCDEF');

  it('mechanism 3 and 4 follow H(challenge || secret); 6 binds both system titles and both challenges', async () => {
    const c3 = await hlsProof({ mechanism: 3, suite: 0, secret }, stoc, ctos);
    expect(toHex(c3)).toBe(toHex(md5(new Uint8Array([...stoc, ...secret]))));
    const c4 = await hlsProof({ mechanism: 4, suite: 0, secret }, stoc, ctos);
    const sha1 = new Uint8Array(await crypto.subtle.digest('SHA-1', new Uint8Array([...stoc, ...secret])));
    expect(toHex(c4)).toBe(toHex(sha1));
    const c6 = await hlsProof({ mechanism: 6, suite: 0, secret, ownSystemTitle: stc, peerSystemTitle: sts }, stoc, ctos);
    const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...secret, ...stc, ...sts, ...stoc, ...ctos])));
    expect(toHex(c6)).toBe(toHex(sha256));
  });

  it('mechanism 2 is AES-ECB of the challenge with the secret (FIPS-197 example)', async () => {
    const out = await aesEcbEncrypt(fromHex('000102030405060708090A0B0C0D0E0F'), fromHex('00112233445566778899AABBCCDDEEFF'));
    expect(toHex(out)).toBe('69C4E0D86A7B0430D8CDB78070B4C55A');
    await expect(aesEcbEncrypt(new Uint8Array(5), ctos)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  for (const mechanism of [2, 3, 4, 5, 6] as const) {
    it(`mechanism ${mechanism}: each side verifies the other, a wrong secret is AUTH_FAILED`, async () => {
      const base = { mechanism, suite: 0 as const, secret, blockCipherKey: EK, authenticationKey: AK };
      const client: HlsParty = { ...base, ownSystemTitle: stc, peerSystemTitle: sts };
      const server: HlsParty = { ...base, ownSystemTitle: sts, peerSystemTitle: stc };
      const fStoC = await hlsProof(client, stoc, ctos, 11);
      await hlsVerify(server, fStoC, stoc, ctos);
      const fCtoS = await hlsProof(server, ctos, stoc, 22);
      await hlsVerify(client, fCtoS, ctos, stoc);
      const wrong: HlsParty = { ...server, secret: new TextEncoder().encode('0123456789ABCDEX'), authenticationKey: EK };
      await expect(hlsVerify(wrong, fStoC, stoc, ctos)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    });
  }

  for (const suite of [1, 2] as const) {
    it(`mechanism 7 with suite ${suite}: ECDSA both ways, a foreign key is AUTH_FAILED`, async () => {
      const ck = await generateEcKeyPair(suite);
      const sk = await generateEcKeyPair(suite);
      const other = await generateEcKeyPair(suite);
      const client: HlsParty = { mechanism: 7, suite, ownSystemTitle: stc, peerSystemTitle: sts, signingKey: ck.privateKey, peerPublicKey: sk.publicKey };
      const server: HlsParty = { mechanism: 7, suite, ownSystemTitle: sts, peerSystemTitle: stc, signingKey: sk.privateKey, peerPublicKey: ck.publicKey };
      const fStoC = await hlsProof(client, stoc, ctos);
      expect(fStoC.length).toBe(suite === 1 ? 64 : 96);
      await hlsVerify(server, fStoC, stoc, ctos);
      await hlsVerify(client, await hlsProof(server, ctos, stoc), ctos, stoc);
      await expect(hlsVerify({ ...server, peerPublicKey: other.publicKey }, fStoC, stoc, ctos)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      await expect(hlsVerify(server, fStoC.subarray(1), stoc, ctos)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    });
  }
});

describe('ECDSA key import and key agreement', () => {
  it('imports PEM PKCS#8 / SPKI and hex raw keys; signatures verify across forms', async () => {
    for (const suite of [1, 2] as const) {
      const pair = await generateEcKeyPair(suite);
      const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
      const pem = (label: string, der: Uint8Array) => `-----BEGIN ${label}-----\n${btoa(String.fromCharCode(...der)).replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;
      const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
      const scalar = Uint8Array.from(atob(jwk.d!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const point = await exportPublicPoint(pair.publicKey);
      const privs = [await importPrivateKey(pem('PRIVATE KEY', pkcs8), suite), await importPrivateKey(toHex(scalar), suite), await importPrivateKey(toHex(pkcs8), suite)];
      const pubs = [await importPublicKey(pem('PUBLIC KEY', spki), suite), await importPublicKey(toHex(point), suite), await importPublicKey(toHex(point.subarray(1)), suite)];
      const data = fromHex('0102030405');
      for (const k of privs) {
        const sig = await ecdsaSign(k, suite, data);
        for (const p of pubs) expect(await ecdsaVerify(p, suite, data, sig)).toBe(true);
      }
    }
    await expect(importPrivateKey('zz', 1)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(importPublicKey('04' + '00'.repeat(64), 1)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(importPrivateKey('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----', 1)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('ECDH + concatenation KDF: both parties derive the same suite key', async () => {
    for (const suite of [1, 2] as const) {
      const a = await generateEcKeyPair(suite, 'ecdh');
      const b = await generateEcKeyPair(suite, 'ecdh');
      const za = await ecdhSharedSecret(a.privateKey, b.publicKey, suite);
      const zb = await ecdhSharedSecret(b.privateKey, a.publicKey, suite);
      expect(toHex(za)).toBe(toHex(zb));
      const ka = await deriveSuiteKey(za, suite, fromHex('4D4D4D0000000001'), fromHex('4D4D4D0000BC614E'));
      const kb = await deriveSuiteKey(zb, suite, fromHex('4D4D4D0000000001'), fromHex('4D4D4D0000BC614E'));
      expect(ka.length).toBe(suite === 1 ? 16 : 32);
      expect(toHex(ka)).toBe(toHex(kb));
    }
  });

  it('concatenation KDF: first block is H(00000001 || Z || OtherInfo), longer outputs continue with counter 2', async () => {
    const z = fromHex('0102');
    const info = fromHex('AA');
    const one = new Uint8Array(await crypto.subtle.digest('SHA-256', buf(fromHex('00000001' + '0102' + 'AA'))));
    const two = new Uint8Array(await crypto.subtle.digest('SHA-256', buf(fromHex('00000002' + '0102' + 'AA'))));
    expect(toHex(await concatKdf('SHA-256', z, info, 128))).toBe(toHex(one).slice(0, 32));
    expect(toHex(await concatKdf('SHA-256', z, info, 384))).toBe(toHex(one) + toHex(two).slice(0, 32));
  });
});
