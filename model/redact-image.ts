// redact(): a photo with its faces hidden, for sharing. The image is decoded with its EXIF orientation applied,
// so the faces are found upright and the output is the way the photo is seen; the detector reads a copy at most
// DETECTION_SIDE on its long side (the network reads 128 or 192 pixels, so a 24 MP photo's full pixels would only
// cost memory); the faces are hidden on the full-resolution picture, and the result is checked for faces left
// (hideUntilNoFaceLeft); and it is encoded anew, so none of the file's metadata (GPS position, camera serial, EXIF,
// XMP) reaches the output.

import type { Detector } from './detector.ts';
import { InvalidImageError, InvalidOptionError } from './errors.ts';
import { FaceDetector } from './face-detector.ts';
import { imageSourceSize, type ImageSource } from './image-source.ts';
import type { ModelName } from './model-specs.ts';
import { hideUntilNoFaceLeft, REDACTION_MIN_SCORE, Redactor, redactionStyle, type RedactionStyle } from './redactor.ts';

/** The longest side of the copy the detector reads. */
const DETECTION_SIDE = 2048;


export interface RedactOptions extends Partial<RedactionStyle> {
  /** A detector to find the faces with (kept open); without one, a FaceDetector of `model` is made and disposed. */
  detector?: Detector;
  /** The model when no detector is given: 'full' (default) finds the smaller and farther faces photos have. */
  model?: ModelName;
  /** The lowest score a face is hidden at: lower hides more (default REDACTION_MIN_SCORE, 0.3). */
  minScore?: number;
  /** The encoded type of a Blob result (default image/png, lossless); image/jpeg and image/webp take `quality`. */
  type?: string;
  /** Encoding quality from 0 to 1 for image/jpeg and image/webp. */
  quality?: number;
}

/**
 * `image` with every face found hidden (`mode` blur by default), at its full resolution, as a newly encoded Blob
 * with no metadata; or, with `output: 'bitmap'`, as an ImageBitmap. A Blob input (a File from a picker or a
 * drop) is decoded with its EXIF orientation applied. A face the model does not find is not hidden (see
 * docs/model-api.md#redact for what is and is not guaranteed).
 */
export async function redact(image: Blob | ImageSource, options?: RedactOptions & { output?: 'blob' }): Promise<Blob>;
export async function redact(image: Blob | ImageSource, options: RedactOptions & { output: 'bitmap' }): Promise<ImageBitmap>;
export async function redact(image: Blob | ImageSource, options: RedactOptions & { output?: 'blob' | 'bitmap' } = {}): Promise<Blob | ImageBitmap> {
  const { detector: given, model = 'full', minScore = REDACTION_MIN_SCORE, type = 'image/png', quality, output = 'blob', ...style } = options;
  const redactor = new Redactor(redactionStyle(style));
  if (output !== 'blob' && output !== 'bitmap') throw new InvalidOptionError('output', `output must be 'blob' or 'bitmap', got ${String(output)}`);
  if (quality !== undefined && !(quality >= 0 && quality <= 1)) throw new InvalidOptionError('quality', `quality must be a number from 0 to 1, got ${quality}`);
  const bitmap = await decoded(image);
  const detector = given ?? (await FaceDetector.create({ model, minScore }).catch((error: unknown) => {
    bitmap.close();
    throw error;
  }));
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new InvalidImageError('too-large', `A ${width}×${height} canvas could not be made to redact the image on.`);
    const facesIn = async (source: ImageBitmap | OffscreenCanvas) => {
      const copy = await detectionCopy(source, width, height);
      try {
        return await detector.detect(copy, { settings: { minScore } });
      } finally {
        copy.close();
      }
    };
    const cells = redactor.style.cells;
    await hideUntilNoFaceLeft(await facesIn(bitmap), () => facesIn(canvas), (faces, round) => {
      context.clearRect(0, 0, width, height);
      redactor.style.cells = Math.max(1, cells - round);
      redactor.paint(context, { picture: bitmap, pictureWidth: width, pictureHeight: height, rect: { x: 0, y: 0, width, height }, pixelRatio: 1, mirrored: false, trusted: true, faces, now: 0 });
    });
    if (output === 'bitmap') return canvas.transferToImageBitmap();
    return await canvas.convertToBlob({ type, quality });
  } finally {
    bitmap.close();
    if (!given) detector.dispose();
  }
}

/** The image as an ImageBitmap: a Blob decoded with its EXIF orientation applied, anything else as it is drawn. */
async function decoded(image: Blob | ImageSource): Promise<ImageBitmap> {
  try {
    if (image instanceof Blob) return await createImageBitmap(image, { imageOrientation: 'from-image' });
    imageSourceSize(image);
    return await createImageBitmap(image);
  } catch (error) {
    if (error instanceof InvalidImageError) throw error;
    const what = image instanceof Blob ? `a ${image.type || 'file'} of ${image.size} bytes` : 'this image';
    throw new InvalidImageError('unsupported', `The browser could not decode ${what}: ${(error as Error).message}`);
  }
}

/** A copy of the picture for the detector, at most DETECTION_SIDE on its long side (the app's gallery shows it too). */
export function detectionCopy(source: ImageBitmap | OffscreenCanvas, width: number, height: number): Promise<ImageBitmap> {
  const scale = Math.min(1, DETECTION_SIDE / Math.max(width, height));
  return createImageBitmap(source, { resizeWidth: Math.round(width * scale), resizeHeight: Math.round(height * scale), resizeQuality: 'high' });
}
