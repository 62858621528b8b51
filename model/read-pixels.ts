// Reading a source's RGBA pixels: ImageData as it is, a VideoFrame copied out of the frame (and converted here
// when it is YUV) where its format allows, anything else drawn 1:1 on a reused canvas and read back, either whole or only the rows the resampler
// will read (a large photo then costs a fraction of a full getImageData).

import { InvalidImageError } from './errors.ts';
import { captureError, drawableSize, isImageData, isVideoFrame, requireSize, type ImageSource } from './image-source.ts';
import { isYuvFormat, yuvToRgba } from './yuv-to-rgba.ts';

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

/** Buffers copyFramePixels reuses from one frame to the next. */
export interface FrameBuffers {
  planes?: Uint8Array;
  rgba?: Uint8ClampedArray;
}

const reuse = <T extends Uint8Array | Uint8ClampedArray>(buffer: T | undefined, length: number, create: (length: number) => T): T =>
  buffer?.length === length ? buffer : create(length);

/**
 * A VideoFrame's pixels as RGBA through VideoFrame.copyTo, which is never asked to convert (Chromium's
 * conversion is slow, WebKit's ignores the format asked for): RGBA and RGBX frames are copied as they are, BGRA
 * and BGRX ones with red and blue swapped, and of 8-bit YUV frames (what cameras and decoders give) only `rows`
 * are converted, here (yuv-to-rgba.ts). No canvas and no GPU read-back. Any other format throws a
 * NotSupportedError DOMException: the frame must be drawn.
 */
export async function copyFramePixels(frame: VideoFrame, rows?: Int32Array, buffers: FrameBuffers = {}): Promise<RgbaPixels> {
  const { width, height } = drawableSize(frame);
  const format = frame.format;
  if (isYuvFormat(format)) {
    const planes = (buffers.planes = reuse(buffers.planes, frame.allocationSize(), (n) => new Uint8Array(n)));
    const layout = await frame.copyTo(planes);
    const data = (buffers.rgba = reuse(buffers.rgba, (rows?.length ?? height) * width * 4, (n) => new Uint8ClampedArray(n)));
    yuvToRgba(format, frame.colorSpace, planes, layout, width, height, rows, data);
    return { data, width, height, ...(rows ? { rows } : {}) };
  }
  if (format !== 'RGBA' && format !== 'RGBX' && format !== 'BGRA' && format !== 'BGRX') {
    throw new DOMException(`VideoFrame.copyTo() cannot give ${format ?? 'this'} frames' pixels here`, 'NotSupportedError');
  }
  const data = (buffers.rgba = reuse(buffers.rgba, width * height * 4, (n) => new Uint8ClampedArray(n)));
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
