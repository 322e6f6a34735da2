/** The decoded-frame tree of a trace line: nodes, bounds, hex helpers. */


/** One node of a decoded frame: a label, an optional value, optional children. */
export interface DecodedNode {
  label: string;
  value?: string;
  children?: DecodedNode[];
}

/** Bounds that keep a hostile or huge frame from producing a huge tree. */
export const MAX_NODES = 2000;
export const MAX_HEX_BYTES = 64;
export const MAX_DEPTH = 24;

export const node = (label: string, value?: string, children?: DecodedNode[]): DecodedNode => {
  const n: DecodedNode = { label };
  if (value !== undefined) n.value = value;
  if (children && children.length > 0) n.children = children;
  return n;
};

export const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
export const hexNum = (n: number, width = 2) => `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;

export function showHex(bytes: Uint8Array, hidden?: (i: number) => boolean): string {
  const shown = Array.from(bytes.subarray(0, MAX_HEX_BYTES), (b, i) => (hidden?.(i) ? '**' : hex2(b))).join(' ');
  return bytes.length > MAX_HEX_BYTES ? `${shown} … (${bytes.length} bytes)` : shown;
}

export interface ParsedHex {
  bytes: Uint8Array;
  /** Positions the logger masked (`**`): secret bytes we must not pretend to know. */
  masked: boolean[];
}

/** `7E A0 07 …` (any spacing, `**` for masked bytes) to bytes; undefined for anything else. */
export function parseTraceHex(hex: string): ParsedHex | undefined {
  const tokens = hex.trim().split(/\s+/).filter(Boolean);
  // Unspaced hex ("7EA007…") is accepted too.
  const parts = tokens.length === 1 && tokens[0]!.length > 2 ? (tokens[0]!.match(/.{1,2}/g) ?? []) : tokens;
  if (parts.length === 0) return undefined;
  const bytes = new Uint8Array(parts.length);
  const masked: boolean[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '**') {
      masked.push(true);
      continue;
    }
    if (!/^[0-9a-fA-F]{2}$/.test(p)) return undefined;
    bytes[i] = parseInt(p, 16);
    masked.push(false);
  }
  return { bytes, masked };
}

// ---------------------------------------------------------------- helpers

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Cap the node count: a huge profile answer still gives a bounded tree. */
export function limit(root: DecodedNode | undefined): DecodedNode | undefined {
  if (!root) return root;
  let count = 0;
  const walk = (n: DecodedNode): DecodedNode => {
    count++;
    if (!n.children) return n;
    const kids: DecodedNode[] = [];
    for (const c of n.children) {
      if (count >= MAX_NODES) {
        kids.push({ label: '…', value: 'more not shown' });
        break;
      }
      kids.push(walk(c));
    }
    return { ...n, children: kids };
  };
  return walk(root);
}
