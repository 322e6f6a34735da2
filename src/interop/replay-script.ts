import { ProtocolError } from '../core/errors';
import { encodeApdu } from '../protocols/dlms/apdu/apdu';
import type { Apdu, AttributeDescriptor } from '../protocols/dlms/apdu/types';
import type { Aarq } from '../protocols/dlms/acse/aarq';
import { decodeAare, type Aare } from '../protocols/dlms/acse/aare';
import { decodeObjectListLN } from '../protocols/cosem/object-list';
import type { Recording } from './recording';
import { decodeRecordedSession, type DecodeOptions } from './session-decode';

/**
 * What the replay peer knows: every answer the recorded server gave, keyed by the request it answered
 * (by content: service, class, logical name, attribute or method, block number; never by position in
 * the session), with the HDLC segmentation the server used. Built from one or more recordings of the
 * same server; the first recording's answers win, later ones only fill gaps (a GET the first session
 * never made). Pure apart from the deciphering of ciphered recordings.
 */

export interface RecordedAnswer {
  /** The plain APDU the server sent (deciphered when the recording had it ciphered). */
  plain: Uint8Array;
  /** Sizes of the HDLC information fields it came in (LLC included); empty on the wrapper. */
  segments: number[];
  /** Recording line, for messages that name where an answer came from. */
  line: number;
  source: string;
}

export interface ReplayScript {
  /** Answers by request key; a key asked more often than recorded gets the last answer again. */
  answers: Map<string, RecordedAnswer[]>;
  /** AAREs by AARQ key (application context and mechanism). */
  associations: Map<string, { aare: Aare; plain: Uint8Array; answer: RecordedAnswer }>;
  /** The server's objects: logical name to class id, from the recorded association view. */
  objects: Map<string, number>;
  /** The recorded HDLC UA answering SNRM (information field), and the UA answering DISC. */
  snrmUa?: Uint8Array;
  discUa?: Uint8Array;
  /** The server's HDLC address value as it answers (any size the client uses is accepted). */
  serverAddressValue?: number;
}

const obisText = (b: Uint8Array) => Array.from(b).join('.');
const attributeKey = (a: AttributeDescriptor) => `${a.classId}/${obisText(a.obis)}/${a.attributeId}`;

export function aarqKey(a: Aarq): string {
  return `aarq:${a.applicationContextName}:${a.mechanismName ?? 'none'}`;
}

/**
 * The key of a plain request. `lastLong` is the key of the GET whose answer is being sent in blocks
 * (a get-request-next names only the block number).
 */
export function requestKey(apdu: Apdu, lastLong: string | undefined): string | undefined {
  switch (apdu.type) {
    case 'get-request-normal':
      return `get:${attributeKey(apdu.attribute)}${apdu.access ? `?${apdu.access.selector}` : ''}`;
    case 'get-request-next':
      return lastLong === undefined ? undefined : `${lastLong}#${apdu.blockNumber}`;
    case 'action-request-normal':
      return `action:${apdu.method.classId}/${obisText(apdu.method.obis)}/${apdu.method.methodId}`;
    case 'set-request-normal':
      return `set:${attributeKey(apdu.attribute)}`;
    default:
      return undefined;
  }
}

function push(map: Map<string, RecordedAnswer[]>, key: string, a: RecordedAnswer, primary: boolean, seen: Set<string>): void {
  // A later recording fills gaps only: it never adds answers to a key the first one has.
  if (!primary && seen.has(key)) return;
  const list = map.get(key) ?? [];
  list.push(a);
  map.set(key, list);
}

export async function buildReplayScript(recordings: { name: string; recording: Recording }[], opts: DecodeOptions = {}): Promise<ReplayScript> {
  const script: ReplayScript = { answers: new Map(), associations: new Map(), objects: new Map() };
  for (const [index, { name, recording }] of recordings.entries()) {
    const primary = index === 0;
    const seenBefore = new Set(script.answers.keys());
    const decoded = await decodeRecordedSession(recording, opts);
    let pendingKey: string | undefined;
    let pendingAarq: string | undefined;
    let lastLong: string | undefined;
    let lastFrameTx: string | undefined;
    for (const m of decoded) {
      if (recording.link === 'hdlc' && m.frames.length > 0) {
        const last = m.frames[m.frames.length - 1];
        if (m.dir === 'tx') lastFrameTx = last.type;
        if (m.dir === 'rx' && last.type === 'UA') {
          if (lastFrameTx === 'SNRM' && !script.snrmUa) script.snrmUa = last.info;
          if (lastFrameTx === 'DISC' && !script.discUa) script.discUa = last.info;
          script.serverAddressValue ??= last.src.value;
        }
      }
      if (!m.plain) continue;
      if (m.dir === 'tx') {
        pendingKey = undefined;
        pendingAarq = undefined;
        if (m.apdu?.kind === 'aarq') pendingAarq = aarqKey(m.apdu.value);
        else if (m.apdu?.kind === 'rlrq') pendingKey = 'rlrq';
        else if (m.apdu?.kind === 'xdlms') {
          pendingKey = requestKey(m.apdu.value, lastLong);
          if (m.apdu.value.type === 'get-request-normal') lastLong = pendingKey;
        }
        continue;
      }
      const answer: RecordedAnswer = { plain: m.plain, segments: m.frames.map((f) => f.info.length), line: m.line, source: name };
      if (pendingAarq) {
        if (!script.associations.has(pendingAarq)) script.associations.set(pendingAarq, { aare: decodeAare(m.plain), plain: m.plain, answer });
        pendingAarq = undefined;
        continue;
      }
      if (pendingKey) {
        push(script.answers, pendingKey, answer, primary, seenBefore);
        if (m.data && pendingKey.startsWith('get:15/0.0.40.0.0.255/2') && script.objects.size === 0) {
          for (const e of decodeObjectListLN(m.data)) script.objects.set(e.obis, e.classId);
        }
        pendingKey = undefined;
      }
    }
  }
  return script;
}

/** The recorded answer for `key`, the n-th time it is asked (the last one again when asked more often). */
export function recordedAnswer(script: ReplayScript, key: string, asked: Map<string, number>): RecordedAnswer | undefined {
  const list = script.answers.get(key);
  if (!list) return undefined;
  const n = asked.get(key) ?? 0;
  asked.set(key, n + 1);
  return list[Math.min(n, list.length - 1)];
}

/**
 * The recorded answer with the client's invoke-id-and-priority in place of the recorded one. The byte
 * sits right after the service tag and its choice in every GET/SET/ACTION response; a server that
 * repeats its APDU in the same frame (see docs/interop.md) gets the copy patched as well.
 */
export function withInvokeId(plain: Uint8Array, invokeIdAndPriority: number): Uint8Array {
  const out = plain.slice();
  if (out.length < 3) throw new ProtocolError('LENGTH', 'A recorded answer too short to carry an invoke id.');
  out[2] = invokeIdAndPriority;
  for (const n of [Math.floor(out.length / 2), Math.floor((out.length - 1) / 2)]) {
    const skip = out.length - 2 * n;
    if (n > 2 && (skip === 0 || (skip === 1 && out[n] === 0)) && plain.subarray(0, n).every((v, i) => v === plain[n + skip + i])) {
      out[n + skip + 2] = invokeIdAndPriority;
    }
  }
  return out;
}

/** The invoke-id-and-priority byte of a confirmed request. */
export function invokeIdOf(apdu: Apdu): number | undefined {
  return 'invokeIdAndPriority' in apdu ? apdu.invokeIdAndPriority : undefined;
}

/**
 * A GET answer for a request the recordings do not hold, the way the recorded server behaves: an object
 * it has, asked with another class, is read-write-denied (3) (issue 11, finding 2); an object it does
 * not have is object-undefined (4); the right class with no recorded answer is other-reason (250), and
 * the caller lists it (a test that needs it should record it, not invent a value).
 */
export function unrecordedGetResult(script: ReplayScript, a: AttributeDescriptor): { result: number; why: 'wrong-class' | 'no-object' | 'not-recorded' } {
  const cls = script.objects.get(obisText(a.obis));
  if (cls === undefined) return { result: 4, why: 'no-object' };
  if (cls !== a.classId) return { result: 3, why: 'wrong-class' };
  return { result: 250, why: 'not-recorded' };
}

export function getErrorResponse(invokeIdAndPriority: number, result: number): Uint8Array {
  return encodeApdu({ type: 'get-response-normal', invokeIdAndPriority, result: { type: 'error', result } });
}

/**
 * GET-with-list, which the recorded client never sent: each item's recorded answer spliced in as the
 * recorded server wrote it (its Get-Data-Result bytes as they were, defects included), so a list
 * answer is exactly as good or as broken as the single answers behind it.
 */
export function withListResponse(invokeIdAndPriority: number, items: { recorded?: Uint8Array; errorResult?: number }[]): Uint8Array {
  const parts: number[] = [0xc4, 0x03, invokeIdAndPriority];
  if (items.length > 0x7f) throw new ProtocolError('LENGTH', 'A list answer of more than 127 items is not needed by any test.');
  parts.push(items.length);
  for (const it of items) {
    if (it.recorded) {
      // C4 01 <invoke> then Get-Data-Result: copy from the result choice on.
      if (it.recorded[0] !== 0xc4 || it.recorded[1] !== 0x01) throw new ProtocolError('PROTOCOL', 'Only a normal GET answer can stand in a list.');
      parts.push(...it.recorded.subarray(3));
    } else {
      parts.push(0x01, it.errorResult ?? 250);
    }
  }
  return Uint8Array.from(parts);
}
