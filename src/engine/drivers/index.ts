import type { DeviceConfig, ElgamaDeviceConfig } from '../../config/types';
import type { DeviceDriver } from '../driver';
import { DlmsDriver, dlmsProfileFromConfig, elgamaDlmsProfile } from './dlms';
import { IecDriver } from './iec';
import { MeterTimeDriver } from './meter-time';
import type { InvocationCounterStore } from '../../protocols/dlms-client/invocation-counter';
import type { MeterKnowledgeStore } from '../../protocols/dlms-client/knowledge';

export { DlmsDriver, IecDriver };

/**
 * The driver for a configured device. Elgama profiles sit on the standard stacks: GAMA 300 / GAMA 100
 * (meter_model 2, 3) on DLMS with short names, EPQM/LZQM, EPQS and ITS (0, 1, 4) on an IEC 62056-21
 * readout addressed by the meter id — those three are built from public information and not yet confirmed
 * on hardware.
 */
export function createDriver(device: DeviceConfig): DeviceDriver {
  return createDriverFactory()(device);
}

export interface DriverFactoryOptions {
  /** Where DLMS invocation counters persist (IndexedDB in the app, a file in the CLI). Default: memory. */
  counterStore?: InvocationCounterStore;
  /** Where DLMS meter knowledge (classes, scalers, list behaviour) persists. Default: the driver's lifetime only. */
  knowledgeStore?: MeterKnowledgeStore;
}

export function createDriverFactory(opts: DriverFactoryOptions = {}): (device: DeviceConfig) => DeviceDriver {
  return (device) => makeDriver(device, opts);
}

function makeDriver(device: DeviceConfig, opts: DriverFactoryOptions): DeviceDriver {
  switch (device.protocol) {
    case 'DLMS':
      return new DlmsDriver(dlmsProfileFromConfig(device), device.device_alias, opts.counterStore, opts.knowledgeStore);
    case 'IEC 62056-21':
      return new IecDriver(device);
    case 'Elgama': {
      const driver = elgamaDriver(device, opts);
      return device.use_time === 1 ? new MeterTimeDriver(driver) : driver;
    }
  }
}

function elgamaDriver(device: ElgamaDeviceConfig, opts: DriverFactoryOptions): DlmsDriver | IecDriver {
  if (device.meter_model === 2 || device.meter_model === 3) {
    return new DlmsDriver(elgamaDlmsProfile(device), device.device_alias, opts.counterStore, opts.knowledgeStore);
  }
  return new IecDriver({
    serialnumber: String(device.id),
    type: 'C',
    poll_delay_ms: 200,
    t2: 300,
    serial_close_delay: device.serial_close_delay,
    timeout_ms: device.timeout_ms,
    retry_counter: device.retry_counter,
    // Mode C always signs on at 300 baud 7E1; the meter proposes the reading rate.
    baudrate: 300,
    databits: 7,
    parity: 'even',
    stopbits: 1,
  });
}
