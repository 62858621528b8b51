// Typed errors of the model layer, so callers (and the <blaze-face> element) can tell a bad input from a bad
// option or a model that failed to load, by class and by a short machine-readable code, without parsing text.

import type { MLOperandDataType } from '../webnn/types.ts';

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

/** Where a WebNN device turned the network down: the limits check before building, build(), or the first run. */
export type UnsupportedGraphStage = 'check' | 'build' | 'dispatch';

/**
 * The WebNN context cannot run the network: an op, data type or rank it does not support (`op` names the op,
 * `reason` says what), or a build() or first dispatch() that failed on the device.
 */
export class UnsupportedGraphError extends Error {
  override readonly name = 'UnsupportedGraphError';
  readonly stage: UnsupportedGraphStage;
  /** The WebNN op at fault, when the device's limits name one. */
  readonly op: string | undefined;
  readonly reason: string;
  /** The data type the device lacks, when that is the reason (what precision 'auto' decides on). */
  readonly dataType: MLOperandDataType | undefined;

  constructor(stage: UnsupportedGraphStage, op: string | undefined, reason: string, dataType?: MLOperandDataType) {
    super(`This WebNN device cannot run the network: ${op ? `${op}: ` : ''}${reason}`);
    this.stage = stage;
    this.op = op;
    this.reason = reason;
    this.dataType = dataType;
  }
}

/**
 * Where a start or a call was when its deadline passed: a detector's start (`start`, or, where its worker says how
 * far it came, the model file's fetch, the worker's script, its WebNN context (for our engine, its wasm fetched and
 * compiled), the graph's build or the warm-up run), a frame's detection, a memory query; in redactStream(), the
 * hidden video's start or a redacted frame's write (in a video file's redaction, its output's closing); in
 * <blaze-face>, a playing video whose frames stopped reaching the detector, and in a video file's redaction, frames
 * that stopped being done (`frames`).
 */
export type TimeoutStep = 'start' | 'model-fetch' | 'worker' | 'context' | 'graph' | 'warm-up' | 'detect' | 'memory' | 'video-start' | 'write' | 'frames';

/** A promise of the model API that would not have settled: its deadline passed at `step`, after `ms` milliseconds. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly step: TimeoutStep;
  readonly ms: number;

  constructor(step: TimeoutStep, ms: number, what: string) {
    super(`${what} did not finish within ${ms} ms (stuck at: ${step})`);
    this.step = step;
    this.ms = ms;
  }

  /** The same error again from its parts (it crossed from a worker). */
  static revive(step: TimeoutStep, ms: number, message: string): TimeoutError {
    const error = new TimeoutError(step, ms, '');
    error.message = message;
    return error;
  }
}
