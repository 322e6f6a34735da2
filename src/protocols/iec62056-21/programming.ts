/**
 * Programming mode (mode C with option select Y = 1): password (P1/P2), reads (R1..R6, e.g. a load
 * profile `P.01(from;to)` or the logbook `P.98`), writes (W1..W5), execute (E1/E2) and break (B0).
 * The password is registered as a secret with the I/O layer: it is masked in every log line and the
 * echo of the P1 command is consumed without being logged.
 */
import type { Clock } from '../../core/clock';
import { MeterError, toMeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import { parseDataBlock, type DataSet } from './datasets';
import { encodeCommand, type Command, type Identification } from './messages';
import { resolveOptions, type IecSessionOptions, type ResolvedOptions } from './options';
import { acknowledgeAndSwitch, isFinal, proposedChar } from './readout';
import { IecIo } from './session-io';
import { errorMessageOf, receiveBlock, receiveData, signOn, toInitialLine } from './sign-on';

export interface ProgrammingOptions extends IecSessionOptions {
  /** Sent with P1 (or `passwordCommand`) when set. Never logged. */
  password?: string;
  passwordCommand?: 'P1' | 'P2';
}

export type ReadCommand = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6';
export type WriteCommand = 'W1' | 'W2' | 'W3' | 'W4' | 'W5';

export interface ProgrammingRead {
  text: string;
  dataSets: DataSet[];
  blocks: number;
}

export interface IecProgrammingSession {
  readonly identification: Identification;
  readonly baudRate: number;
  /** The operand the meter sent with P0 (a seed for manufacturer password algorithms). */
  readonly passwordSeed: string;
  /** `address` like `1.8.0` (sent as `1.8.0()`) or with parameters, e.g. `P.01(2601010000;2601020000)`. */
  read(cmd: ReadCommand, address: string): Promise<ProgrammingRead>;
  /** Writes `address(value)`; resolves when the meter acknowledges. */
  write(cmd: WriteCommand, address: string, value: string): Promise<void>;
  execute(cmd: 'E1' | 'E2', data: string): Promise<void>;
  /** Sends B0 and returns the link to the initial line settings. */
  close(): Promise<void>;
}

function withParens(address: string): string {
  return address.includes('(') ? address : `${address}()`;
}

/** Signs on in programming mode and sends the password if one is given. */
export async function openProgrammingSession(link: Link, clock: Clock, opts: ProgrammingOptions = {}): Promise<IecProgrammingSession> {
  const o = resolveOptions(opts);
  let last: MeterError | undefined;
  for (let attempt = 1; attempt <= o.retries + 1; attempt++) {
    const io = new IecIo(link, clock, { echo: o.echo, maxBlockBytes: o.maxBlockBytes, signal: o.signal, log: o.log });
    if (opts.password) io.addSecret(opts.password);
    try {
      return await openOnce(io, o, opts);
    } catch (e) {
      last = toMeterError(e);
      if (isFinal(last) || attempt > o.retries) {
        await toInitialLine(io, o).catch(() => undefined);
        throw last;
      }
      io.log(2, `programming sign-on attempt ${attempt} failed (${last.code}); signing on again`);
      await toInitialLine(io, o).catch(() => undefined);
      await clock.sleep(o.recoveryDelayMs, o.signal);
    }
  }
  throw last ?? new MeterError('INTERNAL');
}

async function openOnce(io: IecIo, o: ResolvedOptions, opts: ProgrammingOptions): Promise<IecProgrammingSession> {
  const { identification, identAt } = await signOn(io, o);
  if (identification.baudClass !== 'C') throw new MeterError('UNSUPPORTED', `The meter identifies as mode ${identification.baudClass}: no programming mode.`);
  const baudRate = await acknowledgeAndSwitch(io, o, identAt, '0', proposedChar(o, identification), '1');
  const p0 = await receiveBlock(io, o);
  if (p0 === 'ack' || p0 === 'nak' || p0.kind !== 'command' || p0.command !== 'P') {
    throw new MeterError('PROTOCOL', 'The meter did not answer the programming-mode request with P0.');
  }
  const passwordSeed = (p0.data ?? '').replace(/^\(|\)$/g, '');
  let closed = false;

  /** Sends a command and returns the meter's answer, repeating the command when the meter NAKs it. */
  async function exchange(cmd: Command, what: string): Promise<'ack' | { text: string; blocks: number }> {
    const bytes = encodeCommand(cmd);
    for (let naks = 0; ; naks++) {
      if (o.pollDelayMs > 0) await io.clock.sleep(o.pollDelayMs, o.signal);
      await io.send(bytes, what);
      const first = await receiveBlock(io, o);
      if (first === 'ack') return 'ack';
      if (first === 'nak') {
        if (naks >= o.retries) throw new MeterError('REJECTED', `The meter kept answering NAK to ${what}.`);
        io.log(3, `meter NAKed ${what}; repeating`);
        continue;
      }
      if (first.kind === 'command') {
        if (first.command === 'B') {
          closed = true;
          throw new MeterError('REJECTED', 'The meter ended the programming session (break).');
        }
        throw new MeterError('PROTOCOL', `Unexpected command ${first.command}${first.type} from the meter.`);
      }
      if (!first.partial) return { text: first.data, blocks: 1 };
      // Partial blocks: acknowledge and collect the rest.
      if (o.pollDelayMs > 0) await io.clock.sleep(o.pollDelayMs, o.signal);
      await io.send(Uint8Array.of(0x06), 'ACK (partial block 1)');
      const rest = await receiveData(io, o);
      return { text: first.data + rest.text, blocks: 1 + rest.blocks };
    }
  }

  function live(): void {
    if (closed) throw new MeterError('PROTOCOL', 'The programming session is closed.');
  }

  if (opts.password) {
    const type = (opts.passwordCommand ?? 'P1')[1];
    const answer = await exchange({ command: 'P', type, data: `(${opts.password})` }, `P${type}(********)`);
    if (answer !== 'ack') {
      throw new MeterError('AUTH_FAILED', `The meter refused the password${errorMessageOf(answer.text) ? ` (${errorMessageOf(answer.text)})` : ''}.`);
    }
    io.log(4, 'password accepted');
  }

  return {
    identification,
    baudRate,
    passwordSeed,
    async read(cmd, address) {
      live();
      const answer = await exchange({ command: 'R', type: cmd[1], data: withParens(address) }, `${cmd} ${withParens(address)}`);
      if (answer === 'ack') return { text: '', dataSets: [], blocks: 0 };
      const err = errorMessageOf(answer.text);
      if (err !== undefined) throw new MeterError('REJECTED', `${cmd} ${address}: the meter answered (${err}).`);
      return { text: answer.text, dataSets: parseDataBlock(answer.text, o.limits).dataSets, blocks: answer.blocks };
    },
    async write(cmd, address, value) {
      live();
      const answer = await exchange({ command: 'W', type: cmd[1], data: `${address}(${value})` }, `${cmd} ${address}`);
      if (answer !== 'ack') {
        const err = errorMessageOf(answer.text) ?? answer.text.slice(0, 40);
        throw new MeterError('REJECTED', `${cmd} ${address}: the meter answered (${err}).`);
      }
    },
    async execute(cmd, data) {
      live();
      const answer = await exchange({ command: 'E', type: cmd[1], data }, `${cmd} ${data}`);
      if (answer !== 'ack') {
        const err = errorMessageOf(answer.text);
        if (err !== undefined) throw new MeterError('REJECTED', `${cmd}: the meter answered (${err}).`);
      }
    },
    async close() {
      // What was read before the break is complete and checked: a hang-up now (B0, the baud reset,
      // the close delay) is logged and never turns those answers into failures.
      try {
        if (!closed) {
          closed = true;
          if (o.pollDelayMs > 0) await io.clock.sleep(o.pollDelayMs, o.signal);
          await io.send(encodeCommand({ command: 'B', type: '0' }), 'B0 break');
        }
        await toInitialLine(io, o);
        if (o.closeDelayMs > 0) await io.clock.sleep(o.closeDelayMs);
      } catch (e) {
        const err = toMeterError(e);
        io.log(2, `link ended while closing the programming session (${err.code}): ${err.message}`);
      }
    },
  };
}
