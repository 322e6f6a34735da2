/** DEMO-HAN end to end under virtual time: the demo configuration's push device, as the app opens it. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate';
import type { Reading } from '../core/reading';
import { VirtualClock } from '../core/virtual-clock';
import { Engine } from '../engine/engine';
import { demoConfig, openDemoLink } from './demo';

describe('DEMO-HAN', () => {
  it('is in the demo configuration (off until enabled) and, enabled, pushes ciphered lists that decode with the demo keys', async () => {
    const doc = demoConfig() as { devices: Record<string, unknown>[]; signals: unknown[] };
    const han = doc.devices.find((d) => d.device_alias === 'demo_han')!;
    expect(han).toMatchObject({ mode: 'PUSH', device: 'DEMO-HAN', enable: 0 });
    han.enable = 1;
    const checked = validateConfig(doc);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const config = { devices: checked.config.devices.filter((d) => d.device_alias === 'demo_han'), signals: [] };
    const clock = new VirtualClock();
    const committed: Reading[] = [];
    const engine = new Engine({
      config,
      clock,
      openLink: async (d) => openDemoLink(d.device!, clock),
      createDriver: () => {
        throw new Error('not polled');
      },
      commit: async (r) => void committed.push(...r),
      onEvent: () => undefined,
    });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(7_000);
      await engine.stop();
    });
    expect(committed.length).toBeGreaterThan(6);
    const power = committed.filter((r) => r.signal_alias === '1.1.1.7.0.255');
    expect(power.length).toBe(3);
    expect(power.every((r) => r.quality === 'good' && r.unit === 'W' && typeof r.value === 'number')).toBe(true);
    expect(engine.status().devices[0].state).toBe('stopped');
  });
});
