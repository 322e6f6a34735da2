/**
 * The e2e tests' way in: Playwright cannot put a fake `navigator.serial` into a worker, so the app's own
 * transport seam accepts simulated probes (src/transports/webserial/simulated-serial.ts: fake SerialPorts
 * wired to the simulators through a memory line with real timing). Loaded only when a test asks for it.
 */
import { realClock } from '../core/real-clock';
import type { SimulatedMeterKind, SimulatedPortSpec } from '../transports/webserial/simulated-serial';
import { useSerialSource } from './worker-links';

type Simulated = Awaited<ReturnType<typeof load>>['sim'];
let current: { sim: Simulated; specs: SimulatedPortSpec[]; mod: Awaited<ReturnType<typeof load>>['mod'] } | undefined;

async function load(specs: SimulatedPortSpec[]) {
  const mod = await import('../transports/webserial/simulated-serial');
  return { mod, sim: mod.createSimulatedSerial(realClock, specs) };
}

/** Replace the browser's serial ports with simulated probes on the given meters. */
export async function simulateSerial(kinds: SimulatedMeterKind[]): Promise<{ usbVendorId?: number; usbProductId?: number }[]> {
  current?.sim.dispose();
  const specs = kinds.map((kind) => ({ kind }));
  const { mod, sim } = await load(specs);
  current = { sim, specs, mod };
  useSerialSource(sim.serial);
  return sim.ports.map((p) => p.getInfo());
}

/** Pull the n-th simulated probe out, or put a fresh one (a new SerialPort object) back in. */
export function simulatePlug(index: number, plugged: boolean): void {
  if (!current) throw new Error('No simulated serial ports.');
  const { sim, specs, mod } = current;
  if (!plugged) {
    sim.ports[index]?.unplug();
    return;
  }
  sim.ports[index] = sim.serial.plug(mod.simulatedPort(realClock, specs[index]), true);
}
