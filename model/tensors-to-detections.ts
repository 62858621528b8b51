// Decoding of the detector's raw outputs, the TensorsToDetectionsCalculator step of MediaPipe: score =
// sigmoid(clipped logit), threshold, then box and keypoints relative to the anchor. Coordinates stay
// normalized to the square input tensor; the letterbox is removed later.
//
// Runs every video frame over 896-2304 anchors, so the loop computes only the score of each anchor and
// decodes (and allocates) only the survivors. Arithmetic is rounded to float32 step by step because MediaPipe
// computes in float; that keeps the threshold decision identical for scores at the boundary.

import type { Anchors } from './anchors.ts';

/** One detection: box corners and keypoints, all normalized (to the tensor or, later, to the source). */
export interface Detection {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  /** Keypoints as x0, y0, x1, y1, ... in the model's keypoint order. */
  keypoints: number[];
  score: number;
  /** Row of the raw tensors this detection was decoded from (after NMS: the cluster head's). */
  anchorIndex: number;
}

/** Subset of MediaPipe's TensorsToDetectionsCalculatorOptions that single-class detectors use. */
export interface TensorsToDetectionsOptions {
  /** Values per anchor in the regressor tensor (16 for BlazeFace: 4 box + 6×2 keypoints). */
  numCoords: number;
  boxCoordOffset: number;
  keypointCoordOffset: number;
  numKeypoints: number;
  numValuesPerKeypoint: number;
  /** Divisors of the raw offsets; for BlazeFace the input size in pixels. */
  xScale: number;
  yScale: number;
  wScale: number;
  hScale: number;
  /** true: box as (x, y, w, h) and keypoints as (x, y); false: (y, x, h, w) and (y, x). */
  reverseOutputOrder: boolean;
  applyExponentialOnBoxSize: boolean;
  flipVertically: boolean;
  sigmoidScore: boolean;
  /** Logits are clamped to ±this before the sigmoid; 0 or less disables clamping. */
  scoreClippingThresh: number;
  /** Detections with score < minScore are dropped (a score equal to it is kept). */
  minScore: number;
}

const f32 = Math.fround;

function scoreOf(logit: number, options: TensorsToDetectionsOptions): number {
  let value = logit;
  const clip = options.scoreClippingThresh;
  if (clip > 0) value = value < -clip ? -clip : value > clip ? clip : value;
  return options.sigmoidScore ? f32(1 / f32(1 + f32(Math.exp(-value)))) : value;
}

function decode(
  regressors: Float32Array,
  anchors: Anchors,
  index: number,
  score: number,
  options: TensorsToDetectionsOptions,
): Detection | undefined {
  const base = index * options.numCoords;
  const box = base + options.boxCoordOffset;
  const reverse = options.reverseOutputOrder;
  const ax = anchors.xCenter[index]!;
  const ay = anchors.yCenter[index]!;
  const aw = anchors.width[index]!;
  const ah = anchors.height[index]!;
  const rawX = regressors[reverse ? box : box + 1]!;
  const rawY = regressors[reverse ? box + 1 : box]!;
  const rawW = regressors[reverse ? box + 2 : box + 3]!;
  const rawH = regressors[reverse ? box + 3 : box + 2]!;

  const xCenter = f32(f32(f32(rawX / options.xScale) * aw) + ax);
  const yCenter = f32(f32(f32(rawY / options.yScale) * ah) + ay);
  const w = options.applyExponentialOnBoxSize
    ? f32(f32(Math.exp(rawW / options.wScale)) * aw)
    : f32(f32(rawW / options.wScale) * aw);
  const h = options.applyExponentialOnBoxSize
    ? f32(f32(Math.exp(rawH / options.hScale)) * ah)
    : f32(f32(rawH / options.hScale) * ah);

  let yMin = f32(yCenter - h / 2);
  let yMax = f32(yCenter + h / 2);
  const xMin = f32(xCenter - w / 2);
  const xMax = f32(xCenter + w / 2);
  if (options.flipVertically) [yMin, yMax] = [f32(1 - yMax), f32(1 - yMin)];

  // MediaPipe drops boxes the model predicted with negative (or NaN) size rather than repairing them.
  const width = f32(xMax - xMin);
  const height = f32(yMax - yMin);
  if (!(width >= 0) || !(height >= 0)) return undefined;

  const keypoints = new Array<number>(options.numKeypoints * 2);
  for (let k = 0; k < options.numKeypoints; k++) {
    const at = base + options.keypointCoordOffset + k * options.numValuesPerKeypoint;
    const rawKx = regressors[reverse ? at : at + 1]!;
    const rawKy = regressors[reverse ? at + 1 : at]!;
    const kx = f32(f32(f32(rawKx / options.xScale) * aw) + ax);
    const ky = f32(f32(f32(rawKy / options.yScale) * ah) + ay);
    keypoints[2 * k] = kx;
    keypoints[2 * k + 1] = options.flipVertically ? f32(1 - ky) : ky;
  }
  return { xMin, yMin, xMax, yMax, keypoints, score, anchorIndex: index };
}

/**
 * Turns the raw regressor tensor ([N, numCoords] flattened) and logit tensor ([N] or [N,1]: one class, as all
 * BlazeFace models have) into detections above the score threshold, in anchor order, normalized to the input
 * tensor. A NaN score is dropped; MediaPipe's `score < threshold` test would let it through.
 */
export function tensorsToDetections(
  regressors: Float32Array,
  scores: Float32Array,
  anchors: Anchors,
  options: TensorsToDetectionsOptions,
): Detection[] {
  const count = anchors.count;
  if (scores.length < count || regressors.length < count * options.numCoords) {
    throw new RangeError(
      `tensorsToDetections: ${count} anchors need ${count} scores and ${count * options.numCoords} regressor values, got ${scores.length} and ${regressors.length}`,
    );
  }
  // The proto field is a float: compare against the float32 threshold, as MediaPipe does.
  const minScore = f32(options.minScore);
  const detections: Detection[] = [];
  for (let i = 0; i < count; i++) {
    const score = scoreOf(scores[i]!, options);
    if (score < minScore || Number.isNaN(score)) continue;
    const detection = decode(regressors, anchors, i, score, options);
    if (detection) detections.push(detection);
  }
  return detections;
}
