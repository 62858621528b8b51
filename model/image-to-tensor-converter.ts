// The converter interface, after MediaPipe's image_to_tensor_converter.h: one converter per way of getting a
// kind of source to the network's input. MediaPipe's converters differ by backend (OpenCV on the CPU, GL,
// Metal), each resampling on its own. Ours all resample alike, on the CPU with OpenCV's arithmetic
// (letterboxed-sampling.ts), and differ in how they read a source's pixels: ImageData as it is
// (image-data-pixels.ts), anything else drawn on a canvas (drawn-pixels.ts), and a video frame copied out of
// its planes where its format allows (frame-pixels.ts). So reading is what a converter does, and
// pixelsToTensor (image-to-tensor.ts) samples for all of them: the two steps stay apart because a
// WorkerFaceDetector reads the pixels on the page and its worker samples them.

import type { ImageSource } from './image-source.ts';
import type { Sampling } from './sampling-grid.ts';

/** A width×height image's RGBA bytes, row-major, 4 per pixel (ImageData's layout): all its rows, or some. */
export interface RgbaPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  /** When present, `data` holds only these rows of the image (ascending), one after another. */
  rows?: Int32Array;
}

/** Reads one kind of source; `Read` says whether it answers at once (RgbaPixels) or later (a Promise of them). */
export interface ImageToTensorConverter<Source extends ImageSource, Read extends RgbaPixels | Promise<RgbaPixels>> {
  /**
   * The pixels of `source` that letterboxing it into a size×size tensor reads: all its rows, or only those
   * (RgbaPixels.rows) where reading fewer is cheaper.
   */
  readPixels(source: Source, size: number, sampling?: Sampling): Read;
}

/** Calls `read` once per run of consecutive rows: its first row, its length, and its index in `rows`. */
export function forEachRun(rows: Int32Array, read: (first: number, count: number, at: number) => void): void {
  for (let at = 0; at < rows.length; ) {
    let end = at + 1;
    while (end < rows.length && rows[end] === rows[end - 1]! + 1) end++;
    read(rows[at]!, end - at, at);
    at = end;
  }
}
