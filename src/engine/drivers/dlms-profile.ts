/**
 * How a configured device becomes the DLMS driver's link profile: addresses, modes, authentication and
 * the security material (checked here, CONFIG_INVALID when a level lacks what it needs), for the DLMS
 * device type and for the Elgama models that speak DLMS.
 */
import { MeterError } from '../../core/errors';
import type { DlmsDeviceConfig, ElgamaDeviceConfig } from '../../config/types';
import { applySerialNumberFormula } from '../../config/formula';
import { serverAddress, serverAddressFromSerial, type HdlcAddress } from '../../protocols/hdlc/address';
import type { DlmsAuth } from '../../protocols/dlms-client/association';
import { hexToBytes } from '../../core/logger';
import { MAX_HIGH_SECRET_BYTES, type SecurityPolicy, type SecuritySuite } from '../../protocols/dlms/security';
import { parseObis } from '../../protocols/cosem/obis';

/** The link settings a DLMS device is reached with, whichever profile configured it. */
export interface DlmsLinkProfile {
  mode: 'IEC' | 'DLMS-HDLC' | 'DLMS-WRAPPER';
  referencing: 'LN' | 'SN';
  auth: DlmsAuth;
  password?: string;
  client: number;
  /** Security material of High* levels and ciphered associations (absent for None/Low without ciphering). */
  security?: DlmsProfileSecurity;
  /**
   * Every secret of this device in text and byte form (password, keys, PEM text): the engine registers them
   * with the Logger so no trace line, hex dump or export shows them.
   */
  secrets: (string | Uint8Array)[];
  /** Key of this meter in the invocation counter store (the server address or serial number, with the port). */
  meterKey: string;
  server: HdlcAddress;
  /** Wrapper destination wPort. */
  logicalDevice: number;
  timeoutMs: number;
  retries: number;
  /** Some meters (Elgama) want a bare SNRM without the parameter field. */
  proposeHdlcParameters: boolean;
  /** Information field and window proposed in SNRM (max_info_field, window_size); absent: 128 / 1. */
  hdlcProposal?: { maxInfo: number; window: number };
  /** IEC 62056-21 address for the mode E sign-on. */
  iecAddress?: string;
  /** Mode E: the highest baud rate to agree for HDLC (the device's configured rate). */
  modeEMaxBaud: number;
}

export interface DlmsProfileSecurity {
  suite: SecuritySuite;
  policy: SecurityPolicy;
  clientSystemTitle: Uint8Array;
  blockCipherKey?: Uint8Array;
  authenticationKey?: Uint8Array;
  dedicatedKey?: Uint8Array;
  /** PEM text or hex, imported at connect time. */
  ecdsaPrivateKey?: string;
  serverPublicKey?: string;
  invocationCounterObis: Uint8Array;
  /** Read the frame counter through the public client (0x10) before associating: when anything is ciphered or GMAC is used. */
  preReadCounter: boolean;
}

function keyBytes(hex: string | undefined, field: string, sizes: number[]): Uint8Array | undefined {
  if (hex === undefined || hex === '') return undefined;
  let b: Uint8Array;
  try {
    b = hexToBytes(hex);
  } catch {
    throw new MeterError('CONFIG_INVALID', `${field} is not hex.`);
  }
  if (!sizes.includes(b.length)) throw new MeterError('CONFIG_INVALID', `${field} must be ${sizes.join(' or ')} bytes, not ${b.length}.`);
  return b;
}

/** The security part of a DLMS device's profile; CONFIG_INVALID when a level lacks what it needs. */
export function dlmsSecurityFromConfig(d: DlmsDeviceConfig): { security?: DlmsProfileSecurity; secrets: (string | Uint8Array)[] } {
  const secrets: (string | Uint8Array)[] = [];
  if (d.password) secrets.push(d.password);
  const suite = d.security_suite ?? 0;
  const keySize = suite === 2 ? 32 : 16;
  const policy = d.security_policy ?? 'none';
  const auth = d.auth;
  const hlsWithSecret = auth === 'High' || auth === 'HighMd5' || auth === 'HighSha1' || auth === 'HighSha256';
  if ((auth === 'Low' || hlsWithSecret) && !d.password) throw new MeterError('CONFIG_INVALID', `auth ${auth} needs a password.`);
  if (auth === 'High' && d.password) {
    const n = new TextEncoder().encode(d.password).length;
    // The password is the AES key, zero-padded as the widely deployed stack does (highSecretKey).
    if (n < 1 || n > MAX_HIGH_SECRET_BYTES) throw new MeterError('CONFIG_INVALID', `auth High uses the password as an AES key: it must be 1 to ${MAX_HIGH_SECRET_BYTES} bytes long, not ${n}.`);
  }
  const needsSecurity = policy !== 'none' || auth === 'HighGmac' || auth === 'HighSha256' || auth === 'HighEcdsa';
  if (!needsSecurity) return { secrets };
  const clientSystemTitle = keyBytes(d.system_title, 'system_title', [8]);
  if (!clientSystemTitle) throw new MeterError('CONFIG_INVALID', `auth ${auth} / security_policy ${policy} needs system_title (8 bytes hex).`);
  const blockCipherKey = keyBytes(d.block_cipher_key, 'block_cipher_key', [keySize]);
  const authenticationKey = keyBytes(d.authentication_key, 'authentication_key', [keySize]);
  const dedicatedKey = keyBytes(d.dedicated_key, 'dedicated_key', [keySize]);
  for (const k of [d.block_cipher_key, d.authentication_key, d.dedicated_key, d.ecdsa_private_key]) if (k) secrets.push(k);
  if ((policy !== 'none' || auth === 'HighGmac') && !blockCipherKey) throw new MeterError('CONFIG_INVALID', `block_cipher_key is needed for ${policy !== 'none' ? `security_policy ${policy}` : 'HighGmac'}.`);
  if ((policy === 'authenticated' || policy === 'authenticated_encrypted' || auth === 'HighGmac') && !authenticationKey) {
    throw new MeterError('CONFIG_INVALID', 'authentication_key is needed for authenticated ciphering and HighGmac.');
  }
  if (auth === 'HighEcdsa') {
    if (suite === 0) throw new MeterError('CONFIG_INVALID', 'HighEcdsa needs security_suite 1 (P-256) or 2 (P-384).');
    if (!d.ecdsa_private_key || !d.server_public_key) throw new MeterError('CONFIG_INVALID', 'HighEcdsa needs ecdsa_private_key and server_public_key.');
  }
  const counterObis = parseObis(d.invocation_counter_obis || '0.0.43.1.0.255').obis;
  return {
    secrets,
    security: {
      suite,
      policy,
      clientSystemTitle,
      ...(blockCipherKey ? { blockCipherKey } : {}),
      ...(authenticationKey ? { authenticationKey } : {}),
      ...(dedicatedKey ? { dedicatedKey } : {}),
      ...(d.ecdsa_private_key ? { ecdsaPrivateKey: d.ecdsa_private_key } : {}),
      ...(d.server_public_key ? { serverPublicKey: d.server_public_key } : {}),
      invocationCounterObis: counterObis,
      preReadCounter: policy !== 'none' || auth === 'HighGmac',
    },
  };
}

export function dlmsProfileFromConfig(d: DlmsDeviceConfig): DlmsLinkProfile {
  const server =
    d.serial_number > 0
      ? serverAddressFromSerial(d.serial_number, {
          formula: (sn) => applySerialNumberFormula(d.serial_number_formula, sn),
          logical: 1,
        })
      : serverAddress({ logical: d.logical_address, physical: d.physical_address, size: d.address_size });
  const { security, secrets } = dlmsSecurityFromConfig(d);
  const where = d.ip ? `${d.ip}:${d.port}` : (d.device ?? '');
  return {
    // PUSH devices are listened to by the push runner, never polled: a driver made for one speaks HDLC.
    mode: d.mode === 'DLMS' || d.mode === 'PUSH' ? 'DLMS-HDLC' : d.mode,
    referencing: d.type,
    auth: d.auth,
    ...(d.password ? { password: d.password } : {}),
    client: d.client_address,
    ...(security ? { security } : {}),
    secrets,
    meterKey: `${where}/${server.value.toString(16)}/${d.logical_address}`,
    server,
    logicalDevice: d.logical_address > 0 ? d.logical_address : 1,
    timeoutMs: d.timeout_ms,
    retries: d.retry_counter,
    proposeHdlcParameters: true,
    hdlcProposal: { maxInfo: d.max_info_field ?? 1024, window: d.window_size ?? 7 },
    modeEMaxBaud: d.baudrate === 300 ? 9600 : d.baudrate,
  };
}

/** GAMA 300 / GAMA 100 (Elgama meter_model 2 and 3): DLMS over HDLC, server address from the meter id. */
export function elgamaDlmsProfile(d: ElgamaDeviceConfig): DlmsLinkProfile {
  const low = d.client_address === 32 || d.password !== undefined;
  return {
    // The optical port signs on with IEC 62056-21 mode E; RS-485 (and TCP converters) speak HDLC at once.
    mode: d.transport === 'serial' && d.baudrate === 300 ? 'IEC' : 'DLMS-HDLC',
    referencing: d.meter_model === 3 ? d.type : 'SN',
    auth: low ? 'Low' : 'None',
    ...(d.password ? { password: d.password } : {}),
    client: d.client_address,
    secrets: d.password ? [d.password] : [],
    meterKey: `elgama/${d.id}`,
    server: serverAddressFromSerial(d.id, { logical: 1 }),
    logicalDevice: 1,
    timeoutMs: d.timeout_ms,
    retries: d.retry_counter,
    proposeHdlcParameters: false,
    modeEMaxBaud: 9600,
  };
}
