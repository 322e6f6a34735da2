/**
 * Invoke-Id-And-Priority (one byte): bits 0..3 invoke id, bit 6 service class (1 = confirmed),
 * bit 7 priority (1 = high). Long-Invoke-Id-And-Priority (four bytes, push and general services):
 * bits 0..23 invoke id, bit 28 self-descriptive, bit 29 processing option (1 = break on error),
 * bit 30 service class (1 = confirmed), bit 31 priority (1 = high).
 */
export interface InvokeIdAndPriority {
  invokeId: number;
  confirmed: boolean;
  highPriority: boolean;
}

export function makeInvokeIdAndPriority(invokeId: number, confirmed = true, highPriority = true): number {
  return (invokeId & 0x0f) | (confirmed ? 0x40 : 0) | (highPriority ? 0x80 : 0);
}

export function parseInvokeIdAndPriority(byte: number): InvokeIdAndPriority {
  return { invokeId: byte & 0x0f, confirmed: (byte & 0x40) !== 0, highPriority: (byte & 0x80) !== 0 };
}

export interface LongInvokeIdAndPriority extends InvokeIdAndPriority {
  selfDescriptive: boolean;
  breakOnError: boolean;
}

export function parseLongInvokeIdAndPriority(value: number): LongInvokeIdAndPriority {
  return {
    invokeId: value & 0xffffff,
    selfDescriptive: (value & 0x10000000) !== 0,
    breakOnError: (value & 0x20000000) !== 0,
    confirmed: (value & 0x40000000) !== 0,
    highPriority: value >= 0x80000000,
  };
}

export function makeLongInvokeIdAndPriority(p: Partial<LongInvokeIdAndPriority> & { invokeId: number }): number {
  return (
    (p.invokeId & 0xffffff) +
    (p.selfDescriptive ? 0x10000000 : 0) +
    (p.breakOnError ? 0x20000000 : 0) +
    (p.confirmed ? 0x40000000 : 0) +
    (p.highPriority ? 0x80000000 : 0)
  );
}
