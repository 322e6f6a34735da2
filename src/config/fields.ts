/**
 * The field table: one entry per configuration field and protocol. It is the single source for
 * validation (values.ts reads `type`, ranges and choices from it), for the UI editor (FIELD_DOCS:
 * help text, default, allowed values) and for DEFAULTS.
 */
import { DEFAULT_SERIAL_NUMBER_FORMULA, MAX_PHYSICAL_ADDRESS } from './formula';
import { DLMS_AUTHS, DLMS_MODES, NUMBER_TYPES, PROTOCOLS, PUSH_LINK_LAYERS, SECURITY_POLICIES, type Protocol } from './types';

export type FieldType =
  | 'string' // non-empty text
  | 'integer' // whole number; with `hex` also "0x10" or "16" as text
  | 'enum' // one of `allowed` (text choices are not case-sensitive)
  | 'flag' // 0 or 1 (true/false accepted)
  | 'echo' // "auto", 0 or 1
  | 'hex-bytes' // hex text of exactly `bytes` bytes
  | 'key' // PEM text or hex
  | 'obis' // OBIS code
  | 'formula' // serial_number_formula
  | 'password' // text (a number is accepted and read as its digits)
  | 'host' // IPv4, IPv6 or host name
  | 'iec-address' // IEC 62056-21 device address
  | 'iec-tag' // IEC 62056-21 data-set address
  | 'job'; // Elgama job name

export type FieldGroup = 'common' | 'tcp' | 'serial' | 'address' | 'security' | 'protocol' | 'signal';

export interface FieldDoc {
  name: string;
  group: FieldGroup;
  type: FieldType;
  description: string;
  required: boolean;
  /** When the requirement or default depends on other fields, in words. */
  condition?: string;
  default?: string | number;
  allowed?: readonly (string | number)[];
  min?: number;
  max?: number;
  /** integer fields that accept "0x.." text (addresses). */
  hex?: boolean;
  /** hex-bytes: exact length in bytes (see `condition` for suite-dependent lengths). */
  bytes?: number;
  /** allow `...:attribute` on an OBIS field. */
  attribute?: boolean;
  /** string fields that may be empty (free text). */
  allowEmpty?: boolean;
  /** Never echo the value in messages. */
  secret?: boolean;
}

type Opts = Omit<FieldDoc, 'name' | 'group' | 'type' | 'description' | 'required'> & { required?: boolean };

function field(name: string, group: FieldGroup, type: FieldType, description: string, opts: Opts = {}): FieldDoc {
  const { required = false, ...rest } = opts;
  return { name, group, type, description, required, ...rest };
}

export const BAUD_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

interface LineDefaults {
  baudrate: number;
  databits: number;
  parity: string;
}

function commonDevice(protocol: Protocol, timeoutRequired: boolean): FieldDoc[] {
  return [
    field('name', 'common', 'string', 'Name shown in lists and exports.', { required: true }),
    field('description', 'common', 'string', 'Free text for your own notes.', { default: '', allowEmpty: true }),
    field('device_alias', 'common', 'string', 'Short unique key of the device; signals refer to it.', { required: true }),
    field('enable', 'common', 'flag', '1 reads the device, 0 skips it.', { default: 1, allowed: [0, 1] }),
    field('protocol', 'common', 'enum', 'Which driver reads the device.', { required: true, allowed: PROTOCOLS }),
    field('timeout_ms', 'common', 'integer', 'How long to wait for each answer, in milliseconds.', {
      min: 10,
      max: 600000,
      ...(timeoutRequired ? { required: true } : { default: 2500 }),
    }),
    field('scan_rate_ms', 'common', 'integer', 'Time between two readings of the device, in milliseconds.', { default: 10000, min: 100, max: 86400000 }),
    field('retry_counter', 'common', 'integer', 'How many times a failed request is repeated before the reading is marked bad.', { default: 3, min: 0, max: 100 }),
    field('reconnect_time', 'common', 'integer', 'Wait before reconnecting after the link was lost, in milliseconds.', { default: 1000, min: 0, max: 3600000 }),
    field('ip', 'tcp', 'host', 'IP address or host name of a meter (or gateway) reached over TCP. With port, the device is read over TCP and serial settings are ignored.', {
      condition: 'give ip + port, or device',
    }),
    field('port', 'tcp', 'integer', 'TCP port, used together with ip.', { min: 1, max: 65535, condition: 'required with ip' }),
    field('device', 'serial', 'string', 'Serial port: a name such as PORT1 or a path such as /dev/ttyUSB0. Ignored when ip and port are given.', {
      condition: 'give ip + port, or device',
    }),
    ...serialLine(protocol),
  ];
}

function serialLine(protocol: Protocol): FieldDoc[] {
  const line: LineDefaults =
    protocol === 'IEC 62056-21' ? { baudrate: 300, databits: 7, parity: 'even' } : { baudrate: 9600, databits: 8, parity: 'none' };
  return [
    field('baudrate', 'serial', 'enum', 'Serial line speed in bit/s.', { default: line.baudrate, allowed: BAUD_RATES }),
    field('databits', 'serial', 'integer', 'Data bits per character. Web Serial supports only 7 and 8.', { default: line.databits, min: 6, max: 9 }),
    field('stopbits', 'serial', 'enum', 'Stop bits.', { default: 1, allowed: [1, 2] }),
    field('parity', 'serial', 'enum', 'Parity (not case-sensitive).', { default: line.parity, allowed: ['none', 'even', 'odd'] }),
    field('flowcontrol', 'serial', 'enum', 'Flow control; only none is supported.', { default: 'none', allowed: ['none'] }),
    field('dtr', 'serial', 'flag', 'Raise DTR when the port opens (1). Some optical probes take their power from DTR/RTS.', { default: 1, allowed: [0, 1] }),
    field('rts', 'serial', 'flag', 'Raise RTS when the port opens (1).', { default: 1, allowed: [0, 1] }),
    field('echo', 'serial', 'echo', 'Whether the probe echoes what is sent: auto detects it, 1 strips the echo, 0 assumes none.', {
      default: 'auto',
      allowed: ['auto', 0, 1],
    }),
  ];
}

const DLMS_DEVICE: FieldDoc[] = [
  ...commonDevice('DLMS', false),
  field('type', 'protocol', 'enum', 'Object referencing: SN (short names) or LN (logical names).', { default: 'SN', allowed: ['SN', 'LN'] }),
  field('mode', 'protocol', 'enum', 'Connection: IEC = IEC 62056-21 mode E sign-on at 300 7E1 then HDLC; DLMS / DLMS-HDLC = HDLC directly; DLMS-WRAPPER = IP wrapper (TCP); PUSH = listen to a meter that pushes on its own (HAN, P1 customer port), no association (extension).', {
    default: 'DLMS-HDLC',
    allowed: DLMS_MODES,
  }),
  field('auth', 'security', 'enum', 'Authentication level of the association.', { default: 'None', allowed: DLMS_AUTHS }),
  field('password', 'security', 'password', 'Password (Low) or HLS secret (High, HighMd5, HighSha1, HighSha256). For High it is the AES key: 1 to 32 bytes, zero-padded to 16 (or 32) bytes. Never shown in messages.', {
    secret: true,
    condition: 'required when auth is Low, High, HighMd5, HighSha1 or HighSha256',
  }),
  field('client_address', 'address', 'integer', 'Client address (source wPort over the wrapper). 0x10 = public client without authentication; 0x11 is common for Low.', {
    hex: true,
    min: 0,
    max: 0xffff,
    // Required by checkDlms for every mode but PUSH, where nobody associates (extension, issue 14).
    condition: 'required, except with mode PUSH (not allowed there); at most 0x7F over HDLC',
  }),
  field('address_size', 'address', 'enum', 'Size of the HDLC server address in bytes. Answers from the same address written in another size are accepted.', {
    default: 1,
    allowed: [1, 2, 4],
    condition: 'default 4 when serial_number is set',
  }),
  field('serial_number', 'address', 'integer', 'Meter serial number. 0 = unused; otherwise the server address is derived from it (serial_number_formula, logical 1) and physical_address / logical_address are ignored.', {
    default: 0,
    hex: true,
    min: 0,
    max: 0xffffffff,
  }),
  field('serial_number_formula', 'address', 'formula', 'How the physical address is derived from serial_number: "SN % m + o" (modulo and offset optional, + or -) or {"modulo": m, "offset": o}.', {
    default: DEFAULT_SERIAL_NUMBER_FORMULA,
  }),
  field('physical_address', 'address', 'integer', 'Lower HDLC server address (physical device).', { default: 16, hex: true, min: 0, max: MAX_PHYSICAL_ADDRESS }),
  field('logical_address', 'address', 'integer', 'Upper HDLC server address (logical device); over the wrapper the destination wPort (0 means 1, the management logical device).', {
    default: 0,
    hex: true,
    min: 0,
    max: 0xffff,
  }),
  field('system_title', 'security', 'hex-bytes', "The client's system title, 8 bytes hex. With mode PUSH: the meter's, and pushes from another meter are refused.", {
    bytes: 8,
    condition: 'required for HighGmac, HighEcdsa and a security_policy other than none; optional with mode PUSH',
  }),
  field('block_cipher_key', 'security', 'hex-bytes', 'Global unicast encryption key (EK), hex.', {
    bytes: 16,
    secret: true,
    condition: '32 bytes with security_suite 2; required for HighGmac and a security_policy other than none',
  }),
  field('authentication_key', 'security', 'hex-bytes', 'Authentication key (AK), hex.', {
    bytes: 16,
    secret: true,
    condition: '32 bytes with security_suite 2; required for HighGmac and the authenticated policies',
  }),
  field('dedicated_key', 'security', 'hex-bytes', 'Dedicated key for the association, hex (optional).', { bytes: 16, secret: true, condition: '32 bytes with security_suite 2' }),
  field('security_suite', 'security', 'enum', '0 = AES-GCM-128; 1 = ECDH/ECDSA P-256 with AES-GCM-128; 2 = P-384 with AES-GCM-256.', { default: 0, allowed: [0, 1, 2] }),
  field('security_policy', 'security', 'enum', 'Protection of the xDLMS messages.', { default: 'none', allowed: SECURITY_POLICIES }),
  field('ecdsa_private_key', 'security', 'key', "The client's ECDSA private key: PEM, or hex (32 bytes for suite 1, 48 for suite 2).", {
    secret: true,
    condition: 'required for HighEcdsa',
  }),
  field('ecdsa_public_key', 'security', 'key', "The client's ECDSA public key: PEM, or hex (x||y, optionally with a leading 04).", {}),
  field('server_public_key', 'security', 'key', "The meter's ECDSA public key: PEM, or hex (x||y, optionally with a leading 04).", { condition: 'required for HighEcdsa' }),
  field('invocation_counter_obis', 'security', 'obis', 'OBIS code of the invocation counter read (as the public client) before a ciphered association.', {
    default: '0.0.43.1.0.255',
  }),
  // Extensions of the WCC Lite table (issue 16): fewer turnarounds on slow lines.
  field('max_info_field', 'protocol', 'integer', 'Largest HDLC information field proposed in SNRM, both directions; the meter answers with what it takes. A meter that refuses it (FRMR, DM or silence) is asked again with 128. Extension.', {
    default: 1024,
    min: 32,
    max: 2030,
  }),
  field('window_size', 'protocol', 'integer', 'HDLC window proposed in SNRM (frames sent before an acknowledgement), both directions; negotiated down like max_info_field. Extension.', {
    default: 7,
    min: 1,
    max: 7,
  }),
  // Extensions of the WCC Lite table (issue 14): mode PUSH, a meter that sends on its own.
  field('push_link_layer', 'protocol', 'enum', 'Mode PUSH: how the pushed frames are carried: HDLC frames (Nordic HAN), M-Bus long frames (many P1/customer ports), raw APDUs, or auto = detected from the bytes. Extension.', {
    allowed: PUSH_LINK_LAYERS,
    condition: 'mode PUSH only; absent = auto',
  }),
  field('push_interval_ms', 'protocol', 'integer', 'Mode PUSH: the meter\'s usual interval between pushes, in milliseconds; a push missing for 3 intervals is counted. Absent: learnt from the arrivals. Extension.', {
    min: 100,
    max: 3600000,
    condition: 'mode PUSH only',
  }),
  field('push_all_values', 'protocol', 'flag', 'Mode PUSH: 1 stores every value of each push as a reading named by its OBIS code (configured signals keep their alias); 0 only the configured signals. Extension.', {
    allowed: [0, 1],
    condition: 'mode PUSH only; absent = 0',
  }),
];

const IEC_DEVICE: FieldDoc[] = [
  ...commonDevice('IEC 62056-21', false),
  field('serialnumber', 'protocol', 'iec-address', 'Device address sent in /?<address>!; 0 or empty sends /?! (any meter).', { default: '' }),
  field('type', 'protocol', 'enum', 'IEC 62056-21 protocol mode.', { default: 'C', allowed: ['A', 'B', 'C', 'D'] }),
  field('poll_delay_ms', 'protocol', 'integer', 'Pause before each request, in milliseconds.', { default: 200, min: 0, max: 600000 }),
  field('t2', 'protocol', 'integer', 'Wait before acknowledging the proposed baud rate (mode C), in milliseconds.', { default: 300, min: 200, max: 1500 }),
  field('serial_close_delay', 'protocol', 'integer', 'Wait before closing the serial port after a readout, in milliseconds.', { default: 400, min: 0, max: 60000 }),
  field('meter_model', 'protocol', 'integer', 'Reserved.', { default: 1, min: 0, max: 255 }),
  field('password', 'security', 'password', 'P1 password for programming mode (optional). Never shown in messages.', { secret: true }),
  // Extension of the WCC Lite table: the zone of the meter's clock, for its time stamps and profiles.
  field('time_zone', 'protocol', 'string', "IANA time zone of the meter's clock (e.g. Europe/Vilnius, UTC); its time stamps and load profiles are converted to UTC with it. Default: the system's (or browser's) zone. Extension.", {}),
];

const ELGAMA_DEVICE: FieldDoc[] = [
  ...commonDevice('Elgama', true),
  field('id', 'protocol', 'integer', 'Meter serial number.', { required: true, min: 0, max: 0xffffffff }),
  field('meter_model', 'protocol', 'enum', '0 EPQM/LZQM, 1 EPQS, 2 GAMA300, 3 GAMA100, 4 ITS cl. Models 0, 1 and 4 are read as IEC 62056-21 readouts and are unverified on hardware.', {
    required: true,
    allowed: [0, 1, 2, 3, 4],
  }),
  field('use_time', 'protocol', 'flag', 'Time stamp of readings: 0 system time, 1 meter time.', { default: 0, allowed: [0, 1] }),
  field('serial_close_delay', 'protocol', 'integer', 'Wait before closing the serial port after a readout, in milliseconds.', { default: 400, min: 0, max: 60000 }),
  field('client_address', 'address', 'integer', 'DLMS client address: 16 = no authentication, 32 = Low (password).', {
    default: 16,
    hex: true,
    min: 0,
    max: 0x7f,
    condition: 'default 32 when password is set',
  }),
  field('password', 'security', 'password', 'Low-level password (with client_address 32). Never shown in messages.', { secret: true }),
  field('type', 'protocol', 'enum', 'Object referencing; LN is only offered by GAMA100 (meter_model 3).', { default: 'SN', allowed: ['SN', 'LN'] }),
];

function commonSignal(numberTypeRequired: boolean): FieldDoc[] {
  return [
    field('signal_name', 'signal', 'string', 'Name shown in lists and exports.', { required: true }),
    field('device_alias', 'signal', 'string', 'device_alias of the device this signal is read from.', { required: true }),
    field('signal_alias', 'signal', 'string', 'Short key of the signal, unique within its device.', { required: true }),
    field('enable', 'signal', 'flag', '1 reads the signal, 0 skips it.', { default: 1, allowed: [0, 1] }),
    field('log', 'signal', 'flag', '1 writes value changes to the event log.', { default: 0, allowed: [0, 1] }),
    field('number_type', 'signal', 'enum', 'How the value is converted (not case-sensitive).', {
      allowed: NUMBER_TYPES,
      ...(numberTypeRequired ? { required: true } : { condition: 'optional: the value keeps the type the meter sends' }),
    }),
  ];
}

const DLMS_SIGNAL: FieldDoc[] = [
  ...commonSignal(false),
  field('obis_job', 'signal', 'obis', 'OBIS code of the object, e.g. 1.0.1.8.0.255 or 1-0:1.8.0*255, optionally with the attribute (1.0.1.8.0.255:2, default attribute 2). Register scalers are applied automatically.', {
    required: true,
    attribute: true,
  }),
  field('short_name', 'signal', 'integer', 'Base name of the object for SN referencing (read from the object list when absent; ignored for LN).', {
    hex: true,
    min: 0,
    max: 0xffff,
  }),
  // Extension of the WCC Lite table: for meters whose object list is refused, the class cannot be discovered.
  field('class_id', 'signal', 'integer', 'Interface class of the object (e.g. 3 Register, 8 Clock, 18 Image transfer). Optional: the class is otherwise guessed and confirmed from the object list. Extension.', {
    min: 1,
    max: 0xffff,
  }),
];

const IEC_SIGNAL: FieldDoc[] = [
  ...commonSignal(true),
  field('tag_job_todo', 'signal', 'iec-tag', 'Data-set address exactly as the meter prints it, e.g. 1.8.0 or 1.8.0*24.', { required: true }),
  // Extension of the WCC Lite table: which value of a data set with several, e.g. 2 for the time in 1.6.0(12.3*kW)(2301011200).
  field('value_index', 'signal', 'integer', 'Which value of a data set with several (1 = first), e.g. 2 for the time in 1.6.0(12.3*kW)(2301011200); for a profile such as 0-1:24.3.0, the channel. Default: the first value that is not a time stamp. Extension.', {
    min: 1,
    max: 256,
  }),
];

const ELGAMA_SIGNAL: FieldDoc[] = [
  ...commonSignal(true),
  field('job_todo', 'signal', 'job', 'What to read from the meter (register or job name).', { required: true }),
  field('tag_job_todo', 'signal', 'iec-tag', 'Data-set address within the job, when the job returns several values.', {}),
];

export const FIELD_DOCS: Readonly<Record<Protocol, { readonly device: readonly FieldDoc[]; readonly signal: readonly FieldDoc[] }>> = {
  DLMS: { device: DLMS_DEVICE, signal: DLMS_SIGNAL },
  'IEC 62056-21': { device: IEC_DEVICE, signal: IEC_SIGNAL },
  Elgama: { device: ELGAMA_DEVICE, signal: ELGAMA_SIGNAL },
};

function defaultsOf(docs: readonly FieldDoc[]): Readonly<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  for (const d of docs) if (d.default !== undefined) out[d.name] = d.default;
  return Object.freeze(out);
}

/** Defaults as written in a document (before normalisation), per protocol. */
export const DEFAULTS: Readonly<Record<Protocol, { readonly device: Readonly<Record<string, string | number>>; readonly signal: Readonly<Record<string, string | number>> }>> = {
  DLMS: { device: defaultsOf(DLMS_DEVICE), signal: defaultsOf(DLMS_SIGNAL) },
  'IEC 62056-21': { device: defaultsOf(IEC_DEVICE), signal: defaultsOf(IEC_SIGNAL) },
  Elgama: { device: defaultsOf(ELGAMA_DEVICE), signal: defaultsOf(ELGAMA_SIGNAL) },
};

/** Lookup tables built once: field name -> doc, per protocol and scope. */
export const DEVICE_FIELD_MAP: ReadonlyMap<Protocol, ReadonlyMap<string, FieldDoc>> = new Map(
  PROTOCOLS.map((p) => [p, new Map(FIELD_DOCS[p].device.map((d) => [d.name, d]))]),
);
export const SIGNAL_FIELD_MAP: ReadonlyMap<Protocol, ReadonlyMap<string, FieldDoc>> = new Map(
  PROTOCOLS.map((p) => [p, new Map(FIELD_DOCS[p].signal.map((d) => [d.name, d]))]),
);

/** Fields common to all three protocols (used when a device's protocol is missing or wrong). */
function commonNames(scope: 'device' | 'signal'): ReadonlyMap<string, FieldDoc> {
  const maps = PROTOCOLS.map((p) => (scope === 'device' ? DEVICE_FIELD_MAP : SIGNAL_FIELD_MAP).get(p)!);
  const out = new Map<string, FieldDoc>();
  for (const [name, doc] of maps[0]) if (maps.every((m) => m.has(name))) out.set(name, doc);
  return out;
}
export const COMMON_DEVICE_FIELDS = commonNames('device');
export const COMMON_SIGNAL_FIELDS = commonNames('signal');

export const ALL_DEVICE_FIELD_NAMES: ReadonlySet<string> = new Set(PROTOCOLS.flatMap((p) => FIELD_DOCS[p].device.map((d) => d.name)));
export const ALL_SIGNAL_FIELD_NAMES: ReadonlySet<string> = new Set(PROTOCOLS.flatMap((p) => FIELD_DOCS[p].signal.map((d) => d.name)));
