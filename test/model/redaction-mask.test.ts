// The redaction mask's geometry: an ellipse around the head that holds every keypoint with a margin, turned by the
// face's roll, padded as asked, and grown for a held face.
import { expect } from 'chai';
import { createFace } from '../../model/face.ts';
import { grownEllipse, headEllipse, type MaskEllipse } from '../../model/redaction-mask.ts';

/** Whether the point (x, y) is inside `mask`. */
function insideEllipse(mask: MaskEllipse, x: number, y: number): boolean {
  const [dx, dy] = [x - mask.x, y - mask.y];
  const [cos, sin] = [Math.cos(mask.rotation), Math.sin(mask.rotation)];
  const [u, v] = [dx * cos + dy * sin, -dx * sin + dy * cos];
  return (u / mask.radiusX) ** 2 + (v / mask.radiusY) ** 2 <= 1;
}

/** An upright face in a square picture, its box 0.2 × 0.2 at the centre, ears wide of the box. */
function face(earSpread = 0.12) {
  const keypoints = [0.46, 0.47, 0.54, 0.47, 0.5, 0.52, 0.5, 0.56, 0.5 - earSpread, 0.49, 0.5 + earSpread, 0.49];
  return createFace({ anchorIndex: 0, xMin: 0.4, yMin: 0.4, xMax: 0.6, yMax: 0.6, score: 0.9, keypoints }, 1);
}

describe('headEllipse', () => {
  it('covers the box padded on each side, taller than wide, and every keypoint', () => {
    const mask = headEllipse(face(0.08), 1000, 1000, 0.25);
    expect(mask.rotation).to.be.closeTo(0, 1e-9);
    expect(mask.radiusX).to.be.closeTo(150, 1e-9); // 100 px half-box × 1.5
    expect(mask.radiusY).to.be.greaterThan(mask.radiusX);
    for (const point of face(0.08).toPixels(1000, 1000).keypoints) expect(insideEllipse(mask, point.x, point.y)).to.equal(true);
    for (const [x, y] of [[400, 400], [600, 400], [400, 600], [600, 600]]) expect(insideEllipse(mask, x!, y!), `box corner ${x}, ${y}`).to.equal(true);
    expect(insideEllipse(mask, 500, 200)).to.equal(false);
  });

  it('grows to take in keypoints beyond its padded size, with a margin', () => {
    const wide = face(0.2); // ears 200 px from the centre: beyond the 150 px of the padding alone
    const mask = headEllipse(wide, 1000, 1000, 0.25);
    expect(mask.radiusX).to.be.greaterThan(200 * 1.19);
    for (const point of wide.toPixels(1000, 1000).keypoints) expect(insideEllipse(mask, point.x, point.y)).to.equal(true);
  });

  it('turns with the face, and grows about its centre for a held face', () => {
    const angle = Math.PI / 6;
    const turned = createFace({
      anchorIndex: 0, xMin: 0.4, yMin: 0.4, xMax: 0.6, yMax: 0.6, score: 0.9,
      keypoints: [0.5 - 0.05 * Math.cos(angle), 0.47 - 0.05 * Math.sin(angle), 0.5 + 0.05 * Math.cos(angle), 0.47 + 0.05 * Math.sin(angle), 0.5, 0.52, 0.5, 0.56, 0.42, 0.49, 0.58, 0.49],
    }, 1);
    const mask = headEllipse(turned, 1000, 1000, 0.25);
    expect(mask.rotation).to.be.closeTo(angle, 1e-9);
    const grown = grownEllipse(mask, 1.5);
    expect([grown.x, grown.y, grown.rotation]).to.deep.equal([mask.x, mask.y, mask.rotation]);
    expect(grown.radiusX).to.be.closeTo(mask.radiusX * 1.5, 1e-9);
  });
});
