import { MeterError, toMeterError } from '../../core/errors';
import type { Reading } from '../../core/reading';
import type { DlmsDeviceConfig, ElgamaDeviceConfig, NumberType } from '../../config/types';
import { applySerialNumberFormula } from '../../config/formula';
import { serverAddress, serverAddressFromSerial, type HdlcAddress } from '../../protocols/hdlc/address';
import { HdlcClient } from '../../protocols/hdlc/client-session';
import { WrapperClient } from '../../protocols/wrapper/client-session';
import type { DlmsTransport } from '../../protocols/transport';
import { signOnModeE } from '../../protocols/iec62056-21/mode-e';
import { parseObis } from '../../protocols/cosem/obis';
import { convertNumberType, toPlainValue } from '../../protocols/cosem/values';
import { DlmsSession } from '../../protocols/dlms-client/session';
import { MeterKnowledge, type ValueResult } from '../../protocols/dlms-client/reader';
import type { DeviceDriver, DriverContext, DriverSignal } from '../driver';

/** The link settings a DLMS device is reached with, whichever profile configured it. */
export interface DlmsLinkProfile {
  mode: 'IEC' | 'DLMS-HDLC' | 'DLMS-WRAPPER';
  referencing: 'LN' | 'SN';
  auth: 'None' | 'Low';
  password?: string;
  client: number;
  server: HdlcAddress;
  /** Wrapper destination wPort. */
  logicalDevice: number;
  timeoutMs: number;
  retries: number;
  /** Some meters (Elgama) want a bare SNRM without the parameter field. */
  proposeHdlcParameters: boolean;
  /** IEC 62056-21 address for the mode E sign-on. */
  iecAddress?: string;
  /** Mode E: the highest baud rate to agree for HDLC (the device's configured rate). */
  modeEMaxBaud: number;
}

export function dlmsProfileFromConfig(d: DlmsDeviceConfig): DlmsLinkProfile {
  const server =
    d.serial_number > 0
      ? serverAddressFromSerial(d.serial_number, {
          formula: (sn) => applySerialNumberFormula(d.serial_number_formula, sn),
          logical: 1,
        })
      : serverAddress({ logical: d.logical_address, physical: d.physical_address, size: d.address_size });
  if (d.auth !== 'None' && d.auth !== 'Low') {
    throw new MeterError('UNSUPPORTED', `Authentication ${d.auth} is not available yet: MeterScope reads with None and Low today.`);
  }
  return {
    mode: d.mode === 'DLMS' ? 'DLMS-HDLC' : d.mode,
    referencing: d.type,
    auth: d.auth,
    ...(d.password ? { password: d.password } : {}),
    client: d.client_address,
    server,
    logicalDevice: d.logical_address > 0 ? d.logical_address : 1,
    timeoutMs: d.timeout_ms,
    retries: d.retry_counter,
    proposeHdlcParameters: true,
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
    server: serverAddressFromSerial(d.id, { logical: 1 }),
    logicalDevice: 1,
    timeoutMs: d.timeout_ms,
    retries: d.retry_counter,
    proposeHdlcParameters: false,
    modeEMaxBaud: 9600,
  };
}

/**
 * DLMS/COSEM device driver: one association per connection, kept open between polls; values read with
 * GET-with-list where allowed, scalers cached per meter for the driver's lifetime.
 */
export class DlmsDriver implements DeviceDriver {
  private session?: DlmsSession;

  /** The open association, for the object browser and profile reads (undefined when not connected). */
  get activeSession(): DlmsSession | undefined {
    return this.session;
  }
  readonly knowledge = new MeterKnowledge();

  constructor(
    private readonly profile: DlmsLinkProfile,
    private readonly deviceAlias: string,
  ) {}

  async connect(ctx: DriverContext): Promise<void> {
    const p = this.profile;
    ctx.onPhase?.('signing-on');
    if (p.mode === 'IEC') {
      await signOnModeE(ctx.link, ctx.clock, {
        address: p.iecAddress ?? '',
        maxBaud: p.modeEMaxBaud,
        timeoutMs: p.timeoutMs,
        retries: p.retries,
        signal: ctx.signal,
        log: ctx.log,
      });
    }
    const transport: DlmsTransport =
      p.mode === 'DLMS-WRAPPER'
        ? new WrapperClient(ctx.link, ctx.clock, {
            clientWPort: p.client,
            serverWPort: p.logicalDevice,
            timeoutMs: p.timeoutMs,
            retries: p.retries,
            signal: ctx.signal,
            log: ctx.log,
          })
        : new HdlcClient(ctx.link, ctx.clock, {
            server: p.server,
            client: p.client,
            timeoutMs: p.timeoutMs,
            retries: p.retries,
            proposeParameters: p.proposeHdlcParameters,
            signal: ctx.signal,
            log: ctx.log,
          });
    const session = new DlmsSession(transport, this.knowledge, {
      referencing: p.referencing,
      auth: p.auth,
      ...(p.password ? { password: p.password } : {}),
      log: ctx.log,
      signal: ctx.signal,
      onBlock: (blocks, bytes) => ctx.onProgress?.(bytes, 0),
    });
    await session.connect();
    this.session = session;
  }

  async read(signals: DriverSignal[], ctx: DriverContext): Promise<Reading[]> {
    if (!this.session) throw new MeterError('PROTOCOL', 'Not connected.');
    ctx.onPhase?.('reading');
    const parsed = signals.map((s) => {
      try {
        const { obis, attribute } = parseObis(s.address);
        const sn = s.config.short_name;
        return { obis, attribute: attribute ?? 2, ...(typeof sn === 'number' && sn > 0 ? { shortName: sn } : {}) };
      } catch (e) {
        return toMeterError(e);
      }
    });
    const valid = parsed.filter((p): p is Exclude<typeof p, MeterError> => !(p instanceof MeterError));
    const results = await this.session.readValues(valid);
    const ts = ctx.clock.wallTime();
    let k = 0;
    return signals.map((s, i) => {
      const p = parsed[i];
      if (p instanceof MeterError) return bad(s, ts, p);
      return toReading(s, ts, results[k++]);
    });
  }

  async disconnect(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await s?.close();
  }
}

function bad(s: DriverSignal, ts: number, err: MeterError): Reading {
  return { ts, device_alias: s.device_alias, signal_alias: s.signal_alias, value: null, quality: 'bad', error: err.code, address: s.address };
}

function toReading(s: DriverSignal, ts: number, r: ValueResult): Reading {
  if (r.error || r.data === undefined) return bad(s, ts, r.error ?? new MeterError('PROTOCOL', 'No value.'));
  try {
    const raw = r.scaled ? r.scaled.value : toPlainValue(r.data);
    const value = s.number_type ? convertNumberType(typeof raw === 'object' && raw !== null ? r.data : raw, s.number_type as NumberType) : raw;
    const reading: Reading = {
      ts,
      device_alias: s.device_alias,
      signal_alias: s.signal_alias,
      value: Array.isArray(value) ? JSON.stringify(value) : value,
      quality: 'good',
      address: s.address,
    };
    if (r.scaled?.unit) reading.unit = r.scaled.unit;
    return reading;
  } catch (e) {
    return bad(s, ts, toMeterError(e));
  }
}
