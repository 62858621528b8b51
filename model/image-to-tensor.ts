// Image to input tensor, the ImageToTensorCalculator step of MediaPipe on its CPU (OpenCV) path: the source is
// letterboxed into a square of side L = max(W, H), resampled to S×S with warpPerspective-style bilinear
// sampling, rounded to 8 bits, and mapped to p/127.5 - 1 (so the black letterbox border becomes -1).
//
// Sampling geometry: OpenCV maps the ROI corners onto the tensor corners, so tensor pixel (i, j) reads the
// source at x = x0 + j·L/S, y = y0 + i·L/S (x0 = -(L-W)/2, y0 = -(L-H)/2) with no half-pixel shift, and taps
// outside the image are black. 'opencv' sampling also reproduces OpenCV's fixed-point arithmetic for 8-bit
// images: the source position is rounded (half to even, cvRound) to 1/32 pixel (INTER_BITS = 5), the four
// weights are products of k/32 fractions held as 15-bit fixed point (they are exact, the table needs no sum
// correction), and the weighted sum is rounded half up ((sum + 2^14) >> 15). 'exact' uses the unquantized
// position and rounds the float bilinear value to the nearest integer (half up).
//
// Runs every video frame: the sampling grid (per source size), the scratch canvas and (through `out`) the
// tensor are reused. A drawable is drawn whole but only the rows its taps touch are read back (sampledRows), so a
// large photo costs about a sixth of a full getImageData; ImageData input is sampled where it is.

import { computeLetterbox, type Letterbox } from './letterbox.ts';
import { readPixels, type RgbaPixels } from './read-pixels.ts';
import { imageSourceSize, isImageData, type ImageSource } from './image-source.ts';

export type Sampling = 'opencv' | 'exact';

export interface ImageToTensorOptions {
  /** 'opencv' (default): OpenCV's 1/32-pixel fixed-point bilinear; 'exact': float bilinear. */
  sampling?: Sampling;
}

export interface ImageTensor {
  /** NHWC, RGB, values p/127.5 - 1, length size·size·3. */
  tensor: Float32Array;
  letterbox: Letterbox;
  sourceWidth: number;
  sourceHeight: number;
}

/** p/127.5 - 1 for every byte value, as float32. */
const byteToUnit = Float32Array.from({ length: 256 }, (_, p) => p / 127.5 - 1);

// ---- Sampling positions.

/**
 * Where each output pixel samples the source: the integer tap (x, y) and the fractions toward x+1 and y+1.
 * In 'opencv' mode the fractions are multiples of 1/32.
 */
interface SamplingGrid {
  baseX: Int32Array;
  baseY: Int32Array;
  fractionX: Float64Array;
  fractionY: Float64Array;
}

/** cvRound: round to nearest, ties to even (lrint / cvtsd2si in the default rounding mode). */
function roundHalfToEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/**
 * Solves the 8×8 system A·x = b by Gaussian elimination with partial pivoting, in the operation order of
 * OpenCV's LU solver, so the result carries the same rounding errors.
 */
function solveLu(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let i = 0; i < n; i++) {
    let pivot = i;
    for (let j = i + 1; j < n; j++) if (Math.abs(a[j]![i]!) > Math.abs(a[pivot]![i]!)) pivot = j;
    if (pivot !== i) {
      [a[i], a[pivot]] = [a[pivot]!, a[i]!];
      [b[i], b[pivot]] = [b[pivot]!, b[i]!];
    }
    const d = -1 / a[i]![i]!;
    for (let j = i + 1; j < n; j++) {
      const alpha = a[j]![i]! * d;
      for (let k = i + 1; k < n; k++) a[j]![k]! += alpha * a[i]![k]!;
      b[j]! += alpha * b[i]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i]!;
    for (let k = i + 1; k < n; k++) sum -= a[i]![k]! * b[k]!;
    b[i] = sum / a[i]![i]!;
  }
  return b;
}

/** getPerspectiveTransform: the 3×3 matrix (row-major) mapping the 4 source points onto the 4 targets. */
function perspectiveTransform(from: readonly [number, number][], to: readonly [number, number][]): number[] {
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -x * u, -y * u]);
    b.push(u);
  }
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [, v] = to[i]!;
    a.push([0, 0, 0, x, y, 1, -x * v, -y * v]);
    b.push(v);
  }
  return [...solveLu(a, b), 1];
}

/** cv::invert of a 3×3 matrix: OpenCV's closed form (cofactors over the determinant). */
function invert3(m: readonly number[]): number[] {
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = m as [number, number, number, number, number, number, number, number, number];
  const d = 1 / (m0 * (m4 * m8 - m5 * m7) - m1 * (m3 * m8 - m5 * m6) + m2 * (m3 * m7 - m4 * m6));
  return [
    (m4 * m8 - m5 * m7) * d,
    (m2 * m7 - m1 * m8) * d,
    (m1 * m5 - m2 * m4) * d,
    (m5 * m6 - m3 * m8) * d,
    (m0 * m8 - m2 * m6) * d,
    (m2 * m3 - m0 * m5) * d,
    (m3 * m7 - m4 * m6) * d,
    (m1 * m6 - m0 * m7) * d,
    (m0 * m4 - m1 * m3) * d,
  ];
}

/**
 * OpenCV's sampling positions, reproduced operation for operation: MediaPipe maps the letterbox square's corners
 * (float32 box points of a rotated rect with angle 0) onto the tensor corners with getPerspectiveTransform;
 * warpPerspective inverts that matrix and, in blocks of 64 columns, evaluates x·32 and y·32 in double and
 * rounds them with cvRound. The tiny errors of the solved matrix matter only at exact 1/64-pixel ties (odd sizes
 * such as 97×61), and there they are what decides; with this emulation the result matched OpenCV 4.6 bit for
 * bit on every size tried.
 */
function openCvGrid(grid: SamplingGrid, width: number, height: number, size: number): void {
  const side = Math.max(width, height);
  const centerX = Math.fround(width / 2);
  const centerY = Math.fround(height / 2);
  const half = Math.fround(side * 0.5);
  const corners: [number, number][] = [
    [centerX - half, centerY + half],
    [centerX - half, centerY - half],
    [centerX + half, centerY - half],
    [centerX + half, centerY + half],
  ];
  const targets: [number, number][] = [[0, size], [0, 0], [size, 0], [size, size]];
  const m = invert3(perspectiveTransform(corners, targets));
  const blockWidth = Math.min(Math.floor(1024 / Math.min(16, size)), size);
  const clampInt = (v: number) => Math.max(-2147483648, Math.min(2147483647, v));
  for (let y = 0; y < size; y++) {
    for (let xb = 0; xb < size; xb += blockWidth) {
      const x0 = m[0]! * xb + m[1]! * y + m[2]!;
      const y0 = m[3]! * xb + m[4]! * y + m[5]!;
      const w0 = m[6]! * xb + m[7]! * y + m[8]!;
      for (let x1 = 0; x1 < Math.min(blockWidth, size - xb); x1++) {
        let w = w0 + m[6]! * x1;
        w = w ? 32 / w : 0;
        const fixedX = roundHalfToEven(clampInt((x0 + m[0]! * x1) * w));
        const fixedY = roundHalfToEven(clampInt((y0 + m[3]! * x1) * w));
        const at = y * size + xb + x1;
        grid.baseX[at] = fixedX >> 5;
        grid.baseY[at] = fixedY >> 5;
        grid.fractionX[at] = (fixedX & 31) / 32;
        grid.fractionY[at] = (fixedY & 31) / 32;
      }
    }
  }
}

/** Unquantized positions: x = ((W - L)·S + 2·j·L) / 2S, one division so exact values stay exact. */
function exactGrid(grid: SamplingGrid, width: number, height: number, size: number): void {
  const side = Math.max(width, height);
  for (let i = 0; i < size; i++) {
    const y = ((height - side) * size + 2 * i * side) / (2 * size);
    for (let j = 0; j < size; j++) {
      const x = ((width - side) * size + 2 * j * side) / (2 * size);
      const at = i * size + j;
      grid.baseX[at] = Math.floor(x);
      grid.baseY[at] = Math.floor(y);
      grid.fractionX[at] = x - Math.floor(x);
      grid.fractionY[at] = y - Math.floor(y);
    }
  }
}

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
  const grid: SamplingGrid = {
    baseX: new Int32Array(count),
    baseY: new Int32Array(count),
    fractionX: new Float64Array(count),
    fractionY: new Float64Array(count),
  };
  (sampling === 'opencv' ? openCvGrid : exactGrid)(grid, width, height, size);
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
 * readPixels to read only those; undefined when that is every row.
 */
export function sampledRows(width: number, height: number, size: number, sampling: Sampling = 'opencv'): Int32Array | undefined {
  return tapTable(width, height, size, sampling, 'sampled').rows;
}

function sameRows(a: Int32Array | undefined, b: Int32Array | undefined, height: number): boolean {
  if (a === b) return true; // the cached list itself, as readSampledPixels passes it
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

/** Reads any supported image and returns its S×S input tensor with the letterbox it used. */
export function imageToTensor(
  source: ImageSource,
  size: number,
  out?: Float32Array,
  options: ImageToTensorOptions = {},
): ImageTensor {
  return pixelsToTensor(readSampledPixels(source, size, options.sampling), size, out, options);
}

/** What resampling a source to size×size reads of it: ImageData as it is; of anything else, the sampled rows. */
export function readSampledPixels(source: ImageSource, size: number, sampling: Sampling = 'opencv'): RgbaPixels {
  if (isImageData(source)) return readPixels(source);
  const { width, height } = imageSourceSize(source);
  return readPixels(source, sampledRows(width, height, size, sampling));
}

/** imageToTensor for pixels already read. */
export function pixelsToTensor(
  pixels: RgbaPixels,
  size: number,
  out?: Float32Array,
  options: ImageToTensorOptions = {},
): ImageTensor {
  const tensor = sampleLetterboxed(pixels, size, out, options.sampling ?? 'opencv');
  return {
    tensor,
    letterbox: computeLetterbox(pixels.width, pixels.height),
    sourceWidth: pixels.width,
    sourceHeight: pixels.height,
  };
}
