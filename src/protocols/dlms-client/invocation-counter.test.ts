import { describe, expect, it } from 'vitest';
import { fromHex } from '../dlms/hex';
import { protectApdu } from '../dlms/security';
import { CipherContext } from './cipher-context';
import { MemoryInvocationCounterStore } from './invocation-counter';

const EK = fromHex('000102030405060708090A0B0C0D0E0F');
const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const CLIENT_ST = fromHex('4D4D4D0000000001');
const METER_ST = fromHex('4D4D4D0000BC614E');

function context(store = new MemoryInvocationCounterStore()) {
  return new CipherContext({ suite: 0, policy: 'authenticated_encrypted', clientSystemTitle: CLIENT_ST, keys: { blockCipherKey: EK, authenticationKey: AK }, store, meterKey: 'm1', client: 0x30 });
}

describe('invocation counters', () => {
  it('the memory store refuses to go backwards, per meter and client', async () => {
    const s = new MemoryInvocationCounterStore();
    await s.set('m1', 0x30, 10);
    await s.set('m1', 0x31, 2);
    await s.set('m2', 0x30, 1);
    await expect(s.set('m1', 0x30, 9)).rejects.toMatchObject({ code: 'PROTOCOL' });
    await expect(s.set('m1', 0x30, 2 ** 32)).rejects.toMatchObject({ code: 'PROTOCOL' });
    expect(await s.get('m1', 0x30)).toBe(10);
    expect(await s.get('m1', 0x31)).toBe(2);
  });

  it('each APDU takes a new counter, persisted before use, continuing across contexts', async () => {
    const store = new MemoryInvocationCounterStore();
    const a = context(store);
    await a.adoptMeterCounter(41);
    expect(await a.nextCounter()).toBe(42);
    expect(await store.get('m1', 0x30)).toBe(42);
    const b = context(store);
    // The meter says 7 (say, after a key change elsewhere): never lower than what was used.
    await b.adoptMeterCounter(7);
    expect(await b.nextCounter()).toBe(43);
  });

  it('counters from the meter must increase; a replay is refused, and that survives a new context', async () => {
    const store = new MemoryInvocationCounterStore();
    const a = context(store);
    a.serverSystemTitle = METER_ST;
    const answer = (ic: number) =>
      protectApdu({ kind: 'glo', securityControl: 0x30, invocationCounter: ic, systemTitle: METER_ST, keys: { blockCipherKey: EK, authenticationKey: AK } }, fromHex('C401C1000600001391'));
    const five = await answer(5);
    await a.unprotect(five);
    await expect(a.unprotect(five)).rejects.toMatchObject({ code: 'PROTOCOL' });
    const b = context(store);
    b.serverSystemTitle = METER_ST;
    await expect(b.unprotect(await answer(4))).rejects.toMatchObject({ code: 'PROTOCOL' });
    await b.unprotect(await answer(6));
  });

  it('weaker protection than the policy and plain answers are refused; the last counter value cannot be exceeded', async () => {
    const a = context();
    a.serverSystemTitle = METER_ST;
    const authOnly = await protectApdu({ kind: 'glo', securityControl: 0x10, invocationCounter: 1, systemTitle: METER_ST, keys: { blockCipherKey: EK, authenticationKey: AK } }, fromHex('C401C1000600001391'));
    await expect(a.unprotect(authOnly)).rejects.toMatchObject({ code: 'PROTOCOL' });
    await expect(a.unprotect(fromHex('C401C1000600001391'))).rejects.toMatchObject({ code: 'PROTOCOL' });
    await a.adoptMeterCounter(0xfffffffe);
    expect(await a.nextCounter()).toBe(0xffffffff);
    await expect(a.nextCounter()).rejects.toMatchObject({ code: 'PROTOCOL' });
  });
});
