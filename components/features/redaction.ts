// The redaction feature: with `redact`, the element shows the picture with every face hidden (blurred, pixelated
// or filled) instead of outlined, and never the raw picture. The hiding itself, and how it fails closed, is the
// model layer's Redactor (model/redactor.ts), shared with redact() and redactStream(); this feature feeds it the
// element's options and its CSS custom properties.

import type { Face } from '../../model/face.ts';
import { redactionOptionProblem } from '../../model/redaction-options.ts';
import { defaultRedactionStyle, hideUntilNoFaceLeft, Redactor, type RedactionMode } from '../../model/redactor.ts';
import type { Scene } from './renderer.ts';
import type { FeatureHost } from './host.ts';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export class Redaction {
  /** The check for faces left in a redacted picture (model/redactor.ts), loaded with the painter. */
  readonly hideUntilNoFaceLeft = hideUntilNoFaceLeft;
  #host: FeatureHost;
  #redactor = new Redactor();

  constructor(host: FeatureHost) {
    this.#host = host;
  }

  /** A new source or detector: no face is known any more, so none is held. */
  forget(): void {
    this.#redactor.forget();
  }

  /** The frame's faces, and the held ones still within their hold. */
  track(faces: readonly Face[], now: number): void {
    this.#redactor.style.hold = this.#host.redactHold;
    this.#redactor.track(faces, now);
  }

  /**
   * Draws the picture with its faces hidden (`mode`, or the element's; `fewerCells` fewer cells than styled, to hide
   * harder); without trusted faces, the whole picture hidden.
   */
  paint(context: Context2D, scene: Scene, style: CSSStyleDeclaration | null, now: number, mode?: RedactionMode, fewerCells = 0): void {
    this.#restyle(style, mode);
    this.#redactor.style.cells = Math.max(1, this.#redactor.style.cells - fewerCells);
    this.#redactor.paint(context, { ...scene, now });
  }

  #restyle(style: CSSStyleDeclaration | null, mode: RedactionMode | undefined): void {
    const host = this.#host;
    const cells = Number.parseFloat(style?.getPropertyValue('--blaze-face-redact-cells') ?? '');
    const target = this.#redactor.style;
    target.mode = mode ?? (host.redact === 'none' ? defaultRedactionStyle.mode : host.redact);
    target.padding = host.redactPadding;
    target.hold = host.redactHold;
    // A custom property out of its domain is ignored, as CSS ignores an invalid value.
    target.cells = redactionOptionProblem('cells', cells) === undefined ? cells : defaultRedactionStyle.cells;
    target.color = style?.getPropertyValue('--blaze-face-redact-color').trim() || defaultRedactionStyle.color;
  }
}
