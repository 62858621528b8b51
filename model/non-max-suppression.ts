// Weighted non-maximum suppression, the NonMaxSuppressionCalculator step of MediaPipe (WEIGHTED algorithm,
// intersection over union): the best remaining detection absorbs every detection overlapping it by more than
// the threshold, and its box and keypoints become the score-weighted average of that cluster.
//
// Arithmetic is rounded to float32 like MediaPipe's, so an overlap exactly at the threshold decides the
// same way. Sorting: by score, descending; equal scores are ordered by anchor index (then input order, the sort
// being stable), so results are deterministic. MediaPipe's std::sort leaves the order of ties unspecified, so
// this is a choice where it has none.

import type { Detection } from './tensors-to-detections.ts';

/**
 * How a merged detection is scored: 'max' keeps the cluster head's score (MediaPipe); 'mean' averages the
 * cluster's scores (the seed's PyTorch BlazeFace).
 */
export type ScoreMerge = 'max' | 'mean';

export interface NonMaxSuppressionOptions {
  /** Detections whose IoU with the cluster head is strictly greater than this join its cluster. */
  threshold: number;
  scoreMerge?: ScoreMerge;
  /** Stop after this many output detections; default unlimited. */
  maxResults?: number;
}

const f32 = Math.fround;

/** What the overlap of two detections (or face boxes) depends on. */
type Box = Pick<Detection, 'xMin' | 'yMin' | 'xMax' | 'yMax'>;

function isEmpty(d: Box): boolean {
  return d.xMin > d.xMax || d.yMin > d.yMax;
}

function area(d: Box): number {
  return f32(f32(d.xMax - d.xMin) * f32(d.yMax - d.yMin));
}

/** MediaPipe's IoU: 0 for empty or strictly separated boxes and for a non-positive union. */
export function intersectionOverUnion(a: Box, b: Box): number {
  if (isEmpty(a) || isEmpty(b)) return 0;
  if (b.xMax < a.xMin || a.xMax < b.xMin || b.yMax < a.yMin || a.yMax < b.yMin) return 0;
  const width = f32(Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin));
  const height = f32(Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin));
  const intersection = f32(width * height);
  const union = f32(f32(area(a) + area(b)) - intersection);
  return union > 0 ? f32(intersection / union) : 0;
}

/** The cluster head with its geometry replaced by the score-weighted mean of the cluster. */
function mergeCluster(head: Detection, cluster: readonly Detection[], scoreMerge: ScoreMerge): Detection {
  let total = 0;
  let xMin = 0;
  let yMin = 0;
  let xMax = 0;
  let yMax = 0;
  const keypoints = new Array<number>(head.keypoints.length).fill(0);
  for (const member of cluster) {
    const s = member.score;
    total = f32(total + s);
    xMin = f32(xMin + f32(member.xMin * s));
    yMin = f32(yMin + f32(member.yMin * s));
    xMax = f32(xMax + f32(member.xMax * s));
    yMax = f32(yMax + f32(member.yMax * s));
    for (let k = 0; k < keypoints.length; k++) keypoints[k] = f32(keypoints[k]! + f32(member.keypoints[k]! * s));
  }
  return {
    xMin: f32(xMin / total),
    yMin: f32(yMin / total),
    xMax: f32(xMax / total),
    yMax: f32(yMax / total),
    keypoints: keypoints.map((sum) => f32(sum / total)),
    score: scoreMerge === 'mean' ? f32(total / cluster.length) : head.score,
    anchorIndex: head.anchorIndex,
  };
}

/** Merges overlapping detections; the result is ordered by (head) score, descending. */
export function nonMaxSuppression(detections: readonly Detection[], options: NonMaxSuppressionOptions): Detection[] {
  const threshold = f32(options.threshold);
  const scoreMerge = options.scoreMerge ?? 'max';
  const maxResults = options.maxResults ?? Infinity;
  let remaining = [...detections].sort((a, b) => b.score - a.score || a.anchorIndex - b.anchorIndex);
  const output: Detection[] = [];
  while (remaining.length > 0 && output.length < maxResults) {
    const head = remaining[0]!;
    // The head is tested against itself too: a head that does not overlap itself (empty or NaN box) makes an
    // empty cluster and removes nothing.
    const cluster: Detection[] = [];
    const rest: Detection[] = [];
    for (const other of remaining) (intersectionOverUnion(head, other) > threshold ? cluster : rest).push(other);
    output.push(cluster.length > 0 ? mergeCluster(head, cluster, scoreMerge) : { ...head, keypoints: [...head.keypoints] });
    // MediaPipe stops entirely when nothing was removed, dropping what is left (only reachable via such a head).
    if (rest.length === remaining.length) break;
    remaining = rest;
  }
  return output;
}
