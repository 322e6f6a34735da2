/**
 * Typed, normalised configuration: what validateConfig hands to the engine and the UI once every
 * default is filled in. Field names are the WCC Lite ones (docs/configuration.md); a few derived
 * fields (`transport`, `obis`, `attribute`, signal `protocol`) are added so consumers need not
 * re-derive them.
 */

export const PROTOCOLS = ['DLMS', 'IEC 62056-21', 'Elgama'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export type Flag = 0 | 1;
export type Parity = 'none' | 'even' | 'odd';
export type Echo = 'auto' | 0 | 1;

export const NUMBER_TYPES = [
  'FLOAT',
  'DOUBLE',
  'DIGITAL',
  'INT16',
  'UINT16',
  'INT32',
  'UINT32',
  'INT64',
  'UINT64',
  'STRING',
] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

export const DLMS_AUTHS = ['None', 'Low', 'High', 'HighMd5', 'HighSha1', 'HighSha256', 'HighGmac', 'HighEcdsa'] as const;
export type DlmsAuth = (typeof DLMS_AUTHS)[number];
// PUSH (extension, issue 14): listen to a meter that pushes on its customer port (HAN, P1); no association.
export const DLMS_MODES = ['IEC', 'DLMS', 'DLMS-HDLC', 'DLMS-WRAPPER', 'PUSH'] as const;
export type DlmsMode = (typeof DLMS_MODES)[number];
/** How a PUSH device's frames are carried (extension, issue 14); auto detects it from the bytes. */
export const PUSH_LINK_LAYERS = ['auto', 'hdlc', 'mbus', 'raw'] as const;
export type PushLinkLayerName = (typeof PUSH_LINK_LAYERS)[number];
export const SECURITY_POLICIES = ['none', 'authenticated', 'encrypted', 'authenticated_encrypted'] as const;
export type SecurityPolicy = (typeof SECURITY_POLICIES)[number];

/**
 * `serial_number_formula` in normalised form: physical = (modulo > 0 ? SN % modulo : SN) + offset.
 * Written in the document either as the text `SN % 10000 + 1000` or as `{ "modulo": 10000, "offset": 1000 }`.
 */
export interface SerialNumberFormula {
  modulo: number;
  offset: number;
}

export interface CommonDeviceConfig {
  name: string;
  description: string;
  device_alias: string;
  enable: Flag;
  timeout_ms: number;
  scan_rate_ms: number;
  retry_counter: number;
  reconnect_time: number;
  /** Derived: 'tcp' when ip and port are given (serial settings are then ignored), else 'serial'. */
  transport: 'tcp' | 'serial';
  ip?: string;
  port?: number;
  /** Serial port name (PORT1) or path (/dev/ttyUSB0). */
  device?: string;
  baudrate: number;
  databits: number;
  stopbits: 1 | 2;
  parity: Parity;
  flowcontrol: 'none';
  dtr: Flag;
  rts: Flag;
  echo: Echo;
}

export interface DlmsDeviceConfig extends CommonDeviceConfig {
  protocol: 'DLMS';
  type: 'SN' | 'LN';
  mode: DlmsMode;
  auth: DlmsAuth;
  password?: string;
  client_address: number;
  address_size: 1 | 2 | 4;
  serial_number: number;
  serial_number_formula: SerialNumberFormula;
  physical_address: number;
  logical_address: number;
  /** Hex strings are normalised to lowercase without separators. */
  system_title?: string;
  block_cipher_key?: string;
  authentication_key?: string;
  dedicated_key?: string;
  security_suite: 0 | 1 | 2;
  security_policy: SecurityPolicy;
  /** PEM text as written, or lowercase hex. */
  ecdsa_private_key?: string;
  ecdsa_public_key?: string;
  server_public_key?: string;
  invocation_counter_obis: string;
  /** Extension (issue 16): HDLC information field and window proposed in SNRM. */
  max_info_field?: number;
  window_size?: number;
  /**
   * Extensions (issue 14), mode PUSH only: how the frames are carried (absent: auto), the meter's usual
   * push interval when known (absent: learnt from the arrivals), and whether every value of a push
   * becomes a reading named by its OBIS code (1) or only the configured signals (absent or 0).
   * In PUSH, `system_title` is the meter's expected one and `client_address` is not used (0).
   */
  push_link_layer?: PushLinkLayerName;
  push_interval_ms?: number;
  push_all_values?: Flag;
}

export interface IecDeviceConfig extends CommonDeviceConfig {
  protocol: 'IEC 62056-21';
  /** Device address for `/?<addr>!`; '' means the general `/?!`. */
  serialnumber: string;
  type: 'A' | 'B' | 'C' | 'D';
  poll_delay_ms: number;
  t2: number;
  serial_close_delay: number;
  meter_model: number;
  password?: string;
  /** Extension: IANA zone of the meter's clock; absent means the system's (or browser's). */
  time_zone?: string;
}

export interface ElgamaDeviceConfig extends CommonDeviceConfig {
  protocol: 'Elgama';
  id: number;
  meter_model: 0 | 1 | 2 | 3 | 4;
  use_time: Flag;
  serial_close_delay: number;
  client_address: number;
  password?: string;
  type: 'SN' | 'LN';
}

export type DeviceConfig = DlmsDeviceConfig | IecDeviceConfig | ElgamaDeviceConfig;

export interface CommonSignalConfig {
  signal_name: string;
  device_alias: string;
  signal_alias: string;
  enable: Flag;
  log: Flag;
}

export interface DlmsSignalConfig extends CommonSignalConfig {
  protocol: 'DLMS';
  /** Canonical `a.b.c.d.e.f` (the attribute, if written, is in `attribute`). */
  obis_job: string;
  obis: [number, number, number, number, number, number];
  /** Attribute index; 2 (the value) unless written as `...:n`. */
  attribute: number;
  short_name?: number;
  /** Interface class, when configured (extension): used as given, no class discovery. */
  class_id?: number;
  number_type?: NumberType;
}

export interface IecSignalConfig extends CommonSignalConfig {
  protocol: 'IEC 62056-21';
  tag_job_todo: string;
  number_type: NumberType;
  /** Extension: 1-based value of a data set with several (or profile channel). */
  value_index?: number;
}

export interface ElgamaSignalConfig extends CommonSignalConfig {
  protocol: 'Elgama';
  job_todo: string;
  tag_job_todo?: string;
  number_type: NumberType;
}

export type SignalConfig = DlmsSignalConfig | IecSignalConfig | ElgamaSignalConfig;

export interface MeterConfig {
  devices: DeviceConfig[];
  signals: SignalConfig[];
}

/** One problem found in a configuration. `path` is like `devices[2].baudrate`; '' is the whole document. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export type ValidationResult = { ok: true; config: MeterConfig; raw: unknown } | { ok: false; errors: ConfigIssue[] };

/** Result of validating one device or one signal (form editors). */
export type ItemResult<T> = { ok: true; value: T } | { ok: false; errors: ConfigIssue[] };
