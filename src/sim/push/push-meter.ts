import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import { encodeApdu } from '../../protocols/dlms/apdu/apdu';
import type { DataNotification } from '../../protocols/dlms/apdu/types';
import { encodeDateTime } from '../../protocols/dlms/axdr/datetime';
import type { CosemDateTime } from '../../protocols/dlms/axdr/types';
import { protectApdu } from '../../protocols/dlms/security/protect';
import { encodeFrame } from '../../protocols/hdlc/frame';
import { encodeMbusSegments } from '../../protocols/push/mbus-deframer';
import { buildProfile, DEFAULT_SYSTEM_TITLE, figures } from './profiles';

/** A meter pushing on its customer port (HAN/P1): a list every `intervalMs`, framed and ciphered as asked. */

export type SimPushProfile = 'kaifa-list1' | 'kaifa-list2' | 'kaifa-list3' | 'kamstrup-list1' | 'aidon-list' | 'obis-pairs' | 'obis-triples' | 'flat';

export interface SimPushQuirks {
  /** Put the vendor 0x09 tag before the date-time (Kaifa, early Kamstrup). */
  taggedDateTime?: boolean;
  /** Send no date-time (length 0). */
  noDateTime?: boolean;
  /** Every Nth push re-sends the previous ciphered frame (same invocation counter). */
  replayEvery?: number;
  /** Every Nth push has one byte flipped inside its frame (caught by the CRC / checksum / GCM tag). */
  corruptEvery?: number;
  /** Every Nth push is not sent at all. */
  skipEvery?: number;
  /** HDLC I frames (control 0x10, as Kaifa sends) instead of UI frames (Kamstrup's 0x13). */
  iFrames?: boolean;
  /** HDLC information field without the LLC header E6 E7 00 (seen on some P1 ports). */
  noLlc?: boolean;
  /** Line noise (this many bytes of 0x7E / 0x68 / random) before every push. */
  noiseBytes?: number;
}

export interface SimPushMeterOptions {
  profile: SimPushProfile;
  linkLayer: 'hdlc' | 'mbus' | 'raw';
  intervalMs: number;
  blockCipherKey?: Uint8Array;
  authenticationKey?: Uint8Array;
  /** The meter's system title (8 bytes); a fixed one when absent. */
  systemTitle?: Uint8Array;
  /** Default: 'auth-enc' when a block cipher key is given, else 'none'. */
  security?: 'none' | 'auth' | 'enc' | 'auth-enc';
  cipherStyle?: 'general-glo' | 'glo';
  /** Largest link-layer payload: longer APDUs are sent in HDLC segments or M-Bus DLMS transport segments. */
  segmentMaxBytes?: number;
  /** First invocation counter used (default 1). */
  firstInvocationCounter?: number;
  quirks?: SimPushQuirks;
  seed?: number;
}

/** What the meter pushed, for tests to compare with what was decoded. */
export interface SimPushRecord {
  /** Wall time of the push (ms). */
  time: number;
  invocationCounter?: number;
  /** The values as the listener should report them (OBIS → value). */
  values: Map<string, number | string>;
  /** What happened to it on the way: sent as is, corrupted, replayed, skipped. */
  fate: 'sent' | 'corrupt' | 'replay' | 'skipped';
}

export interface SimPushMeter {
  stop(): void;
  /** Frames (pushes) written so far, including corrupted and replayed ones. */
  readonly sent: number;
  readonly log: SimPushRecord[];
}

export function startPushMeter(clock: Clock, link: Link, opts: SimPushMeterOptions): SimPushMeter {
  if (opts.cipherStyle === 'glo') {
    // The Green Book has no service-specific glo- form of data-notification: ciphered pushes use general-glo-ciphering.
    throw new MeterError('CONFIG_INVALID', 'A data-notification has no glo-ciphered form; use cipherStyle general-glo.');
  }
  if (!(opts.intervalMs > 0)) throw new MeterError('CONFIG_INVALID', 'A push meter needs an interval above 0 ms.');
  const security = opts.security ?? (opts.blockCipherKey ? 'auth-enc' : 'none');
  if (security !== 'none' && !opts.blockCipherKey) throw new MeterError('CONFIG_INVALID', 'A ciphering push meter needs a block cipher key.');
  if ((security === 'auth' || security === 'auth-enc') && !opts.authenticationKey) throw new MeterError('CONFIG_INVALID', 'Authenticated pushes need an authentication key.');
  const title = opts.systemTitle ?? DEFAULT_SYSTEM_TITLE;
  const rand = mulberry32(opts.seed ?? 1);
  const q = opts.quirks ?? {};
  let ic = opts.firstInvocationCounter ?? 1;
  let n = 0;
  let stopped = false;
  let previous: { wire: Uint8Array[]; record: SimPushRecord } | undefined;
  /** Whether `previous` has reached the wire undamaged at least once. */
  let previousIntact = false;
  let writing: Promise<void> = Promise.resolve();
  const log: SimPushRecord[] = [];
  const state = { sent: 0 };

  const every = (k: number | undefined) => k !== undefined && k > 0 && n % k === 0;

  async function build(): Promise<{ wire: Uint8Array[]; record: SimPushRecord }> {
    const time = clock.wallTime();
    const clock12 = encodeDateTime(cosemNow(time));
    const out = buildProfile(opts.profile, figures(rand, n), clock12);
    const apdu: DataNotification = { type: 'data-notification', longInvokeIdAndPriority: n & 0xffffff, body: out.body };
    if (!q.noDateTime) apdu.dateTime = clock12;
    if (q.taggedDateTime && !q.noDateTime) apdu.dateTimeTagged = true;
    let bytes = encodeApdu(apdu);
    let counter: number | undefined;
    if (security !== 'none') {
      counter = ic++;
      bytes = await protectApdu(
        {
          kind: 'general-glo',
          securityControl: SC_BY_SECURITY[security],
          invocationCounter: counter,
          systemTitle: title,
          keys: { blockCipherKey: opts.blockCipherKey!, ...(opts.authenticationKey ? { authenticationKey: opts.authenticationKey } : {}) },
        },
        bytes,
      );
    }
    const record: SimPushRecord = { time: q.noDateTime ? time : Math.floor(time / 1000) * 1000, values: out.expect, fate: 'sent' };
    if (counter !== undefined) record.invocationCounter = counter;
    const wire = frame(opts, bytes);
    if (q.noiseBytes) wire.unshift(Uint8Array.from({ length: q.noiseBytes }, (_, k) => (k % 3 === 0 ? 0x7e : k % 3 === 1 ? 0x68 : Math.floor(rand() * 256))));
    return { wire, record };
  }

  async function tick(): Promise<void> {
    n++;
    let push: { wire: Uint8Array[]; record: SimPushRecord };
    if (every(q.replayEvery) && previous) {
      // Resending a push that never went out intact is, on the wire, its first delivery.
      push = { wire: previous.wire, record: { ...previous.record, fate: previousIntact ? 'replay' : 'sent' } };
    } else {
      push = await build();
      previous = push;
      previousIntact = false;
    }
    if (every(q.skipEvery)) {
      log.push({ ...push.record, fate: 'skipped' });
      return;
    }
    let wire = push.wire;
    let fate = push.record.fate;
    if (every(q.corruptEvery)) {
      // One flipped bit in the middle of the last frame: its CRC / checksum / GCM tag catches it.
      wire = wire.map((f) => f.slice());
      const last = wire[wire.length - 1];
      last[Math.floor(last.length / 2)] ^= 0x04;
      fate = 'corrupt';
    }
    log.push({ ...push.record, fate });
    if (fate !== 'corrupt') previousIntact = true;
    state.sent++;
    for (const f of wire) await link.write(f);
  }

  const loop = () => {
    if (stopped) return;
    cancel = clock.schedule(opts.intervalMs, loop);
    writing = writing.then(tick).catch(() => {
      // The port went away: a real meter keeps pushing into the void.
    });
  };
  let cancel = clock.schedule(opts.intervalMs, loop);

  return {
    stop() {
      stopped = true;
      cancel();
    },
    get sent() {
      return state.sent;
    },
    log,
  };
}

const SC_BY_SECURITY = { auth: 0x10, enc: 0x20, 'auth-enc': 0x30 } as const;

function frame(opts: SimPushMeterOptions, apdu: Uint8Array): Uint8Array[] {
  const max = opts.segmentMaxBytes;
  if (opts.linkLayer === 'raw') return [apdu];
  if (opts.linkLayer === 'mbus') return encodeMbusSegments(apdu, max ?? 240);
  // HDLC: LLC header, then as many frames as the segment size asks, the segmentation bit on all but the last.
  const info = opts.quirks?.noLlc ? apdu : Uint8Array.from([0xe6, 0xe7, 0x00, ...apdu]);
  const iFrame = opts.quirks?.iFrames === true;
  const room = max ?? 0x7ff - 12;
  const frames: Uint8Array[] = [];
  for (let p = 0; p < info.length; p += room) {
    const piece = info.subarray(p, Math.min(info.length, p + room));
    frames.push(
      encodeFrame({
        ...(iFrame ? { type: 'I' as const, pf: true, ns: 0, nr: 0 } : { type: 'UI' as const, pf: true }),
        dest: { value: 0x2b >> 1, size: 1 },
        src: { value: 0x21 >> 1, size: 1 },
        segmented: p + room < info.length,
        info: piece,
      }),
    );
  }
  return frames;
}

function cosemNow(ms: number): CosemDateTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    dayOfWeek: ((d.getUTCDay() + 6) % 7) + 1,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    hundredths: 0,
    deviation: 0,
    clockStatus: 0,
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
