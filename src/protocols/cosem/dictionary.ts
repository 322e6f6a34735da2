/**
 * OBIS code → words, for tables and object lists. Explicit names for the abstract objects meters
 * commonly list, pattern rules (quantity × processing × tariff × billing period) for the rest, and a
 * generic description by value groups as the last resort. Compact on purpose: it ships in the UI.
 */
import { parseObis } from './obis';

// Electricity quantities by position within a block of 20 (C 1..20 total, 21..40 L1, 41..60 L2,
// 61..80 L3). '~' separates the power wording from the energy wording when they differ.
const ELEC_Q = [
  '',
  'Active power import (+P)~Active energy import (+A)',
  'Active power export (-P)~Active energy export (-A)',
  'Reactive power import (+Q)~Reactive energy import (+R)',
  'Reactive power export (-Q)~Reactive energy export (-R)',
  'Reactive power QI~Reactive energy QI (+Ri)',
  'Reactive power QII~Reactive energy QII (+Rc)',
  'Reactive power QIII~Reactive energy QIII (-Ri)',
  'Reactive power QIV~Reactive energy QIV (-Rc)',
  'Apparent power import (+S)~Apparent energy import (+S)',
  'Apparent power export (-S)~Apparent energy export (-S)',
  'Current',
  'Voltage',
  'Power factor',
  'Frequency',
  'Active power |+P|+|-P|~Active energy |+A|+|-A|',
  'Active power |+P|-|-P|~Active energy |+A|-|-A|',
  'Active power QI~Active energy QI',
  'Active power QII~Active energy QII',
  'Active power QIII~Active energy QIII',
  'Active power QIV~Active energy QIV',
];

// Processing (value group D) for electricity and the other media using the same scheme.
const PROC: Record<number, string> = {
  0: 'billing period average',
  1: 'cumulative minimum 1',
  2: 'cumulative maximum 1',
  3: 'minimum 1',
  4: 'current average 1',
  5: 'last average 1',
  6: 'maximum demand 1',
  7: '',
  8: '',
  9: 'time integral 2',
  10: 'time integral 3',
  11: 'cumulative minimum 2',
  12: 'cumulative maximum 2',
  13: 'minimum 2',
  14: 'current average 2',
  15: 'last average 2',
  16: 'maximum demand 2',
  21: 'cumulative minimum 3',
  22: 'cumulative maximum 3',
  23: 'minimum 3',
  24: 'current average 3',
  25: 'last average 3',
  26: 'maximum demand 3',
  27: 'current average 5',
  28: 'current average 6',
  29: 'time integral 5',
  31: 'under limit threshold',
  32: 'under limit occurrence counter',
  33: 'under limit duration',
  34: 'under limit magnitude',
  35: 'over limit threshold',
  36: 'over limit occurrence counter',
  37: 'over limit duration',
  38: 'over limit magnitude',
  39: 'missing threshold',
  40: 'missing occurrence counter',
  41: 'missing duration',
  42: 'missing magnitude',
  55: 'test average',
  58: 'time integral 4 (test)',
};

// Explicit names. Key: "A.B.C.D.E" with '*' for any value (B = channel 0 unless given).
const NAMES: Record<string, string> = {
  '0.0.1.0.0': 'Clock',
  '0.0.2.0.0': 'Modem configuration',
  '0.0.2.1.0': 'Auto answer',
  '0.0.2.2.0': 'Auto connect',
  '0.0.10.0.0': 'Global meter reset script table',
  '0.0.10.0.1': 'End of billing period script table',
  '0.0.10.0.100': 'Tariffication script table',
  '0.0.10.0.101': 'Activate test mode script table',
  '0.0.10.0.102': 'Activate normal mode script table',
  '0.0.10.0.103': 'Set output signals script table',
  '0.0.10.0.106': 'Disconnect control script table',
  '0.0.10.0.107': 'Image activation script table',
  '0.0.10.0.108': 'Push script table',
  '0.0.11.0.0': 'Special days table',
  '0.0.12.0.0': 'Schedule',
  '0.0.13.0.0': 'Activity calendar',
  '0.0.14.0.0': 'Register activation',
  '0.0.15.0.0': 'End of billing period single action schedule',
  '0.0.15.0.2': 'Image activation single action schedule',
  '0.0.15.0.4': 'Push single action schedule',
  '0.0.15.0.*': 'Single action schedule',
  '0.0.16.0.*': 'Register monitor',
  '0.0.16.1.*': 'Alarm monitor',
  '0.0.17.0.*': 'Limiter',
  '0.0.20.0.0': 'IEC optical port setup',
  '0.1.20.0.0': 'IEC electrical port setup',
  '0.0.21.0.*': 'General local port readout',
  '0.0.22.0.0': 'IEC HDLC setup',
  '0.*.22.0.0': 'IEC HDLC setup',
  '0.0.23.0.0': 'IEC twisted pair setup',
  '0.*.24.1.0': 'M-Bus client setup',
  '0.*.24.2.*': 'M-Bus value',
  '0.*.24.3.0': 'M-Bus profile',
  '0.*.24.4.0': 'M-Bus disconnect control',
  '0.*.24.5.0': 'M-Bus control log',
  '0.*.24.6.0': 'M-Bus master port setup',
  '0.*.25.0.0': 'TCP-UDP setup',
  '0.*.25.1.0': 'IPv4 setup',
  '0.*.25.2.0': 'MAC address setup',
  '0.*.25.3.0': 'PPP setup',
  '0.*.25.4.0': 'GPRS modem setup',
  '0.*.25.5.0': 'SMTP setup',
  '0.*.25.6.0': 'GSM diagnostic',
  '0.*.25.7.0': 'IPv6 setup',
  '0.*.25.9.0': 'Push setup',
  '0.0.25.10.0': 'NTP setup',
  '0.0.40.0.0': 'Current association',
  '0.0.40.0.*': 'Association',
  '0.0.41.0.0': 'SAP assignment',
  '0.0.42.0.0': 'COSEM logical device name',
  '0.0.43.0.*': 'Security setup',
  '0.*.43.1.*': 'Invocation counter (frame counter)',
  '0.0.44.0.0': 'Image transfer',
  '0.0.96.1.0': 'Meter serial number',
  '0.*.96.1.0': 'Device ID (serial number)',
  '0.*.96.1.*': 'Device ID',
  '0.0.96.2.0': 'Number of configuration changes',
  '0.0.96.2.1': 'Date of last configuration change',
  '0.0.96.3.10': 'Disconnect control',
  '0.*.96.3.*': 'Input/output control signals',
  '0.0.96.4.*': 'Internal control signals',
  '0.0.96.5.*': 'Internal operating status',
  '0.0.96.6.0': 'Battery use time counter',
  '0.0.96.6.3': 'Battery voltage',
  '0.0.96.6.*': 'Battery entry',
  '0.0.96.7.0': 'Number of power failures, all phases',
  '0.0.96.7.1': 'Number of power failures L1',
  '0.0.96.7.2': 'Number of power failures L2',
  '0.0.96.7.3': 'Number of power failures L3',
  '0.0.96.7.9': 'Number of long power failures, any phase',
  '0.0.96.7.21': 'Number of power failures, any phase',
  '0.0.96.7.*': 'Power failure monitoring',
  '0.0.96.8.*': 'Time of operation',
  '0.0.96.9.0': 'Ambient temperature',
  '0.0.96.10.*': 'Status register',
  '0.0.96.11.*': 'Event code',
  '0.0.96.12.5': 'Signal quality',
  '0.0.96.12.*': 'Communication port parameters',
  '0.0.96.13.0': 'Consumer message text',
  '0.0.96.13.1': 'Consumer message code',
  '0.0.96.14.0': 'Current tariff',
  '0.0.96.14.*': 'Currently active tariff',
  '0.0.96.15.*': 'Event counter',
  '0.0.97.97.*': 'Error register',
  '0.0.97.98.*': 'Alarm register',
  '0.0.98.1.*': 'Data of billing period',
  '0.0.99.1.*': 'Load profile',
  '0.0.99.97.0': 'Power failure event log',
  '0.0.99.98.0': 'Standard event log',
  '0.0.99.98.1': 'Fraud detection log',
  '0.0.99.98.2': 'Disconnector control log',
  '0.0.99.98.3': 'M-Bus event log',
  '0.0.99.98.4': 'Power quality event log',
  '0.0.99.98.5': 'Communication event log',
  '0.0.99.98.*': 'Event log',
  '1.0.0.0.*': 'Electricity ID',
  '1.0.0.1.0': 'Billing period counter',
  '1.0.0.1.1': 'Number of available billing periods',
  '1.0.0.1.2': 'Time stamp of the last billing period',
  '1.0.0.2.0': 'Active firmware version',
  '1.0.0.2.8': 'Active firmware signature',
  '1.0.0.3.*': 'Meter constant',
  '1.0.0.4.2': 'Current transformer ratio, numerator',
  '1.0.0.4.3': 'Voltage transformer ratio, numerator',
  '1.0.0.4.5': 'Current transformer ratio, denominator',
  '1.0.0.4.6': 'Voltage transformer ratio, denominator',
  '1.0.0.4.*': 'Reading factor / transformer ratio',
  '1.0.0.6.*': 'Nominal value',
  '1.0.0.8.0': 'Demand integration period',
  '1.0.0.8.4': 'Load profile recording period',
  '1.0.0.8.*': 'Measurement period',
  '1.0.0.9.1': 'Local time',
  '1.0.0.9.2': 'Local date',
  '1.0.96.5.*': 'Internal operating status',
  '1.0.97.97.*': 'Error register',
  '1.0.98.1.*': 'Data of billing period',
  '1.0.98.2.*': 'Data of billing period 2',
  '1.0.99.1.0': 'Load profile 1',
  '1.0.99.2.0': 'Load profile 2',
  '1.0.99.14.*': 'Quality of supply profile',
  '1.0.99.97.0': 'Power failure event log',
  '1.0.99.98.*': 'Event log',
};

const MEDIUM: Record<number, string> = {
  0: 'Abstract',
  1: 'Electricity',
  4: 'Heat cost allocator',
  5: 'Cooling',
  6: 'Heat',
  7: 'Gas',
  8: 'Cold water',
  9: 'Hot water',
};

// Heat/cooling quantities (C).
const HEAT_Q: Record<number, string> = {
  1: 'energy',
  2: 'accumulated flow volume',
  3: 'accumulated mass',
  8: 'power',
  9: 'flow rate',
  10: 'flow temperature',
  11: 'return temperature',
  12: 'temperature difference',
};

// Gas quantities (C), groups of three: undisturbed, disturbed, absolute.
function gasQuantity(c: number): string | undefined {
  if (c >= 1 && c <= 6) return `volume at metering conditions, ${c <= 3 ? 'forward' : 'reverse'}`;
  if (c >= 11 && c <= 16) return `converted volume, ${c <= 13 ? 'forward' : 'reverse'}`;
  if (c >= 21 && c <= 26) return `corrected volume, ${c <= 23 ? 'forward' : 'reverse'}`;
  if (c >= 31 && c <= 36) return `energy, ${c <= 33 ? 'forward' : 'reverse'}`;
  return { 41: 'temperature', 42: 'pressure', 43: 'flow rate', 44: 'velocity of sound', 45: 'density', 52: 'conversion factor' }[c];
}

function lookup(a: number, b: number, c: number, d: number, e: number): string | undefined {
  return (
    NAMES[`${a}.${b}.${c}.${d}.${e}`] ??
    NAMES[`${a}.${b}.${c}.${d}.*`] ??
    NAMES[`${a}.*.${c}.${d}.${e}`] ??
    NAMES[`${a}.*.${c}.${d}.*`]
  );
}

function billing(f: number): string {
  if (f === 255) return '';
  if (f <= 99) return `, billing period ${f}`;
  return `, F=${f}`;
}

function channel(b: number): string {
  return b === 0 ? '' : ` (channel ${b})`;
}

function electricity(b: number, c: number, d: number, e: number, f: number): string | undefined {
  let base: string;
  let phase = '';
  if (c >= 1 && c <= 80) {
    const block = Math.floor((c - 1) / 20);
    const [power, energy] = ELEC_Q[c - block * 20].split('~');
    phase = block === 0 ? '' : ` L${block}`;
    base = (d === 8 || d === 9 || d === 10 || d === 29 || d === 58) && energy ? energy : power;
  } else if (c === 81) base = 'Phase angle';
  else if (c === 82) base = 'Unitless quantity (pulses)';
  else if (c === 83) base = 'Transformer and line losses';
  else if (c === 88) base = 'Ampere-squared hours';
  else if (c === 89) base = 'Volt-squared hours';
  else if (c === 90) base = 'Current, sum of phases';
  else if (c === 91) base = 'Neutral current';
  else if (c === 92) base = 'Neutral voltage';
  else return undefined;
  const proc = PROC[d];
  if (proc === undefined) return undefined;
  let text = base + phase;
  if (proc) text = d === 6 || d === 16 || d === 26 ? `Maximum demand, ${lower(text)}` : `${text}, ${proc}`;
  if (d === 7 && c <= 80) {
    if (e > 0 && e <= 120) text += `, harmonic ${e}`;
    else if (e === 124) text += ', total harmonic distortion';
    else if (e !== 0) text += `, E=${e}`;
  } else if (d === 8 || d === 9 || d === 10 || d === 6 || d === 2 || d === 16 || d === 26) {
    text += e === 0 ? ', total' : e <= 63 ? `, tariff ${e}` : `, E=${e}`;
  } else if (e !== 0) text += `, E=${e}`;
  return text + billing(f) + channel(b);
}

function lower(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function otherMedium(a: number, b: number, c: number, d: number, e: number, f: number): string | undefined {
  let q: string | undefined;
  if (a === 7) q = gasQuantity(c);
  else if (a === 5 || a === 6) q = HEAT_Q[c];
  else if (a === 8 || a === 9) q = { 1: 'accumulated volume', 2: 'flow rate', 3: 'forward temperature' }[c];
  if (!q) return undefined;
  const tariff = e === 0 ? '' : `, tariff ${e}`;
  const proc = d === 0 ? '' : d === 7 ? ', instantaneous' : `, D=${d}`;
  return `${MEDIUM[a]} ${q}${proc}${tariff}${billing(f)}${channel(b)}`;
}

function generic(o: Uint8Array): string {
  const [a, b, c, d, e, f] = o;
  const medium = MEDIUM[a] ?? (a === 15 ? 'Other medium' : `Medium ${a}`);
  const kind = c >= 128 && c <= 199 ? 'manufacturer-specific' : c === 96 ? 'service entry' : c === 97 ? 'error register' : c === 98 ? 'list' : c === 99 ? 'profile' : `C=${c}`;
  return `${medium} ${kind}${channel(b)}, D=${d}, E=${e}${billing(f)}`;
}

/** Words for an OBIS code; never throws (unparseable text is returned as it is). */
export function describeObis(obis: Uint8Array | string): string {
  let o: Uint8Array;
  if (typeof obis === 'string') {
    try {
      o = parseObis(obis).obis;
    } catch {
      return obis;
    }
  } else if (obis instanceof Uint8Array && obis.length === 6) o = obis;
  else return 'Invalid logical name';
  const [a, b, c, d, e, f] = o;
  const named = lookup(a, b, c, d, e);
  if (named) {
    // Instances beyond the first are numbered so a list of eight association objects stays readable.
    const suffix = e === 0 || NAMES[`${a}.${b}.${c}.${d}.${e}`] || NAMES[`${a}.*.${c}.${d}.${e}`] ? '' : ` ${e}`;
    return named + suffix + channel(b) + billing(f);
  }
  if (c >= 128 && c <= 199) return generic(o);
  if (a > 1 && MEDIUM[a] && (c === 98 || c === 99)) return `${MEDIUM[a]} ${c === 99 ? 'profile' : 'data of billing period'} ${d}${channel(b)}`;
  const text = a === 1 ? electricity(b, c, d, e, f) : otherMedium(a, b, c, d, e, f);
  return text ?? generic(o);
}
