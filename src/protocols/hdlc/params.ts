import { ProtocolError } from '../../core/errors';

/**
 * HDLC parameter negotiation field carried by SNRM (proposal) and UA (answer): format identifier
 * 0x81, group identifier 0x80, group length, then parameters (id, length, big-endian value):
 * 0x05 max information field transmit, 0x06 receive, 0x07 window transmit, 0x08 receive. "Transmit"
 * is from the sender of the frame: in SNRM the client's, in UA the server's.
 */

export interface HdlcParameters {
  maxInfoTx: number;
  maxInfoRx: number;
  windowTx: number;
  windowRx: number;
}

/** Values that apply when a parameter (or the whole field) is absent. */
export const DEFAULT_HDLC_PARAMETERS: Readonly<HdlcParameters> = Object.freeze({ maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 });

const ID = { maxInfoTx: 0x05, maxInfoRx: 0x06, windowTx: 0x07, windowRx: 0x08 } as const;

function valueBytes(id: number, v: number, windowWide: boolean): number[] {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new ProtocolError('FRAMING', `HDLC parameter ${v} out of range.`);
  // Windows go as 4 bytes, as the Green Book examples and most meters use; sizes take the shortest form.
  const len = id >= 0x07 && windowWide ? 4 : v <= 0xff ? 1 : v <= 0xffff ? 2 : 4;
  const out = [id, len];
  for (let i = len - 1; i >= 0; i--) out.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
  return out;
}

/** Encode the negotiation field. `compactWindow` sends windows in one byte instead of four. */
export function encodeParameters(p: HdlcParameters, opts: { compactWindow?: boolean } = {}): Uint8Array {
  const wide = !opts.compactWindow;
  const body = [
    ...valueBytes(ID.maxInfoTx, p.maxInfoTx, wide),
    ...valueBytes(ID.maxInfoRx, p.maxInfoRx, wide),
    ...valueBytes(ID.windowTx, p.windowTx, wide),
    ...valueBytes(ID.windowRx, p.windowRx, wide),
  ];
  return Uint8Array.from([0x81, 0x80, body.length, ...body]);
}

/**
 * Decode a negotiation field. Missing parameters get the defaults; unknown ones are skipped. An
 * empty field means "all defaults". Values wider than 4 bytes are refused.
 */
export function decodeParameters(info: Uint8Array): HdlcParameters {
  const p: HdlcParameters = { ...DEFAULT_HDLC_PARAMETERS };
  if (info.length === 0) return p;
  if (info.length < 3 || info[0] !== 0x81 || info[1] !== 0x80) {
    throw new ProtocolError('FRAMING', 'HDLC parameter field does not start with 81 80.', { frame: info });
  }
  const end = 3 + info[2];
  if (end > info.length) throw new ProtocolError('LENGTH', `HDLC parameter group says ${info[2]} bytes, ${info.length - 3} present.`, { frame: info });
  let i = 3;
  while (i < end) {
    if (i + 2 > end) throw new ProtocolError('LENGTH', 'HDLC parameter truncated.', { frame: info });
    const id = info[i];
    const len = info[i + 1];
    if (i + 2 + len > end) throw new ProtocolError('LENGTH', `HDLC parameter 0x${id.toString(16)} truncated.`, { frame: info });
    if (len < 1 || len > 4) {
      if (id >= 0x05 && id <= 0x08) throw new ProtocolError('LENGTH', `HDLC parameter 0x${id.toString(16)} has length ${len}.`, { frame: info });
      i += 2 + len;
      continue;
    }
    let v = 0;
    for (let k = 0; k < len; k++) v = v * 256 + info[i + 2 + k];
    if (id === ID.maxInfoTx) p.maxInfoTx = v;
    else if (id === ID.maxInfoRx) p.maxInfoRx = v;
    else if (id === ID.windowTx) p.windowTx = v;
    else if (id === ID.windowRx) p.windowRx = v;
    i += 2 + len;
  }
  return p;
}

/** The largest information field an HDLC frame can carry with 4-byte destination and 1-byte source. */
export const MAX_INFO_FIELD = 2030;

/** Clamp a negotiated size/window to what this implementation can handle. */
export function clampParameters(p: HdlcParameters): HdlcParameters {
  const size = (v: number) => Math.max(1, Math.min(MAX_INFO_FIELD, v));
  const win = (v: number) => Math.max(1, Math.min(7, v));
  return { maxInfoTx: size(p.maxInfoTx), maxInfoRx: size(p.maxInfoRx), windowTx: win(p.windowTx), windowRx: win(p.windowRx) };
}
