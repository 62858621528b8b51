// The converter of every source that must be drawn to be read: images, videos, canvases, bitmaps, and video
// frames that cannot be copied out (frame-pixels.ts). Each is drawn 1:1 on one reused canvas, and only the
// rows the resampler reads are read back: drawing is cheap, reading back is what costs (about 3.5 ns a pixel),
// so a large photo costs a fraction of a full getImageData.

import { InvalidImageError } from './errors.ts';
import { forEachRun, type ImageToTensorConverter, type RgbaPixels } from './image-to-tensor-converter.ts';
import { captureError, drawableSize, type ImageSource } from './image-source.ts';
import { sampledRows } from './letterboxed-sampling.ts';

export type DrawnSource = Exclude<ImageSource, ImageData>;

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
export function readDrawnPixels(source: DrawnSource, rows?: Int32Array): RgbaPixels {
  const { width, height } = drawableSize(source);
  try {
    const context = scratchContext(width, height);
    // 'copy' replaces the previous frame instead of blending a translucent source over it.
    context.globalCompositeOperation = 'copy';
    context.drawImage(source, 0, 0, width, height);
    if (!rows) return { data: context.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data, width, height };
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

export const drawnConverter: ImageToTensorConverter<DrawnSource, RgbaPixels> = {
  readPixels(source, size, sampling = 'opencv') {
    const { width, height } = drawableSize(source);
    return readDrawnPixels(source, sampledRows(width, height, size, sampling));
  },
};
