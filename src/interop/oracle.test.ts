import { describe, expect, it } from 'vitest';
import type { DlmsData } from '../protocols/dlms/axdr/types';
import { decodeInitiateRequest, decodeInitiateResponse } from '../protocols/dlms/acse/initiate';
import { decodeObjectListLN } from '../protocols/cosem/object-list';
import { hlsVerify, type HlsParty } from '../protocols/dlms/security/hls';
import { unprotectApdu } from '../protocols/dlms/security/protect';
import { PEER_SECURITY, peerRecording, peerText, type PeerSession } from './fixtures';
import { parseRecording, printedAttributes } from './recording';
import { decodeRecordedSession, type DecodedMessage } from './session-decode';
import { decodeFrame } from '../protocols/hdlc/frame';
import { decodeParameters } from '../protocols/hdlc/params';
import { decodeIdentification, decodeOptionSelect, decodeRequest } from '../protocols/iec62056-21/messages';
import { baudFromChar } from '../protocols/iec62056-21/baud';
import {
  PEER_CLASS_IDS,
  captureObjectsPrinted,
  dateTimeToSecond,
  printedDateTimeToSecond,
  printedProfileRows,
  printedScalerUnitFacts,
  profileRowsPrinted,
  scalerUnitFacts,
  spacedHex,
} from './printed-form';

// The decoding oracle: sessions recorded between another project's DLMS/COSEM client and server
// (../shared/fixtures/dlms-peer) decoded with our codecs, and our decode compared with what that
// client printed. A disagreement is either ours to fix or the peer's defect, named here one by one.

const keys = { blockCipherKey: PEER_SECURITY.blockCipherKey, authenticationKey: PEER_SECURITY.authenticationKey };
const decode = (name: PeerSession) => decodeRecordedSession(peerRecording(name), { keys, clientSystemTitle: PEER_SECURITY.clientSystemTitle });
const SESSIONS: PeerSession[] = ['ln-hdlc-none', 'ln-hdlc-low', 'ln-wrapper-highgmac', 'ln-wrapper-high-short-secret'];
const CLOCK_REQUEST = 'C001C100080000010000FF0200';

/** The GET request a decoded answer belongs to: the last request before it, as plain bytes in hex. */
function requestBefore(all: DecodedMessage[], i: number): string | undefined {
  for (let j = i - 1; j >= 0; j--) if (all[j].dir === 'tx' && all[j].plain) return Buffer.from(all[j].plain ?? []).toString('hex').toUpperCase();
  return undefined;
}

/** Every complete GET answer with the attribute it answers, in order. */
function reads(all: DecodedMessage[]): { line: number; obis: string; attribute: number; data: DlmsData }[] {
  const out: { line: number; obis: string; attribute: number; data: DlmsData }[] = [];
  let asked: { obis: string; attribute: number } | undefined;
  for (const m of all) {
    if (m.dir === 'tx' && m.apdu?.kind === 'xdlms' && m.apdu.value.type === 'get-request-normal') {
      const a = m.apdu.value.attribute;
      asked = { obis: Array.from(a.obis).join('.'), attribute: a.attributeId };
    }
    if (m.dir === 'rx' && m.data && asked) out.push({ line: m.line, ...asked, data: m.data });
  }
  return out;
}

describe('decoding oracle: every recorded frame through our codecs', () => {
  it.each(SESSIONS)('%s: every frame and APDU decodes; the only refusals are the peer defects named here', async (name) => {
    const all = await decode(name);
    expect(all.length).toBeGreaterThan(10);
    const refused = all.filter((m) => m.error).map((m) => ({ dir: m.dir, code: m.error?.code, request: requestBefore(all, all.indexOf(m)) }));
    const expected: { dir: string; code: string; request: string | undefined }[] = [];
    // Peer defect 1: its Clock answer carries 18 bytes after the value (the server writes part of the
    // value again). We refuse the APDU (LENGTH): a value followed by bytes nobody can explain is not a
    // good reading. Its recording client ignores them.
    if (name !== 'ln-wrapper-high-short-secret') expected.push({ dir: 'rx', code: 'LENGTH', request: CLOCK_REQUEST });
    // Peer defect 2: in the ciphered association its RLRE's BER lengths are short by 1 ([30]) and 4
    // (the RLRE): see the RLRE test below. Release tolerance takes it as a finished release.
    if (name === 'ln-wrapper-highgmac') expected.push({ dir: 'rx', code: 'LENGTH', request: '6228800100BE230421211F30000007E072AE535783241DF162ED51A57CAA6FCD08A132CC9F11779BDEC2' });
    expect(refused).toEqual(expected);
    // Everything else the server said is a whole APDU we understood.
    const rx = all.filter((m) => m.dir === 'rx');
    expect(rx.filter((m) => m.frames.length > 0 || name.includes('wrapper')).length).toBe(rx.length);
  });

  it('HDLC: segmented answers reassemble into the whole association view (1.0 kB over 4-5 frames a block)', async () => {
    for (const name of ['ln-hdlc-none', 'ln-hdlc-low'] as const) {
      const all = await decode(name);
      const segmentedMessages = all.filter((m) => m.frames.length > 1);
      expect(segmentedMessages.length).toBeGreaterThanOrEqual(8);
      for (const m of segmentedMessages) expect(m.frames.slice(0, -1).every((f) => f.segmented)).toBe(true);
    }
  });

  it('the duplicated last profile block (low session) decodes once, and the profile is whole', async () => {
    const all = await decode('ln-hdlc-low');
    const profile = reads(all).filter((r) => r.obis === '1.0.99.98.0.255' && r.attribute === 2);
    expect(profile).toHaveLength(1);
    expect(profile[0].data.type === 'array' && profile[0].data.items.length).toBe(8);
  });

  it('HighGmac: every ciphered APDU deciphers with the README keys and its GCM tag checks, AARQ to RLRE', async () => {
    const all = await decode('ln-wrapper-highgmac');
    const ciphered = all.filter((m) => m.apdu?.kind === 'xdlms' && m.apdu.ciphered);
    expect(ciphered.length).toBe(25);
    const aarq = all.find((m) => m.apdu?.kind === 'aarq');
    const aare = all.find((m) => m.apdu?.kind === 'aare');
    if (aarq?.apdu?.kind !== 'aarq' || aare?.apdu?.kind !== 'aare') throw new Error('no AARQ/AARE');
    const serverTitle = aare.apdu.value.respondingApTitle;
    expect(Buffer.from(serverTitle ?? []).toString()).toBe('ABCDEFGH');
    // The initiate request and response ride glo-ciphered in user-information.
    const uiReq = aarq.apdu.value.userInformation;
    const uiRes = aare.apdu.value.userInformation;
    if (uiReq?.type !== 'raw' || uiRes?.type !== 'raw') throw new Error('user-information is not ciphered');
    const req = decodeInitiateRequest((await unprotectApdu(uiReq.bytes, PEER_SECURITY.clientSystemTitle, keys)).plain);
    const res = decodeInitiateResponse((await unprotectApdu(uiRes.bytes, serverTitle, keys)).plain);
    expect(req.proposedConformance).toBeDefined();
    expect(res.serverMaxReceivePduSize).toBeGreaterThan(0);
    // HLS-GMAC both ways: the client's f(StoC) and the server's f(CtoS) verify with the keys.
    const ctos = aarq.apdu.value.callingAuthenticationValue;
    const stoc = aare.apdu.value.respondingAuthenticationValue;
    if (!ctos || !stoc || !serverTitle) throw new Error('no challenges');
    const proofs = all.flatMap((m) => {
      if (m.apdu?.kind !== 'xdlms') return [];
      const a = m.apdu.value;
      if (a.type === 'action-request-normal' && a.parameters?.type === 'octet-string') return [a.parameters.value];
      if (a.type === 'action-response-normal' && a.returnParameters?.type === 'data' && a.returnParameters.value.type === 'octet-string') return [a.returnParameters.value.value];
      return [];
    });
    expect(proofs).toHaveLength(2);
    const client: HlsParty = { mechanism: 5, suite: 0, ownSystemTitle: PEER_SECURITY.clientSystemTitle, peerSystemTitle: serverTitle, ...keys };
    const server: HlsParty = { mechanism: 5, suite: 0, ownSystemTitle: serverTitle, peerSystemTitle: PEER_SECURITY.clientSystemTitle, ...keys };
    await expect(hlsVerify(server, proofs[0], stoc, ctos)).resolves.toBeDefined();
    await expect(hlsVerify(client, proofs[1], ctos, stoc)).resolves.toBeDefined();
    // A flipped bit in either proof fails.
    const bad = proofs[1].slice();
    bad[bad.length - 1] ^= 1;
    await expect(hlsVerify(client, bad, ctos, stoc)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it("HighGmac RLRE: the peer's BER lengths are short, and its ciphered initiate-response inside still checks", async () => {
    const all = await decode('ln-wrapper-highgmac');
    const rlre = all[all.length - 1];
    expect(rlre.error?.code).toBe('LENGTH');
    const plain = rlre.plain ?? new Uint8Array();
    // 63 24 | 80 01 00 | BE 22 | 04 21 | <33 bytes glo-initiateResponse>: [30] holds 35 bytes and the
    // RLRE 40, not 34 and 36 as written. The standard's BER lengths count every content byte.
    expect(Array.from(plain.subarray(0, 9))).toEqual([0x63, 0x24, 0x80, 0x01, 0x00, 0xbe, 0x22, 0x04, 0x21]);
    expect(plain.length).toBe(2 + 3 + 2 + 2 + 0x21);
    const aare = all.find((m) => m.apdu?.kind === 'aare');
    const title = aare?.apdu?.kind === 'aare' ? aare.apdu.value.respondingApTitle : undefined;
    const inner = await unprotectApdu(plain.subarray(9, 9 + 0x21), title, keys);
    expect(inner.plain[0]).toBe(0x08);
  });

  it('mode E: sign-on, identification without \\2, ACK 2 5 2 echoed, then HDLC frames at 9600', () => {
    const m = peerRecording('mode-e-handshake').messages;
    expect(m.map((x) => x.dir)).toEqual(['tx', 'rx', 'tx', 'rx', 'tx', 'rx', 'tx', 'rx']);
    expect(decodeRequest(m[0].bytes)).toEqual({ address: '' });
    const id = decodeIdentification(m[1].bytes);
    expect(id).toMatchObject({ manufacturer: 'GRX', baudChar: '5', modeE: false, ident: '12345678' });
    expect(baudFromChar(id.baudChar)).toBe(9600);
    expect(decodeOptionSelect(m[2].bytes)).toEqual({ protocol: '2', baudChar: '5', mode: '2' });
    // The server sends the ACK back unchanged, like an optical head's echo.
    expect(Array.from(m[3].bytes)).toEqual(Array.from(m[2].bytes));
    const frames = m.slice(4).map((x) => decodeFrame(x.bytes));
    expect(frames.map((f) => f.type)).toEqual(['SNRM', 'UA', 'DISC', 'UA']);
    expect(frames[1].src).toEqual({ value: 1, size: 1 });
    expect(decodeParameters(frames[1].info)).toMatchObject({ maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 });
  });

  it("High with the 5-character secret: the server's f(CtoS) is AES-128 of CtoS under the zero-padded secret", async () => {
    const all = await decode('ln-wrapper-high-short-secret');
    const aarq = all.find((m) => m.apdu?.kind === 'aarq');
    const aare = all.find((m) => m.apdu?.kind === 'aare');
    if (aarq?.apdu?.kind !== 'aarq' || aare?.apdu?.kind !== 'aare') throw new Error('no AARQ/AARE');
    const ctos = aarq.apdu.value.callingAuthenticationValue;
    const stoc = aare.apdu.value.respondingAuthenticationValue;
    const response = all.find((m) => m.apdu?.kind === 'xdlms' && m.apdu.value.type === 'action-response-normal');
    const a = response?.apdu?.kind === 'xdlms' ? response.apdu.value : undefined;
    if (a?.type !== 'action-response-normal' || a.returnParameters?.type !== 'data' || a.returnParameters.value.type !== 'octet-string' || !ctos || !stoc) {
      throw new Error('no HLS answer');
    }
    const client: HlsParty = { mechanism: 2, suite: 0, secret: new TextEncoder().encode(PEER_SECURITY.highSecret) };
    await expect(hlsVerify(client, a.returnParameters.value.value, ctos, stoc)).resolves.toBeDefined();
  });
});

describe("decoding oracle: our decode says what the peer's client printed", () => {
  it('the association view: every object of the dump, with its class, from the recorded bytes', async () => {
    const dump = printedAttributes(parseRecording(peerText('ln-hdlc-low-object-dump')));
    const printedList = dump.find((p) => p.obis === '0.0.40.0.0.255' && p.attribute === 2)?.value ?? '';
    const printed = printedList.replace(/^\[|\]$/g, '').split(', ');
    expect(printed.length).toBe(52);
    for (const name of ['ln-hdlc-none', 'ln-hdlc-low', 'ln-wrapper-highgmac', 'ln-wrapper-high-short-secret'] as const) {
      const view = reads(await decode(name)).find((r) => r.obis === '0.0.40.0.0.255' && r.attribute === 2);
      if (!view) throw new Error(`${name}: no association view`);
      const ours = decodeObjectListLN(view.data).map((e) => {
        const cls = Object.entries(PEER_CLASS_IDS).find(([, id]) => id === e.classId)?.[0] ?? `class ${e.classId}`;
        return `${cls} ${e.obis}`;
      });
      // The server lists the association object of the client's own level second (0.0.40.0.1.255 for
      // None, .2 for Low, .3 for High, ...); the dump was taken by the Low client.
      if (name === 'ln-hdlc-low') expect(ours).toEqual(printed);
      else expect(ours.filter((_, i) => i !== 1)).toEqual(printed.filter((_, i) => i !== 1));
      expect(ours[1]).toMatch(/^AssociationLogicalName 0\.0\.40\.0\.\d\.255$/);
    }
    // The two objects the class guess gets wrong on this server (issue 11, finding 2).
    expect(printed).toContain('ImageTransfer 0.0.44.0.0.255');
    expect(printed).toContain('Register 1.1.21.25.0.255');
  });

  // ln-hdlc-none prints only the Clock, whose answer we refuse (see the Clock test below).
  const PRINTED_READS: [PeerSession, number][] = [['ln-hdlc-low', 7], ['ln-wrapper-highgmac', 1], ['ln-wrapper-high-short-secret', 4]];
  it.each(PRINTED_READS)('%s: each attribute read on the wire decodes to what the client printed after it', async (name, expectedComparisons) => {
    const all = await decode(name);
    const got = reads(all);
    const printed = printedAttributes(peerRecording(name));
    let compared = 0;
    for (const p of printed) {
      const read = got.filter((r) => r.obis === p.obis && r.attribute === p.attribute && r.line < p.line).pop();
      if (!read) continue; // printed from nothing read (the client prints its defaults)
      compared++;
      const d = read.data;
      const where = `${name} ${p.className} ${p.obis}:${p.attribute}`;
      if (p.value.startsWith('Scaler:')) expect(scalerUnitFacts(d), where).toEqual(printedScalerUnitFacts(p.value));
      else if (p.className === 'ProfileGeneric' && p.attribute === 3) expect(captureObjectsPrinted(d), where).toBe(p.value);
      else if (p.className === 'ProfileGeneric' && p.attribute === 2) expect(profileRowsPrinted(d), where).toEqual(printedProfileRows(p.value));
      else if (d.type === 'octet-string' && d.value.length === 12 && /^\d\d\//.test(p.value)) expect(dateTimeToSecond(d.value), where).toBe(printedDateTimeToSecond(p.value));
      else if (d.type === 'octet-string') expect(spacedHex(d.value), where).toBe(p.value);
      else if ('value' in d && (typeof d.value === 'number' || typeof d.value === 'bigint')) expect(String(d.value), where).toBe(p.value);
      else throw new Error(`${where}: no comparison for ${d.type}`);
    }
    expect(compared).toBe(expectedComparisons);
  });

  it("the refused Clock answer: its first value is the time the client printed (we refuse the 18 bytes after it)", async () => {
    for (const name of ['ln-hdlc-none', 'ln-hdlc-low', 'ln-wrapper-highgmac'] as const) {
      const all = await decode(name);
      const clock = all.find((m) => m.error && requestBefore(all, all.indexOf(m)) === CLOCK_REQUEST);
      const printed = printedAttributes(peerRecording(name)).find((p) => p.obis === '0.0.1.0.0.255' && p.attribute === 2);
      if (!clock?.plain || !printed) throw new Error(`${name}: no clock read`);
      // C4 01 C1 00 | 09 0C <12 bytes> | 18 more bytes
      expect(Array.from(clock.plain.subarray(4, 6))).toEqual([0x09, 0x0c]);
      expect(clock.plain.length - 18).toBe(6 + 12);
      expect(dateTimeToSecond(clock.plain.subarray(6, 18))).toBe(printedDateTimeToSecond(printed.value));
    }
  });

  it('a mutated server frame is refused with a typed error, never decoded into another value', async () => {
    const rec = peerRecording('ln-hdlc-low');
    const i = rec.messages.findIndex((m) => m.dir === 'rx' && m.bytes.length === 0x13 + 2);
    const bytes = rec.messages[i].bytes.slice();
    bytes[bytes.length - 4] ^= 0x01; // inside the value, FCS now wrong
    rec.messages[i] = { ...rec.messages[i], bytes };
    const all = await decodeRecordedSession(rec);
    expect(all[i].error?.code).toBe('CHECKSUM');
    expect(all[i].data).toBeUndefined();
  });
});
