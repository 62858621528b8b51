// Letterbox geometry (MediaPipe's PadRoi with keep_aspect_ratio for a square tensor) and its removal from
// detections (DetectionLetterboxRemovalCalculator; equal to DetectionProjectionCalculator without rotation).
// The source is centred in a square of side L = max(W, H); padding is symmetric.

import type { Detection } from './tensors-to-detections.ts';

/** Where the source sits in the square tensor. */
export interface Letterbox {
  /** Padding per side as fractions of the tensor side: left = right, top = bottom. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** Side of the square the tensor covers, in source pixels: max(width, height). */
  squareSide: number;
  /** Top-left corner of that square in source pixels: -(L - W)/2, -(L - H)/2 (0 or negative). */
  originX: number;
  originY: number;
}

export function computeLetterbox(sourceWidth: number, sourceHeight: number): Letterbox {
  const side = Math.max(sourceWidth, sourceHeight);
  const horizontal = (1 - sourceWidth / side) / 2;
  const vertical = (1 - sourceHeight / side) / 2;
  return {
    left: horizontal,
    right: horizontal,
    top: vertical,
    bottom: vertical,
    squareSide: side,
    originX: (sourceWidth - side) / 2,
    originY: (sourceHeight - side) / 2,
  };
}

/**
 * Maps detections from tensor-normalized to source-normalized coordinates. Values are not clamped: a face
 * cut by the image border keeps its full box, partly outside [0, 1].
 */
export function removeLetterbox(detections: readonly Detection[], letterbox: Letterbox): Detection[] {
  const { left, top, right, bottom } = letterbox;
  const spanX = 1 - left - right;
  const spanY = 1 - top - bottom;
  const mapX = (x: number) => (x - left) / spanX;
  const mapY = (y: number) => (y - top) / spanY;
  return detections.map((d) => ({
    xMin: mapX(d.xMin),
    yMin: mapY(d.yMin),
    xMax: mapX(d.xMax),
    yMax: mapY(d.yMax),
    keypoints: d.keypoints.map((value, i) => (i % 2 === 0 ? mapX(value) : mapY(value))),
    score: d.score,
    anchorIndex: d.anchorIndex,
  }));
}
