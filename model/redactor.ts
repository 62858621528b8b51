// Hiding faces in a picture, wherever the picture is drawn: the element's canvas, a photo redacted by redact(), a
// stream's frames in redactStream(). The Redactor draws the picture with every face's mask (model/redaction-mask.ts)
// blurred, pixelated or filled, and fails closed:
// - a picture whose faces are not known (`trusted` false: before a source's first result, or while its detector is
//   failing or reloading) is hidden whole;
// - a tracked face that drops out keeps its mask for `hold` seconds, at its last place, growing as time passes.
// What it cannot promise: a face the model does not find (too small, too turned) is not hidden; the full model and
// a lower min-score find more.

import type { Face } from './face.ts';
import { grownEllipse, headEllipse, type MaskEllipse } from './redaction-mask.ts';
import { defaultRedactionStyle, type RedactionStyle } from './redaction-options.ts';

export { REDACTION_MIN_SCORE, defaultRedactionStyle, redactionModes, redactionStyle, type RedactionMode, type RedactionStyle } from './redaction-options.ts';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** How many times a redacted picture is checked for faces left. */
const CHECK_ROUNDS = 3;
/**
 * The score from which a face found in a redacted picture is one left: the models' own threshold. Lower, the
 * check takes the hidden heads' smooth ovals for faces and hides more and more of the picture around them.
 */
const FACE_LEFT_MIN_SCORE = 0.5;

/**
 * Paints a picture with `faces` hidden, then looks for faces in the result, and paints again with those hidden
 * too, `round` (1, 2, 3) telling the painter to hide harder (fewer cells), until none is left or the rounds run
 * out. Why: a face the model barely saw in the picture can stand out once its neighbours are hidden, and a hidden
 * face can still read as one. For pictures that leave the device (photos), where a second look costs little.
 */
export async function hideUntilNoFaceLeft(
  faces: Face[], facesLeft: () => Promise<readonly Face[]>, paint: (faces: readonly Face[], round: number) => void,
): Promise<void> {
  for (let round = 0; ; round++) {
    paint(faces, round);
    if (round === CHECK_ROUNDS) return;
    const left = (await facesLeft()).filter((face) => face.score >= FACE_LEFT_MIN_SCORE);
    if (left.length === 0) return;
    faces = [...faces, ...left];
  }
}

/** How much a held mask has grown by the end of its hold. */
const HOLD_GROWTH = 0.5;
/** Cells across the whole picture when no face is trusted: nothing of a face in it stays recognisable. */
const WHOLE_PICTURE_CELLS = 12;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One picture to draw redacted. */
export interface RedactionScene {
  picture: CanvasImageSource;
  /** The picture's own size in pixels (what `rect` shows of it is all of it). */
  pictureWidth: number;
  pictureHeight: number;
  /** Where the picture lands on the context, in its units (CSS pixels on the element's canvas). */
  rect: Rect;
  /** Context pixels per unit of `rect`. */
  pixelRatio: number;
  /** Whether the picture is drawn mirrored (the faces are already in the mirrored view's coordinates). */
  mirrored: boolean;
  /** Whether `faces` are this picture's: when not, the whole picture is hidden. */
  trusted: boolean;
  faces: readonly Face[];
  /** The time of the picture (ms), for held faces. */
  now: number;
}

interface HeldFace {
  face: Face;
  seen: number;
}

export class Redactor {
  style: RedactionStyle;
  /** Faces by tracking id, with when they were last seen: a face gone from a frame is still hidden a while. */
  #held = new Map<number, HeldFace>();
  /** The effect's low-resolution copy of the picture (blur and pixelate draw it back up). */
  #small: OffscreenCanvas | null = null;

  /** `style` over the defaults, unchecked: redactionStyle() checks a caller's. */
  constructor(style: Partial<RedactionStyle> = {}) {
    this.style = { ...defaultRedactionStyle, ...style };
  }

  /** A new source or detector: no face is known any more, so none is held. */
  forget(): void {
    this.#held.clear();
  }

  /** A frame's faces, and the held ones still within their hold (faces without a tracking id are not held). */
  track(faces: readonly Face[], now: number): void {
    for (const face of faces) if (face.id !== undefined) this.#held.set(face.id, { face, seen: now });
    const holdMs = this.style.hold * 1000;
    for (const [id, held] of this.#held) if (now - held.seen > holdMs) this.#held.delete(id);
  }

  /** Draws the picture with its faces hidden; without trusted faces, the whole picture hidden. */
  paint(context: Context2D, scene: RedactionScene): void {
    const { picture, rect, pixelRatio, mirrored, trusted } = scene;
    context.save();
    context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
    drawPicture(context, picture, rect, mirrored);
    if (!trusted) {
      this.#hide(context, scene, rect, WHOLE_PICTURE_CELLS);
    } else {
      for (const mask of this.masks(scene.faces, rect.width, rect.height, scene.now)) {
        const [x, y] = [rect.x + mask.x, rect.y + mask.y];
        const reach = Math.max(mask.radiusX, mask.radiusY);
        context.save();
        context.beginPath();
        context.ellipse(x, y, mask.radiusX, mask.radiusY, mask.rotation, 0, 2 * Math.PI);
        context.clip();
        this.#hide(context, scene, { x: x - reach, y: y - reach, width: 2 * reach, height: 2 * reach }, this.style.cells);
        context.restore();
      }
    }
    context.restore();
  }

  /** Each current and held face's mask in a width x height picture. */
  masks(faces: readonly Face[], width: number, height: number, now: number): MaskEllipse[] {
    const { padding, hold } = this.style;
    const masks = faces.map((face) => headEllipse(face, width, height, padding));
    const current = new Set(faces.map((face) => face.id));
    const holdMs = hold * 1000;
    for (const [id, { face, seen }] of this.#held) {
      if (current.has(id) || holdMs <= 0) continue;
      const growth = 1 + HOLD_GROWTH * Math.min(1, (now - seen) / holdMs);
      masks.push(grownEllipse(headEllipse(face, width, height, padding), growth));
    }
    return masks;
  }


  /**
   * Hides `area` (in rect units) of the drawn picture: filled, or averaged down to `across` cells across and drawn
   * up again, smoothed (blur) or as blocks (pixelate). The cells are taken from the picture itself, not read back
   * from the canvas (a read-back of a large canvas came back empty in Debian's Chromium), and only from the part
   * of `area` the picture covers: cells half outside it would be half transparent and let the face show through.
   */
  #hide(context: Context2D, scene: RedactionScene, area: Rect, across: number): void {
    const { mode, color } = this.style;
    const { rect, picture, pictureWidth, pictureHeight, mirrored } = scene;
    const left = Math.max(area.x, rect.x);
    const top = Math.max(area.y, rect.y);
    const width = Math.min(area.x + area.width, rect.x + rect.width) - left;
    const height = Math.min(area.y + area.height, rect.y + rect.height) - top;
    if (!(width > 0 && height > 0)) return;
    if (mode === 'fill') {
      context.fillStyle = color;
      context.fillRect(left, top, width, height);
      return;
    }
    const columns = Math.max(1, Math.round(across));
    const rows = Math.max(1, Math.round((across * height) / width));
    const small = this.#smallCopy(columns, rows);
    const smallContext = small.getContext('2d')!;
    smallContext.clearRect(0, 0, columns, rows);
    smallContext.imageSmoothingEnabled = true;
    smallContext.imageSmoothingQuality = 'high';
    // The area in the picture's own pixels (mirrored views show the picture flipped).
    const [scaleX, scaleY] = [pictureWidth / rect.width, pictureHeight / rect.height];
    const sourceX = mirrored ? (rect.x + rect.width - (left + width)) * scaleX : (left - rect.x) * scaleX;
    smallContext.save();
    if (mirrored) smallContext.setTransform(-1, 0, 0, 1, columns, 0);
    smallContext.drawImage(picture, sourceX, (top - rect.y) * scaleY, width * scaleX, height * scaleY, 0, 0, columns, rows);
    smallContext.restore();
    context.imageSmoothingEnabled = mode === 'blur';
    context.drawImage(small, left, top, width, height);
    context.imageSmoothingEnabled = true;
  }

  /** One reused low-resolution canvas (passing none per call allocates nothing per frame). */
  #smallCopy(width: number, height: number): OffscreenCanvas {
    if (!this.#small || this.#small.width !== width || this.#small.height !== height) this.#small = new OffscreenCanvas(width, height);
    return this.#small;
  }
}

/** Draws the picture into `rect`, mirrored about its vertical axis if the view is. */
function drawPicture(context: Context2D, picture: CanvasImageSource, rect: Rect, mirrored: boolean): void {
  context.save();
  if (mirrored) {
    context.translate(rect.x * 2 + rect.width, 0);
    context.scale(-1, 1);
  }
  context.drawImage(picture, rect.x, rect.y, rect.width, rect.height);
  context.restore();
}
