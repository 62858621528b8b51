// The events <blaze-face> fires, with their detail types.

import { TimeoutError, type TimeoutStep } from '../model/errors.ts';
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
  /** 'timeout' when a deadline passed (a start past `start-timeout`, a detector stuck again), with the step it was stuck at. */
  reason?: 'timeout';
  step?: TimeoutStep;
}

export interface BlazeFaceRecoveredDetail {
  /** What the detector was rebuilt after: its context lost (or its worker failed), or its worker stuck past `detection-timeout`. */
  cause: 'context-lost' | 'timeout';
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
  /** A detector rebuilt on its own (after a lost context or a stuck worker) has detected again. */
  recovered: CustomEvent<BlazeFaceRecoveredDetail>;
  /** Every video track of `srcObject` has ended; the element is idle. */
  ended: Event;
}

/** An error of the element: its `error` event carries its type and message, and `detect()` rejects with it. */
export class BlazeFaceError extends Error {
  override readonly name = 'BlazeFaceError';
  /** Set when a deadline passed: the step the start or the detector was stuck at. */
  readonly timeout: TimeoutError | undefined;
  constructor(
    readonly type: BlazeFaceErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.timeout = options?.cause instanceof TimeoutError ? options.cause : undefined;
  }

  /** The `error` event's detail. */
  get detail(): BlazeFaceErrorDetail {
    return { type: this.type, message: this.message, ...(this.timeout ? { reason: 'timeout', step: this.timeout.step } : {}) };
  }
}
