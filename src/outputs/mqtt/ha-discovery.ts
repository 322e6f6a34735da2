/**
 * Home Assistant MQTT discovery (`--ha-discovery`): one retained sensor config per signal under
 * `homeassistant/sensor/<node>/<object>/config`, grouped by meter as a device, available while the
 * poller's state topic says `online`. Facts from Home Assistant's MQTT discovery and sensor
 * documentation: device classes and the units each accepts, `total_increasing` for meter registers,
 * `measurement` for instantaneous values, `reactive_energy` (varh) since 2025.6. A unit Home Assistant
 * has no device class for (VAh, J/h, m³/h as a gas flow, ...) is sent without one: a wrong class makes
 * Home Assistant refuse the entity's statistics.
 */
import type { ReadingPayload } from './payload';
import type { Topics } from './topics';

export type StateClass = 'measurement' | 'total' | 'total_increasing';

export interface HaSensorClass {
  /** Absent when Home Assistant has no device class for this unit. */
  device_class?: string;
  /** The unit as Home Assistant spells it (`m³`, `°C`, `var`). */
  unit?: string;
  state_class?: StateClass;
}

/** DLMS/IEC unit symbol (as our decoders print it) -> Home Assistant device class and its spelling. */
const UNITS: Record<string, { device_class?: string; unit: string; register?: boolean }> = {
  Wh: { device_class: 'energy', unit: 'Wh', register: true },
  kWh: { device_class: 'energy', unit: 'kWh', register: true },
  MWh: { device_class: 'energy', unit: 'MWh', register: true },
  J: { device_class: 'energy', unit: 'J', register: true },
  MJ: { device_class: 'energy', unit: 'MJ', register: true },
  GJ: { device_class: 'energy', unit: 'GJ', register: true },
  varh: { device_class: 'reactive_energy', unit: 'varh', register: true },
  kvarh: { device_class: 'reactive_energy', unit: 'kvarh', register: true },
  // Apparent energy has no device class (an open architecture discussion): a plain total counter.
  VAh: { unit: 'VAh', register: true },
  kVAh: { unit: 'kVAh', register: true },
  W: { device_class: 'power', unit: 'W' },
  kW: { device_class: 'power', unit: 'kW' },
  MW: { device_class: 'power', unit: 'MW' },
  var: { device_class: 'reactive_power', unit: 'var' },
  kvar: { device_class: 'reactive_power', unit: 'kvar' },
  VA: { device_class: 'apparent_power', unit: 'VA' },
  kVA: { device_class: 'apparent_power', unit: 'kVA' },
  V: { device_class: 'voltage', unit: 'V' },
  kV: { device_class: 'voltage', unit: 'kV' },
  mV: { device_class: 'voltage', unit: 'mV' },
  A: { device_class: 'current', unit: 'A' },
  mA: { device_class: 'current', unit: 'mA' },
  Hz: { device_class: 'frequency', unit: 'Hz' },
  '°C': { device_class: 'temperature', unit: '°C' },
  K: { device_class: 'temperature', unit: 'K' },
  '%': { unit: '%' },
  Pa: { device_class: 'pressure', unit: 'Pa' },
  bar: { device_class: 'pressure', unit: 'bar' },
  'm³/h': { device_class: 'volume_flow_rate', unit: 'm³/h' },
  dBm: { device_class: 'signal_strength', unit: 'dBm' },
  s: { device_class: 'duration', unit: 's' },
  min: { device_class: 'duration', unit: 'min' },
  h: { device_class: 'duration', unit: 'h' },
  d: { device_class: 'duration', unit: 'd' },
  l: { device_class: 'volume', unit: 'L', register: true },
};

/** Spellings our decoders or meters use for the same unit. */
const ALIASES: Record<string, string> = { m3: 'm³', 'm^3': 'm³', kVArh: 'kvarh', kVAr: 'kvar', VAr: 'var', VArh: 'varh', L: 'l', 'm3/h': 'm³/h' };

/** OBIS value groups A, C, D from `a.b.c.d.e.f` / `a-b:c.d.e*f` or an IEC address `c.d.e`. */
export function obisGroups(address: string | undefined): { a?: number; c?: number; d?: number } {
  if (address === undefined) return {};
  const full = /^(\d+)[-.](\d+)[:.](\d+)\.(\d+)\.(\d+)(?:[.*](\d+))?$/.exec(address.trim());
  if (full) return { a: Number(full[1]), c: Number(full[3]), d: Number(full[4]) };
  const short = /^(?:\d+:)?(\d+)\.(\d+)(?:\.(\d+))?(?:\*\d+)?$/.exec(address.trim());
  if (short) return { c: Number(short[1]), d: Number(short[2]) };
  return {};
}

/**
 * How Home Assistant should see a signal with this unit and address. Registers (energy, volume)
 * count up: `total_increasing`; an energy value over a billing period (OBIS D = 9 or 29, "time
 * integral 2" / "delta") restarts, so it is `total`. Everything else with a unit is a `measurement`.
 * No unit (a count, a text, a date): no class, and no state class unless the value is a number.
 */
export function haSensorClass(unit: string | null | undefined, address?: string, numeric = true): HaSensorClass {
  if (!numeric) return {};
  const u = unit === null || unit === undefined ? '' : (ALIASES[unit] ?? unit);
  const groups = obisGroups(address);
  if (u === 'm³') {
    // Medium from OBIS value group A: 7 gas, 8 cold water, 9 hot water; otherwise a plain volume.
    const device_class = groups.a === 7 ? 'gas' : groups.a === 8 || groups.a === 9 ? 'water' : 'volume';
    return { device_class, unit: 'm³', state_class: 'total_increasing' };
  }
  const known = UNITS[u];
  if (!known) return u === '' ? { state_class: 'measurement' } : { unit: u, state_class: 'measurement' };
  const out: HaSensorClass = { unit: known.unit };
  if (known.device_class) out.device_class = known.device_class;
  if (known.register) out.state_class = groups.d === 9 || groups.d === 29 ? 'total' : 'total_increasing';
  else out.state_class = 'measurement';
  if (u === '%' && (groups.c === 13 || groups.c === 33 || groups.c === 53 || groups.c === 73)) out.device_class = 'power_factor';
  return out;
}

/** What discovery knows about a meter beyond its alias. */
export interface HaDeviceInfo {
  name: string;
  manufacturer?: string;
  model?: string;
  serial_number?: string;
}

export interface HaConfigMessage {
  topic: string;
  payload: string;
}

/** node and object ids allow [a-zA-Z0-9_-] only. */
export function haId(text: string): string {
  const id = text.replace(/[^a-zA-Z0-9_-]/g, '_');
  return id === '' ? '_' : id;
}

export const HA_DISCOVERY_PREFIX = 'homeassistant';

/** The retained config message for one signal, made from its first reading (which carries the unit). */
export function haSensorConfig(topics: Topics, r: ReadingPayload, device: HaDeviceInfo, discoveryPrefix = HA_DISCOVERY_PREFIX): HaConfigMessage {
  const node = haId(`meterscope_${r.device_alias}`);
  const object = haId(r.signal_alias);
  const cls = haSensorClass(r.unit, r.address, r.value === null || typeof r.value === 'number');
  const config: Record<string, unknown> = {
    name: r.signal_alias,
    unique_id: `${node}_${object}`,
    state_topic: topics.reading(r.device_alias, r.signal_alias),
    // A bad reading has value null: rendered as None, Home Assistant shows the sensor as unknown.
    value_template: '{{ value_json.value }}',
    json_attributes_topic: topics.reading(r.device_alias, r.signal_alias),
    json_attributes_template: '{{ {"address": value_json.address, "quality": value_json.quality, "error": value_json.error, "ts": value_json.ts} | tojson }}',
    availability: [{ topic: topics.pollerState(), payload_available: 'online', payload_not_available: 'offline' }],
    device: {
      identifiers: [node],
      name: device.name,
      ...(device.manufacturer ? { manufacturer: device.manufacturer } : {}),
      ...(device.model ? { model: device.model } : {}),
      ...(device.serial_number ? { serial_number: device.serial_number } : {}),
    },
    origin: { name: 'MeterScope' },
  };
  if (cls.device_class) config.device_class = cls.device_class;
  if (cls.unit) config.unit_of_measurement = cls.unit;
  if (cls.state_class) config.state_class = cls.state_class;
  if (r.decimals !== undefined) config.suggested_display_precision = Math.max(0, r.decimals);
  return { topic: `${discoveryPrefix}/sensor/${node}/${object}/config`, payload: JSON.stringify(config) };
}
