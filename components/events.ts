// The events <blaze-face> fires, with their detail types.

import type { Face } from '../model/face.ts';
import type { ModelName } from '../model/model-specs.ts';
import type { Backend } from '../webnn/types.ts';

export type BlazeFaceErrorType =
  | 'camera-denied'
  | 'camera-unavailable'
  | 'model-load'
  | 'unsupported-source'
  | 'context-lost'
  | 'invalid-attribute';

export interface BlazeFaceErrorDetail {
  type: BlazeFaceErrorType;
  message: string;
}

export interface BlazeFaceFacesDetail {
  /** Each with its tracking `id` (and smoothed, with `smoothing`). */
  faces: Face[];
  /** The model that found them (what `model="auto"` chose). */
  model: ModelName;
  /** The frame's presentation time (ms, performance.now() clock) */
  timestamp: number;
  /** Time from the frame to its result, in milliseconds. */
  latencyMs: number;
}

export interface BlazeFaceReadyDetail {
  backend: Backend;
  /** The model that has loaded (with `model="auto"`, the one chosen for the source). */
  model: ModelName;
}

export interface BlazeFaceEventMap {
  ready: CustomEvent<BlazeFaceReadyDetail>;
  faces: CustomEvent<BlazeFaceFacesDetail>;
  error: CustomEvent<BlazeFaceErrorDetail>;
  /** Every video track of `srcObject` has ended; the element is idle. */
  ended: Event;
}

/** An error of the element: its `error` event carries its type and message, and `detect()` rejects with it. */
export class BlazeFaceError extends Error {
  override readonly name = 'BlazeFaceError';
  constructor(
    readonly type: BlazeFaceErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
