import type { DlmsData } from '../protocols/dlms/axdr/types';
import { decodeObjectListLN } from '../protocols/cosem/object-list';
import { SimModel, dateTimeOctets, octets, scalerUnit, text, u16, u32 } from '../sim/dlms/model';
import { associationLnAttributes } from '../sim/dlms/association-object';
import type { ConformanceName } from '../protocols/dlms/acse/conformance';

/**
 * Our simulator set up like the recorded Gurux example server (../shared/fixtures/dlms-peer): the same
 * objects with the same classes and versions, taken from its recorded association view; the values
 * its object dump printed for the attributes a benchmark reads; a wrong class answered with
 * read-write-denied (3); conformance without multiple-references (what it grants a client without
 * authentication: get and set); HDLC answers from a 1-byte address, 128-byte information fields,
 * window 1, max PDU 512 (its UA and AARE).
 */

/** The eight attributes a plain read asks this server for (two need the object list to find the class). */
export const PEER_READ = [
  { obis: '1.1.21.25.0.255', note: 'Register, class 3 (value-group guess: 5)' },
  { obis: '0.0.44.0.0.255', note: 'Image transfer, class 18 (guess: 1)' },
  { obis: '0.0.42.0.0.255', note: 'COSEM logical device name' },
  { obis: '0.0.96.11.0.255', note: 'event code' },
  { obis: '0.0.1.0.0.255', note: 'clock' },
  { obis: '1.0.31.4.0.255', note: 'demand register, class 5' },
  { obis: '0.0.1.1.0.255', note: 'unix time' },
  { obis: '0.0.96.3.10.255', note: 'disconnect control, class 70' },
] as const;

export const PEER_LIKE_CONFORMANCE: ConformanceName[] = ['get', 'set'];

/** Values the object dump printed, by class and logical name (attribute 2 unless given). */
function dumpValues(now: () => number): Map<string, Map<number, DlmsData | ((ms: number) => DlmsData)>> {
  return new Map<string, Map<number, DlmsData | ((ms: number) => DlmsData)>>([
    ['3/1.1.21.25.0.255', new Map<number, DlmsData>([[2, u16(41)], [3, scalerUnit(-2, 30)]])],
    ['18/0.0.44.0.0.255', new Map<number, DlmsData>([[2, u32(450)]])],
    ['1/0.0.42.0.0.255', new Map<number, DlmsData>([[2, text('GRX0000000123456')]])],
    ['1/0.0.96.11.0.255', new Map<number, DlmsData>([[2, u16(128)]])],
    ['8/0.0.1.0.0.255', new Map([[2, (ms: number) => octets(dateTimeOctets(ms))]])],
    ['5/1.0.31.4.0.255', new Map<number, DlmsData>([[2, u16(10)], [3, u16(20)], [4, scalerUnit(0, 255)]])],
    ['1/0.0.1.1.0.255', new Map([[2, () => u32(Math.floor(now() / 1000))]])],
    ['70/0.0.96.3.10.255', new Map<number, DlmsData>([[2, { type: 'boolean', value: false }]])],
    // Register monitor thresholds: not in the dump; read by the tests that need a class only the list gives.
    ['21/0.0.16.1.0.255', new Map<number, DlmsData>([[2, { type: 'array', items: [u32(1000), u32(2000)] }]])],
  ]);
}

/** A SimModel with the recorded server's objects (`view`: its decoded association view). */
export function createPeerLikeModel(view: DlmsData, now: () => number): SimModel {
  const m = new SimModel();
  m.wrongClassResult = 3;
  const values = dumpValues(now);
  for (const e of decodeObjectListLN(view)) {
    if (e.classId === 15 && e.obis === '0.0.40.0.0.255') {
      m.add({ classId: 15, version: e.version, obis: e.obis, attributes: associationLnAttributes(() => m.objectListLN()) });
      continue;
    }
    m.add({ classId: e.classId, version: e.version, obis: e.obis, attributes: new Map(values.get(`${e.classId}/${e.obis}`) ?? []) });
  }
  return m;
}
