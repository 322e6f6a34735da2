import { describe, expect, it } from 'vitest';
import type { Reading } from '../core/reading';
import { decodeWrapper, encodeWrapper } from '../protocols/wrapper/codec';
import { readPeerLike } from './peer-like-rig';

// Our simulator set up like the recorded Gurux server (peer-like-model.ts) and that server's quirks
// reproduced by simulator options (or, for bytes no meter was seen to send, injected on the wrapper),
// read by our driver as a WCC Lite user configures it.

const value = (rs: Reading[], i: number) => rs.find((r) => r.signal_alias === `s${i}`);

/** Rewrites every last GET block (C4 02 .. last-block 1) the server sends: `tail(apdu)` follows it. */
function lastBlockFollowedBy(tail: (apdu: Uint8Array) => Uint8Array) {
  let hits = 0;
  const hook = (frame: Uint8Array): Uint8Array => {
    const w = decodeWrapper(frame);
    if (w.apdu[0] !== 0xc4 || w.apdu[1] !== 0x02 || w.apdu[3] !== 0x01) return frame;
    hits++;
    const extra = tail(w.apdu);
    const apdu = new Uint8Array(w.apdu.length + extra.length);
    apdu.set(w.apdu);
    apdu.set(extra, w.apdu.length);
    return encodeWrapper({ ...w, apdu });
  };
  return { hook, hits: () => hits };
}

describe('our driver against the simulator set up like the recorded Gurux server', () => {
  it('first contact: the two classes a plain guess got wrong found without the object list, all 8 values good; the next session is cheaper still', async () => {
    const [first, later] = await readPeerLike(2);
    expect(first.readings.map((r) => r.quality)).toEqual(Array(8).fill('good'));
    expect(value(first.readings, 0)).toMatchObject({ value: 0.41, unit: 'Wh' });
    expect(value(first.readings, 1)).toMatchObject({ value: 450 });
    expect(value(first.readings, 2)).toMatchObject({ value: 'GRX0000000123456' });
    expect(later.readings.map((r) => r.quality)).toEqual(Array(8).fill('good'));
    // The object list alone is several kB: first contact must not need it (0.0.44.0.0.255 is class 18 by
    // its OBIS code; 1.1.21.25.0.255 answers as a Register, the next plausible class).
    expect(first.bytes).toBeLessThan(1500);
    expect(later.trips).toBeLessThan(first.trips);
  });

  // 0.0.16.1.0.255 is a Register monitor (class 21) on this server, which no guess from its OBIS code offers: reading it makes
  // the client read the object list.
  const ONLY_IN_LIST = '0.0.16.1.0.255';

  it('the last block of the object list sent twice (after a 00, as recorded; simulator option duplicateLastBlock): read once, all values good', async () => {
    // Over HDLC, as recorded.
    const [hdlc] = await readPeerLike(1, { quirks: { duplicateLastBlock: true }, extra: [ONLY_IN_LIST] });
    expect(hdlc.readings.map((r) => r.quality)).toEqual(Array(9).fill('good'));
    expect(value(hdlc.readings, 1)).toMatchObject({ value: 450 });
    // Over the wrapper, where the frames can be watched: the copy really went out, once.
    let repeats = 0;
    const watch = (frame: Uint8Array): Uint8Array => {
      const a = decodeWrapper(frame).apdu;
      const n = (a.length - 1) / 2;
      if (a[0] === 0xc4 && a[1] === 0x02 && a[3] === 0x01 && a[n] === 0x00 && a.subarray(0, n).every((b, i) => b === a[n + 1 + i])) repeats++;
      return frame;
    };
    const [wrapped] = await readPeerLike(1, { link: 'wrapper', quirks: { duplicateLastBlock: true }, onBeforeSend: watch, extra: [ONLY_IN_LIST] });
    expect(repeats).toBe(1);
    expect(wrapped.readings.map((r) => r.quality)).toEqual(Array(9).fill('good'));
  });

  it('any other bytes after the last block: the value whose class only the object list gives is bad, typed; the rest good', async () => {
    const junk = lastBlockFollowedBy(() => Uint8Array.of(0x00, 0x09, 0x0f));
    const [first] = await readPeerLike(1, { link: 'wrapper', onBeforeSend: junk.hook, extra: [ONLY_IN_LIST] });
    expect(junk.hits()).toBeGreaterThanOrEqual(1);
    // Without a readable object list the register monitor cannot be read; every other value can.
    const bad = first.readings.filter((r) => r.quality === 'bad');
    expect(bad.map((r) => r.signal_alias)).toEqual(['s8']);
    for (const r of bad) expect(r.error).toMatch(/^[A-Z_]+$/);
    expect(bad.every((r) => r.value === null)).toBe(true);
  });
});
