/**
 * `#/objects?device=demo_dlms` -> { device: 'demo_dlms' }. A module of its own so pages can read
 * their parameters without importing routes.ts, which imports every page (an import circle).
 */
export function hashParams(hash: string): URLSearchParams {
  const q = hash.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
}
