/**
 * Meter profiles for the virtual IEC meter: tests, benchmarks and the demo. Values are made up in the
 * shape real meters print them, except the two telegrams copied from the shared fixtures.
 */
import { LINE_300_7E1 } from '../../core/link';
import { DSMR22_TELEGRAM, DSMR5_ISKRA_TELEGRAM, EASYMETER_Q3DA_TELEGRAM, HEAT_METER_READOUT } from './fixture-telegrams';
import type { IecMeterProfile } from './virtual-meter';

/** A three-phase C&I meter: mode C up to 9600 and mode E, programming with password, load profile, logbook. */
export function landisLikeModeC(): IecMeterProfile {
  const start = Date.UTC(2026, 0, 1, 0, 0, 0);
  return {
    name: 'Three-phase C&I meter (mode C/E, programming, load profile)',
    manufacturer: 'LGZ',
    ident: 'ZMD4104407.B32',
    supportedModes: ['C', 'E'],
    maxBaud: 9600,
    address: '45678903',
    password: '00003141',
    passwordSeed: '34A1F0C2',
    readout: [
      'F.F(00000000)',
      '0.0.0(45678903)',
      '0.9.1(143512)',
      '0.9.2(260115)',
      '1.8.0(0147238.4*kWh)',
      '1.8.1(0098110.2*kWh)',
      '1.8.2(0049128.2*kWh)',
      '2.8.0(0000012.9*kWh)',
      '3.8.0(0031870.0*kvarh)',
      '4.8.0(0002114.7*kvarh)',
      '1.6.1(0042.17*kW)(2601121545)',
      '1.6.2(0038.02*kW&26-01-09 07:30)',
      '1.8.0*24(0139876.1*kWh)',
      '1.8.0*23(0131002.8*kWh)',
      '32.7.0(231.4*V)',
      '52.7.0(230.9*V)',
      '72.7.0(232.0*V)',
      '31.7.0(012.43*A)(013.10*A)(011.87*A)',
      'C.1.0(45678903)',
      'C.7.0(0004)',
      '!',
      '',
    ].join('\r\n'),
    loadProfile: {
      address: 'P.01',
      periodMinutes: 15,
      channels: [
        { address: '1.5.0', unit: 'kW' },
        { address: '2.5.0', unit: 'kW' },
      ],
      startLocalMs: start,
      rows: 96 * 7,
      value: (row, ch) => (ch === 0 ? (20 + 10 * Math.sin(row / 8)).toFixed(3) : '0.000'),
      blockSize: 256,
    },
    logbook: [
      { localMs: start + 3_600_000, status: '0040' },
      { localMs: start + 86_400_000, status: '0080' },
      { localMs: start + 2 * 86_400_000 + 600_000, status: '4000' },
    ],
  };
}

/** A single-phase meter with the lowercase flag (20 ms reaction) and European decimal commas. */
export function iskraLikeFast(): IecMeterProfile {
  return {
    name: 'Single-phase meter, fast reaction (lowercase flag), decimal commas',
    manufacturer: 'ISk',
    ident: '5MT174-0001',
    supportedModes: ['C'],
    maxBaud: 19200,
    readout: ['0.0.0(61234567)', '1.8.0(0004321,56*kWh)', '1.8.1(0003000,00*kWh)', '1.8.2(0001321,56*kWh)', '0.2.0(V1.03)', 'F.F(00)', '0-0:96.13.0()', '!', ''].join('\r\n'),
  };
}

/** An older mode B meter (baud letter), LF-only line ends and noise before the identification. */
export function modeBQuirky(): IecMeterProfile {
  return {
    name: 'Mode B meter, LF-only lines, leading garbage',
    manufacturer: 'ABC',
    ident: 'MB2400',
    supportedModes: ['B'],
    maxBaud: 2400,
    readout: ['1.8.0(012345.6*kWh)', '2.8.0(000001.2*kWh)', '0.9.1(10:21:05)', '0.9.2(26-01-15)', '!', ''].join('\r\n'),
    faults: { lfOnly: true, leadingGarbage: '\x7f\x00' },
  };
}

/** The small readout of the fixture vectors (pwitab/iec62056-21 tests), as a mode A meter. */
export function modeASmall(): IecMeterProfile {
  return {
    name: 'Mode A meter (fixture readout)',
    manufacturer: 'XYZ',
    ident: 'SIMPLE1',
    supportedModes: ['A'],
    maxBaud: 300,
    readout: '3:14(314*kWh)4:15(415*kWh)\r\n!\r\n',
  };
}

/** Real EasyMeter Q3DA mode D push (fixture), every 2 s at 9600 7E1. */
export function easyMeterModeD(): IecMeterProfile {
  return {
    name: 'EasyMeter Q3DA, mode D push (real capture)',
    manufacturer: 'ESY',
    ident: 'Q3DA3024 V3.04',
    supportedModes: ['D'],
    maxBaud: 9600,
    readout: EASYMETER_Q3DA_TELEGRAM.slice(EASYMETER_Q3DA_TELEGRAM.indexOf('\r\n\r\n') + 4),
    modeD: { line: { ...LINE_300_7E1, baudRate: 9600 }, intervalMs: 2000, telegram: EASYMETER_Q3DA_TELEGRAM },
  };
}

/** Real DSMR 5 P1 telegram (fixture) pushed every second at 115200 8N1. */
export function dsmr5P1(): IecMeterProfile {
  return {
    name: 'DSMR 5 P1 port (real telegram)',
    manufacturer: 'ISk',
    ident: '\\2MT382-1000',
    supportedModes: ['D'],
    maxBaud: 115200,
    readout: '',
    modeD: { line: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 }, intervalMs: 1000, telegram: DSMR5_ISKRA_TELEGRAM },
  };
}

/** Real DSMR 2.2 telegram (fixture): gas as a one-entry profile, its value on the next line; 9600 7E1 every 10 s. */
export function dsmr22P1(): IecMeterProfile {
  return {
    name: 'DSMR 2.2 P1 port (real telegram, gas on the next line)',
    manufacturer: 'ISk',
    ident: '\\2MT382-1004',
    supportedModes: ['D'],
    maxBaud: 9600,
    readout: '',
    modeD: { line: { ...LINE_300_7E1, baudRate: 9600 }, intervalMs: 10_000, telegram: DSMR22_TELEGRAM },
  };
}

/** Real heat meter readout (fixture): mode B at 2400, several data sets a line, '!' right after the last one. */
export function heatMeterModeB(): IecMeterProfile {
  return {
    name: 'Heat meter, mode B, end marker on the data line (real readout)',
    manufacturer: 'SIE',
    ident: '2WR5',
    supportedModes: ['B'],
    maxBaud: 2400,
    readout: HEAT_METER_READOUT,
  };
}

/**
 * A meter in Central European time: data sets with several values (maximum demand and its time, three
 * phases), local time stamps with and without season letters, a DSMR 2.2 style gas profile and a
 * DSMR 4 style gas value with its capture time. Values made up in the shape real meters print them.
 */
export function localTimeMeter(): IecMeterProfile {
  return {
    name: 'Mode C meter on local time (season letters, several values per data set)',
    manufacturer: 'EMH',
    ident: 'LZQJ-XC',
    supportedModes: ['C'],
    maxBaud: 9600,
    readout: [
      '0.9.1(023000)',
      '0.9.2(261025)',
      '0-0:1.0.0(261025023000S)',
      '1-0:1.8.0*255(0012345.678*kWh)',
      '1-0:1.6.0*255(00012.345*kW)(261025021500S)',
      '1-0:1.6.0*01(00011.002*kW)(2609301415)',
      '1-0:31.7.0(012.43*A)(013.10*A)(011.87*A)',
      '0-1:24.2.1(261025020000S)(01234.567*m3)',
      '0-1:24.3.0(261025020000)(00)(60)(1)(0-1:24.2.1)(m3)',
      '(01234.567)',
      '1-0:99.97.0(2)(0-0:96.7.19)(261024152415S)(0000000240*s)(261024151004S)(0000000301*s)',
      '!',
      '',
    ].join('\r\n'),
  };
}

/** A meter with `count` data sets (benchmarks, long readouts). */
export function syntheticMeter(count: number, maxBaud = 9600): IecMeterProfile {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = 1 + (i % 96);
    const d = 8 + Math.floor(i / 96);
    lines.push(`1.${d}.${c}(${String((i * 7919) % 10_000_000).padStart(7, '0')}.${i % 10}*kWh)`);
  }
  return {
    name: `Synthetic meter with ${count} data sets`,
    manufacturer: 'SIM',
    ident: `BENCH${count}`,
    supportedModes: ['C'],
    maxBaud,
    readout: `${lines.join('\r\n')}\r\n!\r\n`,
  };
}

/** Every named profile (the demo's choice list). */
export const IEC_PROFILES: Record<string, () => IecMeterProfile> = {
  'landis-like-mode-c': landisLikeModeC,
  'iskra-like-fast': iskraLikeFast,
  'mode-b-quirky': modeBQuirky,
  'mode-a-small': modeASmall,
  'easymeter-mode-d': easyMeterModeD,
  'dsmr5-p1': dsmr5P1,
  'dsmr22-p1': dsmr22P1,
  'heat-meter-mode-b': heatMeterModeB,
  'local-time-mode-c': localTimeMeter,
};
