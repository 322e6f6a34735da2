/**
 * What a virtual IEC 62056-21 meter is made of: its profile (identity, modes, readout, quirks, faults and
 * how strictly it keeps the standard's timing) and the counters it keeps. The dialogue itself is in
 * virtual-meter.ts.
 */
import type { Clock } from '../../core/clock';
import type { LineSettings, Link } from '../../core/link';
import type { DataSet } from '../../protocols/iec62056-21/datasets';
import type { ReactionSpec } from '../reaction';

export type IecSimMode = 'A' | 'B' | 'C' | 'D' | 'E';

export interface IecMeterFaults {
  /** The next this-many blocks go out with a wrong BCC (a NAK gets the correct repeat). */
  bccErrors?: number;
  /** Send readouts as partial blocks of this many characters (EOT, acknowledged by the client). */
  partialBlockSize?: number;
  /** Bytes sent just before the identification (line noise, a previous message's tail). */
  leadingGarbage?: string;
  /** Print the readout with LF-only line ends. */
  lfOnly?: boolean;
  /** Print the end marker right after the last data set's ")" (heat meters, some mode A meters); readouts and pushes. */
  endOnDataLine?: boolean;
  /** Mode D: the next push stops after this many bytes (the meter restarted), the complete one follows at once. */
  cutNextPushAt?: number;
  /** Hang up (close the link) this long after the readout's last byte, like a TCP gateway that closes. */
  hangUpAfterReadoutMs?: number;
  /** Instead of the data message (or push): a frame start, then one byte every this many ms, for ever. */
  trickleMs?: number;
  /** Instead of the data message (or push): bytes at full line speed for ever (STX + data, or '/' without LF). */
  flood?: 'block' | 'line';
  /**
   * Mode E: the meter sends the client's option select (`ACK 2 Z 2 CR LF`) back before it switches to
   * HDLC, as the recorded Gurux server does (../shared/fixtures/dlms-peer/mode-e-handshake.txt). On a
   * serial line the copy goes out at the sign-on rate, which the client has already left.
   */
  echoAck?: boolean;
}

export interface LoadProfileSpec {
  address: string;
  periodMinutes: number;
  channels: { address: string; unit: string }[];
  /** Meter-local time of the first row (see IecTimestamp.localMs). */
  startLocalMs: number;
  rows: number;
  /** Value of channel `ch` in row `row`, as printed. */
  value: (row: number, ch: number) => string;
  /** R6 answers in partial blocks of this many characters. */
  blockSize?: number;
}

export interface LogbookEntry {
  localMs: number;
  status: string;
}

export interface ModeDSpec {
  line: LineSettings;
  intervalMs: number;
  /** The exact telegram bytes (with CRC if the meter prints one). */
  telegram: string;
}

export interface IecMeterProfile {
  name: string;
  /** Three letters; a lowercase third letter means 20 ms reaction time. */
  manufacturer: string;
  ident: string;
  /** 'C' / 'B' / 'A' select the sign-on behaviour (first found in that order); 'E' adds `\2`; 'D' pushes. */
  supportedModes: IecSimMode[];
  maxBaud: number;
  /**
   * Rates the meter (or its optical port) really manages; an option select asking for another one is
   * ignored, as by a meter whose port cannot keep up. Default: every standard rate up to maxBaud.
   */
  baudRates?: number[];
  /** The data block of a readout: text (an `!` line is added if missing) or data sets. */
  readout: string | DataSet[];
  /** Device address the meter answers to (besides the general `/?!`). */
  address?: string;
  password?: string;
  /** Seed sent with P0. */
  passwordSeed?: string;
  loadProfile?: LoadProfileSpec;
  logbook?: LogbookEntry[];
  /** The meter echoes every byte it receives (RS485 style transceivers). */
  echo?: boolean;
  wakeUpRequired?: boolean;
  /** Default 200 ms, 20 ms with a lowercase third manufacturer letter; a range draws each reaction (seeded). */
  reactionMs?: ReactionSpec;
  /**
   * The least time the meter accepts between its identification's last character and the first character
   * of the client's option select (ACK V Z Y). IEC 62056-21 gives every answer a reaction time of at least
   * 200 ms, the client's option select included. Default 200 (strict); 0 takes any.
   */
  minAckDelayMs?: number;
  /**
   * What the meter does with an option select that came too early: 'ignore' (default) takes it for noise
   * and goes back to waiting for a request, so the client hears nothing; 'initial-baud' takes it as no
   * option select at all and sends its readout at the sign-on rate, which a client that has switched
   * hears as garbage.
   */
  earlyAck?: 'ignore' | 'initial-baud';
  faults?: IecMeterFaults;
  initialLine?: LineSettings;
  modeD?: ModeDSpec;
  /** Called when the meter hangs up (`hangUpAfterReadoutMs`): how a transport reports a closed connection. */
  onHangUp?: () => void;
  /** Called in mode E after the switch to 8N1: the DLMS simulator takes over the link until it returns. */
  onModeE?: (link: Link, clock: Clock, signal?: AbortSignal) => Promise<void>;
}

export interface IecMeterStats {
  signOns: number;
  readouts: number;
  naksReceived: number;
  programmingSessions: number;
  modeE: number;
  /** Option selects refused for coming sooner than `minAckDelayMs` after the identification. */
  earlyAcks: number;
}
