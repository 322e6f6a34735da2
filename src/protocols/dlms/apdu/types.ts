import type { DlmsData } from '../axdr/types';

/**
 * xDLMS APDUs (IEC 62056-5-3) as plain tagged objects. `invokeIdAndPriority` is kept as the raw byte
 * (see invoke-id.ts for its fields) so that decode followed by encode is byte exact.
 */

/** The first byte of each APDU this codec knows. */
export const ApduTag = {
  'confirmed-service-error': 0x0e,
  'read-request': 0x05,
  'write-request': 0x06,
  'read-response': 0x0c,
  'write-response': 0x0d,
  'unconfirmed-write-request': 0x16,
  'data-notification': 0x0f,
  'get-request': 0xc0,
  'set-request': 0xc1,
  'event-notification-request': 0xc2,
  'action-request': 0xc3,
  'get-response': 0xc4,
  'set-response': 0xc5,
  'action-response': 0xc7,
  'exception-response': 0xd8,
  'general-block-transfer': 0xe0,
} as const;

export interface AttributeDescriptor {
  classId: number;
  /** The six-byte logical name (OBIS code) of the object. */
  obis: Uint8Array;
  attributeId: number;
}

export interface MethodDescriptor {
  classId: number;
  obis: Uint8Array;
  methodId: number;
}

/** Selective access: selector (1 = range, 2 = entry for profiles) and its parameters. */
export interface SelectiveAccess {
  selector: number;
  parameters: DlmsData;
}

/** An attribute reference with optional selective access (GET/SET with-list items). */
export interface AttributeWithSelection {
  attribute: AttributeDescriptor;
  access?: SelectiveAccess;
}

/** Get-Data-Result: a value or a Data-Access-Result code (see results.ts). */
export type GetDataResult = { type: 'data'; value: DlmsData } | { type: 'error'; result: number };

// ---- GET
export interface GetRequestNormal {
  type: 'get-request-normal';
  invokeIdAndPriority: number;
  attribute: AttributeDescriptor;
  access?: SelectiveAccess;
}
export interface GetRequestNext {
  type: 'get-request-next';
  invokeIdAndPriority: number;
  blockNumber: number;
}
export interface GetRequestWithList {
  type: 'get-request-with-list';
  invokeIdAndPriority: number;
  attributes: AttributeWithSelection[];
}
export interface GetResponseNormal {
  type: 'get-response-normal';
  invokeIdAndPriority: number;
  result: GetDataResult;
}
/** One block of a long GET answer: raw bytes of the encoded Data, to be concatenated, or an error. */
export interface GetResponseWithDatablock {
  type: 'get-response-with-datablock';
  invokeIdAndPriority: number;
  lastBlock: boolean;
  blockNumber: number;
  result: { type: 'raw'; bytes: Uint8Array } | { type: 'error'; result: number };
}
export interface GetResponseWithList {
  type: 'get-response-with-list';
  invokeIdAndPriority: number;
  results: GetDataResult[];
}

// ---- SET
export interface SetRequestNormal {
  type: 'set-request-normal';
  invokeIdAndPriority: number;
  attribute: AttributeDescriptor;
  access?: SelectiveAccess;
  value: DlmsData;
}
export interface SetRequestWithFirstDatablock {
  type: 'set-request-with-first-datablock';
  invokeIdAndPriority: number;
  attribute: AttributeDescriptor;
  access?: SelectiveAccess;
  lastBlock: boolean;
  blockNumber: number;
  rawData: Uint8Array;
}
export interface SetRequestWithDatablock {
  type: 'set-request-with-datablock';
  invokeIdAndPriority: number;
  lastBlock: boolean;
  blockNumber: number;
  rawData: Uint8Array;
}
export interface SetRequestWithList {
  type: 'set-request-with-list';
  invokeIdAndPriority: number;
  attributes: AttributeWithSelection[];
  values: DlmsData[];
}
export interface SetRequestWithListAndFirstDatablock {
  type: 'set-request-with-list-and-first-datablock';
  invokeIdAndPriority: number;
  attributes: AttributeWithSelection[];
  lastBlock: boolean;
  blockNumber: number;
  rawData: Uint8Array;
}
export interface SetResponseLastDatablockWithList {
  type: 'set-response-last-datablock-with-list';
  invokeIdAndPriority: number;
  results: number[];
  blockNumber: number;
}
export interface SetResponseNormal {
  type: 'set-response-normal';
  invokeIdAndPriority: number;
  result: number;
}
export interface SetResponseDatablock {
  type: 'set-response-datablock';
  invokeIdAndPriority: number;
  blockNumber: number;
}
export interface SetResponseLastDatablock {
  type: 'set-response-last-datablock';
  invokeIdAndPriority: number;
  result: number;
  blockNumber: number;
}
export interface SetResponseWithList {
  type: 'set-response-with-list';
  invokeIdAndPriority: number;
  results: number[];
}

// ---- ACTION
export interface ActionRequestNormal {
  type: 'action-request-normal';
  invokeIdAndPriority: number;
  method: MethodDescriptor;
  parameters?: DlmsData;
}
/** DataBlock-SA, the block form of long SET and ACTION parameters. */
export interface DataBlockSA {
  lastBlock: boolean;
  blockNumber: number;
  rawData: Uint8Array;
}
export interface ActionRequestNextPblock {
  type: 'action-request-next-pblock';
  invokeIdAndPriority: number;
  blockNumber: number;
}
export interface ActionRequestWithList {
  type: 'action-request-with-list';
  invokeIdAndPriority: number;
  methods: MethodDescriptor[];
  parameters: DlmsData[];
}
export interface ActionRequestWithFirstPblock {
  type: 'action-request-with-first-pblock';
  invokeIdAndPriority: number;
  method: MethodDescriptor;
  pblock: DataBlockSA;
}
export interface ActionRequestWithListAndFirstPblock {
  type: 'action-request-with-list-and-first-pblock';
  invokeIdAndPriority: number;
  methods: MethodDescriptor[];
  pblock: DataBlockSA;
}
export interface ActionRequestWithPblock {
  type: 'action-request-with-pblock';
  invokeIdAndPriority: number;
  pblock: DataBlockSA;
}
/** Action-Response-With-Optional-Data. */
export interface ActionResult {
  result: number;
  returnParameters?: GetDataResult;
}
export interface ActionResponseWithPblock {
  type: 'action-response-with-pblock';
  invokeIdAndPriority: number;
  pblock: DataBlockSA;
}
export interface ActionResponseWithList {
  type: 'action-response-with-list';
  invokeIdAndPriority: number;
  results: ActionResult[];
}
export interface ActionResponseNextPblock {
  type: 'action-response-next-pblock';
  invokeIdAndPriority: number;
  blockNumber: number;
}
export interface ActionResponseNormal {
  type: 'action-response-normal';
  invokeIdAndPriority: number;
  /** Action-Result code (see results.ts). */
  result: number;
  returnParameters?: GetDataResult;
}

// ---- errors
/** exception-response: the server could not even start to process the request. */
export interface ExceptionResponse {
  type: 'exception-response';
  /** 1 service-not-allowed, 2 service-unknown */
  stateError: number;
  /** 1 operation-not-possible, 2 service-not-supported, 3 other-reason, 4 pdu-too-long, 5 deciphering-error, 6 invocation-counter-error */
  serviceError: number;
  /** Only with serviceError 6: the counter value the server expects. */
  invocationCounter?: number;
}
/** ConfirmedServiceError: which service failed (1 initiate, 5 read, 6 write, ...) and ServiceError [choice, value]. */
export interface ConfirmedServiceError {
  type: 'confirmed-service-error';
  service: number;
  errorType: number;
  error: number;
}

// ---- short-name referencing
export type VariableAccess =
  | { type: 'variable-name'; name: number }
  | { type: 'parameterized-access'; name: number; selector: number; parameter: DlmsData }
  | { type: 'block-number-access'; blockNumber: number }
  | { type: 'read-data-block-access'; lastBlock: boolean; blockNumber: number; rawData: Uint8Array }
  | { type: 'write-data-block-access'; lastBlock: boolean; blockNumber: number };

export type ReadResult =
  | { type: 'data'; value: DlmsData }
  | { type: 'error'; result: number }
  | { type: 'data-block-result'; lastBlock: boolean; blockNumber: number; rawData: Uint8Array }
  | { type: 'block-number'; blockNumber: number };

export type WriteResult = { type: 'success' } | { type: 'error'; result: number } | { type: 'block-number'; blockNumber: number };

export interface ReadRequest {
  type: 'read-request';
  items: VariableAccess[];
}
export interface ReadResponse {
  type: 'read-response';
  items: ReadResult[];
}
export interface WriteRequest {
  type: 'write-request' | 'unconfirmed-write-request';
  items: VariableAccess[];
  values: DlmsData[];
}
export interface WriteResponse {
  type: 'write-response';
  items: WriteResult[];
}

// ---- transfer and push
export interface GeneralBlockTransfer {
  type: 'general-block-transfer';
  lastBlock: boolean;
  streaming: boolean;
  /** Window size the sender offers (0..63). */
  window: number;
  blockNumber: number;
  blockNumberAck: number;
  blockData: Uint8Array;
}
export interface DataNotification {
  type: 'data-notification';
  longInvokeIdAndPriority: number;
  /** The 12-byte COSEM date-time, or undefined when absent. */
  dateTime?: Uint8Array;
  /**
   * True when the sender put a Data tag (0x09, octet-string) before the date-time as some HAN meters
   * (Kaifa, early Kamstrup) do; encode reproduces it so captures round trip.
   */
  dateTimeTagged?: boolean;
  body: DlmsData;
}
export interface EventNotification {
  type: 'event-notification-request';
  /** Raw octet-string time (usually a 12-byte date-time), when present. */
  time?: Uint8Array;
  attribute: AttributeDescriptor;
  value: DlmsData;
}

export type Apdu =
  | GetRequestNormal
  | GetRequestNext
  | GetRequestWithList
  | GetResponseNormal
  | GetResponseWithDatablock
  | GetResponseWithList
  | SetRequestNormal
  | SetRequestWithFirstDatablock
  | SetRequestWithDatablock
  | SetRequestWithList
  | SetRequestWithListAndFirstDatablock
  | SetResponseNormal
  | SetResponseDatablock
  | SetResponseLastDatablock
  | SetResponseWithList
  | SetResponseLastDatablockWithList
  | ActionRequestNormal
  | ActionRequestNextPblock
  | ActionRequestWithList
  | ActionRequestWithFirstPblock
  | ActionRequestWithListAndFirstPblock
  | ActionRequestWithPblock
  | ActionResponseNormal
  | ActionResponseWithPblock
  | ActionResponseWithList
  | ActionResponseNextPblock
  | ExceptionResponse
  | ConfirmedServiceError
  | ReadRequest
  | ReadResponse
  | WriteRequest
  | WriteResponse
  | GeneralBlockTransfer
  | DataNotification
  | EventNotification;
