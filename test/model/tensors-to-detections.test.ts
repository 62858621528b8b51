// tensorsToDetections, the decoding of the network's raw outputs, on hand-made tensors with hand-computed boxes,
// keypoints and scores.

import { expect } from 'chai';
import type { Anchors } from '../../model/anchors.ts';
import { modelSpecs } from '../../model/model-specs.ts';
import {
  tensorsToDetections,
  type Detection,
  type TensorsToDetectionsOptions,
} from '../../model/tensors-to-detections.ts';

const f32 = Math.fround;

describe('tensorsToDetections', () => {
  const anchors: Anchors = {
    count: 4,
    xCenter: Float32Array.of(0.5, 0.25, 0.1, 0.9),
    yCenter: Float32Array.of(0.5, 0.75, 0.1, 0.9),
    width: Float32Array.of(1, 1, 1, 1),
    height: Float32Array.of(1, 1, 1, 1),
  };
  const options: TensorsToDetectionsOptions = { ...modelSpecs.short.decode, minScore: 0.5 };

  function rawTensors(): { regressors: Float32Array; scores: Float32Array } {
    const regressors = new Float32Array(4 * 16);
    // Anchor 0: centre +12.8/-6.4 px, size 25.6×38.4 px, keypoint k at (+k px, -k px).
    regressors.set([12.8, -6.4, 25.6, 38.4], 0);
    for (let k = 0; k < 6; k++) regressors.set([k, -k], 4 + 2 * k);
    // Anchor 1: box 12.8×12.8 px at the anchor.
    regressors.set([0, 0, 12.8, 12.8], 16);
    // Anchor 2: negative width, must be dropped whatever its score.
    regressors.set([0, 0, -1, 12.8], 32);
    // Anchor 3: fine box, hopeless score.
    regressors.set([0, 0, 12.8, 12.8], 48);
    return { regressors, scores: Float32Array.of(200, 0, 200, -200) };
  }

  it('decodes box, keypoints and scores of the survivors in anchor order', () => {
    const { regressors, scores } = rawTensors();
    const found = tensorsToDetections(regressors, scores, anchors, options);
    expect(found.map((d) => d.anchorIndex)).to.deep.equal([0, 1]);
    const [first, second] = found as [Detection, Detection];
    // Logit 200 is clipped to 100: sigmoid(100) is 1 in float32.
    expect(first.score).to.equal(1);
    expect(first.xMin).to.be.closeTo(0.5, 1e-6); // centre 0.6, width 0.2
    expect(first.xMax).to.be.closeTo(0.7, 1e-6);
    expect(first.yMin).to.be.closeTo(0.3, 1e-6); // centre 0.45, height 0.3
    expect(first.yMax).to.be.closeTo(0.6, 1e-6);
    expect(first.keypoints).to.have.length(12);
    expect(first.keypoints[0]).to.equal(0.5);
    expect(first.keypoints[10]).to.be.closeTo(0.5 + 5 / 128, 1e-7);
    expect(first.keypoints[11]).to.be.closeTo(0.5 - 5 / 128, 1e-7);
    // Logit 0 gives exactly 0.5, equal to the threshold: kept (only s < minScore is dropped).
    expect(second.score).to.equal(0.5);
    expect([second.xMin, second.yMin, second.xMax, second.yMax]).to.deep.equal([0.2, 0.7, 0.3, 0.8].map(f32));
  });

  it('drops a score just below the threshold and applies the clipping threshold before the sigmoid', () => {
    const { regressors } = rawTensors();
    expect(tensorsToDetections(regressors, Float32Array.of(-1e-6, -1, -1, -1), anchors, options)).to.have.length(0);
    const clipped = tensorsToDetections(regressors, Float32Array.of(5, -1, -1, -1), anchors, {
      ...options,
      scoreClippingThresh: 2,
    });
    expect(clipped[0]!.score).to.equal(f32(1 / f32(1 + f32(Math.exp(-2)))));
  });

  it('reads (y, x, h, w) and (y, x) keypoints when reverseOutputOrder is false', () => {
    const regressors = new Float32Array(4 * 16);
    regressors.set([-6.4, 12.8, 38.4, 25.6, -1, 1], 0);
    const [d] = tensorsToDetections(regressors, Float32Array.of(9, -9, -9, -9), anchors, {
      ...options,
      reverseOutputOrder: false,
    });
    expect(d!.xMin).to.be.closeTo(0.5, 1e-6);
    expect(d!.yMax).to.be.closeTo(0.6, 1e-6);
    expect(d!.keypoints.slice(0, 2)).to.deep.equal([f32(0.5 + 1 / 128), f32(0.5 - 1 / 128)]);
  });
});
