import { describe, expect, it } from 'vitest';
import { LINE_9600_8N1 } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { parseObis } from '../cosem/obis';
import { MeterKnowledge } from '../dlms-client/reader';
import { DlmsSession } from '../dlms-client/session';
import { serverAddress } from './address';
import { HdlcClient } from './client-session';

const BIG = { maxInfoTx: 1024, maxInfoRx: 1024, windowTx: 7, windowRx: 7 };

/** A meter that refuses proposals above 128 / 1 the way `answer` says, read by a client proposing 1024 / 7. */
async function readRefusing(answer: 'FRMR' | 'DM' | 'silence' | undefined) {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const address = serverAddress({ logical: 1, physical: 17, size: 2 });
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', reactionMs: 50 });
  const ac = new AbortController();
  meter
    .serveHdlc(pair.meter, { address, supported: BIG, ...(answer ? { refuseProposal: { maxInfo: 128, window: 1, answer } } : {}) }, ac.signal)
    .done.catch(() => undefined);
  const logs: string[] = [];
  const hdlc = new HdlcClient(pair.client, clock, { server: address, client: 0x10, proposal: BIG, retries: 1, timeoutMs: 1000, log: (_l, m) => logs.push(m) });
  const session = new DlmsSession(hdlc, new MeterKnowledge(), { referencing: 'LN', auth: 'None' });
  try {
    const values = await clock.run(async () => {
      await session.connect();
      const v = await session.readValues([{ obis: parseObis('1.0.1.8.0.255').obis, attribute: 2 }]);
      await session.close();
      return v;
    });
    return { values, negotiated: { ...hdlc.negotiated }, refused: hdlc.refusedProposal, logs, ms: clock.now() };
  } finally {
    ac.abort();
  }
}

describe('HDLC proposal fallback (issue 16)', () => {
  it('a meter that takes the large proposal gets it', async () => {
    const r = await readRefusing(undefined);
    expect(r.negotiated).toEqual(BIG);
    expect(r.refused).toBe(false);
    expect(r.values[0].error).toBeUndefined();
  });

  for (const answer of ['FRMR', 'DM', 'silence'] as const) {
    it(`a meter answering the large proposal with ${answer} is read with 128 / 1`, async () => {
      const r = await readRefusing(answer);
      expect(r.refused).toBe(true);
      expect(r.negotiated).toEqual({ maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 });
      expect(r.values[0].error).toBeUndefined();
      expect(r.values[0].data).toBeDefined();
      expect(r.logs.some((l) => l.includes('proposing the defaults 128 / 1'))).toBe(true);
    });
  }

  it('silence costs one timeout, not every retry', async () => {
    const r = await readRefusing('silence');
    // One 1000 ms timeout on the refused SNRM, then the read at 128 / 1 (well under a second more).
    expect(r.ms).toBeGreaterThan(1000);
    expect(r.ms).toBeLessThan(2000);
  });
});
