/**
 * A `navigator.serial` stand-in with simulated meters behind its ports, for the Chromium end-to-end tests
 * and any demo that wants the real Web Serial code path: the worker is handed this instead of
 * `navigator.serial` (through the app's transport seam) and everything above it runs unchanged.
 */
import type { Clock } from '../../core/clock';
import { LINE_300_7E1, LINE_9600_8N1 } from '../../core/link';
import { serverAddress } from '../../protocols/hdlc/address';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { landisLikeModeC } from '../../sim/iec/profiles';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { DEMO_HAN_LINE, startDemoHanMeter } from '../../sim/demo-han';
import { FakeSerial, FakeSerialPort } from './fake-serial-port';
import type { SerialPortInfo } from './serial-api';

/**
 * - `iec-mode-c`: IEC 62056-21 mode C meter at 300 7E1 (readout `1.8.0(0147238.4*kWh)`, serial 45678903).
 * - `dlms-hdlc`: DLMS/COSEM LN over HDLC at 9600 8N1, server logical 1 / physical 17 (2-byte address).
 * - `dlms-mode-e`: IEC 62056-21 sign-on at 300 7E1, then HDLC at 8N1, server logical 0 / physical 1 (1 byte).
 * - `dlms-push`: the DEMO-HAN pushing meter (src/sim/demo-han.ts) on a HAN adapter, 9600 8N1, talking first.
 */
export type SimulatedMeterKind = 'iec-mode-c' | 'dlms-hdlc' | 'dlms-mode-e' | 'dlms-push';

export interface SimulatedPortSpec {
  kind: SimulatedMeterKind;
  info?: SerialPortInfo;
  /** The probe needs these signals high (default: none). */
  poweredBy?: ('dtr' | 'rts')[];
  /** Listed by getPorts() from the start (default true), i.e. granted on an earlier visit. */
  granted?: boolean;
  /** The probe's UART keeps this rate whatever open() asks (a Bluetooth SPP probe); see FakeSerialPortOptions. */
  fixedBaudRate?: number;
}

const DEFAULT_INFO: Record<SimulatedMeterKind, SerialPortInfo> = {
  'iec-mode-c': { usbVendorId: 0x0403, usbProductId: 0x6001 },
  'dlms-hdlc': { usbVendorId: 0x10c4, usbProductId: 0xea60 },
  'dlms-mode-e': { usbVendorId: 0x1a86, usbProductId: 0x7523 },
  'dlms-push': { usbVendorId: 0x0403, usbProductId: 0x6015 },
};

export function simulatedPort(clock: Clock, spec: SimulatedPortSpec): FakeSerialPort {
  const info = spec.info ?? DEFAULT_INFO[spec.kind];
  const poweredBy = {
    ...(spec.poweredBy ? { poweredBy: spec.poweredBy } : {}),
    // A probe fixed at a slow rate hands bytes on as they come: 64-character bursts at 300 baud would
    // be 2 s of silence, longer than IEC (1.5 s) and HDLC (3 characters) allow between characters.
    ...(spec.fixedBaudRate !== undefined ? { fixedBaudRate: spec.fixedBaudRate, burstChars: 2 } : {}),
  };
  switch (spec.kind) {
    case 'iec-mode-c': {
      const port = new FakeSerialPort({ clock, info, meterLine: LINE_300_7E1, ...poweredBy });
      void new VirtualIecMeter(landisLikeModeC()).serve(port.meter, clock);
      return port;
    }
    case 'dlms-hdlc': {
      const port = new FakeSerialPort({ clock, info, meterLine: LINE_9600_8N1, ...poweredBy });
      new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel() }).serveHdlc(port.meter, {
        address: serverAddress({ logical: 1, physical: 17, size: 2 }),
      });
      return port;
    }
    case 'dlms-mode-e': {
      const port = new FakeSerialPort({ clock, info, meterLine: LINE_300_7E1, ...poweredBy });
      const dlms = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel() });
      const iec = new VirtualIecMeter({
        ...landisLikeModeC(),
        address: undefined,
        onModeE: async (link, _clock, signal) => {
          await dlms.serveHdlc(link, { address: serverAddress({ logical: 0, physical: 1, size: 1 }) }, signal).done;
        },
      });
      void iec.serve(port.meter, clock);
      return port;
    }
    case 'dlms-push': {
      // Pushes whether or not the port is open, as a real HAN port does; closed, the bytes are dropped.
      const port = new FakeSerialPort({ clock, info, meterLine: DEMO_HAN_LINE, ...poweredBy });
      startDemoHanMeter(clock, port.meter);
      return port;
    }
  }
}

export interface SimulatedSerial {
  serial: FakeSerial;
  ports: FakeSerialPort[];
  /** Stop every simulator (no disconnect events). */
  dispose(): void;
}

export function createSimulatedSerial(clock: Clock, specs: SimulatedPortSpec[]): SimulatedSerial {
  const serial = new FakeSerial();
  const ports = specs.map((spec) => serial.plug(simulatedPort(clock, spec), spec.granted ?? true));
  return { serial, ports, dispose: () => ports.forEach((p) => p.dispose()) };
}
