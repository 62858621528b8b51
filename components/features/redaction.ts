// The redaction feature: with `redact`, the element shows the picture with every face hidden (blurred,
// pixelated or filled) instead of outlined, and never the raw picture. It fails closed:
// - until the source's first frame has faces, or while the detector is failing, loading or recovering, the whole
//   picture is hidden the same way;
// - a face that drops out keeps its mask for `redact-hold` seconds, at its last place, growing as time passes;
// - each mask is an ellipse around the head (model/redaction-mask.ts), padded by `redact-padding`.
// What it cannot promise: a face the model does not find (too small, too turned) is not hidden; the full model and
// a lower min-score find more.

import type { Face } from '../../model/face.ts';
import { grownEllipse, headEllipse, type MaskEllipse } from '../../model/redaction-mask.ts';
import type { RedactMode } from '../options.ts';
import type { Scene } from './renderer.ts';
import type { FeatureHost } from './host.ts';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** How much a held mask has grown by the end of its hold. */
const HOLD_GROWTH = 0.5;

/**
 * The styling custom properties' defaults: how many cells across a mask `blur` and `pixelate` average the picture
 * over (fewer hides more), and the colour of `fill`. Measured with the full model on the element tests' photo: at 6
 * cells it still found a blurred head (score 0.55); at 4, with the default padding, it finds none in any mode.
 */
const DEFAULT_CELLS = 4;
const DEFAULT_COLOR = '#000';
/** Cells across the whole picture when no face is trusted yet: nothing of a face in it stays recognisable. */
const WHOLE_PICTURE_CELLS = 12;

interface HeldFace {
  face: Face;
  seen: number;
}

export class Redaction {
  #host: FeatureHost;
  /** Faces by tracking id, with when they were last seen: a face gone from a frame is still hidden a while. */
  #held = new Map<number, HeldFace>();
  /** The effect's low-resolution copy of the picture (blur and pixelate draw it back up). */
  #small: OffscreenCanvas | null = null;

  constructor(host: FeatureHost) {
    this.#host = host;
  }

  /** A new source or detector: no face is known any more, so none is held. */
  forget(): void {
    this.#held.clear();
  }

  /** The frame's faces, and the held ones still within their hold. */
  track(faces: readonly Face[], now: number): void {
    for (const face of faces) if (face.id !== undefined) this.#held.set(face.id, { face, seen: now });
    const holdMs = this.#host.redactHold * 1000;
    for (const [id, held] of this.#held) if (now - held.seen > holdMs) this.#held.delete(id);
  }

  /** Draws the picture with its faces hidden; without trusted faces, the whole picture hidden. */
  paint(context: Context2D, scene: Scene, style: CSSStyleDeclaration | null, now: number): void {
    const { picture, rect, pixelRatio, mirrored, trusted } = scene;
    context.save();
    context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
    drawPicture(context, picture, rect, mirrored);
    const mode = this.#host.redact;
    const cells = Number.parseFloat(style?.getPropertyValue('--blaze-face-redact-cells') ?? '');
    const across = Number.isFinite(cells) && cells >= 1 ? cells : DEFAULT_CELLS;
    const color = style?.getPropertyValue('--blaze-face-redact-color').trim() || DEFAULT_COLOR;
    if (!trusted) {
      hide(context, mode, color, rect, WHOLE_PICTURE_CELLS, pixelRatio, this.#smallCopy);
    } else {
      for (const mask of this.#masks(scene.faces, rect.width, rect.height, now)) {
        const [x, y] = [rect.x + mask.x, rect.y + mask.y];
        const reach = Math.max(mask.radiusX, mask.radiusY);
        context.save();
        context.beginPath();
        context.ellipse(x, y, mask.radiusX, mask.radiusY, mask.rotation, 0, 2 * Math.PI);
        context.clip();
        hide(context, mode, color, { x: x - reach, y: y - reach, width: 2 * reach, height: 2 * reach }, across, pixelRatio, this.#smallCopy);
        context.restore();
      }
    }
    context.restore();
  }

  /** Each current and held face's mask, in the rect's pixels. */
  #masks(faces: readonly Face[], width: number, height: number, now: number): MaskEllipse[] {
    const host = this.#host;
    const masks = faces.map((face) => headEllipse(face, width, height, host.redactPadding));
    const current = new Set(faces.map((face) => face.id));
    const holdMs = host.redactHold * 1000;
    for (const [id, { face, seen }] of this.#held) {
      if (current.has(id) || holdMs <= 0) continue;
      const growth = 1 + HOLD_GROWTH * Math.min(1, (now - seen) / holdMs);
      masks.push(grownEllipse(headEllipse(face, width, height, host.redactPadding), growth));
    }
    return masks;
  }

  /** One reused low-resolution canvas (a field, so that passing it on allocates nothing per frame). */
  #smallCopy = (width: number, height: number): OffscreenCanvas => {
    if (!this.#small || this.#small.width !== width || this.#small.height !== height) this.#small = new OffscreenCanvas(width, height);
    return this.#small;
  };
}

/**
 * Hides what the canvas shows in `area` (CSS px): filled, or read back at `across` cells across and drawn up again,
 * smoothed (blur) or as blocks (pixelate). Reading the canvas back takes the picture as it is shown, mirrored or not.
 */
function hide(
  context: Context2D, mode: RedactMode, color: string, area: { x: number; y: number; width: number; height: number },
  across: number, pixelRatio: number, smallCopy: (width: number, height: number) => OffscreenCanvas,
): void {
  if (mode === 'fill') {
    context.fillStyle = color;
    context.fillRect(area.x, area.y, area.width, area.height);
    return;
  }
  // A canvas with no pixels (an element out of the page) has nothing to show, so nothing to hide.
  if (context.canvas.width === 0 || context.canvas.height === 0 || !(area.width > 0 && area.height > 0)) return;
  const columns = Math.max(1, Math.round(across));
  const rows = Math.max(1, Math.round((across * area.height) / Math.max(1, area.width)));
  const small = smallCopy(columns, rows);
  const smallContext = small.getContext('2d')!;
  smallContext.clearRect(0, 0, columns, rows);
  smallContext.imageSmoothingEnabled = true;
  smallContext.imageSmoothingQuality = 'high';
  smallContext.drawImage(context.canvas, area.x * pixelRatio, area.y * pixelRatio, area.width * pixelRatio, area.height * pixelRatio, 0, 0, columns, rows);
  context.imageSmoothingEnabled = mode === 'blur';
  context.drawImage(small, area.x, area.y, area.width, area.height);
  context.imageSmoothingEnabled = true;
}

/** Draws the picture into `rect`, mirrored about its vertical axis if the view is. */
function drawPicture(context: Context2D, picture: CanvasImageSource, rect: { x: number; y: number; width: number; height: number }, mirrored: boolean): void {
  context.save();
  if (mirrored) {
    context.translate(rect.x * 2 + rect.width, 0);
    context.scale(-1, 1);
  }
  context.drawImage(picture, rect.x, rect.y, rect.width, rect.height);
  context.restore();
}
