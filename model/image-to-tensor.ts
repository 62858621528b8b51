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
// tensor are reused. Reading a drawable costs a drawImage and a full-size getImageData per frame; ImageData
// input skips both.

import { InvalidImageError } from './errors.ts';
import { computeLetterbox, type Letterbox } from './letterbox.ts';

export type ImageSource =
  | HTMLImageElement
  | HTMLVideoElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | ImageData
  | VideoFrame;

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

/** RGBA bytes, row-major, 4 per pixel (ImageData's layout). */
export interface RgbaPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** p/127.5 - 1 for every byte value, as float32. */
const byteToUnit = Float32Array.from({ length: 256 }, (_, p) => p / 127.5 - 1);

// ---- Which object is it? Each global may be missing (workers have no DOM elements; old browsers no VideoFrame).

const isImageData = (s: unknown): s is ImageData => typeof ImageData !== 'undefined' && s instanceof ImageData;
const isImage = (s: unknown): s is HTMLImageElement =>
  typeof HTMLImageElement !== 'undefined' && s instanceof HTMLImageElement;
const isVideo = (s: unknown): s is HTMLVideoElement =>
  typeof HTMLVideoElement !== 'undefined' && s instanceof HTMLVideoElement;
const isCanvas = (s: unknown): s is HTMLCanvasElement =>
  typeof HTMLCanvasElement !== 'undefined' && s instanceof HTMLCanvasElement;
const isOffscreenCanvas = (s: unknown): s is OffscreenCanvas =>
  typeof OffscreenCanvas !== 'undefined' && s instanceof OffscreenCanvas;
const isImageBitmap = (s: unknown): s is ImageBitmap => typeof ImageBitmap !== 'undefined' && s instanceof ImageBitmap;
const isVideoFrame = (s: unknown): s is VideoFrame => typeof VideoFrame !== 'undefined' && s instanceof VideoFrame;

/** Longest side of a drawable source that is read: the largest canvas side every major browser allows. */
export const MAX_IMAGE_SIDE = 16384;
/** Most pixels of a drawable source that are read (64 Mpx: 256 MB of RGBA on the scratch canvas). */
export const MAX_IMAGE_PIXELS = 2 ** 26;

function requireSize(width: number, height: number, what: string): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new InvalidImageError('empty', `The ${what} is empty (${width}×${height} pixels).`);
  return { width, height };
}

/** requireSize, and within the limits of what is drawn on a canvas to be read. */
function requireDrawableSize(width: number, height: number, what: string): { width: number; height: number } {
  requireSize(width, height, what);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new InvalidImageError(
      'too-large',
      `The ${what} is ${width}×${height} pixels, over the limit of ${MAX_IMAGE_SIDE} per side and ${MAX_IMAGE_PIXELS} in all.`,
    );
  }
  return { width, height };
}

/** A browser failure while capturing or reading a source's pixels, as the InvalidImageError it amounts to. */
export function captureError(error: unknown): InvalidImageError {
  if (error instanceof InvalidImageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DOMException && error.name === 'SecurityError') {
    return new InvalidImageError('cross-origin', `The image comes from another origin without CORS permission, so its pixels cannot be read (${message}).`);
  }
  if (error instanceof RangeError) return new InvalidImageError('too-large', `The image's pixels could not be allocated (${message}).`);
  return new InvalidImageError('not-loaded', `The image could not be captured: ${message}`);
}

/** The pixel size of a drawable source, or a typed error saying why it has no pixels to read. */
function drawableSize(source: Exclude<ImageSource, ImageData>): { width: number; height: number } {
  if (isImage(source)) {
    if (!source.complete || source.naturalWidth === 0) {
      throw new InvalidImageError(
        'not-loaded',
        source.complete
          ? 'The image has no pixels: it failed to decode or has no src.'
          : 'The image is still loading; wait for its load event (or img.decode()) before detecting.',
      );
    }
    return requireDrawableSize(source.naturalWidth, source.naturalHeight, 'image');
  }
  if (isVideo(source)) {
    if (source.readyState < 2 /* HAVE_CURRENT_DATA */) {
      throw new InvalidImageError('not-loaded', 'The video has no current frame yet (readyState < HAVE_CURRENT_DATA).');
    }
    return requireDrawableSize(source.videoWidth, source.videoHeight, 'video');
  }
  if (isCanvas(source) || isOffscreenCanvas(source)) return requireDrawableSize(source.width, source.height, 'canvas');
  if (isImageBitmap(source)) {
    // A closed ImageBitmap reports 0×0, and a live one can never be empty.
    if (source.width === 0 || source.height === 0) throw new InvalidImageError('closed', 'The ImageBitmap has been closed.');
    return requireDrawableSize(source.width, source.height, 'ImageBitmap');
  }
  if (isVideoFrame(source)) {
    if (source.format === null && source.displayWidth === 0) {
      throw new InvalidImageError('closed', 'The VideoFrame has been closed.');
    }
    return requireDrawableSize(source.displayWidth, source.displayHeight, 'video frame');
  }
  throw new InvalidImageError('unsupported', unsupportedMessage(source));
}

/** The pixel size of any source, or the typed error readPixels would throw for it (checked before work). */
export function imageSourceSize(source: ImageSource): { width: number; height: number } {
  return isImageData(source) ? requireSize(source.width, source.height, 'ImageData') : drawableSize(source);
}

function unsupportedMessage(source: unknown): string {
  const kind = source === null ? 'null' : typeof source === 'object' ? source.constructor?.name ?? 'object' : typeof source;
  return `Cannot read pixels from ${kind}: pass an HTMLImageElement, HTMLVideoElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap, ImageData or VideoFrame.`;
}

// ---- Reading pixels: ImageData as is; anything else drawn 1:1 on a reused canvas and read back.

type Scratch = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
let scratch: Scratch | undefined;

function scratchContext(width: number, height: number): Scratch {
  if (!scratch) {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
    // willReadFrequently keeps the canvas in CPU memory, which makes the per-frame getImageData cheap.
    const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' }) as Scratch | null;
    if (!context) throw new InvalidImageError('unsupported', 'No 2D canvas context is available to read image pixels.');
    scratch = context;
  }
  const canvas = scratch.canvas;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return scratch;
}

/**
 * The source's RGBA pixels at its natural size. Canvas storage is premultiplied by alpha and that cannot be
 * switched off, so translucent pixels come back slightly quantized; opaque images are exact.
 */
export function readPixels(source: ImageSource): RgbaPixels {
  if (isImageData(source)) {
    requireSize(source.width, source.height, 'ImageData');
    return { data: source.data, width: source.width, height: source.height };
  }
  const { width, height } = drawableSize(source);
  try {
    const context = scratchContext(width, height);
    // 'copy' replaces the previous frame instead of blending a translucent source over it.
    context.globalCompositeOperation = 'copy';
    context.drawImage(source, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
    return { data: image.data, width, height };
  } catch (error) {
    // A cross-origin source taints the canvas it was drawn on for good (Firefox keeps it tainted through
    // resizes and later draws): the next source gets a new canvas, or no image could ever be read again.
    if (error instanceof DOMException && error.name === 'SecurityError') scratch = undefined;
    throw captureError(error);
  }
}

/**
 * Whether copyFramePixels can read this source: a VideoFrame whose visible pixels map 1:1 onto its display
 * size, unrotated and unflipped (anything else needs drawing, which scales and turns it).
 */
export function isCopyableFrame(source: ImageSource): source is VideoFrame {
  if (!isVideoFrame(source)) return false;
  const frame = source as VideoFrame & { rotation?: number; flip?: boolean };
  const rect = frame.visibleRect;
  return !frame.rotation && !frame.flip && rect !== null && rect.width === frame.displayWidth && rect.height === frame.displayHeight;
}

/**
 * Whether this browser's VideoFrame.copyTo() converts to the format it is asked for. WebKit ignores
 * `format: 'RGBA'` and returns a BGRA frame's own bytes, red and blue swapped. Found out on a 1×1 BGRA frame of
 * known bytes; resolves false where copyTo cannot convert or fails.
 */
export async function copyToConverts(): Promise<boolean> {
  const frame = new VideoFrame(new Uint8Array([0x10, 0x20, 0x30, 0xff]), { format: 'BGRA', codedWidth: 1, codedHeight: 1, timestamp: 0 });
  try {
    const pixel = new Uint8Array(4);
    await frame.copyTo(pixel, { format: 'RGBA', colorSpace: 'srgb' });
    return pixel[0] === 0x30 && pixel[2] === 0x10;
  } catch {
    return false;
  } finally {
    frame.close();
  }
}

/**
 * A VideoFrame's pixels as RGBA through VideoFrame.copyTo: no canvas and no GPU read-back (for a frame that is
 * already RGBA in memory it is a plain copy). Writes into `reuse` when that has the right size. `converts`
 * (copyToConverts()) false: only RGBA, RGBX, BGRA and BGRX frames are copied, red and blue swapped for the BGR
 * ones; other formats throw a NotSupportedError DOMException, and the frame must be drawn.
 */
export async function copyFramePixels(frame: VideoFrame, reuse?: Uint8Array, converts = true): Promise<RgbaPixels & { data: Uint8Array }> {
  const { width, height } = drawableSize(frame);
  const data = reuse?.length === width * height * 4 ? reuse : new Uint8Array(width * height * 4);
  if (converts) {
    await frame.copyTo(data, { format: 'RGBA', colorSpace: 'srgb' });
    return { data, width, height };
  }
  const format = frame.format;
  if (format !== 'RGBA' && format !== 'RGBX' && format !== 'BGRA' && format !== 'BGRX') {
    throw new DOMException(`VideoFrame.copyTo() here cannot convert ${format ?? 'this'} frames to RGBA`, 'NotSupportedError');
  }
  // One row after another, whatever stride the frame's own layout has.
  await frame.copyTo(data, { layout: [{ offset: 0, stride: width * 4 }] });
  if (format === 'BGRA' || format === 'BGRX') {
    for (let i = 0; i < data.length; i += 4) {
      const blue = data[i]!;
      data[i] = data[i + 2]!;
      data[i + 2] = blue;
    }
  }
  return { data, width, height };
}

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
 * weights. Taps outside the image read black (BORDER_CONSTANT 0): their weight is 0 and their offset points at
 * byte 0, so the sampling loop needs no bounds checks.
 */
interface TapTable {
  key: string;
  offsets: Int32Array;
  weights: Float64Array;
}

let tapCache: TapTable | undefined;

function tapTable(width: number, height: number, size: number, sampling: Sampling): TapTable {
  const key = `${width}x${height}>${size}:${sampling}`;
  if (tapCache?.key === key) return tapCache;
  const count = size * size;
  const grid: SamplingGrid = {
    baseX: new Int32Array(count),
    baseY: new Int32Array(count),
    fractionX: new Float64Array(count),
    fractionY: new Float64Array(count),
  };
  (sampling === 'opencv' ? openCvGrid : exactGrid)(grid, width, height, size);
  const table: TapTable = { key, offsets: new Int32Array(count * 4), weights: new Float64Array(count * 4) };
  for (let at = 0; at < count; at++) {
    const x = grid.baseX[at]!;
    const y = grid.baseY[at]!;
    const fx = grid.fractionX[at]!;
    const fy = grid.fractionY[at]!;
    for (let t = 0; t < 4; t++) {
      const right = t & 1;
      const below = t >> 1;
      const column = x + right;
      const row = y + below;
      const inside = column >= 0 && column < width && row >= 0 && row < height;
      table.offsets[at * 4 + t] = inside ? (row * width + column) * 4 : 0;
      table.weights[at * 4 + t] = inside ? (right ? fx : 1 - fx) * (below ? fy : 1 - fy) : 0;
    }
  }
  tapCache = table;
  return table;
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
  const { data, width, height } = pixels;
  if (width === size && height === size) {
    // The letterbox is the image and the grid is the identity: both samplings read each pixel with weight 1.
    for (let p = 0, o = 0; o < out.length; p += 4, o += 3) {
      out[o] = byteToUnit[data[p]!]!;
      out[o + 1] = byteToUnit[data[p + 1]!]!;
      out[o + 2] = byteToUnit[data[p + 2]!]!;
    }
    return out;
  }
  const { offsets, weights } = tapTable(width, height, size, sampling);
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
  return pixelsToTensor(readPixels(source), size, out, options);
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
