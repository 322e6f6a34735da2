/**
 * Mode E sign-on: the IEC 62056-21 opening that hands the line to HDLC (DLMS/COSEM).
 *   /?address!  ->  /XXXZ\2ident  ->  (t2)  ACK 2 Z 2  ->  (ACK has left the line)  ->  8N1 at Z.
 * Both '2's matter: a meter given only one of them answers with a normal readout. The caller's HDLC
 * layer continues on the same link; it must skip anything before the first 0x7E flag, because some
 * servers echo the ACK before HDLC starts (seen with Gurux servers over TCP).
 */
import type { Clock } from '../../core/clock';
import { MeterError, toMeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import type { Identification } from './messages';
import { resolveOptions, type IecSessionOptions } from './options';
import { acknowledgeAndSwitch, isFinal, proposedChar } from './readout';
import { IecIo } from './session-io';
import { signOn, toInitialLine } from './sign-on';

export interface ModeEResult {
  identification: Identification;
  baudRate: number;
}

/**
 * The wait before the option select in mode E: the 200 ms IEC 62056-21 makes the client leave after the
 * identification, plus 20 ms for the jitter of timers and USB delivery, so a meter that measures the gap
 * strictly never sees an option select a millisecond early and ignores it (the app's WebUSB e2e met exactly
 * that with a bare 200 ms). The readout's 300 ms default was idle time on every DLMS sign-on (issue 16).
 * A meter that needs longer is given `t2Ms`.
 */
export const MODE_E_T2_MS = 220;

export async function signOnModeE(link: Link, clock: Clock, opts: IecSessionOptions = {}): Promise<ModeEResult> {
  const o = resolveOptions({ ...opts, t2Ms: opts.t2Ms ?? MODE_E_T2_MS });
  let last: MeterError | undefined;
  for (let attempt = 1; attempt <= o.retries + 1; attempt++) {
    const io = new IecIo(link, clock, { echo: o.echo, maxBlockBytes: o.maxBlockBytes, signal: o.signal, log: o.log });
    try {
      const { identification, identAt } = await signOn(io, o);
      if (identification.baudClass !== 'C') {
        throw new MeterError('UNSUPPORTED', `The meter identifies as mode ${identification.baudClass}; mode E needs a mode C/E baud character.`);
      }
      // `\2` announces HDLC; some servers (e.g. Gurux) accept mode E without announcing it.
      if (!identification.modeE) io.log(3, 'identification has no \\2 marker; trying mode E anyway');
      const baudRate = await acknowledgeAndSwitch(io, o, identAt, '2', proposedChar(o, identification), '2');
      if (link.kind === 'serial') await link.setLine({ baudRate, dataBits: 8, parity: 'none', stopBits: 1 });
      io.log(4, `mode E: HDLC at ${baudRate} baud 8N1`);
      return { identification, baudRate };
    } catch (e) {
      last = toMeterError(e);
      if (isFinal(last) || attempt > o.retries) throw last;
      await toInitialLine(io, o).catch(() => undefined);
      await clock.sleep(o.recoveryDelayMs, o.signal);
    }
  }
  throw last ?? new MeterError('INTERNAL');
}
