// ImageData's converter. Its pixels are in memory already, in the layout the sampler reads, so they are
// sampled where they are: nothing is drawn or copied (a copy of some rows only when a caller names them).

import { forEachRun, type ImageToTensorConverter, type RgbaPixels } from './image-to-tensor-converter.ts';
import { requireSize } from './image-source.ts';

/** The ImageData's pixels: every row as they are, or a copy of only `rows` (ascending). */
export function readImageData(source: ImageData, rows?: Int32Array): RgbaPixels {
  const { width, height } = requireSize(source.width, source.height, 'ImageData');
  if (!rows) return { data: source.data, width, height };
  const data = new Uint8ClampedArray(rows.length * width * 4);
  forEachRun(rows, (first, count, at) => data.set(source.data.subarray(first * width * 4, (first + count) * width * 4), at * width * 4));
  return { data, width, height, rows };
}

export const imageDataConverter: ImageToTensorConverter<ImageData, RgbaPixels> = {
  readPixels: (source) => readImageData(source),
};
