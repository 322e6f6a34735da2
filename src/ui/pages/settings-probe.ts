/**
 * Probe options a technician sets once for the optical head they carry (some heads take their power
 * from DTR/RTS, some echo every byte). They are stored as settings and written into each new serial
 * device the editor creates; a device's own dtr / rts / echo fields always win.
 */
import type { MeterStore } from '../../store';

export const PROBE_KEYS = {
  dtr: 'probe.dtr',
  rts: 'probe.rts',
  echo: 'probe.echo',
} as const;

export interface ProbeDefaults {
  dtr: 0 | 1;
  rts: 0 | 1;
  echo: 'auto' | 0 | 1;
}

/** The config module's own defaults (src/config/fields.ts): raised lines, echo detected. */
export const PROBE_FACTORY: ProbeDefaults = { dtr: 1, rts: 1, echo: 'auto' };

const isFlag = (v: unknown): v is 0 | 1 => v === 0 || v === 1;

export async function loadProbe(store: Pick<MeterStore, 'getSetting'>): Promise<ProbeDefaults> {
  const [dtr, rts, echo] = await Promise.all([
    store.getSetting(PROBE_KEYS.dtr),
    store.getSetting(PROBE_KEYS.rts),
    store.getSetting(PROBE_KEYS.echo),
  ]);
  return {
    dtr: isFlag(dtr) ? dtr : PROBE_FACTORY.dtr,
    rts: isFlag(rts) ? rts : PROBE_FACTORY.rts,
    echo: echo === 'auto' || isFlag(echo) ? echo : PROBE_FACTORY.echo,
  };
}

export async function saveProbe(store: Pick<MeterStore, 'setSetting'>, p: ProbeDefaults): Promise<void> {
  await store.setSetting(PROBE_KEYS.dtr, p.dtr);
  await store.setSetting(PROBE_KEYS.rts, p.rts);
  await store.setSetting(PROBE_KEYS.echo, p.echo);
}
