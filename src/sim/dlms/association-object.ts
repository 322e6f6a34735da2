/**
 * The attributes of the simulated meter's current association objects, as a real meter gives them:
 * Association LN (class 15, version 1) and Association SN (class 12, version 2). The secret (attribute 7 of
 * class 15) is not given out: the server answers read-write-denied for it, as for any attribute it holds
 * back. Values describe the public client's association; a real meter fills them per client, which no
 * reader here depends on.
 */
import type { DlmsData } from '../../protocols/dlms/axdr/types';
import { cosemClass } from '../../protocols/cosem/classes';
import { type AttributeValue, type SimObject, array, enumv, i8, nul, octets, struct, u16, u8, visible } from './model';

// BER-encoded object identifiers as the Blue Book gives them: 2.16.756.5.8.1.1 (LN, no ciphering) and
// 2.16.756.5.8.2.1 (low level security).
const LN_CONTEXT = Uint8Array.from([0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01]);
const LLS_MECHANISM = Uint8Array.from([0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x01]);

/** xDLMS_context_info: conformance (24 bits), max receive and send PDU, DLMS version, QoS, ciphering info. */
function contextInfo(): DlmsData {
  return struct(
    { type: 'bit-string', bitLength: 24, bytes: Uint8Array.from([0x00, 0x1c, 0x1f]) },
    u16(1024),
    u16(1024),
    u8(6),
    i8(0),
    octets(new Uint8Array(0)),
  );
}

export function associationLnAttributes(objectList: () => DlmsData): Map<number, AttributeValue> {
  return new Map<number, AttributeValue>([
    [2, objectList],
    // associated_partners_id: client SAP, server SAP.
    [3, struct(i8(16), u16(1))],
    [4, octets(LN_CONTEXT)],
    [5, contextInfo()],
    [6, octets(LLS_MECHANISM)],
    // 7 secret: held back (read-write-denied).
    [8, enumv(2)], // associated
    [9, octets(Uint8Array.from([0, 0, 43, 0, 0, 255]))],
    [10, array([])],
    [11, struct(u8(0), visible(''))],
  ]);
}

export function associationSnAttributes(objectList: () => DlmsData, accessRights: () => DlmsData): Map<number, AttributeValue> {
  return new Map<number, AttributeValue>([
    [2, objectList],
    [3, accessRights],
    [4, octets(Uint8Array.from([0, 0, 43, 0, 0, 255]))],
  ]);
}

/**
 * attribute_access of an object in the access rights: every attribute the class defines (and any extra
 * the object carries), read-write where writable, read where the object gives it out, else no access.
 */
export function attributeAccess(o: SimObject): DlmsData {
  const n = cosemClass(o.classId)?.attributes.length ?? 1;
  const ids = [...new Set<number>([...Array.from({ length: n }, (_, i) => i + 1), ...o.attributes.keys()])].sort((a, b) => a - b);
  const mode = (id: number) => (o.writable?.has(id) ? 3 : id === 1 || o.attributes.has(id) || (o.profile && id === 2) ? 1 : 0);
  return array(ids.map((id) => struct(i8(id), enumv(mode(id)), nul)));
}
