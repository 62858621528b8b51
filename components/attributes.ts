// Attribute parsing and validation for <blaze-face>. A bad value is reported and the last good one kept,
// so the checks live here, apart from the element, each with the message a page author will read.

import type { ComplexAttributeConverter } from 'lit';
import type { PrecisionChoice } from '../model/graph/load-network.ts';
import { modelSpecs, type ModelName } from '../model/model-specs.ts';
import { POLYFILL_ENGINES } from '../webnn/polyfill/engine-names.ts';
import type { MLPowerPreference, PolyfillEngine } from '../webnn/types.ts';
import type { FacingMode } from './camera.ts';

/**
 * Boolean attributes whose default is on or undecided: present means true, "false" means false, and an
 * absent attribute gives `fallback` (true for keypoints and accelerated, undefined = automatic for mirrored).
 */
export function booleanAttribute<T extends boolean | undefined>(fallback: T): ComplexAttributeConverter<boolean | T> {
  return {
    fromAttribute: (value: string | null) => (value === null ? fallback : value !== 'false'),
    toAttribute: (value: boolean | T) => (value === undefined ? null : value ? '' : 'false'),
  };
}

/** A model by name, or 'auto': short for a user-facing camera, full for everything else. */
export type ModelChoice = 'auto' | ModelName;

export interface ElementSettings {
  model: ModelChoice;
  minScore: number | undefined;
  suppressionThreshold: number | undefined;
  maxFaces: number | undefined;
  facingMode: FacingMode;
  powerPreference: MLPowerPreference;
  /** 'auto': chosen from power-preference and accelerated (native WebNN first); else that polyfill engine, forced. */
  engine: 'auto' | PolyfillEngine;
  /** 'auto': float16 only where native WebNN lacks float32 for the network's ops (an NPU); else forced. */
  precision: PrecisionChoice;
  smoothingMinCutoff: number;
  smoothingBeta: number;
  smoothingDerivativeCutoff: number;
}

const unitInterval = (name: string, value: number | undefined) =>
  value === undefined || (value >= 0 && value <= 1) ? undefined : `${name} must be a number from 0 to 1, got ${value}`;

const positive = (name: string, value: number) =>
  Number.isFinite(value) && value > 0 ? undefined : `${name} must be a positive number (Hz), got ${value}`;

const validators: { [K in keyof ElementSettings]: (value: ElementSettings[K]) => string | undefined } = {
  model: (value) =>
    value === 'auto' || Object.hasOwn(modelSpecs, value)
      ? undefined
      : `model must be auto or one of ${Object.keys(modelSpecs).join(', ')}, got "${value}"`,
  minScore: (value) => unitInterval('min-score', value),
  suppressionThreshold: (value) => unitInterval('suppression-threshold', value),
  maxFaces: (value) =>
    value === undefined || (Number.isInteger(value) && value >= 1) ? undefined : `max-faces must be a positive integer, got ${value}`,
  facingMode: (value) => (value === 'user' || value === 'environment' ? undefined : `facing-mode must be "user" or "environment", got "${value}"`),
  powerPreference: (value) =>
    value === 'default' || value === 'high-performance' || value === 'low-power'
      ? undefined
      : `power-preference must be "default", "high-performance" or "low-power", got "${value}"`,
  engine: (value) => {
    const names = ['auto', ...POLYFILL_ENGINES];
    return names.includes(value) ? undefined : `engine must be ${names.slice(0, -1).map((name) => `"${name}"`).join(', ')} or "${names.at(-1)}", got "${value}"`;
  },
  precision: (value) =>
    value === 'auto' || value === 'float32' || value === 'float16' ? undefined : `precision must be "auto", "float32" or "float16", got "${value}"`,
  smoothingMinCutoff: (value) => positive('smoothing-min-cutoff', value),
  smoothingBeta: (value) =>
    Number.isFinite(value) && value >= 0 ? undefined : `smoothing-beta must be a number of 0 or more, got ${value}`,
  smoothingDerivativeCutoff: (value) => positive('smoothing-derivative-cutoff', value),
};

export const validatedSettings = Object.keys(validators) as (keyof ElementSettings)[];

/** The problem with a setting's value, or undefined when it is fine. */
export function settingProblem<K extends keyof ElementSettings>(name: K, value: ElementSettings[K]): string | undefined {
  return validators[name](value);
}
