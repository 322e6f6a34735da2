import type { Reading } from '../../core/reading';
import type { IecDeviceConfig } from '../../config/types';
import { iecOptionsFromConfig, isModeDDevice } from '../../protocols/iec62056-21/config';
import { listenModeD } from '../../protocols/iec62056-21/mode-d';
import { readout } from '../../protocols/iec62056-21/readout';
import { mapSignals } from '../../protocols/iec62056-21/mapping';
import type { DataSet } from '../../protocols/iec62056-21/datasets';
import { openProgrammingSession } from '../../protocols/iec62056-21/programming';
import { formatIecTimestamp, parseLoadProfile, profileToUtc, type ProfileBlock } from '../../protocols/iec62056-21/load-profile';
import { systemTimeZone, utcToLocalMs } from '../../protocols/iec62056-21/local-time';
import { toMeterError } from '../../core/errors';
import type { DeviceDriver, DriverContext, DriverSignal } from '../driver';
import { LineWatch, strategyLine } from '../line-watch';

/** The subset of an IEC 62056-21 device a readout needs (Elgama EPQS/LZQM/ITS profiles reuse it). */
export type IecReadoutDevice = Pick<
  IecDeviceConfig,
  'serialnumber' | 'type' | 'poll_delay_ms' | 't2' | 'serial_close_delay' | 'timeout_ms' | 'retry_counter' | 'baudrate' | 'databits' | 'parity' | 'stopbits'
> & { password?: string; time_zone?: string };

/** A signal's `value_index` (an extension), when it is a whole number. */
function valueIndexOf(config: Readonly<Record<string, unknown>>): number | undefined {
  const v = config.value_index;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * IEC 62056-21 device driver. A readout is a whole dialogue (sign-on, baud switch, data, back to the
 * initial rate), so there is no session to keep between polls: connect and disconnect do nothing and
 * every read signs on afresh. Mode D devices only listen for the next pushed telegram.
 */
export class IecDriver implements DeviceDriver {
  /** The data sets of the last readout (the meter's own clock is among them: 0.9.1 time, 0.9.2 date). */
  lastDataSets: readonly DataSet[] = [];

  constructor(private readonly device: IecReadoutDevice) {}

  /** The zone of the meter's clock: the device's `time_zone`, else the system's (browser's). */
  get timeZone(): string {
    return this.device.time_zone ?? systemTimeZone();
  }

  async connect(): Promise<void> {}

  async read(signals: DriverSignal[], ctx: DriverContext): Promise<Reading[]> {
    ctx.onPhase?.('signing-on');
    const opts = {
      ...iecOptionsFromConfig(this.device),
      signal: ctx.signal,
      log: ctx.log,
      onProgress: (p: { phase: string; bytes: number }) => {
        if (p.phase === 'data') {
          ctx.onPhase?.('reading');
          ctx.onProgress?.(p.bytes, 0);
        }
      },
    };
    // Counted for the strategy line at trace level 3 (issue 16): a readout is two turnarounds plus the waits.
    const watch = new LineWatch();
    const link = watch.wrap(ctx.link);
    const t0 = ctx.clock.now();
    const modeD = isModeDDevice(this.device);
    const source = modeD ? await listenModeD(link, ctx.clock, opts) : await readout(link, ctx.clock, opts);
    if (!modeD) ctx.log(3, strategyLine(`readout of ${source.dataSets.length} data sets`, { turnarounds: 0, bytesOut: 0, bytesIn: 0, wireMs: 0 }, watch.snapshot(), ctx.clock.now() - t0, undefined));
    this.lastDataSets = source.dataSets;
    return mapSignals(
      source,
      signals.map((s) => {
        const index = valueIndexOf(s.config);
        return { signal_alias: s.signal_alias, device_alias: s.device_alias, tag_job_todo: s.address, number_type: s.number_type ?? 'STRING', ...(index !== undefined ? { value_index: index } : {}) };
      }),
      ctx.clock.wallTime(),
      { timeZone: this.timeZone },
    );
  }

  async disconnect(): Promise<void> {}

  /**
   * A load profile (`P.01`) or logbook (`P.98`) between two instants, read in programming mode with
   * R5 `P.01(from;to)` (P1 password first when the device has one). `fromMs` / `toMs` are UTC and
   * asked in the meter's local time; every row comes back with its UTC instant (`utcMs`) and the
   * meter's own text of its time (`raw`), converted with the device's time zone.
   */
  async readProfile(ctx: DriverContext, address: string, fromMs: number, toMs: number): Promise<ProfileBlock[]> {
    ctx.onPhase?.('signing-on');
    const watch = new LineWatch();
    const t0 = ctx.clock.now();
    const session = await openProgrammingSession(watch.wrap(ctx.link), ctx.clock, {
      ...iecOptionsFromConfig(this.device),
      ...(this.device.password ? { password: this.device.password } : {}),
      signal: ctx.signal,
      log: ctx.log,
    });
    try {
      ctx.onPhase?.('reading');
      const zone = this.timeZone;
      const answer = await session.read('R5', `${address}(${formatIecTimestamp(utcToLocalMs(fromMs, zone))};${formatIecTimestamp(utcToLocalMs(toMs, zone))})`);
      const blocks = parseLoadProfile(answer.dataSets, (a) => a === address).map((b) => profileToUtc(b, zone));
      ctx.log(3, strategyLine(`${address} of ${answer.dataSets.length} data sets`, { turnarounds: 0, bytesOut: 0, bytesIn: 0, wireMs: 0 }, watch.snapshot(), ctx.clock.now() - t0, undefined));
      return blocks;
    } finally {
      // The answer is complete and checked: a hang-up while closing is logged, not a failed read.
      await session.close().catch((e: unknown) => ctx.log(2, `closing after the profile read: ${toMeterError(e).message}`));
    }
  }
}
