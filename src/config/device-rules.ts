/**
 * Rules between fields of one device (which need several fields at once): TCP or serial, DLMS
 * passwords and keys, HDLC address limits, Elgama client/password and LN.
 */
import { applySerialNumberFormula, MAX_PHYSICAL_ADDRESS } from './formula';
import { Issues, join, own, type Obj } from './issues';
import type { DlmsAuth, SerialNumberFormula } from './types';

const PASSWORD_AUTHS: ReadonlySet<DlmsAuth> = new Set(['Low', 'High', 'HighMd5', 'HighSha1', 'HighSha256']);

export function checkTransport(o: Obj, out: Obj, path: string, issues: Issues): void {
  const hasIp = own(o, 'ip') !== undefined;
  const hasPort = own(o, 'port') !== undefined;
  const hasDevice = own(o, 'device') !== undefined;
  if (hasIp && !hasPort) issues.add(join(path, 'port'), 'is missing; a device reached over TCP needs both ip and port');
  if (hasPort && !hasIp) issues.add(join(path, 'ip'), 'is missing; a device reached over TCP needs both ip and port');
  if (!hasIp && !hasPort && !hasDevice) {
    issues.add(path, 'has neither ip + port (TCP) nor device (serial port); give one of them');
  }
  // ip + port wins over device: serial settings are then ignored (DESIGN §3).
  out.transport = hasIp && hasPort ? 'tcp' : 'serial';
}

function keyLength(suite: number): number {
  return suite === 2 ? 32 : 16;
}

export function checkDlms(o: Obj, out: Obj, path: string, issues: Issues): void {
  const auth = out.auth as DlmsAuth | undefined;
  const suite = (out.security_suite as number | undefined) ?? 0;
  const policy = out.security_policy as string | undefined;
  const mode = out.mode as string | undefined;
  const has = (k: string) => out[k] !== undefined;
  const need = (k: string, why: string) => {
    if (!has(k) && own(o, k) === undefined) issues.add(join(path, k), `is missing; ${why}`);
  };

  if (mode === 'PUSH') {
    checkPush(o, out, path, issues);
  } else {
    if (!has('client_address') && own(o, 'client_address') === undefined) issues.add(join(path, 'client_address'), 'is missing; a DLMS device needs it');
    for (const k of PUSH_ONLY) {
      if (own(o, k) !== undefined) issues.add(join(path, k), `is only used with mode PUSH (this device's mode is ${String(mode)}); remove it`);
    }
  }
  if (auth !== undefined && PASSWORD_AUTHS.has(auth)) need('password', `auth ${auth} needs a password`);
  // High (mechanism 2) takes the password as its AES key, zero-padded to 16 (or 32) bytes.
  if (auth === 'High' && typeof out.password === 'string' && new TextEncoder().encode(out.password).length > 32) {
    issues.add(join(path, 'password'), 'is longer than 32 bytes; auth High uses it as an AES key of at most 32 bytes (the value is not shown)');
  }
  if (auth === 'HighGmac') {
    for (const k of ['system_title', 'block_cipher_key', 'authentication_key']) need(k, 'auth HighGmac needs system_title, block_cipher_key and authentication_key');
  }
  if (auth === 'HighEcdsa') {
    for (const k of ['system_title', 'ecdsa_private_key', 'server_public_key']) need(k, 'auth HighEcdsa needs system_title, ecdsa_private_key and server_public_key');
    if (out.security_suite === 0) issues.add(join(path, 'security_suite'), 'is 0, but auth HighEcdsa needs security suite 1 (P-256) or 2 (P-384)');
  }
  if (policy !== undefined && policy !== 'none') {
    need('system_title', `security_policy ${policy} needs system_title`);
    need('block_cipher_key', `security_policy ${policy} needs block_cipher_key`);
    if (policy.startsWith('authenticated')) need('authentication_key', `security_policy ${policy} needs authentication_key`);
  }

  // Exact lengths: the key size follows the suite (AES-128 for 0 and 1, AES-256 for 2).
  const lengths: Record<string, number> = { system_title: 8, block_cipher_key: keyLength(suite), authentication_key: keyLength(suite), dedicated_key: keyLength(suite) };
  for (const [k, bytes] of Object.entries(lengths)) {
    const v = out[k];
    if (typeof v === 'string' && v.length !== bytes * 2) {
      const secret = k !== 'system_title';
      const suiteNote = k === 'system_title' ? '' : ` for security suite ${suite}`;
      issues.add(join(path, k), `has ${v.length / 2} bytes; it must be exactly ${bytes} bytes (${bytes * 2} hex digits)${suiteNote}${secret ? ' (the value is not shown)' : ''}`);
    }
  }
  const curveBytes = suite === 2 ? 48 : 32;
  const priv = out.ecdsa_private_key;
  if (typeof priv === 'string' && !priv.startsWith('-----') && priv.length !== curveBytes * 2) {
    issues.add(join(path, 'ecdsa_private_key'), `has ${priv.length / 2} bytes of hex; a ${suite === 2 ? 'P-384' : 'P-256'} private key is ${curveBytes} bytes (the value is not shown)`);
  }
  for (const k of ['ecdsa_public_key', 'server_public_key']) {
    const v = out[k];
    if (typeof v !== 'string' || v.startsWith('-----')) continue;
    const n = v.length / 2;
    const okLen = n === curveBytes * 2 || (n === curveBytes * 2 + 1 && v.startsWith('04'));
    if (!okLen) {
      issues.add(join(path, k), `has ${n} bytes of hex; a ${suite === 2 ? 'P-384' : 'P-256'} public key is ${curveBytes * 2} bytes (x||y) or ${curveBytes * 2 + 1} starting with 04`);
    }
  }

  if (mode === 'DLMS-WRAPPER' && out.transport !== 'tcp') {
    issues.add(join(path, 'mode'), 'is DLMS-WRAPPER, the TCP/IP wrapper, but the device has no ip + port; give them, or use DLMS-HDLC on a serial port');
  }

  // HDLC addressing limits (the wrapper uses 16-bit wPorts instead).
  if (mode !== undefined && mode !== 'DLMS-WRAPPER' && mode !== 'PUSH') {
    const client = out.client_address;
    if (typeof client === 'number' && client > 0x7f) {
      issues.add(join(path, 'client_address'), `${client} (0x${client.toString(16).toUpperCase()}) does not fit a one-byte HDLC client address (0..0x7F); only the DLMS-WRAPPER mode allows larger values`);
    }
    const sn = out.serial_number;
    const formula = out.serial_number_formula as SerialNumberFormula | undefined;
    const size = out.address_size as number | undefined;
    let physical = out.physical_address as number | undefined;
    let logical = out.logical_address as number | undefined;
    let from = 'physical_address';
    if (typeof sn === 'number' && sn !== 0 && formula !== undefined) {
      physical = applySerialNumberFormula(formula, sn);
      logical = 1;
      from = 'serial_number';
      if (physical < 0 || physical > MAX_PHYSICAL_ADDRESS) {
        issues.add(join(path, 'serial_number'), `gives physical address ${physical} through serial_number_formula, outside 0..${MAX_PHYSICAL_ADDRESS}`);
        physical = undefined;
      }
    }
    if (typeof logical === 'number' && logical > MAX_PHYSICAL_ADDRESS) {
      issues.add(join(path, 'logical_address'), `${logical} is too large for an HDLC server address (0..${MAX_PHYSICAL_ADDRESS})`);
    } else if (size !== undefined && size < 4) {
      if (typeof physical === 'number' && physical > 0x7f) {
        issues.add(join(path, 'address_size'), `is ${size}, but the physical address ${physical} (from ${from}) needs address_size 4 (a ${size}-byte address holds 0..127)`);
      } else if (typeof logical === 'number' && logical > 0x7f) {
        issues.add(join(path, 'address_size'), `is ${size}, but logical_address ${logical} needs address_size 4 (a ${size}-byte address holds 0..127)`);
      }
    }
  }
}

const PUSH_ONLY = ['push_link_layer', 'push_interval_ms', 'push_all_values'] as const;

/**
 * Fields of a DLMS association (client, server address, authentication, policy, HDLC negotiation):
 * a PUSH device has no association, so each of them, written, is a mistake worth naming.
 */
const NOT_IN_PUSH: Readonly<Record<string, string>> = {
  client_address: 'nobody associates with a pushing meter',
  password: 'a pushing meter is not logged into',
  dedicated_key: 'a push has no association to dedicate a key to',
  ecdsa_private_key: 'push frames are not signed by us',
  ecdsa_public_key: 'push frames are not signed by us',
  server_public_key: 'signed pushes are not supported',
  invocation_counter_obis: 'the counter comes in each ciphered push',
  physical_address: 'a pushing meter is not addressed',
  logical_address: 'a pushing meter is not addressed',
  serial_number: 'a pushing meter is not addressed (use system_title to name the meter expected)',
  serial_number_formula: 'a pushing meter is not addressed',
  address_size: 'a pushing meter is not addressed',
  max_info_field: 'there is no HDLC negotiation (SNRM) in PUSH',
  window_size: 'there is no HDLC negotiation (SNRM) in PUSH',
  security_policy: 'the security of each push is what its security control byte says',
};

/**
 * Mode PUSH (extension, issue 14): what makes no sense without an association is refused by name;
 * auth must stay None; keys are AES-128 (suite 0 or 1) or AES-256 (suite 2) as for polled DLMS.
 */
function checkPush(o: Obj, out: Obj, path: string, issues: Issues): void {
  for (const [k, why] of Object.entries(NOT_IN_PUSH)) {
    if (own(o, k) !== undefined) issues.add(join(path, k), `is not used with mode PUSH: ${why}; remove it`);
  }
  if (out.auth !== undefined && out.auth !== 'None') {
    issues.add(join(path, 'auth'), `is ${String(out.auth)}, but mode PUSH has no association to authenticate; leave it out (None)`);
  }
  if (out.authentication_key !== undefined && out.block_cipher_key === undefined && own(o, 'block_cipher_key') === undefined) {
    issues.add(join(path, 'block_cipher_key'), 'is missing; a pushing meter that authenticates its frames (authentication_key) also ciphers them with block_cipher_key');
  }
  // Not used, but the normalised device keeps its typed shape: 0 is no client.
  out.client_address = 0;
}

/**
 * A pushing meter's port is its own: a polled device on it would write to a line that only listens,
 * and the two runners would share the bytes. Checked on the raw document (paths of every device).
 */
export function checkPushPorts(devices: readonly unknown[], issues: Issues): void {
  const serialPort = (d: unknown): string | undefined => {
    if (typeof d !== 'object' || d === null) return undefined;
    const o = d as Obj;
    if (own(o, 'ip') !== undefined && own(o, 'port') !== undefined) return undefined;
    const port = own(o, 'device');
    return typeof port === 'string' ? port : undefined;
  };
  const isPush = (d: unknown) => typeof d === 'object' && d !== null && String(own(d as Obj, 'mode') ?? '').toUpperCase() === 'PUSH';
  devices.forEach((d, i) => {
    const port = serialPort(d);
    if (!isPush(d) || port === undefined) return;
    const other = devices.findIndex((e, j) => j !== i && serialPort(e) === port);
    if (other >= 0) issues.add(join(`devices[${i}]`, 'device'), `is also used by devices[${other}]; a device in mode PUSH needs a port of its own (the meter talks on it unasked)`);
  });
}

export function checkElgama(o: Obj, out: Obj, path: string, issues: Issues): void {
  // Client 32 is the Low-authentication client: it defaults in when a password is given.
  if (own(o, 'client_address') === undefined && out.password !== undefined) out.client_address = 32;
  if (out.client_address === 32 && own(o, 'password') === undefined) {
    issues.add(join(path, 'password'), 'is missing; client_address 32 (Low authentication) needs a password');
  }
  if (out.type === 'LN' && out.meter_model !== undefined && out.meter_model !== 3) {
    issues.add(join(path, 'type'), `LN is only offered by GAMA100 (meter_model 3); meter_model ${String(out.meter_model)} uses SN`);
  }
}

export function dlmsAddressSizeDefault(o: Obj, out: Obj): void {
  // A serial-number derived address (SN % 10000 + 1000) never fits 1 or 2 bytes.
  if (own(o, 'address_size') === undefined && typeof out.serial_number === 'number' && out.serial_number !== 0) out.address_size = 4;
}

/** IEC 62056-21: `time_zone` (an extension) must be a zone this runtime knows. */
export function checkIec(o: Obj, out: Obj, path: string, issues: Issues): void {
  const zone = out.time_zone;
  if (typeof zone !== 'string') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    issues.add(join(path, 'time_zone'), `is not a known IANA time zone (write e.g. "Europe/Vilnius" or "UTC")`);
  }
}
