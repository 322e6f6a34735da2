/** Configuration: WCC Lite style devices and signals, validated and normalised (docs/configuration.md). */
export type {
  CommonDeviceConfig,
  CommonSignalConfig,
  ConfigIssue,
  DeviceConfig,
  DlmsAuth,
  DlmsDeviceConfig,
  DlmsMode,
  DlmsSignalConfig,
  Echo,
  ElgamaDeviceConfig,
  ElgamaSignalConfig,
  Flag,
  IecDeviceConfig,
  IecSignalConfig,
  ItemResult,
  MeterConfig,
  NumberType,
  Parity,
  Protocol,
  SecurityPolicy,
  SerialNumberFormula,
  SignalConfig,
  ValidationResult,
} from './types';
export { DLMS_AUTHS, DLMS_MODES, NUMBER_TYPES, PROTOCOLS, SECURITY_POLICIES } from './types';
export { BAUD_RATES, DEFAULTS, FIELD_DOCS, type FieldDoc, type FieldGroup, type FieldType } from './fields';
export { formatIssue, validateConfig, validateDevice, validateSignal, type AbortableOptions, type DeviceCheckOptions, type SignalCheckOptions } from './validate';
export { SECRET_DEVICE_FIELDS, exportConfigText, locateJsonError, parseConfigText, validateConfigAsync, withoutSecrets, type ExportOptions, type JsonSyntaxError } from './text';
export { applySerialNumberFormula, DEFAULT_SERIAL_NUMBER_FORMULA, parseSerialNumberFormula } from './formula';
export { parseObis as parseConfigObis, type ParsedObis } from './obis';
export { renderFieldTables } from './field-tables';
