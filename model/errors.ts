// Typed errors of the model layer, so callers (and the <blaze-face> element) can tell a bad input from a bad
// option or a model that failed to load, by class and by a short machine-readable code, without parsing text.

/** Why an image could not be turned into a tensor. */
export type InvalidImageReason =
  /** The source has no pixels: zero width or height. */
  | 'empty'
  /** The source exists but has no decoded frame yet (image still loading, video before HAVE_CURRENT_DATA). */
  | 'not-loaded'
  /** The source was closed (VideoFrame.close(), ImageBitmap.close()) and its pixels are gone. */
  | 'closed'
  /** Larger than blaze-face reads (MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS) or than the browser could allocate. */
  | 'too-large'
  /** A cross-origin image or video loaded without CORS permission: the browser forbids reading its pixels. */
  | 'cross-origin'
  /** The object is not one of the supported image types. */
  | 'unsupported';

/** The image given to the detector cannot be read. */
export class InvalidImageError extends Error {
  override readonly name = 'InvalidImageError';
  readonly reason: InvalidImageReason;

  constructor(reason: InvalidImageReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** An option has a value outside its domain; `option` names it as the caller spelled it. */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

/** A model file could not be obtained (network, HTTP status); `url` is where it was looked for. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  readonly url: string;

  /** `detail` completes the sentence "The model at <url> ...", e.g. "could not be fetched: HTTP 404". */
  constructor(url: string, detail: string) {
    super(`The model at ${url} ${detail}`);
    this.url = url;
  }
}
