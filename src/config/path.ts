/** JSON paths in messages: `devices[2].baudrate`, with odd keys quoted (`devices[0]["my key"]`). */
export function joinPath(prefix: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${prefix}[${JSON.stringify(key)}]`;
  return prefix === '' ? key : `${prefix}.${key}`;
}

export function indexPath(prefix: string, index: number): string {
  return `${prefix}[${index}]`;
}
