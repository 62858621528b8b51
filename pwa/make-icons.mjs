// Draws the app icons (run once: `node pwa/make-icons.mjs`; the PNGs are committed in public/icons/).
// The drawing is ours: a face box with the six BlazeFace keypoints on the app's green. The maskable icon keeps
// the drawing inside the central 80% safe zone that launchers may crop to.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => bytes.reduce((c, b) => crcTable[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff;

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body) >>> 0, body.length + 4);
  return out;
}

function png(size, pixel) {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) rows.set(pixel(x / size, y / size), y * (size * 4 + 1) + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const green = [11, 93, 75, 255];
const box = [0, 230, 118, 255];
const dot = [255, 23, 68, 255];
const skin = [245, 222, 200, 255];

/** The drawing in a unit square scaled by `scale` around the centre. */
function face(scale, rounded) {
  return (u, v) => {
    if (rounded && Math.hypot(Math.max(Math.abs(u - 0.5) - 0.32, 0), Math.max(Math.abs(v - 0.5) - 0.32, 0)) > 0.18) {
      return [0, 0, 0, 0];
    }
    const x = (u - 0.5) / scale + 0.5;
    const y = (v - 0.5) / scale + 0.5;
    const keypoints = [[0.39, 0.42], [0.61, 0.42], [0.5, 0.54], [0.5, 0.65], [0.27, 0.47], [0.73, 0.47]];
    if (keypoints.some(([kx, ky]) => Math.hypot(x - kx, y - ky) < 0.035)) return dot;
    const inBox = x > 0.2 && x < 0.8 && y > 0.22 && y < 0.82;
    const inInner = x > 0.24 && x < 0.76 && y > 0.26 && y < 0.78;
    if (inBox && !inInner) return box;
    if (Math.hypot((x - 0.5) / 0.22, (y - 0.52) / 0.28) < 1) return skin;
    return green;
  };
}

const dir = new URL('../public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', dir), png(192, face(1, true)));
writeFileSync(new URL('icon-512.png', dir), png(512, face(1, true)));
writeFileSync(new URL('icon-maskable-512.png', dir), png(512, face(0.75, false)));
