#!/usr/bin/env node
// Draws the MeterScope app icons (a meter dial with a needle on a solid colour) and writes them as
// PNG files into public/icons/. Pure Node on purpose: no image library is installed, and the
// format needs only zlib deflate plus a CRC-32, so the icons can be regenerated anywhere.
//
//   node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

const BACKGROUND = [0x0f, 0x4c, 0x81];
const GLYPH = [0xff, 0xff, 0xff];
const NEEDLE = [0xfb, 0xbf, 0x24];

// ---- CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as PNG chunk checksums require ----
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// Known answer from the CRC catalogue: refuse to write icons with a broken checksum routine.
if (crc32(Buffer.from('123456789', 'ascii')) !== 0xcbf43926) throw new Error('crc32 self-check failed');

function chunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

function encodePng(size, rgb) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bits per sample
  ihdr[9] = 2; // colour type: truecolour, no alpha (the background is opaque)
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = size * 3;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter "None": simple, and deflate still squeezes the flat areas
    rgb.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- Geometry as signed distances (negative inside), in units of the glyph radius ----
const TAU = Math.PI * 2;
// The dial is a 270 degree arc open at the bottom, like an analogue gauge.
const ARC_START = (135 * Math.PI) / 180;
const ARC_SWEEP = (270 * Math.PI) / 180;

function capsule(px, py, ax, ay, bx, by, halfWidth) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) - halfWidth;
}

function arc(px, py, radius, halfWidth) {
  let a = Math.atan2(py, px) - ARC_START;
  a = ((a % TAU) + TAU) % TAU;
  if (a <= ARC_SWEEP) return Math.abs(Math.hypot(px, py) - radius) - halfWidth;
  const end = ARC_START + ARC_SWEEP;
  const d0 = Math.hypot(px - radius * Math.cos(ARC_START), py - radius * Math.sin(ARC_START));
  const d1 = Math.hypot(px - radius * Math.cos(end), py - radius * Math.sin(end));
  return Math.min(d0, d1) - halfWidth;
}

function dialDistance(px, py) {
  let d = arc(px, py, 0.82, 0.09);
  // Five ticks inside the arc.
  for (let i = 0; i <= 4; i++) {
    const a = ARC_START + (ARC_SWEEP * i) / 4;
    const c = Math.cos(a);
    const s = Math.sin(a);
    d = Math.min(d, capsule(px, py, 0.5 * c, 0.5 * s, 0.62 * c, 0.62 * s, 0.045));
  }
  return d;
}

function needleDistance(px, py) {
  const a = (-50 * Math.PI) / 180; // pointing up and to the right: "reading in progress"
  const tip = capsule(px, py, 0, 0, 0.66 * Math.cos(a), 0.66 * Math.sin(a), 0.06);
  return Math.min(tip, Math.hypot(px, py) - 0.14);
}

function coverage(distancePx) {
  return Math.max(0, Math.min(1, 0.5 - distancePx));
}

/** `glyphRadius` is the fraction of the icon size the dial's outer edge may reach from the centre. */
function render(size, glyphRadius) {
  const rgb = Buffer.alloc(size * size * 3);
  const scale = size * glyphRadius; // pixels per glyph unit
  // Centre slightly low so the open bottom of the arc does not make the glyph look top-heavy.
  const cx = size / 2;
  const cy = size / 2 + scale * 0.08;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const gx = (x + 0.5 - cx) / scale;
      const gy = (y + 0.5 - cy) / scale;
      const dial = coverage(dialDistance(gx, gy) * scale);
      const needle = coverage(needleDistance(gx, gy) * scale);
      const o = (y * size + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        let v = BACKGROUND[ch] * (1 - dial) + GLYPH[ch] * dial;
        v = v * (1 - needle) + NEEDLE[ch] * needle;
        rgb[o + ch] = Math.round(v);
      }
    }
  }
  return rgb;
}

mkdirSync(OUT_DIR, { recursive: true });
// Outer edge of the arc is 0.91 glyph units from the centre (radius + half stroke) plus the 0.08 offset.
const icons = [
  { file: 'icon-192.png', size: 192, glyphRadius: 0.4 },
  { file: 'icon-512.png', size: 512, glyphRadius: 0.4 },
  // Maskable: platforms may crop to a circle of radius 0.4 x size; keep everything within ~0.33.
  { file: 'icon-maskable-512.png', size: 512, glyphRadius: 0.33 },
];
for (const { file, size, glyphRadius } of icons) {
  const png = encodePng(size, render(size, glyphRadius));
  writeFileSync(join(OUT_DIR, file), png);
  console.log(`${file}: ${size}x${size}, ${png.length} bytes`);
}
