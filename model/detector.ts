// What FaceDetector and WorkerFaceDetector have in common, written once: the Detector interface a caller can
// hold either of them by, and the base class both extend for the parts that do not depend on where the
// network runs (the options create() checks, the thresholds and configure(), detectBatch, dispose() and the
// error a disposed detector answers with).
//
// Light on purpose: WorkerFaceDetector's page side extends it, so it imports only the checks of
// detection-settings.ts and types, never FaceDetector, the graph code or the polyfill (see the comment atop
// detection-settings.ts).

import {
  checkModelName, checkPrecision, mergeSettings, validateSettings, type DetectionSettings, type DetectOptions,
} from './detection-settings.ts';
import { InvalidOptionError, type TimeoutError } from './errors.ts';
import type { Face } from './face.ts';
import type { Precision } from './graph/device-builder.ts';
import type { ImageSource } from './image-source.ts';
import type { ModelName } from './model-specs.ts';
import type { Backend } from '../webnn/types.ts';

/** What runs a detector's network. */
export interface DetectorBackend extends Backend {
  /** The precision the network computes in. */
  precision: Precision;
  /** 'native' when native WebNN started but could not run the network, so the polyfill runs it instead. */
  fallbackFrom?: 'native';
  /** Why native WebNN could not run it (set with fallbackFrom). */
  reason?: string;
}

/** The polyfill engine's live tensors and their bytes (for leak checks). */
export interface EngineMemory {
  tensors: number;
  bytes: number;
}

/** A face detector, wherever its network runs: FaceDetector on the calling thread, WorkerFaceDetector in a Worker. */
/** Why a detector is of no more use. */
export interface DetectorLoss {
  message: string;
  /** Set when a detection (or a worker's answer) passed its deadline: that deadline. */
  timeout?: TimeoutError;
}

export interface Detector {
  readonly model: ModelName;
  /** The side of the square image the network reads. */
  readonly inputSize: number;
  /**
   * Resolves when the WebNN context running the network is lost (engine failure, GPU reset, or dispose()), or
   * when a detection passed its deadline, for a WorkerFaceDetector its worker's answer (`timeout`).
   */
  readonly lost: Promise<DetectorLoss>;
  /** Which WebNN implementation, engine and precision run the network. */
  readonly backend: DetectorBackend;
  /** The current thresholds. */
  readonly settings: Readonly<DetectionSettings>;
  /** Changes thresholds for the next calls; the network is not rebuilt. */
  configure(settings: Partial<DetectionSettings>): void;
  /** Detects faces in one image; coordinates are normalized to the source image. */
  detect(source: ImageSource, options?: DetectOptions): Promise<Face[]>;
  /** Detects faces in several images, one result list per image, in order. */
  detectBatch(sources: readonly ImageSource[], options?: DetectOptions): Promise<Face[][]>;
  /**
   * The polyfill engine's memory counter; undefined on native WebNN, which has none. FaceDetector answers at
   * once, WorkerFaceDetector asks its worker.
   */
  engineMemory(): EngineMemory | undefined | Promise<EngineMemory | undefined>;
  /** Releases what the detector holds; every later call rejects with an InvalidStateError. */
  dispose(): void;
}

/**
 * The deadlines' defaults, against the start-up breakdown in docs/measurements.md (the wasm engine's worker ready
 * 0.27 s after the request, median; a GPU engine's shader compiles take seconds on a software renderer) and a
 * detection's 2-8 ms: wide margins for slow devices and networks (a full model at 50 KB/s is 20 s), yet a start or
 * a frame that would never finish is ended within a minute.
 */
export const defaultStartTimeoutMs = 60000;
export const defaultDetectionTimeoutMs = 10000;

/** Why `value` is not a deadline (above 0, and within what setTimeout can wait), or undefined if it is one. */
export function timeoutProblem(name: string, value: number, unit: 'milliseconds' | 'seconds' = 'milliseconds'): string | undefined {
  const ms = unit === 'seconds' ? value * 1000 : value;
  return typeof ms === 'number' && ms > 0 && ms <= 2 ** 31 - 1 ? undefined : `${name} must be a number of ${unit} above 0, got ${String(value)}`;
}

/**
 * A create() option's deadline in milliseconds, `fallback` when not given. `unbounded` lets Infinity through: no
 * deadline, for a caller that bounds the work itself (the detector in a worker, which the page ends when stuck).
 */
export function checkTimeout(name: 'startTimeout' | 'detectionTimeout', value: number | undefined, fallback: number, unbounded = false): number {
  if (unbounded && value === Infinity) return value;
  const problem = value === undefined ? undefined : timeoutProblem(name, value);
  if (problem) throw new InvalidOptionError(name, problem);
  return value ?? fallback;
}

/** What every call to a disposed detector rejects with, whichever detector it is. */
export function disposedError(): DOMException {
  return new DOMException('This FaceDetector has been disposed', 'InvalidStateError');
}

/** The options both detectors' create() take that are checked before any work. */
interface CheckedCreateOptions extends Partial<DetectionSettings> {
  model?: string;
  precision?: string;
}

/**
 * Checks create()'s options, so that both detectors fail at once with the same typed error (before a context or
 * a worker is started for nothing), and returns the model they name.
 */
export function checkCreateOptions(options: CheckedCreateOptions): ModelName {
  const model = options.model ?? 'short';
  checkModelName(model);
  validateSettings(options);
  if (options.precision !== undefined) checkPrecision(options.precision);
  return model;
}

/** The part of a Detector that does not depend on where its network runs. */
export abstract class DetectorBase implements Detector {
  readonly model: ModelName;
  readonly inputSize: number;
  readonly lost: Promise<DetectorLoss>;

  #settings: DetectionSettings;
  #disposed = false;

  protected constructor(model: ModelName, inputSize: number, lost: Promise<DetectorLoss>, settings: DetectionSettings) {
    this.model = model;
    this.inputSize = inputSize;
    this.lost = lost;
    this.#settings = settings;
  }

  abstract get backend(): DetectorBackend;
  abstract detect(source: ImageSource, options?: DetectOptions): Promise<Face[]>;
  abstract engineMemory(): EngineMemory | undefined | Promise<EngineMemory | undefined>;
  /** Releases what this detector holds; called once, by the first dispose(). */
  protected abstract release(): void;

  get settings(): Readonly<DetectionSettings> {
    return { ...this.#settings };
  }

  configure(settings: Partial<DetectionSettings>): void {
    validateSettings(settings);
    this.#settings = mergeSettings(this.#settings, settings);
  }

  detectBatch(sources: readonly ImageSource[], options: DetectOptions = {}): Promise<Face[][]> {
    return Promise.all(sources.map((source) => this.detect(source, options)));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.release();
  }

  protected get disposed(): boolean {
    return this.#disposed;
  }

  protected assertNotDisposed(): void {
    if (this.#disposed) throw disposedError();
  }

  /**
   * The thresholds of one call, as it is made: its own over the detector's. Checked here, so that a bad one
   * fails that call alone.
   */
  protected callSettings(options: DetectOptions): DetectionSettings {
    if (options.settings) validateSettings(options.settings);
    return mergeSettings(this.#settings, options.settings);
  }
}
