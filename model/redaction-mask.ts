// Where to hide a face: an ellipse around the head, not BlazeFace's box (which runs from the brows to just below
// the mouth). It is the box widened and heightened by `padding`, turned by the face's roll, and grown until every
// keypoint, the ear tragions included, lies well inside it. A face that drops out keeps its mask for a while,
// growing, since it may still be there unseen (redaction fails closed).

import type { Face } from './face.ts';

/** An ellipse in a picture's pixels, turned by `rotation` radians about its centre. */
export interface MaskEllipse {
  x: number;
  y: number;
  radiusX: number;
  radiusY: number;
  rotation: number;
}

/** A head is this much taller than wide, relative to BlazeFace's box: it adds the forehead, hair and chin. */
const HEAD_HEIGHT = 1.3;
/** How far up from the box's centre the head's centre is, in box heights (the box leaves out the forehead). */
const HEAD_RAISE = 0.08;
/** The margin every keypoint keeps from the ellipse's edge, as a fraction of its radii. */
const KEYPOINT_MARGIN = 1.2;

/** The mask of `face` in a width x height picture, padded by `padding` (a fraction of the box on each side). */
export function headEllipse(face: Face, width: number, height: number, padding: number): MaskEllipse {
  const { box, keypoints, roll } = face.toPixels(width, height);
  const [cos, sin] = [Math.cos(roll), Math.sin(roll)];
  const x = box.x + box.width / 2 + HEAD_RAISE * box.height * sin;
  const y = box.y + box.height / 2 - HEAD_RAISE * box.height * cos;
  let radiusX = (box.width / 2) * (1 + 2 * padding);
  let radiusY = (box.height / 2) * (1 + 2 * padding) * HEAD_HEIGHT;
  // In the face's own axes, the farthest keypoint decides how much the ellipse must still grow.
  let reach = 0;
  for (const point of keypoints) {
    const [dx, dy] = [point.x - x, point.y - y];
    const [u, v] = [dx * cos + dy * sin, -dx * sin + dy * cos];
    reach = Math.max(reach, Math.hypot(u / radiusX, v / radiusY) * KEYPOINT_MARGIN);
  }
  if (reach > 1) [radiusX, radiusY] = [radiusX * reach, radiusY * reach];
  return { x, y, radiusX, radiusY, rotation: roll };
}

/** `mask` grown by `factor` about its centre (a held mask grows with the time since its face was seen). */
export function grownEllipse(mask: MaskEllipse, factor: number): MaskEllipse {
  return { ...mask, radiusX: mask.radiusX * factor, radiusY: mask.radiusY * factor };
}
