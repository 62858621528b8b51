// Detections written by hand, for the tests of the steps that take them (non-max suppression, letterbox
// removal, Face).

import type { Detection } from '../../model/tensors-to-detections.ts';

/** A detection of `box` ([xMin, yMin, xMax, yMax]) and `score`; its 12 keypoint numbers 0 unless given. */
export function detection(box: [number, number, number, number], score: number, keypoints?: number[], anchorIndex = 0): Detection {
  const [xMin, yMin, xMax, yMax] = box;
  return { xMin, yMin, xMax, yMax, score, keypoints: keypoints ?? new Array<number>(12).fill(0), anchorIndex };
}
