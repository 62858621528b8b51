// Hiding faces in a picture, wherever the picture is drawn: the element's canvas, a photo redacted by redact(), a
// stream's frames in redactStream(). The Redactor draws the picture with every face's mask (model/redaction-mask.ts)
// blurred, pixelated or filled, and fails closed:
// - a picture whose faces are not known (`trusted` false: before a source's first result, or while its detector is
//   failing or reloading) is hidden whole;
// - a tracked face that drops out keeps its mask for `hold` seconds, at its last place, growing as time passes;
// - a tracked face the model was sure of that vanishes inside the picture (not out over its edge) may have moved
//   anywhere (a jump, a quick turn): the whole picture is hidden until a new face is found or the hold ends.
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

/**
 * The score from which a face lost inside the picture counts as vanished: a face the model was sure of does not
 * drop out where it stands, but a doubtful one (down to REDACTION_MIN_SCORE) comes and goes between frames, and
 * hiding the whole picture each time would hide it most of the time. Its held mask covers it where it was.
 */
const VANISHED_MIN_SCORE = 0.5;
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
  /**
   * Further areas to hide as the faces are, as fractions of the drawn view (like a face's box): what a person
   * marked by hand where the detector found nothing (the app's gallery).
   */
  regions?: readonly Rect[];
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
  /** When each held face was first seen: a face first seen after another vanished may be that one, moved. */
  #firstSeen = new Map<number, number>();
  /** The effect's low-resolution copy of the picture (blur and pixelate draw it back up). */
  #cells = new CellAverager();

  /** `style` over the defaults, unchecked: redactionStyle() checks a caller's. */
  constructor(style: Partial<RedactionStyle> = {}) {
    this.style = { ...defaultRedactionStyle, ...style };
  }

  /** A new source or detector: no face is known any more, so none is held. */
  forget(): void {
    this.#held.clear();
    this.#firstSeen.clear();
  }

  /** A frame's faces, and the held ones still within their hold (faces without a tracking id are not held). */
  track(faces: readonly Face[], now: number): void {
    for (const face of faces) {
      if (face.id === undefined) continue;
      this.#held.set(face.id, { face, seen: now });
      if (!this.#firstSeen.has(face.id)) this.#firstSeen.set(face.id, now);
    }
    const holdMs = this.style.hold * 1000;
    for (const [id, held] of this.#held) {
      if (now - held.seen > holdMs) {
        this.#held.delete(id);
        this.#firstSeen.delete(id);
      }
    }
  }

  /** Draws the picture with its faces hidden; without trusted faces, the whole picture hidden. */
  paint(context: Context2D, scene: RedactionScene): void {
    const { picture, rect, pixelRatio, mirrored, trusted } = scene;
    context.save();
    context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
    drawPicture(context, picture, rect, mirrored);
    if (!trusted || this.#vanished(scene.faces)) {
      this.#hide(context, scene, rect, WHOLE_PICTURE_CELLS, () => context.rect(rect.x, rect.y, rect.width, rect.height));
    } else {
      for (const mask of this.masks(scene.faces, rect.width, rect.height, scene.now)) {
        const [x, y] = [rect.x + mask.x, rect.y + mask.y];
        const reach = Math.max(mask.radiusX, mask.radiusY);
        const area = { x: x - reach, y: y - reach, width: 2 * reach, height: 2 * reach };
        this.#hide(context, scene, area, this.style.cells, () => context.ellipse(x, y, mask.radiusX, mask.radiusY, mask.rotation, 0, 2 * Math.PI));
      }
      for (const region of scene.regions ?? []) {
        const area = { x: rect.x + region.x * rect.width, y: rect.y + region.y * rect.height, width: region.width * rect.width, height: region.height * rect.height };
        this.#hide(context, scene, area, this.style.cells, () => context.rect(area.x, area.y, area.width, area.height));
      }
    }
    context.restore();
  }

  /**
   * Whether a held face the model was sure of was lost inside the picture, away from its edges (so it did not walk
   * out), with no face found since that was not there before: it may be anywhere now, so nothing of the picture can
   * be trusted.
   */
  #vanished(faces: readonly Face[]): boolean {
    const current = new Set(faces.map((face) => face.id));
    for (const [id, { face, seen }] of this.#held) {
      if (current.has(id) || face.score < VANISHED_MIN_SCORE || !insidePicture(face)) continue;
      const newcomer = faces.some((other) => other.id !== undefined && (this.#firstSeen.get(other.id) ?? -Infinity) > seen);
      if (!newcomer) return true;
    }
    return false;
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
   * Covers the path `outline` traces (around `area`, in rect units) on the drawn picture: filled with the colour,
   * or clipped to it, the picture's part under `area` averaged down to `across` cells across and drawn up again,
   * smoothed (blur, by way of a small canvas) or as blocks (pixelate). The cells are averaged only from the part
   * of `area` the picture covers: cells half outside it would be half transparent and let the face show through.
   */
  #hide(context: Context2D, scene: RedactionScene, area: Rect, across: number, outline: () => void): void {
    const { mode, color } = this.style;
    const { rect, picture, pictureWidth, pictureHeight, pixelRatio, mirrored } = scene;
    const visible = intersection(area, rect);
    if (!visible) return;
    context.beginPath();
    outline();
    if (mode === 'fill') {
      context.fillStyle = color;
      context.fill();
      return;
    }
    const { x: left, y: top, width, height } = visible;
    const columns = Math.max(1, Math.round(across));
    const rows = Math.max(1, Math.round((across * height) / width));
    let cells: OffscreenCanvas;
    if (isVideoFrame(picture)) {
      // From the canvas the frame was just drawn on: every draw of a VideoFrame converts all of it, and in
      // Chromium's redaction worker averaging a 1280×720 frame's face from the frame took 35–52 ms (the stream fell
      // to 11–19 frames a second out of 30), from the canvas 0.2 ms. Its pixels there are the picture's, mirrored as
      // shown.
      const canvasArea: [number, number, number, number] = [left * pixelRatio, top * pixelRatio, width * pixelRatio, height * pixelRatio];
      cells = this.#cells.average(context.canvas, canvasArea, columns, rows, false);
    } else {
      // The area in the picture's own pixels (mirrored views show the picture flipped). From the picture, not read
      // back from the canvas: a read-back of a large canvas came back empty in Debian's Chromium.
      const [scaleX, scaleY] = [pictureWidth / rect.width, pictureHeight / rect.height];
      const sourceX = mirrored ? (rect.x + rect.width - (left + width)) * scaleX : (left - rect.x) * scaleX;
      cells = this.#cells.average(picture, [sourceX, (top - rect.y) * scaleY, width * scaleX, height * scaleY], columns, rows, mirrored);
    }
    // Blur: the cells drawn up smoothed into a small canvas, SMOOTHED_PER_CELL pixels a cell, which is then drawn
    // up as blocks, each a 32nd of a cell (6 pixels on the bench's 615×525 face), a step of a 32nd of two cells'
    // difference from the next: no edge to see. A smoothed draw costs per pixel drawn, and over the whole area it
    // was most of a blur: 4.5 ns a pixel in Firefox, 3 in WebKit, against 1.2 and 0.8 drawn as blocks (the bench's
    // face: 1.46 ms of Firefox's 2.22 ms paint).
    const drawn = mode === 'blur' ? this.#cells.smoothed(cells) : cells;
    context.save();
    context.clip();
    context.imageSmoothingEnabled = false;
    context.drawImage(drawn, left, top, width, height);
    context.restore();
  }
}

/** Pixels across a cell in the first step. */
const STEP_CELLS = 8;
/** Blur's smoothed canvas: pixels across a cell. */
const SMOOTHED_PER_CELL = 32;

/**
 * A part of a picture averaged down to a few cells, on reused canvases (none allocated per frame). In two steps:
 * bilinear down to at most STEP_CELLS pixels a cell, then a mipmapped average of those. A mipmapped draw straight
 * from the picture costs about as much as a frame (it builds the whole picture's mipmaps), and a bilinear one alone
 * would sample a few pixels of each cell, not average it.
 */
class CellAverager {
  #fine: OffscreenCanvas | null = null;
  #cells: OffscreenCanvas | null = null;
  #smoothed: OffscreenCanvas | null = null;

  /** `source` ([x, y, width, height] of `picture`) as columns x rows cells, mirrored if asked. */
  average(picture: CanvasImageSource, source: [number, number, number, number], columns: number, rows: number, mirrored: boolean): OffscreenCanvas {
    const [x, y, width, height] = source;
    const [fineWidth, fineHeight] = [Math.max(1, Math.min(Math.round(width), columns * STEP_CELLS)), Math.max(1, Math.min(Math.round(height), rows * STEP_CELLS))];
    const fine = (this.#fine = sized(this.#fine, fineWidth, fineHeight));
    const fineContext = replacingContext(fine, 'low');
    fineContext.setTransform(mirrored ? -1 : 1, 0, 0, 1, mirrored ? fineWidth : 0, 0);
    fineContext.drawImage(picture, x, y, width, height, 0, 0, fineWidth, fineHeight);
    const cells = (this.#cells = sized(this.#cells, columns, rows));
    replacingContext(cells, 'medium').drawImage(fine, 0, 0, columns, rows);
    return cells;
  }

  /** `cells` drawn up smoothed, SMOOTHED_PER_CELL pixels a cell (a size that does not change with the face's). */
  smoothed(cells: OffscreenCanvas): OffscreenCanvas {
    const [across, down] = [cells.width * SMOOTHED_PER_CELL, cells.height * SMOOTHED_PER_CELL];
    const smoothed = (this.#smoothed = sized(this.#smoothed, across, down));
    replacingContext(smoothed, 'low').drawImage(cells, 0, 0, across, down);
    return smoothed;
  }
}

/**
 * `canvas`'s context, drawing smoothed at `quality` and replacing, not drawing over: a picture with transparent
 * parts must not let the last one show through.
 */
function replacingContext(canvas: OffscreenCanvas, quality: ImageSmoothingQuality): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d')!;
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = quality;
  context.globalCompositeOperation = 'copy';
  return context;
}

/** `canvas` if it is width x height, else a new one (a canvas's size change clears it anyway). */
function sized(canvas: OffscreenCanvas | null, width: number, height: number): OffscreenCanvas {
  return canvas && canvas.width === width && canvas.height === height ? canvas : new OffscreenCanvas(width, height);
}

/** The part `a` and `b` share, or null when they do not overlap. */
function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

/** Whether `picture` is a VideoFrame (where there are any: the class is missing from older browsers). */
function isVideoFrame(picture: CanvasImageSource): picture is VideoFrame {
  return typeof VideoFrame !== 'undefined' && picture instanceof VideoFrame;
}

/** Whether a face's box lies wholly inside the picture (a face leaving it is last seen over its edge). */
function insidePicture(face: Face): boolean {
  const { xMin, yMin, xMax, yMax } = face.box;
  return xMin >= 0 && yMin >= 0 && xMax <= 1 && yMax <= 1;
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
