import { MeterError } from '../../core/errors';
import type { Reading } from '../../core/reading';
import { decodeDateTimeBytes } from '../../protocols/cosem/datetime';
import { parseObis } from '../../protocols/cosem/obis';
import type { DataSet } from '../../protocols/iec62056-21/datasets';
import { localToUtc } from '../../protocols/iec62056-21/local-time';
import type { DeviceDriver, DriverContext, DriverSignal } from '../driver';
import { DlmsDriver } from './dlms';
import { IecDriver } from './iec';

const CLOCK = parseObis('0.0.1.0.0.255').obis;

/**
 * `use_time` 1: readings are stamped with the meter's clock instead of the system time, read once per
 * poll — the COSEM clock (0.0.1.0.0.255 attribute 2) over DLMS, the `0.9.2` date and `0.9.1` time data
 * sets of an IEC 62056-21 readout. A meter that does not give its time fails the poll with a typed
 * error rather than silently falling back to the system time.
 */
export class MeterTimeDriver implements DeviceDriver {
  constructor(private readonly inner: DlmsDriver | IecDriver) {}

  private get base(): DeviceDriver {
    return this.inner;
  }

  connect(ctx: DriverContext): Promise<void> {
    return this.base.connect(ctx);
  }

  disconnect(ctx: DriverContext): Promise<void> {
    return this.base.disconnect(ctx);
  }

  async read(signals: DriverSignal[], ctx: DriverContext): Promise<Reading[]> {
    const readings = await this.base.read(signals, ctx);
    const ts = await this.meterTime();
    return readings.map((r) => ({ ...r, ts }));
  }

  private async meterTime(): Promise<number> {
    if (this.inner instanceof DlmsDriver) {
      const session = this.inner.activeSession;
      if (!session) throw new MeterError('PROTOCOL', 'Not connected.');
      const [clock] = await session.readValues([{ obis: CLOCK, attribute: 2, classId: 8 }]);
      if (clock.error) throw clock.error;
      const d = clock.data;
      const bytes = d?.type === 'octet-string' ? d.value : d?.type === 'date-time' ? d.raw : undefined;
      const ms = bytes && bytes.length === 12 ? decodeDateTimeBytes(bytes) : null;
      if (ms === null || ms === undefined) throw new MeterError('TYPE_MISMATCH', "The meter's clock did not give a complete date and time.");
      return ms;
    }
    return iecMeterTime(this.inner.lastDataSets, this.inner.timeZone);
  }
}

/**
 * The meter's time from `0.9.2(YYMMDD)` and `0.9.1(hhmmss)` (also `C.x` style prefixes like `1.0.0.9.1`),
 * the meter's local time converted to UTC with `zone` (the device's time zone).
 */
export function iecMeterTime(sets: readonly DataSet[], zone = 'UTC'): number {
  const find = (suffix: string) => sets.find((s) => s.address === suffix || s.address.endsWith(`:${suffix}`) || s.address.endsWith(`.${suffix}`))?.values[0]?.value;
  const date = find('0.9.2')?.replace(/^0(?=\d{6}$)/, '');
  const time = find('0.9.1');
  if (!date || !time || !/^\d{6}$/.test(date) || !/^\d{6}$/.test(time)) {
    throw new MeterError('OBJECT_UNDEFINED', 'The readout has no usable 0.9.2 date and 0.9.1 time: the meter time cannot be used.');
  }
  const [yy, mo, dd] = [date.slice(0, 2), date.slice(2, 4), date.slice(4, 6)].map(Number);
  const [hh, mi, ss] = [time.slice(0, 2), time.slice(2, 4), time.slice(4, 6)].map(Number);
  const ms = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  if (!Number.isFinite(ms) || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) {
    throw new MeterError('TYPE_MISMATCH', `The meter printed an impossible date/time ${date} ${time}.`);
  }
  return localToUtc(ms, zone);
}
