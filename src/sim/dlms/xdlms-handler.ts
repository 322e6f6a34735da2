import { ProtocolError, isMeterError } from '../../core/errors';
import { decodeApdu, encodeApdu } from '../../protocols/dlms/apdu';
import type {
  Apdu,
  AttributeDescriptor,
  GetDataResult,
  ReadResult,
  SelectiveAccess,
  VariableAccess,
  WriteResult,
} from '../../protocols/dlms/apdu/types';
import { encodeData } from '../../protocols/dlms/axdr/data';
import type { DlmsData } from '../../protocols/dlms/axdr/types';
import { decodeDateTimeBytes } from '../../protocols/cosem/datetime';
import { type SimObject, type SimModel, array, struct } from './model';
import { type SimListFaults, applyListFaults, breakItem, itemOffset } from './list-faults';
import { cosemClass } from '../../protocols/cosem/classes';
import { withDuplicatedLastBlock } from './meter-quirks';

/** Data-Access-Result codes the simulator answers with. */
export const DAR = {
  success: 0,
  hardwareFault: 1,
  temporaryFailure: 2,
  readWriteDenied: 3,
  objectUndefined: 4,
  objectClassInconsistent: 9,
  objectUnavailable: 11,
  typeUnmatched: 12,
  scopeOfAccessViolated: 13,
  dataBlockUnavailable: 14,
  otherReason: 250,
} as const;

export interface XdlmsHandlerOptions {
  referencing: 'LN' | 'SN';
  /** Largest APDU the client accepts (from its InitiateRequest); longer answers go out in blocks. */
  clientMaxPdu: () => number;
  /** Whether the client and server agreed on multiple references (GET-with-list / multi-variable READ). */
  multipleReferences: () => boolean;
  /** The meter's wall clock in epoch ms. */
  now: () => number;
  /** The meter's own max receive PDU (from its AARE): answers are kept within it too, as peers expect. */
  serverMaxPdu?: number;
  /** Faults of list answers (see list-faults.ts). */
  listFaults?: SimListFaults;
  /** Called when a list fault drops the connection: the server closes its links. */
  onReset?: () => void;
  /** The last GET block is sent twice in one APDU (SimAssociationQuirks.duplicateLastBlock). */
  duplicateLastBlock?: boolean;
  /** Called for ACTIONs on the association object (HLS) and other methods the model does not know. */
  onAction?: (obj: SimObject, method: number, parameters: DlmsData | undefined) => { result: number; returned?: DlmsData };
}

// Bytes a datablock response needs around its raw data: tag, choice, invoke, last, block number, choice, length.
const BLOCK_OVERHEAD = 16;

/**
 * The xDLMS service side of the simulated meter: GET / SET / ACTION for LN, READ / WRITE for SN, profile
 * buffers with range and entry selection, and block transfer whenever an answer exceeds the client's
 * PDU. Association handling (AARQ/AARE, authentication) is the server's, around this.
 */
export class XdlmsHandler {
  private pendingBlocks?: { invoke: number; data: Uint8Array; next: number; block: number };
  private pendingReadBlocks?: { data: Uint8Array; next: number; block: number };
  /** Set by a list fault: the answer about to be encoded must not decode (byte offset of the item to break). */
  private breakAt?: number;

  constructor(
    private readonly model: SimModel,
    private readonly opts: XdlmsHandlerOptions,
  ) {}

  /** One request APDU in, one response APDU out. Undecodable requests answer an exception-response. */
  handle(request: Uint8Array): Uint8Array {
    let apdu: Apdu;
    try {
      apdu = decodeApdu(request);
    } catch (e) {
      if (isMeterError(e)) return encodeApdu({ type: 'exception-response', stateError: 2, serviceError: 2 });
      throw e;
    }
    this.breakAt = undefined;
    const encoded = encodeApdu(this.respond(apdu));
    const bytes = this.breakAt === undefined ? encoded : breakItem(encoded, this.breakAt);
    return this.opts.duplicateLastBlock ? withDuplicatedLastBlock(bytes) : bytes;
  }

  /** Largest answer in one APDU: the client's limit, and never beyond what this meter announced. */
  private maxPdu(): number {
    return Math.min(this.opts.clientMaxPdu(), this.opts.serverMaxPdu ?? 0xffff);
  }

  respond(apdu: Apdu): Apdu {
    const ln = this.opts.referencing === 'LN';
    switch (apdu.type) {
      case 'get-request-normal':
        if (!ln) break;
        return this.fitGet(apdu.invokeIdAndPriority, this.getOne(apdu.attribute, apdu.access));
      case 'get-request-with-list': {
        if (!ln) break;
        if (!this.opts.multipleReferences()) return { type: 'exception-response', stateError: 1, serviceError: 2 };
        const refuseWhole = this.opts.listFaults?.wrongClassInList;
        if (refuseWhole && apdu.attributes.some((a) => this.isWrongClass(a.attribute))) {
          if (refuseWhole === 'exception') return { type: 'exception-response', stateError: 1, serviceError: 2 };
          const result = { type: 'error' as const, result: this.model.wrongClassResult ?? DAR.objectClassInconsistent };
          return { type: 'get-response-with-datablock', invokeIdAndPriority: apdu.invokeIdAndPriority, lastBlock: true, blockNumber: 1, result };
        }
        const faulted = applyListFaults(
          this.opts.listFaults,
          apdu.attributes.map((a) => formatObis(a.attribute.obis)),
          apdu.attributes.map((a) => this.getOne(a.attribute, a.access)),
        );
        if (faulted.reset) return this.reset();
        const results = faulted.results;
        const response: Apdu = { type: 'get-response-with-list', invokeIdAndPriority: apdu.invokeIdAndPriority, results };
        const encoded = encodeApdu(response);
        if (encoded.length <= this.maxPdu()) {
          // get-response-with-list: tag, choice, invoke id, then the SEQUENCE OF Get-Data-Result.
          if (faulted.malformedItem !== undefined) this.breakAt = itemOffset(results, 3, faulted.malformedItem);
          return response;
        }
        // Too long for one APDU: the SEQUENCE OF Get-Data-Result goes out in data blocks (broken there too).
        const seq = encoded.subarray(3);
        return this.startBlocks(apdu.invokeIdAndPriority, faulted.malformedItem === undefined ? seq : breakItem(seq, itemOffset(results, 0, faulted.malformedItem)));
      }
      case 'get-request-next': {
        if (!ln) break;
        const p = this.pendingBlocks;
        if (!p || apdu.blockNumber !== p.block) {
          return {
            type: 'get-response-with-datablock',
            invokeIdAndPriority: apdu.invokeIdAndPriority,
            lastBlock: true,
            blockNumber: apdu.blockNumber + 1,
            result: { type: 'error', result: DAR.dataBlockUnavailable },
          };
        }
        return this.nextBlock(apdu.invokeIdAndPriority);
      }
      case 'set-request-normal': {
        if (!ln) break;
        const obj = this.model.find(apdu.attribute.classId, formatObis(apdu.attribute.obis));
        const result = obj ? this.write(obj, apdu.attribute.attributeId, apdu.value) : DAR.objectUndefined;
        return { type: 'set-response-normal', invokeIdAndPriority: apdu.invokeIdAndPriority, result };
      }
      case 'action-request-normal': {
        if (!ln) break;
        const obj = this.model.find(apdu.method.classId, formatObis(apdu.method.obis));
        if (!obj) return { type: 'action-response-normal', invokeIdAndPriority: apdu.invokeIdAndPriority, result: DAR.objectUndefined };
        const r = this.opts.onAction?.(obj, apdu.method.methodId, apdu.parameters) ?? { result: DAR.readWriteDenied };
        return {
          type: 'action-response-normal',
          invokeIdAndPriority: apdu.invokeIdAndPriority,
          result: r.result,
          ...(r.returned ? { returnParameters: { type: 'data', value: r.returned } as GetDataResult } : {}),
        };
      }
      case 'read-request':
        if (ln) break;
        return this.read(apdu.items);
      case 'write-request': {
        if (ln) break;
        const items: WriteResult[] = apdu.items.map((item, i) => {
          if (item.type !== 'variable-name') return { type: 'error', result: DAR.otherReason };
          const target = this.resolveName(item.name);
          if (!target) return { type: 'error', result: DAR.objectUndefined };
          const r = this.write(target.obj, target.slot, apdu.values[i]);
          return r === DAR.success ? { type: 'success' } : { type: 'error', result: r };
        });
        return { type: 'write-response', items };
      }
      default:
        break;
    }
    return { type: 'exception-response', stateError: 1, serviceError: 2 };
  }

  // ---- LN ------------------------------------------------------------------------------------------

  /** An existing OBIS code named with a class it does not have (a meter that ignores the class never sees one). */
  private isWrongClass(attr: AttributeDescriptor): boolean {
    const obis = formatObis(attr.obis);
    return !this.model.ignoresClass && !this.model.find(attr.classId, obis) && this.model.findByObis(obis) !== undefined;
  }

  private getOne(attr: AttributeDescriptor, access?: SelectiveAccess): GetDataResult {
    const obis = formatObis(attr.obis);
    // Some meters look an object up by its OBIS code alone and answer whatever attribute of it is asked.
    const obj = this.model.find(attr.classId, obis) ?? (this.model.ignoresClass ? this.model.findByObis(obis) : undefined);
    if (!obj) {
      // A meter checks the class: the same OBIS under another class is refused (how depends on the meter:
      // object-class-inconsistent here by default), no object at all is "undefined".
      return { type: 'error', result: this.model.findByObis(obis) ? (this.model.wrongClassResult ?? DAR.objectClassInconsistent) : DAR.objectUndefined };
    }
    return this.readAttribute(obj, attr.attributeId, access);
  }

  private readAttribute(obj: SimObject, attribute: number, access?: SelectiveAccess): GetDataResult {
    if (obj.profile && attribute === 2) {
      try {
        return { type: 'data', value: this.profileBuffer(obj, access) };
      } catch (e) {
        if (isMeterError(e)) return { type: 'error', result: DAR.otherReason };
        throw e;
      }
    }
    if (access) return { type: 'error', result: DAR.otherReason };
    const value = this.model.read(obj, attribute, this.opts.now());
    if (value) return { type: 'data', value };
    // An attribute the class defines but this object does not give out is denied, not "undefined": the
    // object exists, and clients that read every attribute of every object stop at object-undefined.
    const defined = cosemClass(obj.classId)?.attributes.length;
    return { type: 'error', result: defined === undefined || attribute <= defined ? DAR.readWriteDenied : DAR.objectUndefined };
  }

  /** A list fault drops the connection: no answer goes out (the links are closed under it). */
  private reset(): Apdu {
    this.opts.onReset?.();
    return { type: 'exception-response', stateError: 1, serviceError: 3 };
  }

  private fitGet(invokeIdAndPriority: number, result: GetDataResult): Apdu {
    const response: Apdu = { type: 'get-response-normal', invokeIdAndPriority, result };
    if (result.type === 'error') return response;
    const encoded = encodeApdu(response);
    if (encoded.length <= this.maxPdu()) return response;
    return this.startBlocks(invokeIdAndPriority, encodeData(result.value));
  }

  private startBlocks(invoke: number, data: Uint8Array): Apdu {
    this.pendingBlocks = { invoke, data, next: 0, block: 0 };
    return this.nextBlock(invoke);
  }

  private nextBlock(invokeIdAndPriority: number): Apdu {
    const p = this.pendingBlocks!;
    const size = Math.max(16, this.maxPdu() - BLOCK_OVERHEAD);
    const chunk = p.data.subarray(p.next, p.next + size);
    p.next += chunk.length;
    p.block++;
    const lastBlock = p.next >= p.data.length;
    if (lastBlock) this.pendingBlocks = undefined;
    return {
      type: 'get-response-with-datablock',
      invokeIdAndPriority,
      lastBlock,
      blockNumber: p.block,
      result: { type: 'raw', bytes: chunk },
    };
  }

  // ---- profiles ------------------------------------------------------------------------------------

  private profileBuffer(obj: SimObject, access?: SelectiveAccess): DlmsData {
    const profile = obj.profile!;
    const now = this.opts.now();
    const limit = 100_000;
    let rows: { ts: number; values: DlmsData[] }[];
    if (!access) {
      rows = profile.rows(0, now, limit);
    } else if (access.selector === 1) {
      const p = access.parameters;
      if (p.type !== 'structure' || p.items.length < 3) throw new ProtocolError('PROTOCOL', 'range_descriptor must be a structure');
      const from = dateOf(p.items[1]);
      const to = dateOf(p.items[2]);
      rows = profile.rows(from, Math.min(to, now), limit);
    } else if (access.selector === 2) {
      const p = access.parameters;
      if (p.type !== 'structure' || p.items.length < 2) throw new ProtocolError('PROTOCOL', 'entry_descriptor must be a structure');
      const inUse = profile.entriesInUse(now);
      const fromEntry = Math.max(1, intOf(p.items[0]));
      const toEntry = intOf(p.items[1]) === 0 ? inUse : Math.min(inUse, intOf(p.items[1]));
      rows = [];
      for (let n = fromEntry; n <= toEntry && rows.length < limit; n++) {
        const e = profile.entry(now, n);
        if (e) rows.push(e);
      }
    } else {
      throw new ProtocolError('UNSUPPORTED', `selective access selector ${access.selector}`);
    }
    return array(rows.map((r) => struct(...r.values)));
  }

  // ---- SN ------------------------------------------------------------------------------------------

  private resolveName(name: number): { obj: SimObject; slot: number } | undefined {
    return this.model.resolveShortName(name);
  }

  private read(items: VariableAccess[]): Apdu {
    if (items.length > 1 && !this.opts.multipleReferences()) return { type: 'exception-response', stateError: 1, serviceError: 2 };
    if (items.length === 1 && items[0].type === 'block-number-access') {
      const p = this.pendingReadBlocks;
      if (!p || items[0].blockNumber !== p.block) return { type: 'read-response', items: [{ type: 'error', result: DAR.dataBlockUnavailable }] };
      return this.nextReadBlock();
    }
    const faulted = applyListFaults(
      this.opts.listFaults,
      items.map((item) => (item.type === 'variable-name' || item.type === 'parameterized-access' ? this.resolveName(item.name)?.obj.obis : undefined)),
      items.map((item) => this.readItem(item) as { type: 'data'; value: DlmsData } | { type: 'error'; result: number }),
    );
    if (faulted.reset) return this.reset();
    const results: ReadResult[] = faulted.results;
    const response: Apdu = { type: 'read-response', items: results };
    const encoded = encodeApdu(response);
    if (encoded.length <= this.maxPdu()) {
      // read-response: tag, then the SEQUENCE OF Read-Result.
      if (faulted.malformedItem !== undefined && results.length > 1) this.breakAt = itemOffset(faulted.results, 1, faulted.malformedItem);
      return response;
    }
    // Too long: the Data (one item) or the SEQUENCE OF Read-Result (several) goes out in blocks.
    const seq = encoded.subarray(1);
    const data =
      results.length === 1 && results[0].type === 'data'
        ? encodeData(results[0].value)
        : faulted.malformedItem === undefined
          ? seq
          : breakItem(seq, itemOffset(faulted.results, 0, faulted.malformedItem));
    this.pendingReadBlocks = { data, next: 0, block: 0 };
    return this.nextReadBlock();
  }

  private nextReadBlock(): Apdu {
    const p = this.pendingReadBlocks!;
    const size = Math.max(16, this.maxPdu() - BLOCK_OVERHEAD);
    const chunk = p.data.subarray(p.next, p.next + size);
    p.next += chunk.length;
    p.block++;
    const lastBlock = p.next >= p.data.length;
    if (lastBlock) this.pendingReadBlocks = undefined;
    return { type: 'read-response', items: [{ type: 'data-block-result', lastBlock, blockNumber: p.block, rawData: chunk }] };
  }

  private readItem(item: VariableAccess): ReadResult {
    if (item.type !== 'variable-name' && item.type !== 'parameterized-access') return { type: 'error', result: DAR.otherReason };
    const target = this.resolveName(item.name);
    if (!target) return { type: 'error', result: DAR.objectUndefined };
    const access = item.type === 'parameterized-access' ? { selector: item.selector, parameters: item.parameter } : undefined;
    const r = this.readAttribute(target.obj, target.slot, access);
    return r.type === 'data' ? r : { type: 'error', result: r.result };
  }

  // ---- writes --------------------------------------------------------------------------------------

  private write(obj: SimObject, attribute: number, value: DlmsData | undefined): number {
    if (!value) return DAR.otherReason;
    if (!obj.writable?.has(attribute)) return DAR.readWriteDenied;
    const current = this.model.read(obj, attribute, this.opts.now());
    if (current && current.type !== value.type) return DAR.typeUnmatched;
    obj.attributes.set(attribute, value);
    return DAR.success;
  }
}

export function formatObis(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

function dateOf(d: DlmsData): number {
  if (d.type === 'octet-string' && d.value.length === 12) {
    const ms = decodeDateTimeBytes(d.value);
    if (ms !== null) return ms;
  }
  if (d.type === 'date-time') {
    const ms = decodeDateTimeBytes(d.raw);
    if (ms !== null) return ms;
  }
  throw new ProtocolError('PROTOCOL', 'range bound is not a date-time');
}

function intOf(d: DlmsData | undefined): number {
  if (d && (d.type === 'uint32' || d.type === 'uint16' || d.type === 'int32' || d.type === 'uint8')) return d.value;
  throw new ProtocolError('PROTOCOL', 'entry bound is not an integer');
}
