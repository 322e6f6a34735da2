/** A Link that plays back scripted chunks (fuzzing sessions with arbitrary meter answers). Tests only. */
import type { Clock } from '../../../core/clock';
import { MeterError } from '../../../core/errors';
import { LINE_300_7E1, type LineSettings, type Link } from '../../../core/link';

export class ScriptedLink implements Link {
  readonly kind = 'serial' as const;
  line: LineSettings = { ...LINE_300_7E1 };
  written = 0;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly chunks: Uint8Array[],
    private readonly gapMs = 10,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new MeterError('PORT_LOST');
    this.written += bytes.length;
    await this.clock.sleep(bytes.length);
  }

  async read(maxWaitMs: number): Promise<Uint8Array> {
    if (this.closed) throw new MeterError('PORT_LOST');
    const next = this.chunks.shift();
    if (next === undefined) {
      await this.clock.sleep(maxWaitMs);
      return new Uint8Array(0);
    }
    await this.clock.sleep(Math.min(this.gapMs, maxWaitMs));
    return next;
  }

  async setLine(s: LineSettings): Promise<void> {
    this.line = { ...s };
  }

  discardInput(): void {}

  async close(): Promise<void> {
    this.closed = true;
  }
}
