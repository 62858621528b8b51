// Image to input tensor, the ImageToTensorCalculator step of MediaPipe on its CPU (OpenCV) path: the source is
// letterboxed into a square of side L = max(W, H), resampled to S×S with warpPerspective-style bilinear
// sampling, rounded to 8 bits, and mapped to p/127.5 - 1 (so the black letterbox border becomes -1).
//
// This file puts the step together from its units, as MediaPipe's calculator does from its converters:
// which kind of source it is (image-source.ts), a converter per kind that reads its pixels (the interface in
// image-to-tensor-converter.ts; ImageData, drawn sources and video frames each in a file of their own), and
// the sampling arithmetic every converter's pixels go through (sampling-grid.ts, letterboxed-sampling.ts).

import { drawnConverter } from './drawn-pixels.ts';
import { imageDataConverter } from './image-data-pixels.ts';
import type { RgbaPixels } from './image-to-tensor-converter.ts';
import { isImageData, type ImageSource } from './image-source.ts';
import { sampleLetterboxed } from './letterboxed-sampling.ts';
import { computeLetterbox, type Letterbox } from './letterbox.ts';
import type { Sampling } from './sampling-grid.ts';

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

/** Reads any supported image and returns its S×S input tensor with the letterbox it used. */
export function imageToTensor(
  source: ImageSource,
  size: number,
  out?: Float32Array,
  options: ImageToTensorOptions = {},
): ImageTensor {
  return pixelsToTensor(readSampledPixels(source, size, options.sampling), size, out, options);
}

/**
 * What resampling a source to size×size reads of it, read at once (a video frame drawn): ImageData as it is; of
 * anything else, the sampled rows.
 */
export function readSampledPixels(source: ImageSource, size: number, sampling: Sampling = 'opencv'): RgbaPixels {
  return isImageData(source) ? imageDataConverter.readPixels(source, size) : drawnConverter.readPixels(source, size, sampling);
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
