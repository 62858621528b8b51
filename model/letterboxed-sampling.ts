// The sampling arithmetic's second half: letterboxed bilinear sampling of RGBA pixels into the S×S×3 input
// tensor, as MediaPipe's ImageToTensorCalculator gets it from OpenCV on the CPU. Positions come from
// sampling-grid.ts; here each tensor pixel's four taps are weighted, summed, rounded to 8 bits and mapped to
// p/127.5 - 1 (so the black letterbox border, taps outside the image, becomes -1).
//
// 'opencv' sampling reproduces OpenCV's fixed-point arithmetic for 8-bit images: the four weights are products
// of k/32 fractions held as 15-bit fixed point (they are exact, the table needs no sum correction), and the
// weighted sum is rounded half up ((sum + 2^14) >> 15). 'exact' rounds the float bilinear value to the nearest
// integer (half up).
//
// Runs every video frame: the tap table (per source size) and (through `out`) the tensor are reused. The
// table also says which source rows the taps touch (sampledRows), so that a converter reads only those.

import type { RgbaPixels } from './image-to-tensor-converter.ts';
import { samplingGrid, type Sampling } from './sampling-grid.ts';

/** p/127.5 - 1 for every byte value, as float32. */
const byteToUnit = Float32Array.from({ length: 256 }, (_, p) => p / 127.5 - 1);

/**
 * Per tensor pixel, the byte offsets of its four taps (top-left, top-right, bottom-left, bottom-right) and their
 * weights. Taps outside the image, or of weight 0, read black (BORDER_CONSTANT 0): their weight is 0 and their
 * offset points at byte 0, so the sampling loop needs no bounds checks. `rows` says which rows the offsets'
 * layout holds (undefined: all of them).
 */
interface TapTable {
  width: number;
  height: number;
  size: number;
  sampling: Sampling;
  rows: Int32Array | undefined;
  offsets: Int32Array;
  weights: Float64Array;
}

/**
 * A getImageData call costs about as much as reading 8,192 more pixels (Chromium on the bench machine: ~25 µs a
 * call, ~3.5 ns a pixel), so runs of sampled rows closer than that are read as one.
 */
const PIXELS_PER_READ_CALL = 8192;

/** The last table of each layout: pixels holding every row, and pixels holding only the sampled rows. */
const tapCache: { all?: TapTable; sampled?: TapTable } = {};

function tapTable(width: number, height: number, size: number, sampling: Sampling, layout: 'all' | 'sampled'): TapTable {
  const cached = tapCache[layout];
  // Compared field by field: this runs every frame, and a string key would be built every frame.
  if (cached && cached.width === width && cached.height === height && cached.size === size && cached.sampling === sampling) return cached;
  const count = size * size;
  const grid = samplingGrid(width, height, size, sampling);
  const weights = new Float64Array(count * 4);
  const tapRows = new Int32Array(count * 4).fill(-1);
  const used = new Uint8Array(height);
  for (let at = 0; at < count; at++) {
    const x = grid.baseX[at]!;
    const y = grid.baseY[at]!;
    const fx = grid.fractionX[at]!;
    const fy = grid.fractionY[at]!;
    for (let t = 0; t < 4; t++) {
      const right = t & 1;
      const below = t >> 1;
      const row = y + below;
      const weight = (right ? fx : 1 - fx) * (below ? fy : 1 - fy);
      if (weight === 0 || x + right < 0 || x + right >= width || row < 0 || row >= height) continue;
      weights[at * 4 + t] = weight;
      tapRows[at * 4 + t] = row;
      used[row] = 1;
    }
  }
  const rows = layout === 'sampled' ? rowsToRead(used, width) : undefined;
  const rowIndex = new Int32Array(height);
  rows?.forEach((row, index) => (rowIndex[row] = index));
  const offsets = new Int32Array(count * 4);
  for (let at = 0; at < count; at++) {
    for (let t = 0; t < 4; t++) {
      const row = tapRows[at * 4 + t]!;
      if (row < 0) continue;
      const column = grid.baseX[at]! + (t & 1);
      offsets[at * 4 + t] = ((rows ? rowIndex[row]! : row) * width + column) * 4;
    }
  }
  const table: TapTable = { width, height, size, sampling, rows, offsets, weights };
  tapCache[layout] = table;
  return table;
}

/** The rows marked in `used`, with every gap cheaper to read than to skip filled in; undefined when that is all rows. */
function rowsToRead(used: Uint8Array, width: number): Int32Array | undefined {
  const rows: number[] = [];
  for (let row = 0; row < used.length; row++) {
    if (!used[row]) continue;
    const previous = rows.at(-1);
    if (previous !== undefined && (row - previous - 1) * width < PIXELS_PER_READ_CALL) {
      for (let gap = previous + 1; gap < row; gap++) rows.push(gap);
    }
    rows.push(row);
  }
  return rows.length === used.length ? undefined : Int32Array.from(rows);
}

/**
 * The rows of a width×height image that resampling it to size×size reads (ascending, small gaps included), for
 * a converter to read only those; undefined when that is every row.
 */
export function sampledRows(width: number, height: number, size: number, sampling: Sampling = 'opencv'): Int32Array | undefined {
  return tapTable(width, height, size, sampling, 'sampled').rows;
}

function sameRows(a: Int32Array | undefined, b: Int32Array | undefined, height: number): boolean {
  if (a === b) return true; // the cached list itself, as the converters pass it
  const length = (rows: Int32Array | undefined) => rows?.length ?? height;
  if (length(a) !== length(b)) return false;
  if (!a || !b) return true; // all rows on one side, as many on the other: all rows on both
  return a.every((row, index) => row === b[index]);
}

/**
 * Letterboxes and resamples RGBA pixels into an S×S×3 tensor of p/127.5 - 1 (see the file comment). With
 * both sampling modes, taps are weighted sums of whole bytes and the result is rounded to a byte before the
 * value mapping, as warpPerspective on an 8-bit image does.
 */
export function sampleLetterboxed(
  pixels: RgbaPixels,
  size: number,
  out: Float32Array = new Float32Array(size * size * 3),
  sampling: Sampling = 'opencv',
): Float32Array {
  if (out.length !== size * size * 3) {
    throw new RangeError(`imageToTensor: the output array holds ${out.length} values, ${size * size * 3} needed`);
  }
  const { data, width, height, rows } = pixels;
  if (data.length < (rows?.length ?? height) * width * 4) {
    throw new RangeError(`imageToTensor: ${data.length} bytes are fewer than the ${width}-pixel rows they claim to hold`);
  }
  if (width === size && height === size && !rows) {
    // The letterbox is the image and the grid is the identity: both samplings read each pixel with weight 1.
    for (let p = 0, o = 0; o < out.length; p += 4, o += 3) {
      out[o] = byteToUnit[data[p]!]!;
      out[o + 1] = byteToUnit[data[p + 1]!]!;
      out[o + 2] = byteToUnit[data[p + 2]!]!;
    }
    return out;
  }
  const table = tapTable(width, height, size, sampling, rows ? 'sampled' : 'all');
  if (rows && !sameRows(rows, table.rows, height)) {
    throw new RangeError(`imageToTensor: the pixels hold other rows than sampling ${width}×${height} to ${size}×${size} reads`);
  }
  const { offsets, weights } = table;
  // Hot loop (every frame): plain locals, channels unrolled. With 1/32 fractions every product is exact, so
  // the sums are OpenCV's fixed-point sums and floor(v + 0.5) is its (sum + 2^14) >> 15.
  for (let at = 0, k = 0, o = 0; at < size * size; at++, k += 4, o += 3) {
    const a = offsets[k]!;
    const b = offsets[k + 1]!;
    const c = offsets[k + 2]!;
    const d = offsets[k + 3]!;
    const wa = weights[k]!;
    const wb = weights[k + 1]!;
    const wc = weights[k + 2]!;
    const wd = weights[k + 3]!;
    out[o] = byteToUnit[Math.floor(wa * data[a]! + wb * data[b]! + wc * data[c]! + wd * data[d]! + 0.5)]!;
    out[o + 1] = byteToUnit[Math.floor(wa * data[a + 1]! + wb * data[b + 1]! + wc * data[c + 1]! + wd * data[d + 1]! + 0.5)]!;
    out[o + 2] = byteToUnit[Math.floor(wa * data[a + 2]! + wb * data[b + 2]! + wc * data[c + 2]! + wd * data[d + 2]! + 0.5)]!;
  }
  return out;
}

