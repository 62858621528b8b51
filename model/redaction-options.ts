// Redaction's options, apart from the Redactor that paints with them: the element reads the defaults and checks at
// start-up, and loads the painter itself only when it redacts (the drop-in's bytes before a first result).

import { InvalidOptionError } from './errors.ts';

/** How faces are hidden: averaged into a few smooth cells, into blocks, or covered with a colour. */
export type RedactionMode = 'blur' | 'pixelate' | 'fill';
export const redactionModes: readonly RedactionMode[] = ['blur', 'pixelate', 'fill'];

export interface RedactionStyle {
  mode: RedactionMode;
  /** How far each mask reaches past the face's box, as a fraction of the box on each side. */
  padding: number;
  /** Seconds a tracked face that drops out stays hidden at its last place, its mask growing meanwhile. */
  hold: number;
  /** With blur and pixelate: how many cells across a mask the picture is averaged over (fewer hides more). */
  cells: number;
  /** With fill: the CSS colour faces are covered with. */
  color: string;
}

/**
 * The defaults, measured with the full model (the one that finds the most faces) on the seed photos, the element
 * tests' photos and the app's sample, in Chromium, Firefox and WebKit:
 * - padding: at 0.25 it still found turned heads beside their masks (scores 0.57–0.73); at 0.5 it finds none;
 * - cells: at 4 it still found a pixelated face (scores 0.60–0.76 on the seed's four faces); at 3 the highest
 *   score left is 0.43 pixelated and 0.49 blurred, with faces hidden down to REDACTION_MIN_SCORE.
 */
export const defaultRedactionStyle: Readonly<RedactionStyle> = { mode: 'blur', padding: 0.5, hold: 0.5, cells: 3, color: '#000' };

/**
 * The score down to which redact() and redactStream() hide faces, below the models' 0.5: hiding a doubtful face
 * costs little, showing one is the failure redaction exists to prevent. Measured: a half-turned head the full model
 * scores 0.11 in the app tests' crowd photo scored 0.52 once its neighbours were blurred; hiding from 0.3 leaves
 * no face at 0.5 or more on the test photos in any mode.
 */
export const REDACTION_MIN_SCORE = 0.3;

/** Why a redaction option is out of its domain, or undefined if it is not (one message for the element and the API). */
export function redactionOptionProblem(name: 'padding' | 'hold' | 'cells', value: number): string | undefined {
  switch (name) {
    case 'padding': return Number.isFinite(value) && value >= 0 ? undefined : `redact-padding must be a number of 0 or more, got ${value}`;
    case 'hold': return Number.isFinite(value) && value >= 0 ? undefined : `redact-hold must be a number of seconds, 0 or more, got ${value}`;
    case 'cells': return Number.isFinite(value) && value >= 1 ? undefined : `redaction cells must be a number of 1 or more, got ${value}`;
  }
}

/** `style` completed with the defaults and checked, or an InvalidOptionError naming the first bad option. */
export function redactionStyle(style: Partial<RedactionStyle> = {}): RedactionStyle {
  const complete = { ...defaultRedactionStyle, ...withoutUndefined(style) };
  if (!redactionModes.includes(complete.mode)) {
    throw new InvalidOptionError('mode', `mode must be one of ${redactionModes.join(', ')}, got ${String(complete.mode)}`);
  }
  for (const name of ['padding', 'hold', 'cells'] as const) {
    const problem = redactionOptionProblem(name, complete[name]);
    if (problem) throw new InvalidOptionError(name, problem);
  }
  if (typeof complete.color !== 'string') throw new InvalidOptionError('color', `color must be a CSS colour string, got ${String(complete.color)}`);
  return complete;
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
