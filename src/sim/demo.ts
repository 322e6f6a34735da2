import type { Clock } from '../core/clock';
import { LINE_300_7E1, LINE_9600_8N1, type Link } from '../core/link';
import { createSerialPair } from '../core/memory-link';
import { serverAddress, serverAddressFromSerial } from '../protocols/hdlc/address';
import { createDemoDlmsModel } from './dlms/model';
import { SimDlmsMeter } from './dlms/server';
import { VirtualIecMeter } from './iec/virtual-meter';
import { dsmr22P1, landisLikeModeC } from './iec/profiles';
import type { ReactionSpec } from './reaction';
import { DEMO_HAN, DEMO_HAN_LINE, startDemoHanMeter } from './demo-han';

/**
 * The built-in demo meters. A device whose `device` (port) starts with `DEMO` is not read over a real
 * port but over a memory wire to a simulator in the same worker, at real line speed: the sign-on, the
 * baud switch and every frame are real protocol traffic, so the demo shows what a real read looks like.
 */
export const DEMO_PORT_PREFIX = 'DEMO';

export function isDemoPort(device: string | undefined): boolean {
  return typeof device === 'string' && device.toUpperCase().startsWith(DEMO_PORT_PREFIX);
}

const DEMO_GAMA_ID = 2141421;
// Not digits: a numeric password would be masked wherever the same digits occur in a traced value.
const DEMO_GAMA_PASSWORD = 'gama-lls';
/**
 * Real meters take 20–200 ms to react to each frame; the demo meters take 30–80 ms (seeded, so every open
 * behaves alike), so the demo's read time shows what turnarounds cost on a real line.
 */
const DEMO_REACTION = (seed: number): ReactionSpec => ({ min: 30, max: 80, seed });

/** The demo configuration, in the same WCC Lite form a user writes. */
export function demoConfig(): unknown {
  const dlms = (alias: string, name: string, obis: string, extra: Record<string, unknown> = {}) => ({
    signal_name: name,
    device_alias: alias,
    signal_alias: obis.replace(/\.255$/, '').replace(/\./g, '_'),
    obis_job: obis,
    ...extra,
  });
  const iec = (name: string, tag: string, type = 'FLOAT') => ({
    signal_name: name,
    device_alias: 'demo_iec',
    signal_alias: `t_${tag.replace(/[^0-9A-Za-z]/g, '_')}`,
    tag_job_todo: tag,
    number_type: type,
  });
  return {
    devices: [
      {
        name: 'Demo three-phase meter (DLMS/COSEM)',
        description: 'Built-in simulator: DLMS/COSEM over HDLC, LN referencing, public client',
        device_alias: 'demo_dlms',
        protocol: 'DLMS',
        device: 'DEMO-DLMS',
        baudrate: 9600,
        databits: 8,
        parity: 'none',
        stopbits: 1,
        mode: 'DLMS-HDLC',
        type: 'LN',
        auth: 'None',
        client_address: '0x10',
        physical_address: 17,
        logical_address: 1,
        scan_rate_ms: 10000,
      },
      {
        name: 'Demo C&I meter (IEC 62056-21)',
        description: 'Built-in simulator: mode C readout, 300 → 9600 baud, P.01 load profile',
        device_alias: 'demo_iec',
        protocol: 'IEC 62056-21',
        device: 'DEMO-IEC',
        baudrate: 300,
        databits: 7,
        parity: 'even',
        stopbits: 1,
        type: 'C',
        serialnumber: '',
        password: '00003141',
        scan_rate_ms: 30000,
      },
      {
        name: 'Demo Elgama GAMA 300',
        description: 'Built-in simulator: DLMS short names, address from the serial number, client 32 (Low)',
        device_alias: 'demo_gama',
        protocol: 'Elgama',
        device: 'DEMO-GAMA',
        baudrate: 9600,
        databits: 8,
        parity: 'none',
        stopbits: 1,
        id: DEMO_GAMA_ID,
        meter_model: 2,
        client_address: 32,
        password: DEMO_GAMA_PASSWORD,
        timeout_ms: 2500,
        use_time: 0,
        scan_rate_ms: 30000,
      },
      {
        name: 'Demo Elgama EPQS',
        description: 'Built-in simulator: IEC 62056-21 readout addressed by the meter id (profile unverified on hardware)',
        device_alias: 'demo_epqs',
        protocol: 'Elgama',
        device: 'DEMO-EPQS',
        baudrate: 9600,
        id: 45678903,
        meter_model: 1,
        timeout_ms: 3000,
        use_time: 0,
        scan_rate_ms: 30000,
      },
      {
        name: 'Demo P1 port (DSMR 2.2)',
        description: 'Built-in simulator: a real DSMR 2.2 telegram pushed every 10 s (mode D, 9600 7E1); gas as a one-entry profile',
        device_alias: 'demo_p1',
        protocol: 'IEC 62056-21',
        device: 'DEMO-P1',
        baudrate: 9600,
        databits: 7,
        parity: 'even',
        stopbits: 1,
        type: 'D',
        serialnumber: '',
        // Extension (time_zone): the telegram's times are Dutch local time.
        time_zone: 'Europe/Amsterdam',
        scan_rate_ms: 30000,
      },
      {
        name: 'Demo HAN port (DLMS push)',
        description:
          'Built-in simulator: a Kamstrup-like list pushed every 2 s over HDLC, ciphered with the demo keys below (published, used by no real meter). Set enable to 1 to listen.',
        device_alias: 'demo_han',
        // Off by default: a listener never ends, and "Read now" of the whole demo should not wait for a push.
        enable: 0,
        protocol: 'DLMS',
        mode: 'PUSH',
        device: 'DEMO-HAN',
        baudrate: 9600,
        databits: 8,
        parity: 'none',
        stopbits: 1,
        // Extensions (mode PUSH): the frames are HDLC, a push every 2 s, every value stored by OBIS.
        push_link_layer: 'hdlc',
        push_interval_ms: DEMO_HAN.intervalMs,
        push_all_values: 1,
        system_title: DEMO_HAN.systemTitle,
        block_cipher_key: DEMO_HAN.blockCipherKey,
        authentication_key: DEMO_HAN.authenticationKey,
      },
    ],
    signals: [
      dlms('demo_dlms', 'Active energy import (+A)', '1.0.1.8.0.255'),
      dlms('demo_dlms', 'Active energy import, tariff 1', '1.0.1.8.1.255'),
      dlms('demo_dlms', 'Active energy import, tariff 2', '1.0.1.8.2.255'),
      dlms('demo_dlms', 'Active energy export (-A)', '1.0.2.8.0.255'),
      dlms('demo_dlms', 'Reactive energy import (+R)', '1.0.3.8.0.255'),
      dlms('demo_dlms', 'Active power import', '1.0.1.7.0.255'),
      dlms('demo_dlms', 'Voltage L1', '1.0.32.7.0.255'),
      dlms('demo_dlms', 'Voltage L2', '1.0.52.7.0.255'),
      dlms('demo_dlms', 'Voltage L3', '1.0.72.7.0.255'),
      dlms('demo_dlms', 'Current L1', '1.0.31.7.0.255'),
      dlms('demo_dlms', 'Current L2', '1.0.51.7.0.255'),
      dlms('demo_dlms', 'Current L3', '1.0.71.7.0.255'),
      dlms('demo_dlms', 'Frequency', '1.0.14.7.0.255'),
      dlms('demo_dlms', 'Power factor', '1.0.13.7.0.255'),
      dlms('demo_dlms', 'Maximum demand', '1.0.1.6.0.255'),
      dlms('demo_dlms', 'Meter serial number', '0.0.96.1.0.255', { number_type: 'STRING' }),
      iec('Active energy import (+A)', '1.8.0'),
      iec('Active energy export (-A)', '2.8.0'),
      iec('Energy import one day ago', '1.8.0*24'),
      iec('Voltage L1', '32.7.0'),
      iec('Current L1', '31.7.0'),
      iec('Meter serial number', 'C.1.0', 'STRING'),
      {
        signal_name: 'Active energy import (+A)',
        device_alias: 'demo_gama',
        signal_alias: 'energy_import',
        job_todo: '1.0.1.8.0.255',
        tag_job_todo: '2',
        number_type: 'DOUBLE',
      },
      {
        signal_name: 'Voltage L1',
        device_alias: 'demo_gama',
        signal_alias: 'voltage_l1',
        job_todo: '1.0.32.7.0.255',
        tag_job_todo: '2',
        number_type: 'FLOAT',
      },
      { signal_name: 'Active energy import (+A)', device_alias: 'demo_epqs', signal_alias: 'energy_import', job_todo: '1.8.0', number_type: 'FLOAT' },
      { signal_name: 'Voltage L1', device_alias: 'demo_epqs', signal_alias: 'voltage_l1', job_todo: '32.7.0', number_type: 'FLOAT' },
      // DSMR 2.2 gas: the value is on the line after the profile header, its time stamp is the reading's time.
      { signal_name: 'Gas delivered', device_alias: 'demo_p1', signal_alias: 'gas', tag_job_todo: '0-1:24.3.0', number_type: 'DOUBLE' },
      // demo_han has no signals: push_all_values stores every value of its list, named by OBIS code.
    ],
  };
}

/**
 * Open the demo meter behind a `DEMO…` port: a memory wire with the matching simulator on the far end,
 * timed by `clock` (the real clock in the app, a virtual one in tests). Each open is a fresh line, as if
 * the probe had just been put on the meter.
 */
export function openDemoLink(port: string, clock: Clock): Link {
  const now = clock.wallTime();
  const name = port.toUpperCase();
  if (name === 'DEMO-IEC' || name === 'DEMO-EPQS') {
    const pair = createSerialPair(clock, { line: LINE_300_7E1 });
    const base = landisLikeModeC();
    const start = Math.floor((now - 7 * 86_400_000) / 900_000) * 900_000;
    const meter = new VirtualIecMeter({
      ...base,
      address: name === 'DEMO-EPQS' ? '45678903' : undefined,
      reactionMs: DEMO_REACTION(name === 'DEMO-EPQS' ? 3 : 2),
      ...(base.loadProfile ? { loadProfile: { ...base.loadProfile, startLocalMs: start, rows: 96 * 7 } } : {}),
      logbook: [
        { localMs: start + 3_600_000, status: '0040' },
        { localMs: start + 86_400_000, status: '0080' },
        { localMs: start + 5 * 86_400_000 + 600_000, status: '4000' },
      ],
    });
    void meter.serve(pair.meter, clock).catch(() => undefined);
    return pair.client;
  }
  if (name === 'DEMO-HAN') {
    // A HAN port talks first: the demo meter pushes from the moment the port is open.
    const pair = createSerialPair(clock, { line: DEMO_HAN_LINE });
    const meter = startDemoHanMeter(clock, pair.meter);
    const close = pair.client.close.bind(pair.client);
    pair.client.close = async () => {
      meter.stop();
      await close();
    };
    return pair.client;
  }
  if (name === 'DEMO-P1') {
    // The P1 port pushes on its own from the moment it is connected; nothing is ever sent to it.
    const profile = dsmr22P1();
    const pair = createSerialPair(clock, { line: profile.modeD!.line });
    void new VirtualIecMeter(profile).serve(pair.meter, clock).catch(() => undefined);
    return pair.client;
  }
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  // The demo keeps CET like most meters in the field (date-times carry deviation -60), and lost power
  // for 1 h 15 min two days ago: the load profile of the last week shows the missing intervals.
  const outageStart = Math.floor((now - 50 * 3_600_000) / 900_000) * 900_000;
  const model = createDemoDlmsModel({ epochMs: now, utcOffsetMinutes: 60, profileOutages: [{ fromMs: outageStart, toMs: outageStart + 75 * 60_000 }] });
  if (name === 'DEMO-GAMA') {
    const meter = new SimDlmsMeter(clock, { referencing: 'SN', model, lowPassword: DEMO_GAMA_PASSWORD, reactionMs: DEMO_REACTION(4) });
    meter.serveHdlc(pair.meter, { address: serverAddressFromSerial(DEMO_GAMA_ID), uaParameters: false }).done.catch(() => undefined);
    return pair.client;
  }
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', model, reactionMs: DEMO_REACTION(1) });
  meter
    .serveHdlc(pair.meter, {
      // address_size 1 (the default) still needs the 2-byte form for logical 1: the same bytes as before.
      address: serverAddress({ logical: 1, physical: 17, size: 1 }),
      supported: { windowRx: 7, windowTx: 7, maxInfoRx: 512, maxInfoTx: 512 },
    })
    .done.catch(() => undefined);
  return pair.client;
}
