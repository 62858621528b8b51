// What an image source is: which of the accepted kinds, its pixel size, and the typed error that says why a
// source has no pixels to read (checked before any work, on the page as in a worker).

import { InvalidImageError } from './errors.ts';

export type ImageSource =
  | HTMLImageElement
  | HTMLVideoElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | ImageData
  | VideoFrame;

// ---- Which object is it? Each global may be missing (workers have no DOM elements; old browsers no VideoFrame).

export const isImageData = (s: unknown): s is ImageData => typeof ImageData !== 'undefined' && s instanceof ImageData;
const isImage = (s: unknown): s is HTMLImageElement =>
  typeof HTMLImageElement !== 'undefined' && s instanceof HTMLImageElement;
export const isVideo = (s: unknown): s is HTMLVideoElement =>
  typeof HTMLVideoElement !== 'undefined' && s instanceof HTMLVideoElement;
const isCanvas = (s: unknown): s is HTMLCanvasElement =>
  typeof HTMLCanvasElement !== 'undefined' && s instanceof HTMLCanvasElement;
const isOffscreenCanvas = (s: unknown): s is OffscreenCanvas =>
  typeof OffscreenCanvas !== 'undefined' && s instanceof OffscreenCanvas;
const isImageBitmap = (s: unknown): s is ImageBitmap => typeof ImageBitmap !== 'undefined' && s instanceof ImageBitmap;
export const isVideoFrame = (s: unknown): s is VideoFrame => typeof VideoFrame !== 'undefined' && s instanceof VideoFrame;

/** Longest side of a drawable source that is read: the largest canvas side every major browser allows. */
export const MAX_IMAGE_SIDE = 16384;
/** Most pixels of a drawable source that are read (64 Mpx: 256 MB of RGBA on the scratch canvas). */
export const MAX_IMAGE_PIXELS = 2 ** 26;

export function requireSize(width: number, height: number, what: string): { width: number; height: number } {
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
export function drawableSize(source: Exclude<ImageSource, ImageData>): { width: number; height: number } {
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

/** The pixel size of any source, or the typed error reading its pixels would throw (checked before work). */
export function imageSourceSize(source: ImageSource): { width: number; height: number } {
  return isImageData(source) ? requireSize(source.width, source.height, 'ImageData') : drawableSize(source);
}

function unsupportedMessage(source: unknown): string {
  const kind = source === null ? 'null' : typeof source === 'object' ? source.constructor?.name ?? 'object' : typeof source;
  return `Cannot read pixels from ${kind}: pass an HTMLImageElement, HTMLVideoElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap, ImageData or VideoFrame.`;
}
