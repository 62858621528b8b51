// The tracking feature: faces keep an `id` from frame to frame, and with `smoothing` their boxes and keypoints
// go through a One Euro filter (model/face-tracker.ts). A photo, or a new source, starts with no history.

import type { PropertyValues, ReactiveController } from 'lit';
import type { Face } from '../../model/face.ts';
import { FaceTracker } from '../../model/face-tracker.ts';
import { optionsOf } from '../options.ts';
import type { FeatureHost } from './host.ts';

const smoothingOptions = optionsOf('tracking');

export class TrackingFeature implements ReactiveController {
  #host: FeatureHost;
  #tracker = new FaceTracker();

  constructor(host: FeatureHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#applySmoothing();
  }

  optionsChanged(changed: PropertyValues): void {
    if (smoothingOptions.some((name) => changed.has(name))) this.#applySmoothing();
  }

  /** The detected faces of a frame, with their ids (and smoothed, if on); `aspect` is the source's width / height. */
  track(detected: readonly Face[], timestamp: number, aspect: number): Face[] {
    return this.#tracker.update(detected, timestamp, aspect);
  }

  /** Forgets every face: the next frame is a first. */
  reset(): void {
    this.#tracker.reset();
  }

  #applySmoothing(): void {
    const host = this.#host;
    this.#tracker.smoothing = host.smoothing
      ? { minCutoff: host.smoothingMinCutoff, beta: host.smoothingBeta, derivativeCutoff: host.smoothingDerivativeCutoff }
      : null;
  }
}
