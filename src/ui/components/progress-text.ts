/** "1,234 of 5,000 received (25 %)", or "1,234 received" when the total is unknown (expected 0). */
export function progressText(done: number, expected: number, locale?: string): string {
  const n = (v: number) => Math.max(0, Math.round(v)).toLocaleString(locale);
  if (!(expected > 0)) return done > 0 ? `${n(done)} received` : 'waiting for the meter';
  const pct = Math.min(100, Math.floor((Math.max(0, done) / expected) * 100));
  return `${n(done)} of ${n(expected)} received (${pct} %)`;
}
