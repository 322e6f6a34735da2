import { MeterError, ProtocolError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import { decodeApdu, encodeApdu } from '../dlms/apdu';
import type {
  Apdu,
  AttributeDescriptor,
  AttributeWithSelection,
  GetDataResult,
  MethodDescriptor,
  ReadResult,
  SelectiveAccess,
  VariableAccess,
} from '../dlms/apdu/types';
import { actionResultToMeterError, confirmedServiceErrorToMeterError, dataAccessErrorToMeterError, exceptionResponseToMeterError } from '../dlms/apdu';
import { decodeData } from '../dlms/axdr/data';
import { isCipheredTag } from '../dlms/security/ciphered-apdu';
import type { DlmsData } from '../dlms/axdr/types';

/** Anything that carries one request APDU to the meter and brings back its response APDU. */
export interface ApduExchange {
  request(apdu: Uint8Array): Promise<Uint8Array>;
}

export interface ServiceOptions {
  /** Largest APDU the meter accepts (from the AARE); requests are planned to fit. */
  serverMaxPdu: number;
  /** Refuse reassembled answers beyond this (memory bound against lying meters). */
  maxResponseBytes?: number;
  log?: SessionLog;
  signal?: AbortSignal;
  /** Called after each received block of a long answer. */
  onBlock?: (blocks: number, bytes: number) => void;
  /** Ciphering of a secured association: every request is protected, every response deciphered. */
  cipher?: ApduCipher;
}

/** What transact needs from the security layer (CipherContext implements it). */
export interface ApduCipher {
  readonly ciphered: boolean;
  protect(plain: Uint8Array): Promise<Uint8Array>;
  unprotect(bytes: Uint8Array): Promise<Uint8Array>;
}

const HIGH_PRIORITY_CONFIRMED = 0xc0;

/** A list answer with fewer items than asked: how meters meet a list size limit (the count is the limit, often). */
export class ListCutShort extends MeterError {
  constructor(
    readonly asked: number,
    readonly answered: number,
    what = 'attributes',
  ) {
    super('LENGTH', `Asked for ${asked} ${what}, the meter answered ${answered}.`);
  }
}

/**
 * The xDLMS services of an open association: GET / SET / ACTION for logical names, READ / WRITE for short
 * names, with block transfer on receive (GET with data blocks, READ data-block-result and
 * general-block-transfer). Stateless apart from the invoke id: association and transport are elsewhere.
 */
export class DlmsServices {
  private invokeId = 0;
  roundTrips = 0;

  constructor(
    private readonly exchange: ApduExchange,
    private readonly opts: ServiceOptions,
  ) {}

  /** The session's trace, for the reader's level-3 notes. */
  get log(): SessionLog | undefined {
    return this.opts.log;
  }

  private nextInvoke(): number {
    this.invokeId = (this.invokeId + 1) & 0x0f;
    return HIGH_PRIORITY_CONFIRMED | this.invokeId;
  }

  /** Send one APDU, receive one (reassembling general-block-transfer), map service-level failures. */
  async transact(apdu: Apdu): Promise<Apdu> {
    if (this.opts.signal?.aborted) throw new MeterError('CANCELLED');
    const plain = encodeApdu(apdu);
    const cipher = this.opts.cipher?.ciphered ? this.opts.cipher : undefined;
    const bytes = cipher ? await cipher.protect(plain) : plain;
    if (bytes.length > this.opts.serverMaxPdu) {
      throw new MeterError('LENGTH', `The request (${bytes.length} bytes) exceeds the meter's maximum PDU of ${this.opts.serverMaxPdu} bytes.`);
    }
    this.roundTrips++;
    let answer = await this.decodeResponse(await this.exchange.request(bytes));
    if (answer.type === 'general-block-transfer') answer = await this.receiveGeneralBlocks(answer);
    if (answer.type === 'exception-response') {
      if (cipher && answer.serviceError === 5) throw new MeterError('AUTH_FAILED', 'The meter could not decipher the request (wrong key or system title).');
      throw exceptionResponseToMeterError(answer);
    }
    if (answer.type === 'confirmed-service-error') throw confirmedServiceErrorToMeterError(answer);
    return answer;
  }

  /**
   * One response APDU: ciphered ones are deciphered (tag, counter and policy checked). In a ciphered
   * association only exception-response and general-block-transfer may come in plain text.
   */
  private async decodeResponse(bytes: Uint8Array): Promise<Apdu> {
    const cipher = this.opts.cipher?.ciphered ? this.opts.cipher : undefined;
    if (bytes.length > 0 && isCipheredTag(bytes[0])) {
      if (!this.opts.cipher) throw new MeterError('PROTOCOL', 'The meter answered with a ciphered APDU in an unciphered association.');
      return decodeApdu(await this.opts.cipher.unprotect(bytes));
    }
    const apdu = decodeApdu(bytes);
    if (cipher && apdu.type !== 'exception-response' && apdu.type !== 'general-block-transfer') {
      throw new MeterError('PROTOCOL', `The meter answered ${apdu.type} in plain text inside a ciphered association.`);
    }
    return apdu;
  }

  /** General block transfer: acknowledge and gather blocks until the last one, then decode the whole APDU. */
  private async receiveGeneralBlocks(first: Extract<Apdu, { type: 'general-block-transfer' }>): Promise<Apdu> {
    const parts: Uint8Array[] = [first.blockData];
    let total = first.blockData.length;
    let block = first;
    let blocks = 1;
    while (!block.lastBlock) {
      if (this.opts.signal?.aborted) throw new MeterError('CANCELLED');
      this.checkSize(total);
      const ack = encodeApdu({
        type: 'general-block-transfer',
        lastBlock: true,
        streaming: false,
        window: 1,
        blockNumber: 0,
        blockNumberAck: block.blockNumber,
        blockData: new Uint8Array(0),
      });
      this.roundTrips++;
      const next = decodeApdu(await this.exchange.request(ack));
      if (next.type !== 'general-block-transfer') throw new MeterError('PROTOCOL', `Expected the next general block, got ${next.type}.`);
      if (next.blockNumber !== block.blockNumber + 1) {
        throw new MeterError('PROTOCOL', `General block ${next.blockNumber} arrived where ${block.blockNumber + 1} was expected.`);
      }
      parts.push(next.blockData);
      total += next.blockData.length;
      block = next;
      this.opts.onBlock?.(++blocks, total);
    }
    return this.decodeResponse(concat(parts, total));
  }

  private checkSize(total: number): void {
    const max = this.opts.maxResponseBytes ?? 16 * 1024 * 1024;
    if (total > max) throw new MeterError('LENGTH', `The answer grew beyond ${max} bytes; reading stopped.`);
  }

  // ---- logical names -------------------------------------------------------------------------------

  /** GET one attribute; long answers come in data blocks and are reassembled. */
  async get(attribute: AttributeDescriptor, access?: SelectiveAccess): Promise<DlmsData> {
    return unwrapResult(await this.getResult(attribute, access));
  }

  /** GET one attribute, returning a data-access error as a result instead of throwing it. */
  async getResult(attribute: AttributeDescriptor, access?: SelectiveAccess): Promise<GetDataResult> {
    const invokeIdAndPriority = this.nextInvoke();
    const answer = await this.transact({ type: 'get-request-normal', invokeIdAndPriority, attribute, ...(access ? { access } : {}) });
    if (answer.type === 'get-response-normal') return answer.result;
    if (answer.type === 'get-response-with-datablock') return this.getBlocks(answer, invokeIdAndPriority);
    throw unexpected('get-response', answer);
  }

  private async getBlocks(first: Extract<Apdu, { type: 'get-response-with-datablock' }>, invokeIdAndPriority: number): Promise<GetDataResult> {
    const parts: Uint8Array[] = [];
    let total = 0;
    let block = first;
    for (let blocks = 1; ; blocks++) {
      if (block.result.type === 'error') return { type: 'error', result: block.result.result };
      parts.push(block.result.bytes);
      total += block.result.bytes.length;
      this.opts.onBlock?.(blocks, total);
      if (block.lastBlock) break;
      this.checkSize(total);
      const next = await this.transact({ type: 'get-request-next', invokeIdAndPriority, blockNumber: block.blockNumber });
      if (next.type !== 'get-response-with-datablock') throw unexpected('get-response-with-datablock', next);
      if (next.blockNumber !== block.blockNumber + 1) {
        throw new MeterError('PROTOCOL', `Data block ${next.blockNumber} arrived where ${block.blockNumber + 1} was expected.`);
      }
      block = next;
    }
    return { type: 'data', value: decodeWhole(concat(parts, total)) };
  }

  /** GET several attributes in one request; one result per attribute, errors per item. */
  async getList(items: AttributeWithSelection[]): Promise<GetDataResult[]> {
    const invokeIdAndPriority = this.nextInvoke();
    const answer = await this.transact({ type: 'get-request-with-list', invokeIdAndPriority, attributes: items });
    if (answer.type === 'get-response-with-list') {
      if (answer.results.length !== items.length) {
        throw new ListCutShort(items.length, answer.results.length);
      }
      return answer.results;
    }
    if (answer.type === 'get-response-with-datablock') {
      // The list answer did not fit one APDU: its blocks hold the encoded SEQUENCE OF Get-Data-Result.
      const whole = await this.collectListBlocks(answer, invokeIdAndPriority);
      return decodeResultList(whole, items.length);
    }
    throw unexpected('get-response-with-list', answer);
  }

  private async collectListBlocks(first: Extract<Apdu, { type: 'get-response-with-datablock' }>, invokeIdAndPriority: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    let block = first;
    for (;;) {
      if (block.result.type === 'error') throw dataAccessErrorToMeterError(block.result.result);
      parts.push(block.result.bytes);
      total += block.result.bytes.length;
      if (block.lastBlock) return concat(parts, total);
      this.checkSize(total);
      const next = await this.transact({ type: 'get-request-next', invokeIdAndPriority, blockNumber: block.blockNumber });
      if (next.type !== 'get-response-with-datablock') throw unexpected('get-response-with-datablock', next);
      block = next;
    }
  }

  async set(attribute: AttributeDescriptor, value: DlmsData): Promise<void> {
    const answer = await this.transact({ type: 'set-request-normal', invokeIdAndPriority: this.nextInvoke(), attribute, value });
    if (answer.type !== 'set-response-normal') throw unexpected('set-response', answer);
    if (answer.result !== 0) throw dataAccessErrorToMeterError(answer.result);
  }

  /** ACTION; returns the return parameters when the meter sends any. */
  async action(method: MethodDescriptor, parameters?: DlmsData): Promise<DlmsData | undefined> {
    const answer = await this.transact({
      type: 'action-request-normal',
      invokeIdAndPriority: this.nextInvoke(),
      method,
      ...(parameters ? { parameters } : {}),
    });
    if (answer.type !== 'action-response-normal') throw unexpected('action-response', answer);
    if (answer.result !== 0) throw actionResultToMeterError(answer.result);
    if (answer.returnParameters) return unwrapResult(answer.returnParameters);
    return undefined;
  }

  // ---- short names ---------------------------------------------------------------------------------

  /** READ variables by short name (or with parameterized access); one result per item, errors per item. */
  async read(items: VariableAccess[]): Promise<ReadResult[]> {
    const answer = await this.transact({ type: 'read-request', items });
    if (answer.type !== 'read-response') throw unexpected('read-response', answer);
    const first = answer.items[0];
    if (answer.items.length === 1 && first?.type === 'data-block-result') {
      const whole = await this.readBlocks(first);
      return items.length === 1 ? [{ type: 'data', value: decodeWhole(whole) }] : decodeReadResultList(whole, items.length);
    }
    if (answer.items.length !== items.length) {
      throw new ListCutShort(items.length, answer.items.length, 'variables');
    }
    return answer.items;
  }

  private async readBlocks(first: Extract<ReadResult, { type: 'data-block-result' }>): Promise<Uint8Array> {
    const parts: Uint8Array[] = [first.rawData];
    let total = first.rawData.length;
    let block = first;
    let blocks = 1;
    while (!block.lastBlock) {
      this.checkSize(total);
      const answer = await this.transact({ type: 'read-request', items: [{ type: 'block-number-access', blockNumber: block.blockNumber }] });
      const item = answer.type === 'read-response' ? answer.items[0] : undefined;
      if (!item) throw unexpected('read-response', answer);
      if (item.type === 'error') throw dataAccessErrorToMeterError(item.result);
      if (item.type !== 'data-block-result') throw new MeterError('PROTOCOL', `Expected a data block, got ${item.type}.`);
      parts.push(item.rawData);
      total += item.rawData.length;
      block = item;
      this.opts.onBlock?.(++blocks, total);
    }
    return concat(parts, total);
  }

  async write(name: number, value: DlmsData): Promise<void> {
    const answer = await this.transact({ type: 'write-request', items: [{ type: 'variable-name', name }], values: [value] });
    if (answer.type !== 'write-response') throw unexpected('write-response', answer);
    const r = answer.items[0];
    if (!r) throw new MeterError('PROTOCOL', 'The write response holds no result.');
    if (r.type === 'error') throw dataAccessErrorToMeterError(r.result);
  }
}

export function unwrapResult(result: GetDataResult): DlmsData {
  if (result.type === 'error') throw dataAccessErrorToMeterError(result.result);
  return result.value;
}

export function unwrapReadResult(result: ReadResult): DlmsData {
  if (result.type === 'error') throw dataAccessErrorToMeterError(result.result);
  if (result.type === 'data') return result.value;
  throw new MeterError('PROTOCOL', `Unexpected ${result.type} in a read response.`);
}

function decodeWhole(bytes: Uint8Array): DlmsData {
  const { value, next } = decodeData(bytes, 0);
  if (next !== bytes.length) throw new ProtocolError('LENGTH', `${bytes.length - next} bytes left over after the value.`);
  return value;
}

/** SEQUENCE OF Get-Data-Result, as carried in blocks: count, then per item 0x00 Data | 0x01 result. */
function decodeResultList(bytes: Uint8Array, expected: number): GetDataResult[] {
  const { count, offset } = readLength(bytes, 0);
  if (count !== expected) throw new ListCutShort(expected, count);
  const out: GetDataResult[] = [];
  let pos = offset;
  for (let i = 0; i < count; i++) {
    const choice = bytes[pos++];
    if (choice === 0) {
      const { value, next } = decodeData(bytes, pos);
      out.push({ type: 'data', value });
      pos = next;
    } else if (choice === 1) {
      if (pos >= bytes.length) throw new ProtocolError('LENGTH', 'Truncated result list.');
      out.push({ type: 'error', result: bytes[pos++] });
    } else throw new ProtocolError('FRAMING', `Unknown Get-Data-Result choice ${choice}.`);
  }
  return out;
}

/** SN equivalent: SEQUENCE OF Read-Result with choices 0 data, 1 data-access-error. */
function decodeReadResultList(bytes: Uint8Array, expected: number): ReadResult[] {
  return decodeResultList(bytes, expected).map((r) => (r.type === 'data' ? r : { type: 'error', result: r.result }));
}

function readLength(bytes: Uint8Array, offset: number): { count: number; offset: number } {
  if (offset >= bytes.length) throw new ProtocolError('LENGTH', 'Missing length.');
  const first = bytes[offset];
  if (first < 0x80) return { count: first, offset: offset + 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 4 || offset + 1 + n > bytes.length) throw new ProtocolError('LENGTH', 'Bad length encoding.');
  let count = 0;
  for (let i = 0; i < n; i++) count = count * 256 + bytes[offset + 1 + i];
  return { count, offset: offset + 1 + n };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function unexpected(wanted: string, got: Apdu): MeterError {
  return new MeterError('PROTOCOL', `Expected ${wanted}, the meter sent ${got.type}.`);
}

