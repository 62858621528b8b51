// The public Face result: a box, six named keypoints and a score, all normalized to the source image
// (x / width, y / height; not clamped, so a face cut by the border can reach outside [0, 1]).

import type { Detection } from './tensors-to-detections.ts';

/** Keypoint names in model order; left/right are the subject's own (their right eye appears on the image's left). */
export const keypointNames = ['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar'] as const;
export type KeypointName = (typeof keypointNames)[number];

export interface Keypoint {
  readonly name: KeypointName;
  readonly x: number;
  readonly y: number;
}

export interface FaceBox {
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
  readonly width: number;
  readonly height: number;
}

/** A face in the pixels of a picture of some size (Face.toPixels): x, y from its top-left corner. */
export interface PixelFace {
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly keypoints: readonly Keypoint[];
  /** The roll (see Face.roll) in these pixels, which differs from the face's if the picture is stretched. */
  readonly roll: number;
}

export interface Face {
  readonly box: FaceBox;
  /** Always six, in the order of keypointNames. */
  readonly keypoints: readonly Keypoint[];
  readonly score: number;
  /**
   * The in-plane rotation of the face in radians, in the source's pixels: the angle of the line from the
   * 'rightEye' keypoint to the 'leftEye' one against the horizontal, positive clockwise on screen (y grows
   * downwards), 0 for an upright face, in (-π, π]. It is what MediaPipe rotates its face-mesh crop by. It comes
   * from two keypoints, so it is as exact as they are: on faces turned by 20° it was within 9° of the truth
   * on 22 px faces, and mostly within 2° (5.5° at worst) on close-ups.
   */
  readonly roll: number;
  /**
   * Which face this is across the frames of a video: the same number while the face stays in view, a new one
   * for a face that comes (back) into view. Set by a FaceTracker (the element tracks every source); a single
   * FaceDetector result has none.
   */
  readonly id?: number;
  /**
   * The seed's 17 numbers: yMin, xMin, yMax, xMax, then x, y of each keypoint in keypointNames order, then
   * the score.
   */
  toArray(): number[];
  /** The face in the pixels of a picture `width` × `height` showing the whole source (e.g. a canvas of any size). */
  toPixels(width: number, height: number): PixelFace;
}

function toArray(this: Face): number[] {
  const { box, keypoints, score } = this;
  return [box.yMin, box.xMin, box.yMax, box.xMax, ...keypoints.flatMap((p) => [p.x, p.y]), score];
}

/** The roll of eye keypoints in normalized coordinates, in a picture whose width is `aspect` times its height. */
function eyeRoll(keypoints: readonly Keypoint[], aspect: number): number {
  const [rightEye, leftEye] = keypoints;
  return Math.atan2(leftEye!.y - rightEye!.y, (leftEye!.x - rightEye!.x) * aspect);
}

function toPixels(this: Face, width: number, height: number): PixelFace {
  if (!(width > 0 && height > 0)) throw new RangeError(`toPixels: width and height must be positive, got ${width} × ${height}`);
  const { xMin, yMin, width: boxWidth, height: boxHeight } = this.box;
  return {
    box: { x: xMin * width, y: yMin * height, width: boxWidth * width, height: boxHeight * height },
    keypoints: this.keypoints.map(({ name, x, y }) => ({ name, x: x * width, y: y * height })),
    roll: eyeRoll(this.keypoints, width / height),
  };
}

function makeFace(
  xMin: number,
  yMin: number,
  xMax: number,
  yMax: number,
  points: Keypoint[],
  score: number,
  roll: number,
  id?: number,
): Face {
  const box: FaceBox = { xMin, yMin, xMax, yMax, width: xMax - xMin, height: yMax - yMin };
  return { box, keypoints: points, score, roll, ...(id === undefined ? {} : { id }), toArray, toPixels };
}

/**
 * Builds a Face from a detection already mapped to source-normalized coordinates, in a source `aspect` (its
 * width over its height) wide.
 */
export function createFace(detection: Detection, aspect: number): Face {
  const points = keypointNames.map((name, k) => ({
    name,
    x: detection.keypoints[2 * k]!,
    y: detection.keypoints[2 * k + 1]!,
  }));
  return makeFace(detection.xMin, detection.yMin, detection.xMax, detection.yMax, points, detection.score, eyeRoll(points, aspect));
}

/** A Face without its methods: what crosses a worker boundary (structured clone drops functions). */
export interface FaceData {
  box: Pick<FaceBox, 'xMin' | 'yMin' | 'xMax' | 'yMax'>;
  keypoints: readonly Keypoint[];
  score: number;
  roll: number;
  id?: number;
}

/** Rebuilds a Face from its data, e.g. after a worker posted it. */
export function restoreFace({ box, keypoints, score, roll, id }: FaceData): Face {
  return makeFace(box.xMin, box.yMin, box.xMax, box.yMax, [...keypoints], score, roll, id);
}

/** The place of a face as plain numbers: xMin, yMin, xMax, yMax, then x, y of each keypoint in keypointNames order. */
export function faceGeometry(face: Face): number[] {
  const { xMin, yMin, xMax, yMax } = face.box;
  return [xMin, yMin, xMax, yMax, ...face.keypoints.flatMap((p) => [p.x, p.y])];
}

/**
 * `face` with the tracking id `id`; with `moved`, also at another place (faceGeometry's layout, e.g. smoothed) in
 * a source `aspect` (width over height) wide, its roll following its eyes.
 */
export function trackedFace(face: Face, id: number, moved?: { geometry: readonly number[]; aspect: number }): Face {
  const { box, keypoints, score } = face;
  if (!moved) return makeFace(box.xMin, box.yMin, box.xMax, box.yMax, [...keypoints], score, face.roll, id);
  const { geometry, aspect } = moved;
  const points = keypoints.map(({ name }, k) => ({ name, x: geometry[4 + 2 * k]!, y: geometry[5 + 2 * k]! }));
  return makeFace(geometry[0]!, geometry[1]!, geometry[2]!, geometry[3]!, points, score, eyeRoll(points, aspect), id);
}

const mirroredName: Record<KeypointName, KeypointName> = {
  rightEye: 'leftEye',
  leftEye: 'rightEye',
  noseTip: 'noseTip',
  mouth: 'mouth',
  rightEar: 'leftEar',
  leftEar: 'rightEar',
};

/**
 * The face as it appears in a horizontally mirrored view (a selfie preview): x becomes 1 - x.
 *
 * Left and right are swapped with it, so the mirrored face obeys the same rule as any unmirrored photo:
 * 'rightEye' is the eye on the viewer's left (a mirrored picture looks exactly like a photo of a person whose
 * face is the mirror image). Code that relies on that rule, such as a roll angle from keypoint 0 to 1 or an
 * overlay labelling sides, works unchanged on mirrored faces. The array stays in keypointNames order, so
 * index 0 is still named 'rightEye' and toArray() keeps the seed's layout; its point is the mirrored former
 * left eye. (Anatomically it is the subject's left eye: the names describe the picture, not the person.)
 */
export function mirrorFace(face: Face): Face {
  const byName = new Map(face.keypoints.map((p) => [p.name, p]));
  const points = keypointNames.map((name) => {
    const source = byName.get(mirroredName[name])!;
    return { name, x: 1 - source.x, y: source.y };
  });
  const { xMin, xMax, yMin, yMax } = face.box;
  // The eye line mirrored, from the new 'rightEye' to the new 'leftEye': (dx, dy) becomes (dx, -dy).
  return makeFace(1 - xMax, yMin, 1 - xMin, yMax, points, face.score, -face.roll, face.id);
}
