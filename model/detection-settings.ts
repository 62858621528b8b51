// The checks FaceDetector and WorkerFaceDetector share, in a module of their own so that the page side of
// WorkerFaceDetector (and so <blaze-face>) does not pull FaceDetector, its graph code and the polyfill into
// the page: they run in the worker.
import { InvalidOptionError } from './errors.ts';
import { modelSpecs, type ModelName } from './model-specs.ts';
import type { PrecisionChoice } from './graph/load-network.ts';
import type { ScoreMerge } from './non-max-suppression.ts';

/** The thresholds that can change between calls without rebuilding anything. */
export interface DetectionSettings {
  minScore: number;
  suppressionThreshold: number;
  scoreMerge: ScoreMerge;
  maxFaces: number;
}

export interface DetectOptions {
  /** Flip x so the faces line up with a mirrored (selfie) view. */
  mirrored?: boolean;
  /** Thresholds for this call only, over the detector's own (which stay as they are). */
  settings?: Partial<DetectionSettings>;
}

/**
 * The problem with a value outside `allowed`, as the sentence a caller reads. `label` is the option as the caller
 * wrote it (minScore in the model API, min-score on the element): one check and one wording for both.
 */
export function choiceProblem(label: string, value: string, allowed: readonly string[]): string | undefined {
  return allowed.includes(value) ? undefined : `${label} must be one of ${allowed.join(', ')}, got "${value}"`;
}

/** The problem with a value outside 0..1, or undefined. */
export function unitIntervalProblem(label: string, value: number): string | undefined {
  return value >= 0 && value <= 1 ? undefined : `${label} must be a number from 0 to 1, got ${value}`;
}

/** Checks a model name, so a typo fails at once with the list of valid names. */
export function checkModelName(model: string): asserts model is ModelName {
  const problem = choiceProblem('model', model, Object.keys(modelSpecs));
  if (problem) throw new InvalidOptionError('model', problem);
}

/** Checks thresholds, so a bad value fails at the call that sets it, with the option's name. */
export function validateSettings(settings: Partial<DetectionSettings>): void {
  const { minScore, suppressionThreshold, maxFaces, scoreMerge } = settings;
  for (const [name, value] of [['minScore', minScore], ['suppressionThreshold', suppressionThreshold]] as const) {
    const problem = value === undefined ? undefined : unitIntervalProblem(name, value);
    if (problem) throw new InvalidOptionError(name, problem);
  }
  if (maxFaces !== undefined && !(Number.isInteger(maxFaces) && maxFaces >= 1) && maxFaces !== Infinity) {
    throw new InvalidOptionError('maxFaces', `maxFaces must be a positive integer, got ${maxFaces}`);
  }
  if (scoreMerge !== undefined && scoreMerge !== 'max' && scoreMerge !== 'mean') {
    throw new InvalidOptionError('scoreMerge', `scoreMerge must be 'max' or 'mean', got ${String(scoreMerge)}`);
  }
}

/** `base` with the thresholds `changes` sets; a key present but undefined leaves `base`'s value. */
export function mergeSettings(base: DetectionSettings, changes: Partial<DetectionSettings> = {}): DetectionSettings {
  const merged = { ...base };
  for (const [key, value] of Object.entries(changes) as [keyof DetectionSettings, never][]) {
    if (value !== undefined && key in base) merged[key] = value;
  }
  return merged;
}

const PRECISIONS: readonly PrecisionChoice[] = ['auto', 'float32', 'float16'];

/** Checks a precision option, so a typo fails at once with the valid values. */
export function checkPrecision(precision: string): asserts precision is PrecisionChoice {
  const problem = choiceProblem('precision', precision, PRECISIONS);
  if (problem) throw new InvalidOptionError('precision', problem);
}
