/**
 * Simulators to put on the meter end of a fake USB serial adapter (the same ones the Web Serial fakes use,
 * src/transports/webserial/simulated-serial.ts):
 * - `iec-mode-c`: IEC 62056-21 mode C at 300 7E1, switching to 9600 (readout `1.8.0(0147238.4*kWh)`);
 * - `dlms-mode-e`: IEC sign-on at 300 7E1, then DLMS/COSEM LN over HDLC at 9600 8N1 (server 0/1, 1-byte address);
 * - `dlms-hdlc`: DLMS/COSEM LN over HDLC at a fixed line (default 9600 8N1; server 1/17, 2-byte address).
 */
import type { Clock } from '../../../core/clock';
import { LINE_300_7E1, LINE_9600_8N1, type LineSettings } from '../../../core/link';
import type { MemoryLink } from '../../../core/memory-link';
import { serverAddress } from '../../../protocols/hdlc/address';
import { createDemoDlmsModel } from '../../../sim/dlms/model';
import { SimDlmsMeter } from '../../../sim/dlms/server';
import { landisLikeModeC } from '../../../sim/iec/profiles';
import { VirtualIecMeter } from '../../../sim/iec/virtual-meter';

/** Starts something on the meter end of the wire (it owns the end from then on). */
export type MeterEnd = (meter: MemoryLink, clock: Clock) => void;

export type SimulatedUsbMeterKind = 'iec-mode-c' | 'dlms-mode-e' | 'dlms-hdlc';

export function simulatedMeter(kind: SimulatedUsbMeterKind, opts: { line?: LineSettings } = {}): MeterEnd {
  return (meter, clock) => {
    switch (kind) {
      case 'iec-mode-c':
        meter.line = { ...LINE_300_7E1 };
        void new VirtualIecMeter(landisLikeModeC()).serve(meter, clock);
        return;
      case 'dlms-hdlc':
        meter.line = { ...(opts.line ?? LINE_9600_8N1) };
        new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel() }).serveHdlc(meter, {
          address: serverAddress({ logical: 1, physical: 17, size: 2 }),
        });
        return;
      case 'dlms-mode-e': {
        meter.line = { ...LINE_300_7E1 };
        const dlms = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel() });
        const iec = new VirtualIecMeter({
          ...landisLikeModeC(),
          address: undefined,
          onModeE: async (link, _clock, signal) => {
            await dlms.serveHdlc(link, { address: serverAddress({ logical: 0, physical: 1, size: 1 }) }, signal).done;
          },
        });
        void iec.serve(meter, clock);
        return;
      }
    }
  };
}
