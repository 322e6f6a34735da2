/** DLMS UA object identifiers used in ACSE (IEC 62056-5-3 / Green Book). */

/** application-context-name: 2.16.756.5.8.1.x */
export const APPLICATION_CONTEXT = {
  LN: '2.16.756.5.8.1.1',
  SN: '2.16.756.5.8.1.2',
  'LN-ciphered': '2.16.756.5.8.1.3',
  'SN-ciphered': '2.16.756.5.8.1.4',
} as const;

export type ApplicationContext = keyof typeof APPLICATION_CONTEXT;

export function applicationContextOf(oid: string): ApplicationContext | undefined {
  for (const [name, value] of Object.entries(APPLICATION_CONTEXT)) if (value === oid) return name as ApplicationContext;
  return undefined;
}

/** Authentication mechanism ids (the last arc of 2.16.756.5.8.2.x). */
export const MECHANISM = {
  none: 0,
  low: 1,
  high: 2,
  md5: 3,
  sha1: 4,
  gmac: 5,
  sha256: 6,
  ecdsa: 7,
} as const;

export const MECHANISM_NAMES: Record<number, string> = {
  0: 'lowest-level-security',
  1: 'low-level-security',
  2: 'high-level-security',
  3: 'high-level-security-md5',
  4: 'high-level-security-sha1',
  5: 'high-level-security-gmac',
  6: 'high-level-security-sha256',
  7: 'high-level-security-ecdsa',
};

const MECHANISM_PREFIX = '2.16.756.5.8.2.';

export function mechanismOid(id: number): string {
  return MECHANISM_PREFIX + id;
}

/** The mechanism id of a DLMS mechanism-name OID, or undefined for another OID. */
export function mechanismIdOf(oid: string): number | undefined {
  if (!oid.startsWith(MECHANISM_PREFIX)) return undefined;
  const n = Number(oid.slice(MECHANISM_PREFIX.length));
  return Number.isInteger(n) ? n : undefined;
}
