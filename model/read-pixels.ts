// Reading a source's RGBA pixels: ImageData as it is, a VideoFrame copied out of the frame where the browser
// can, anything else drawn 1:1 on a reused canvas and read back, either whole or only the rows the resampler
// will read (a large photo then costs a fraction of a full getImageData).

import { InvalidImageError } from './errors.ts';
import { captureError, drawableSize, isImageData, isVideoFrame, requireSize, type ImageSource } from './image-source.ts';

/** A width×height image's RGBA bytes, row-major, 4 per pixel (ImageData's layout): all its rows, or some. */
export interface RgbaPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  /** When present, `data` holds only these rows of the image (ascending), one after another. */
  rows?: Int32Array;
}

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
 * The source's RGBA pixels at its natural size: every row, or only `rows` (ascending). Canvas storage is
 * premultiplied by alpha and that cannot be switched off, so translucent pixels come back slightly quantized;
 * opaque images are exact.
 */
export function readPixels(source: ImageSource, rows?: Int32Array): RgbaPixels {
  if (isImageData(source)) {
    const { width, height } = requireSize(source.width, source.height, 'ImageData');
    if (!rows) return { data: source.data, width, height };
    const data = new Uint8ClampedArray(rows.length * width * 4);
    forEachRun(rows, (first, count, at) => data.set(source.data.subarray(first * width * 4, (first + count) * width * 4), at * width * 4));
    return { data, width, height, rows };
  }
  const { width, height } = drawableSize(source);
  try {
    const context = scratchContext(width, height);
    // 'copy' replaces the previous frame instead of blending a translucent source over it.
    context.globalCompositeOperation = 'copy';
    context.drawImage(source, 0, 0, width, height);
    if (!rows) return { data: context.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data, width, height };
    // Drawing is cheap; reading back is what costs (about 3.5 ns a pixel), so only the rows asked for are read.
    const data = new Uint8ClampedArray(rows.length * width * 4);
    forEachRun(rows, (first, count, at) => data.set(context.getImageData(0, first, width, count, { colorSpace: 'srgb' }).data, at * width * 4));
    return { data, width, height, rows };
  } catch (error) {
    // A cross-origin source taints the canvas it was drawn on for good (Firefox keeps it tainted through
    // resizes and later draws): the next source gets a new canvas, or no image could ever be read again.
    if (error instanceof DOMException && error.name === 'SecurityError') scratch = undefined;
    throw captureError(error);
  }
}

/** Calls `read` once per run of consecutive rows: its first row, its length, and its index in `rows`. */
function forEachRun(rows: Int32Array, read: (first: number, count: number, at: number) => void): void {
  for (let at = 0; at < rows.length; ) {
    let end = at + 1;
    while (end < rows.length && rows[end] === rows[end - 1]! + 1) end++;
    read(rows[at]!, end - at, at);
    at = end;
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
