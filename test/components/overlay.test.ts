// The overlay's drawing, read back from a canvas: boxes at the face's pixels, axis-aligned or turned by the
// face's roll (rotate-boxes), whole or as corner marks (box-style), and keypoints.
import { expect } from 'chai';
import { createFace, type Face } from '../../model/face.ts';
import { drawFaces, type OverlayStyle } from '../../components/overlay.ts';
import type { BoxStyle } from '../../components/options.ts';

const style = (rotateBoxes: boolean, boxStyle: BoxStyle = 'box'): OverlayStyle => ({
  boxColor: '#ff00ff', keypointColor: '#00ff00', lineWidth: 2, keypoints: false, rotateBoxes, boxStyle,
});

/** A face whose eye line is turned by `degrees`, its box 0.4 × 0.4 of a square source around its centre. */
function turnedFace(degrees: number): Face {
  const angle = (degrees * Math.PI) / 180;
  const [dx, dy] = [0.1 * Math.cos(angle), 0.1 * Math.sin(angle)];
  const eyes = [0.5 - dx, 0.45 - dy, 0.5 + dx, 0.45 + dy];
  return createFace({ anchorIndex: 0, xMin: 0.3, yMin: 0.3, xMax: 0.7, yMax: 0.7, score: 0.9, keypoints: [...eyes, 0.5, 0.5, 0.5, 0.6, 0.35, 0.45, 0.65, 0.45] }, 1);
}

/** Whether the pixel at (x, y), or one next to it, has the box colour. */
function boxAt(pixels: ImageData, x: number, y: number): boolean {
  for (let oy = -1; oy <= 1; oy++) {
    for (let ox = -1; ox <= 1; ox++) {
      const at = ((Math.round(y) + oy) * pixels.width + Math.round(x) + ox) * 4;
      if (pixels.data[at + 3]! > 128 && pixels.data[at]! > 128 && pixels.data[at + 1]! < 100) return true;
    }
  }
  return false;
}

function draw(face: Face, rotateBoxes: boolean, boxStyle: BoxStyle = 'box'): ImageData {
  const canvas = new OffscreenCanvas(200, 200);
  const context = canvas.getContext('2d')!;
  drawFaces(context, [face], { x: 0, y: 0, width: 200, height: 200 }, style(rotateBoxes, boxStyle), 1);
  return context.getImageData(0, 0, 200, 200);
}

describe('overlay drawing', () => {
  it('draws the box at the face, turned by its roll about the centre only with rotateBoxes', () => {
    const face = turnedFace(30);
    expect(face.roll).to.be.closeTo(Math.PI / 6, 1e-9);
    // The box is 80 px square around (100, 100): its corners, upright and turned by 30°.
    const corners = (angle: number) => [[-40, -40], [40, -40], [40, 40], [-40, 40]].map(([x, y]) => [
      100 + x! * Math.cos(angle) - y! * Math.sin(angle),
      100 + x! * Math.sin(angle) + y! * Math.cos(angle),
    ] as const);
    const upright = draw(face, false);
    const turned = draw(face, true);
    for (const [x, y] of corners(0)) {
      expect(boxAt(upright, x, y), `upright corner ${x}, ${y}`).to.equal(true);
      expect(boxAt(turned, x, y), `no upright corner ${x}, ${y} when turned`).to.equal(false);
    }
    for (const [x, y] of corners(Math.PI / 6)) {
      expect(boxAt(turned, x, y), `turned corner ${x.toFixed(0)}, ${y.toFixed(0)}`).to.equal(true);
      expect(boxAt(upright, x, y), `no turned corner ${x.toFixed(0)}, ${y.toFixed(0)} when upright`).to.equal(false);
    }
    expect(boxAt(turned, 100, 100), 'inside').to.equal(false);
  });

  it('box-style "corners" marks the corners and leaves the middle of each edge undrawn', () => {
    const face = turnedFace(0);
    const corners = draw(face, false, 'corners');
    const box = draw(face, false);
    // The box runs from 60 to 140 px; each corner mark a quarter of that (20 px) along each edge.
    for (const [x, y] of [[60, 60], [75, 60], [60, 75], [140, 140], [125, 140], [140, 125]] as const) {
      expect(boxAt(corners, x, y), `corner mark at ${x}, ${y}`).to.equal(true);
    }
    for (const [x, y] of [[100, 60], [140, 100], [100, 140], [60, 100]] as const) {
      expect(boxAt(box, x, y), `box edge at ${x}, ${y}`).to.equal(true);
      expect(boxAt(corners, x, y), `no mark mid-edge at ${x}, ${y}`).to.equal(false);
    }
  });
});
