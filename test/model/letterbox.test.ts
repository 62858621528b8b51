// The letterbox a source is padded with, and its removal from detections, against the pixel formula.

import { expect } from 'chai';
import { computeLetterbox, removeLetterbox } from '../../model/letterbox.ts';
import { detection } from '../helpers/detections.ts';

describe('letterbox', () => {
  it('removes vertical padding from a landscape source (640×480)', () => {
    const letterbox = computeLetterbox(640, 480);
    expect([letterbox.left, letterbox.top, letterbox.right, letterbox.bottom]).to.deep.equal([0, 0.125, 0, 0.125]);
    expect([letterbox.squareSide, letterbox.originX, letterbox.originY]).to.deep.equal([640, 0, -80]);
    const [d] = removeLetterbox([detection([0.25, 0.125, 0.5, 0.5], 0.9, [0.3, 0.2, 0.3, 0.05, 0, 0, 0, 0, 0, 0, 0, 0.95])], letterbox);
    expect(d!.xMin).to.equal(0.25);
    expect(d!.yMin).to.equal(0); // (0.125 - 0.125)/0.75
    expect(d!.yMax).to.equal(0.5); // (0.5 - 0.125)/0.75
    expect(d!.keypoints[1]).to.be.closeTo(0.1, 1e-12); // (0.2 - 0.125)/0.75
    expect(d!.keypoints[3]).to.be.closeTo(-0.1, 1e-12); // not clamped
    expect(d!.keypoints[11]).to.be.closeTo(1.1, 1e-12);
  });

  it('removes horizontal padding from a portrait source (480×640), matching the pixel formula', () => {
    const letterbox = computeLetterbox(480, 640);
    expect([letterbox.left, letterbox.top]).to.deep.equal([0.125, 0]);
    const [d] = removeLetterbox([detection([0.05, 0.2, 0.5, 0.9], 0.9)], letterbox);
    // x_px = x_t·L - (L - W)/2 = 0.05·640 - 80 = -48 → -48/480 = -0.1
    expect(d!.xMin).to.be.closeTo(-0.1, 1e-12);
    expect(d!.xMax).to.be.closeTo((0.5 * 640 - 80) / 480, 1e-12);
    expect([d!.yMin, d!.yMax]).to.deep.equal([0.2, 0.9]);
  });
});
