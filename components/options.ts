// Every option of <blaze-face>, declared once: its type, attribute, default and check, and its documentation as
// the entry's doc comment. The element's reactive properties and their TypeScript types, the attribute checks and
// the documentation (custom-elements.json, through tools/cem-options-plugin.mjs, and from it docs/element.md) are
// all derived from this table; each feature (features/*.ts) reads its own options from the element. The doc
// comments are read from this file's source, so that none of their text is shipped.

import type { ComplexAttributeConverter, PropertyDeclaration, PropertyValues } from 'lit';
import { choiceProblem, unitIntervalProblem } from '../model/detection-settings.ts';
import { modelNames, type ModelName } from '../model/model-specs.ts';
import { defaultOneEuroOptions } from '../model/one-euro-filter.ts';
import { defaultDetectionTimeoutMs, defaultStartTimeoutMs, timeoutProblem } from '../model/detector.ts';
import { defaultRedactionStyle, redactionOptionProblem } from '../model/redaction-options.ts';
import type { PrecisionChoice } from '../model/graph/load-network.ts';
import { POLYFILL_ENGINES } from '../webnn/polyfill/engine-names.ts';
import type { MLPowerPreference, PolyfillEngine } from '../webnn/types.ts';
import type { FacingMode } from './camera.ts';

/** The features of the element, each a controller in features/ that owns these options. */
export type Feature = 'source' | 'detector' | 'renderer' | 'redaction' | 'tracking';

/**
 * How an option's attribute is read: `string` as it is, `number` as a number, `flag` present = true, `on` for
 * booleans whose default is on or undecided (present or any value but "false" = true, absent = the default).
 */
type AttributeKind = 'string' | 'number' | 'flag' | 'on';

export interface OptionSpec<T> {
  feature: Feature;
  /** The attribute, or false for a property set from script only. */
  attribute: string | false;
  kind?: AttributeKind;
  default: T;
  /** Whether a property set from script shows as its attribute (never the default, which is not written). */
  reflect?: boolean;
  /** The allowed values, when they are a list: checked, and listed in the documentation. */
  values?: readonly T[];
  /** The problem with a value, as a page author will read it; undefined when it is fine. */
  check?: (value: T) => string | undefined;
}

const option = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;

/** A model by name, or 'auto': short for a user-facing camera, full for everything else. */
export type ModelChoice = 'auto' | ModelName;

/** Box outlines: the whole `box`, or only its `corners` (lighter over a busy picture). */
export type BoxStyle = 'box' | 'corners';

/** How faces are hidden: not at all, blurred, pixelated, or filled with a colour. */
export type RedactMode = 'none' | 'blur' | 'pixelate' | 'fill';

const positiveHz = (name: string) => (value: number) =>
  Number.isFinite(value) && value > 0 ? undefined : `${name} must be a positive number (Hz), got ${value}`;

export const elementOptions = {
  // source
  /** An image or video URL to analyse instead of the camera. */
  src: option<string | undefined>({ feature: 'source', attribute: 'src', default: undefined, reflect: true }),
  /** Any MediaStream to analyse instead of the camera (screen share, canvas capture, WebRTC). */
  srcObject: option<MediaStream | null>({ feature: 'source', attribute: false, default: null }),
  /** The camera to open when there is no `src` or `srcObject`: `user` (facing the person) or `environment`. */
  facingMode: option<FacingMode>({
    feature: 'source', attribute: 'facing-mode', default: 'user', reflect: true, values: ['user', 'environment'],
  }),
  /** Stop processing frames, keeping the source (no frame is read from it meanwhile); cleared, detection resumes. */
  paused: option<boolean>({ feature: 'source', attribute: 'paused', kind: 'flag', default: false, reflect: true }),
  // detector
  /**
   * Which network runs: `auto` picks short for a user-facing camera and full for everything else (an environment
   * camera, `src`, `srcObject`, `detect()`), see `activeModel`; or short, full, front or back.
   */
  model: option<ModelChoice>({
    feature: 'detector', attribute: 'model', default: 'auto', reflect: true, values: ['auto', ...modelNames],
  }),
  /** A self-hosted model file to load instead of the built-in one (of the kind `model` names; short under auto). */
  modelUrl: option<string | undefined>({
    feature: 'detector', attribute: 'model-url', default: undefined, reflect: true,
  }),
  /**
   * Faces scoring below this are dropped (0..1); unset, the model's own (0.5 for short and full, 0.75 front, 0.65
   * back), or 0.3 while redacting, so that a doubtful face is hidden too.
   */
  minScore: option<number | undefined>({
    feature: 'detector', attribute: 'min-score', kind: 'number', default: undefined, reflect: true,
    check: (value) => (value === undefined ? undefined : unitIntervalProblem('min-score', value)),
  }),
  /** Overlap (intersection over union, 0..1) above which two detections are one face; unset, 0.3. */
  suppressionThreshold: option<number | undefined>({
    feature: 'detector', attribute: 'suppression-threshold', kind: 'number', default: undefined, reflect: true,
    check: (value) => (value === undefined ? undefined : unitIntervalProblem('suppression-threshold', value)),
  }),
  /** Keep at most this many faces, best first; unset, all. */
  maxFaces: option<number | undefined>({
    feature: 'detector', attribute: 'max-faces', kind: 'number', default: undefined, reflect: true,
    check: (value) => value === undefined || (Number.isInteger(value) && value >= 1) ? undefined : `max-faces must be a positive integer, got ${value}`,
  }),
  /** Seconds a detector's start (model download included) may take before the element fails with a `model-load` timeout. */
  startTimeout: option<number>({
    feature: 'detector', attribute: 'start-timeout', kind: 'number', default: defaultStartTimeoutMs / 1000, reflect: true,
    check: (value) => timeoutProblem('start-timeout', value, 'seconds'),
  }),
  /**
   * Seconds a frame's detection may take before the detector is taken for stuck and rebuilt (a `recovered` event);
   * a playing video's frames may stop reaching the detector for twice as long.
   */
  detectionTimeout: option<number>({
    feature: 'detector', attribute: 'detection-timeout', kind: 'number', default: defaultDetectionTimeoutMs / 1000, reflect: true,
    check: (value) => timeoutProblem('detection-timeout', value, 'seconds'),
  }),
  /**
   * `auto`: native WebNN where the browser has it, else the polyfill engine that `power-preference` and
   * `accelerated` choose; `webgpu`, `webgl`, `wasm` (ours), `tfjs-wasm` or `cpu` forces that polyfill engine.
   */
  engine: option<'auto' | PolyfillEngine>({
    feature: 'detector', attribute: 'engine', default: 'auto', reflect: true, values: ['auto', ...POLYFILL_ENGINES],
  }),
  /** WebNN context option: `default`, `high-performance` (GPU) or `low-power`. */
  powerPreference: option<MLPowerPreference>({
    feature: 'detector', attribute: 'power-preference', default: 'default', reflect: true, values: ['default', 'high-performance', 'low-power'],
  }),
  /** WebNN context option; `accelerated="false"` asks for the CPU. */
  accelerated: option<boolean>({ feature: 'detector', attribute: 'accelerated', kind: 'on', default: true }),
  /**
   * `auto`: float16 where native WebNN lacks float32 for the network's ops (typical of NPUs), float32 elsewhere;
   * `float32` or `float16` forces it (the polyfill computes float32 only, so `float16` fails there).
   */
  precision: option<PrecisionChoice>({
    feature: 'detector', attribute: 'precision', default: 'auto', reflect: true, values: ['auto', 'float32', 'float16'],
  }),
  // renderer
  /** Mirror the view and the faces; unset, mirrored for the user-facing camera only. */
  mirrored: option<boolean | undefined>({
    feature: 'renderer', attribute: 'mirrored', kind: 'on', default: undefined, reflect: true,
  }),
  /** Draw the keypoints; `keypoints="false"` hides them. */
  keypoints: option<boolean>({ feature: 'renderer', attribute: 'keypoints', kind: 'on', default: true }),
  /** How each face is outlined: the whole `box`, or only its `corners`. */
  boxStyle: option<BoxStyle>({
    feature: 'renderer', attribute: 'box-style', default: 'box', reflect: true, values: ['box', 'corners'],
  }),
  /** Draw each box turned by its face's roll (the eye line), as a face-mesh crop would be. */
  rotateBoxes: option<boolean>({
    feature: 'renderer', attribute: 'rotate-boxes', kind: 'flag', default: false, reflect: true,
  }),
  // redaction
  /**
   * Hide the faces: `blur`, `pixelate` or `fill` (`--blaze-face-redact-cells`, `--blaze-face-redact-color`). The
   * element then shows only the redacted picture, each frame with its own faces, and fails closed: the whole
   * picture is hidden until the source's first result and while the detector fails or recovers.
   */
  redact: option<RedactMode>({ feature: 'redaction', attribute: 'redact', default: 'none', reflect: true, values: ['none', 'blur', 'pixelate', 'fill'] }),
  /**
   * Redaction: how far each mask reaches past the face's box, as a fraction of the box on each side (the default
   * is measured: model/redaction-options.ts).
   */
  redactPadding: option<number>({
    feature: 'redaction', attribute: 'redact-padding', kind: 'number', default: defaultRedactionStyle.padding, reflect: true,
    check: (value) => redactionOptionProblem('padding', value),
  }),
  /** Redaction: seconds a face that drops out stays hidden at its last place, its mask growing meanwhile. */
  redactHold: option<number>({
    feature: 'redaction', attribute: 'redact-hold', kind: 'number', default: defaultRedactionStyle.hold, reflect: true,
    check: (value) => redactionOptionProblem('hold', value),
  }),
  /** Redaction: draw the boxes and keypoints over the redacted picture too (off, the faces are only hidden). */
  redactOutlines: option<boolean>({ feature: 'redaction', attribute: 'redact-outlines', kind: 'flag', default: false, reflect: true }),
  // tracking
  /** Smooth each tracked face's box and keypoints over time (One Euro filter); off, the raw detections. */
  smoothing: option<boolean>({
    feature: 'tracking', attribute: 'smoothing', kind: 'flag', default: false, reflect: true,
  }),
  /** Smoothing: the filter's cutoff frequency (Hz) at rest; lower removes more jitter and lags more. */
  smoothingMinCutoff: option<number>({
    feature: 'tracking', attribute: 'smoothing-min-cutoff', kind: 'number', default: defaultOneEuroOptions.minCutoff, reflect: true,
    check: positiveHz('smoothing-min-cutoff'),
  }),
  /** Smoothing: how much the cutoff rises with speed (per face size per second); higher lags less on moving faces. */
  smoothingBeta: option<number>({
    feature: 'tracking', attribute: 'smoothing-beta', kind: 'number', default: defaultOneEuroOptions.beta, reflect: true,
    check: (value) => (Number.isFinite(value) && value >= 0 ? undefined : `smoothing-beta must be a number of 0 or more, got ${value}`),
  }),
  /** Smoothing: the cutoff frequency (Hz) of the speed estimate. */
  smoothingDerivativeCutoff: option<number>({
    feature: 'tracking', attribute: 'smoothing-derivative-cutoff', kind: 'number', default: defaultOneEuroOptions.derivativeCutoff, reflect: true,
    check: positiveHz('smoothing-derivative-cutoff'),
  }),
};

type Options = typeof elementOptions;
export type OptionName = keyof Options;

/** The element's options as properties, typed from the table. */
export type ElementOptions = { -readonly [K in OptionName]: Options[K] extends OptionSpec<infer T> ? T : never };

/** Booleans whose default is on or undecided: present means true, "false" false, absent the default. */
function onConverter(fallback: boolean | undefined): ComplexAttributeConverter<boolean | undefined> {
  return {
    fromAttribute: (value: string | null) => (value === null ? fallback : value !== 'false'),
    toAttribute: (value: boolean | undefined) => (value === undefined ? null : value ? '' : 'false'),
  };
}

/** Lit's declarations of the options, defaults kept off the attributes (useDefault). */
export function optionProperties(): Record<OptionName, PropertyDeclaration> {
  const entries = Object.entries(elementOptions as Record<OptionName, OptionSpec<unknown>>).map(([name, spec]) => {
    const declaration: PropertyDeclaration = {
      attribute: spec.attribute,
      reflect: spec.reflect ?? false,
      useDefault: true,
      ...(spec.kind === 'number' ? { type: Number } : spec.kind === 'flag' ? { type: Boolean } : {}),
      ...(spec.kind === 'on' ? { converter: onConverter(spec.default as boolean | undefined) } : {}),
    };
    return [name, declaration];
  });
  return Object.fromEntries(entries) as Record<OptionName, PropertyDeclaration>;
}

/** Sets every option to its default (in the constructor, where useDefault records it as the default). */
export function applyDefaults(element: ElementOptions): void {
  for (const [name, spec] of Object.entries(elementOptions) as [OptionName, OptionSpec<never>][]) element[name] = spec.default;
}

/** The problem with an option's value, or undefined when it is fine. */
export function optionProblem<K extends OptionName>(name: K, value: ElementOptions[K]): string | undefined {
  const spec = elementOptions[name] as OptionSpec<ElementOptions[K]>;
  if (spec.values && !spec.values.includes(value)) return choiceProblem(spec.attribute || name, String(value), spec.values.map(String));
  return spec.check?.(value);
}

/** The options a feature owns, for its hostUpdated. */
export function optionsOf(feature: Feature): OptionName[] {
  return (Object.keys(elementOptions) as OptionName[]).filter((name) => elementOptions[name].feature === feature);
}

/**
 * Puts back each changed option whose new value is bad, to its last good value (or its default), and reports the
 * problem: a page's typo never leaves the element in a state it cannot run in.
 */
export function restoreInvalidOptions(element: ElementOptions, changed: PropertyValues, report: (problem: string) => void): void {
  for (const name of Object.keys(elementOptions) as OptionName[]) {
    if (!changed.has(name)) continue;
    // Lit gives null for a removed attribute whose default is undefined: the table's "unset" is undefined.
    if (element[name] === null && elementOptions[name].default === undefined) element[name] = undefined as never;
    const problem = optionProblem(name, element[name] ?? undefined);
    if (!problem) continue;
    element[name] = (changed.get(name) ?? elementOptions[name].default) as never;
    report(problem);
  }
}
