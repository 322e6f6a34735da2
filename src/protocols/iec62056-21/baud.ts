/**
 * Baud-rate characters of the identification and ACK messages. Digits '0'..'6' are the mode C / E
 * rates, letters 'A'..'F' the mode B rates; anything else in the identification means mode A (the
 * meter stays at 300 baud).
 */
const MODE_C_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200] as const;
const MODE_B_RATES = [600, 1200, 2400, 4800, 9600, 19200] as const;

export type BaudClass = 'C' | 'B' | 'A';

export function baudClass(ch: string): BaudClass {
  if (ch.length === 1 && ch >= '0' && ch <= '6') return 'C';
  if (ch.length === 1 && ch >= 'A' && ch <= 'F') return 'B';
  return 'A';
}

/** The rate a baud character stands for; 300 for mode A characters. */
export function baudFromChar(ch: string): number {
  const cls = baudClass(ch);
  if (cls === 'C') return MODE_C_RATES[ch.charCodeAt(0) - 0x30];
  if (cls === 'B') return MODE_B_RATES[ch.charCodeAt(0) - 0x41];
  return 300;
}

/** The mode C / E character for a rate (the highest standard rate not above `baud`). */
export function modeCCharFor(baud: number): string {
  let idx = 0;
  for (let i = 0; i < MODE_C_RATES.length; i++) if (MODE_C_RATES[i] <= baud) idx = i;
  return String.fromCharCode(0x30 + idx);
}

/** The mode B character for a rate (600 at least: mode B has no 300 character). */
export function modeBCharFor(baud: number): string {
  let idx = 0;
  for (let i = 0; i < MODE_B_RATES.length; i++) if (MODE_B_RATES[i] <= baud) idx = i;
  return String.fromCharCode(0x41 + idx);
}

/** The lower of two mode C characters: the client never proposes more than it can do. */
export function minModeCChar(a: string, b: string): string {
  return baudFromChar(a) <= baudFromChar(b) ? a : b;
}
