import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LINE_300_7E1 } from '../../core/link';
import { decodeBlock, decodeIdentification, encodeOptionSelect, encodeRequest } from '../../protocols/iec62056-21/messages';
import { Framer } from '../../protocols/iec62056-21/framer';
import { parseDataBlock } from '../../protocols/iec62056-21/datasets';
import { readout } from '../../protocols/iec62056-21/readout';
import { startMeter, type Harness } from '../../protocols/iec62056-21/test-support/harness';
import { DSMR22_TELEGRAM, DSMR5_ISKRA_TELEGRAM, EASYMETER_Q3DA_TELEGRAM } from './fixture-telegrams';
import { IEC_PROFILES, landisLikeModeC, syntheticMeter } from './profiles';
import { VirtualIecMeter } from './virtual-meter';

const FIX = new URL('../../../../shared/fixtures/', import.meta.url);

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

describe('virtual IEC meter', () => {
  it('embedded telegrams are byte-identical to the fixtures', () => {
    expect(EASYMETER_Q3DA_TELEGRAM).toBe(readFileSync(new URL('iec62056-21/easymeter-Q3DA-modeD-j62056.txt', FIX), 'latin1'));
    expect(DSMR5_ISKRA_TELEGRAM).toBe(readFileSync(new URL('dsmr-p1/TELEGRAM_V5.txt', FIX), 'latin1'));
    expect(DSMR22_TELEGRAM).toBe(readFileSync(new URL('dsmr-p1/TELEGRAM_V2_2.txt', FIX), 'latin1'));
  });

  it('every profile has a parseable readout and identification', () => {
    for (const [name, make] of Object.entries(IEC_PROFILES)) {
      const m = new VirtualIecMeter(make());
      expect(decodeIdentification(m.identificationBytes()).manufacturer, name).toHaveLength(3);
      if (!make().modeD) expect(parseDataBlock(m.readoutText()).complete, name).toBe(true);
    }
  });

  it('reaction time: 200 ms, 20 ms with the lowercase flag', () => {
    expect(new VirtualIecMeter(landisLikeModeC()).reactionMs).toBe(200);
    expect(new VirtualIecMeter(IEC_PROFILES['iskra-like-fast']()).reactionMs).toBe(20);
  });

  it('ignores a request sent at the wrong baud rate', async () => {
    h = startMeter(landisLikeModeC());
    const c = h.pair.client;
    const hh = h;
    const got = await h.clock.run(async () => {
      await c.setLine({ ...LINE_300_7E1, baudRate: 9600 });
      await c.write(encodeRequest());
      return c.read(3000).then(async (b) => (b.length ? b : await c.read(1)));
    });
    expect(got.length).toBe(0);
    expect(hh.meter.stats.signOns).toBe(0);
  });

  it('only one of the two 2s right: a normal readout instead of mode E', async () => {
    h = startMeter(landisLikeModeC());
    const c = h.pair.client;
    const hh = h;
    const data = await h.clock.run(async () => {
      const f = new Framer();
      await c.write(encodeRequest());
      for (;;) {
        f.push(await c.read(3000));
        const fr = f.next();
        if (fr) break;
      }
      await hh.clock.sleep(300);
      await c.write(encodeOptionSelect({ protocol: '2', baudChar: '5', mode: '0' }));
      await c.setLine({ ...LINE_300_7E1, baudRate: 9600 });
      for (;;) {
        f.push(await c.read(3000));
        const fr = f.next();
        if (fr) return decodeBlock(fr.bytes);
      }
    });
    expect(data.kind).toBe('data');
    expect(hh.meter.stats.modeE).toBe(0);
  });

  it('serves many sign-ons in a row (the demo meter)', async () => {
    h = startMeter(syntheticMeter(20));
    for (let i = 0; i < 3; i++) {
      const r = await h.clock.run(readout(h.pair.client, h.clock, {}));
      expect(r.dataSets).toHaveLength(20);
      await h.clock.advance(2000);
    }
    expect(h.meter.stats.readouts).toBe(3);
  });
});
