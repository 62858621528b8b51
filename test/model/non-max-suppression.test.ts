// nonMaxSuppression, MediaPipe's weighted suppression, on hand-made detections with hand-computed merges.

import { expect } from 'chai';
import { intersectionOverUnion, nonMaxSuppression } from '../../model/non-max-suppression.ts';
import type { Detection } from '../../model/tensors-to-detections.ts';
import { detection } from '../helpers/detections.ts';

const f32 = Math.fround;

describe('nonMaxSuppression', () => {
  const kp = (x: number, y: number) => new Array<number>(6).fill(0).flatMap(() => [x, y]);
  const a = detection([0, 0, 0.5, 0.5], 0.9, kp(0.1, 0.2), 10);
  const b = detection([0.1, 0.1, 0.6, 0.6], 0.6, kp(0.4, 0.5), 11); // IoU with a = 0.16 / 0.34
  const c = detection([0.8, 0.8, 0.9, 0.9], 0.7, kp(0.85, 0.85), 12);

  it('merges overlapping detections into the score-weighted average and keeps the head score (max)', () => {
    const merged = nonMaxSuppression([b, c, a], { threshold: 0.3 });
    expect(merged).to.have.length(2);
    const [head, other] = merged as [Detection, Detection];
    expect(head.score).to.equal(0.9);
    expect(head.anchorIndex).to.equal(10);
    // (0.9·0 + 0.6·0.1)/1.5 = 0.04; (0.9·0.5 + 0.6·0.6)/1.5 = 0.54
    expect(head.xMin).to.be.closeTo(0.04, 1e-6);
    expect(head.yMin).to.be.closeTo(0.04, 1e-6);
    expect(head.xMax).to.be.closeTo(0.54, 1e-6);
    expect(head.yMax).to.be.closeTo(0.54, 1e-6);
    // keypoints: (0.9·0.1 + 0.6·0.4)/1.5 = 0.22, (0.9·0.2 + 0.6·0.5)/1.5 = 0.32
    for (let k = 0; k < 6; k++) {
      expect(head.keypoints[2 * k]).to.be.closeTo(0.22, 1e-6);
      expect(head.keypoints[2 * k + 1]).to.be.closeTo(0.32, 1e-6);
    }
    // A lone detection is its own cluster (MediaPipe averages it too): unchanged up to float32 rounding.
    expect(other.score).to.equal(0.7);
    [other.xMin, other.yMin, other.xMax, other.yMax].forEach((v, i) => expect(v).to.be.closeTo([0.8, 0.8, 0.9, 0.9][i]!, 1e-7));
    expect(other.keypoints[0]).to.be.closeTo(0.85, 1e-7);
  });

  it("scores a merged cluster with the mean of its scores for scoreMerge 'mean'", () => {
    const merged = nonMaxSuppression([a, b, c], { threshold: 0.3, scoreMerge: 'mean' });
    expect(merged[0]!.score).to.equal(f32(f32(0.9 + 0.6) / 2));
    expect(merged[0]!.xMax).to.be.closeTo(0.54, 1e-6);
    expect(merged[1]!.score).to.equal(f32(0.7));
  });

  it('does not merge at an IoU exactly equal to the threshold (strict >)', () => {
    // IoU = 0.1875 / 0.625 = 0.3; every step is exact in float32, the division rounds to float32(0.3).
    const wide = detection([0, 0, 0.625, 1], 0.8);
    const narrow = detection([0, 0, 0.1875, 1], 0.7);
    expect(intersectionOverUnion(wide, narrow)).to.equal(f32(0.3));
    expect(nonMaxSuppression([wide, narrow], { threshold: 0.3 })).to.have.length(2);
    const wider = detection([0, 0, 0.203125, 1], 0.7); // IoU 0.325
    expect(nonMaxSuppression([wide, wider], { threshold: 0.3 })).to.have.length(1);
  });

  it('treats touching, separated and empty boxes as not overlapping', () => {
    const left = detection([0, 0, 0.5, 0.5], 0.9);
    expect(intersectionOverUnion(left, detection([0.5, 0, 1, 0.5], 0.9))).to.equal(0);
    expect(intersectionOverUnion(left, detection([0.6, 0, 1, 0.5], 0.9))).to.equal(0);
    expect(intersectionOverUnion(left, detection([0.3, 0.3, 0.2, 0.4], 0.9))).to.equal(0);
  });

  it('orders by score descending, equal scores in input order, and honours maxResults', () => {
    const boxes = [0.1, 0.3, 0.5, 0.7].map((x, i) => detection([x, 0, x + 0.1, 0.1], [0.6, 0.8, 0.6, 0.9][i]!, undefined, i));
    expect(nonMaxSuppression(boxes, { threshold: 0.3 }).map((d) => d.anchorIndex)).to.deep.equal([3, 1, 0, 2]);
    expect(nonMaxSuppression(boxes, { threshold: 0.3, maxResults: 2 }).map((d) => d.anchorIndex)).to.deep.equal([3, 1]);
  });

  it('stops (like MediaPipe) when the head removes nothing, i.e. when it does not even overlap itself', () => {
    const emptyHead = detection([0.5, 0.5, 0.4, 0.6], 0.95, undefined, 7);
    const merged = nonMaxSuppression([a, emptyHead, c], { threshold: 0.3 });
    expect(merged.map((d) => d.anchorIndex)).to.deep.equal([7]);
  });
});
