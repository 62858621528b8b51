// Face, the result a caller gets: its box and named keypoints, mirroring, roll, and pixel coordinates.

import { expect } from 'chai';
import { createFace, mirrorFace } from '../../model/face.ts';
import { detection } from '../helpers/detections.ts';

describe('Face', () => {
  const source = detection(
    [0.3, 0.2, 0.5, 0.6],
    0.93,
    [0.35, 0.3, 0.45, 0.31, 0.4, 0.4, 0.4, 0.5, 0.31, 0.35, 0.49, 0.36],
  );

  it('exposes box, named keypoints and the seed 17-number layout', () => {
    const face = createFace(source, 1);
    expect(face.box.xMin).to.equal(0.3);
    expect(face.box.width).to.be.closeTo(0.2, 1e-12);
    expect(face.box.height).to.be.closeTo(0.4, 1e-12);
    expect(face.keypoints.map((p) => p.name)).to.deep.equal(['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar']);
    expect(face.keypoints[1]).to.deep.equal({ name: 'leftEye', x: 0.45, y: 0.31 });
    expect(face.toArray()).to.deep.equal([0.2, 0.3, 0.6, 0.5, ...source.keypoints, 0.93]);
  });

  it('mirrors x and swaps left/right so index 0 is still the eye on the viewer’s left', () => {
    const mirrored = mirrorFace(createFace(source, 1));
    expect(mirrored.box.xMin).to.be.closeTo(0.5, 1e-12);
    expect(mirrored.box.xMax).to.be.closeTo(0.7, 1e-12);
    expect(mirrored.box.width).to.be.closeTo(0.2, 1e-12);
    expect(mirrored.box.yMin).to.equal(0.2);
    const byName = Object.fromEntries(mirrored.keypoints.map((p) => [p.name, [p.x, p.y]]));
    expect(mirrored.keypoints.map((p) => p.name)).to.deep.equal(['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar']);
    expect(byName.rightEye![0]).to.be.closeTo(0.55, 1e-12); // former left eye at 0.45
    expect(byName.rightEye![1]).to.equal(0.31);
    expect(byName.leftEye![0]).to.be.closeTo(0.65, 1e-12);
    expect(byName.noseTip![0]).to.be.closeTo(0.6, 1e-12);
    expect(byName.rightEar![0]).to.be.closeTo(0.51, 1e-12);
    expect(byName.rightEye![0]).to.be.lessThan(byName.leftEye![0]!);
    expect(mirrored.score).to.equal(0.93);
    expect(mirrorFace(mirrored).toArray().map((v) => +v.toFixed(12))).to.deep.equal(createFace(source, 1).toArray());
  });

  it('rolls by the eye line in source pixels, negated by mirroring, and maps to any picture size', () => {
    // Eyes (0.35, 0.3) and (0.45, 0.31): in a square source the line rises 0.01 over 0.1.
    expect(createFace(source, 1).roll).to.be.closeTo(Math.atan2(0.01, 0.1), 1e-12);
    // The same normalized points in a source twice as wide: 0.1 of the width is twice as many pixels.
    const wide = createFace(source, 2);
    expect(wide.roll).to.be.closeTo(Math.atan2(0.01, 0.2), 1e-12);
    expect(mirrorFace(wide).roll).to.be.closeTo(-wide.roll, 1e-12);
    const upsideDown = createFace(detection([0.3, 0.2, 0.5, 0.6], 0.9, [0.45, 0.3, 0.35, 0.3, 0.4, 0.2, 0.4, 0.1, 0.5, 0.3, 0.3, 0.3]), 1);
    expect(upsideDown.roll).to.be.closeTo(Math.PI, 1e-12);

    const pixels = wide.toPixels(640, 320);
    expect(pixels.box.x).to.be.closeTo(192, 1e-9);
    expect(pixels.box.y).to.be.closeTo(64, 1e-9);
    expect(pixels.box.width).to.be.closeTo(128, 1e-9);
    expect(pixels.box.height).to.be.closeTo(128, 1e-9);
    expect(pixels.keypoints[1]).to.deep.include({ name: 'leftEye' });
    expect(pixels.keypoints[1]!.x).to.be.closeTo(288, 1e-9);
    expect(pixels.keypoints[1]!.y).to.be.closeTo(99.2, 1e-9);
    expect(pixels.roll, 'a 640×320 picture has the source\'s aspect').to.be.closeTo(wide.roll, 1e-12);
    expect(wide.toPixels(320, 320).roll, 'squeezed to a square').to.be.closeTo(Math.atan2(0.01, 0.1), 1e-12);
    expect(() => wide.toPixels(0, 10)).to.throw(RangeError);
  });
});
