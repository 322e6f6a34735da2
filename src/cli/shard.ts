/**
 * `--shard I/N`: N pollers split one site configuration with no coordinator. Each device goes to the
 * shard given by a stable hash (FNV-1a, 32 bits) of where it is and who it is, never of its place in
 * the file, so reordering or adding devices moves no other device.
 *
 * Devices on one serial port share the line (RS-485 multi-drop) and only one machine can own it, so
 * for a serial device the key is the port alone and a bus stays whole. A TCP device has a link of its
 * own: its key is `ip:port` plus its address (DLMS serial number or server address, IEC device
 * address, Elgama id), which tells apart meters behind one gateway port.
 */
import type { DeviceConfig, MeterConfig } from '../config/types';

export interface Shard {
  index: number;
  count: number;
}

/** FNV-1a over the UTF-8 bytes: tiny, well known, the same on every machine and Node version. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function addressOf(d: DeviceConfig): string {
  switch (d.protocol) {
    case 'DLMS':
      return d.serial_number > 0 ? `sn:${d.serial_number}` : `${d.logical_address}/${d.physical_address}`;
    case 'IEC 62056-21':
      return d.serialnumber;
    case 'Elgama':
      return String(d.id);
  }
}

export function shardKey(d: DeviceConfig): string {
  if (d.transport === 'serial') return `serial\u0000${d.device ?? d.device_alias}`;
  return `tcp\u0000${d.ip ?? ''}:${d.port ?? ''}\u0000${addressOf(d)}`;
}

export function shardOf(d: DeviceConfig, count: number): number {
  return fnv1a32(shardKey(d)) % count;
}

/** Only this shard's devices, and their signals. */
export function selectShard(config: MeterConfig, shard: Shard): MeterConfig {
  const devices = config.devices.filter((d) => shardOf(d, shard.count) === shard.index);
  const aliases = new Set(devices.map((d) => d.device_alias));
  return { ...config, devices, signals: config.signals.filter((s) => aliases.has(s.device_alias)) };
}
