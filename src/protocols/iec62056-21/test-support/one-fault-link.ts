/** Wraps a Link and damages exactly one received byte (at a given offset of the receive stream). Tests only. */
import type { Link, LineSettings } from '../../../core/link';

export type OneFault = 'corrupt' | 'drop' | 'duplicate';

export class OneFaultLink implements Link {
  private seen = 0;
  private done = false;

  constructor(
    private readonly inner: Link,
    private readonly offset: number,
    private readonly fault: OneFault,
    private readonly mask: number,
  ) {}

  get kind(): 'serial' | 'stream' {
    return this.inner.kind;
  }
  get line(): LineSettings {
    return this.inner.line;
  }
  write(b: Uint8Array): Promise<void> {
    return this.inner.write(b);
  }
  setLine(s: LineSettings): Promise<void> {
    return this.inner.setLine(s);
  }
  discardInput(): void {
    this.inner.discardInput();
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  async read(ms: number): Promise<Uint8Array> {
    const b = await this.inner.read(ms);
    if (this.done || b.length === 0 || this.seen + b.length <= this.offset) {
      this.seen += b.length;
      return b;
    }
    const i = this.offset - this.seen;
    this.seen += b.length;
    this.done = true;
    const out = Array.from(b);
    if (this.fault === 'corrupt') {
      // A 7-bit line delivers 7-bit characters: the damage stays within them, and it is a change.
      const v = (out[i] ^ this.mask) & 0x7f;
      out[i] = v === out[i] ? out[i] ^ 0x01 : v;
    } else if (this.fault === 'drop') out.splice(i, 1);
    else out.splice(i, 0, out[i]);
    return Uint8Array.from(out);
  }
}
