// RedactionScene.regions: rectangles marked by hand (the app's gallery) are hidden as faces are, in every mode, and
// nothing outside them changes.
import { expect } from 'chai';
import { Redactor, type RedactionMode, type RedactionScene } from '../../model/redactor.ts';
import { laplacianVariance } from '../helpers/picture-measures.ts';

const [WIDTH, HEIGHT] = [200, 100];
/** As fractions of the picture: 40 × 30 pixels from (100, 50). */
const region = { x: 0.5, y: 0.5, width: 0.2, height: 0.3 };

/** A checkerboard of 2-pixel squares: all fine detail, which hiding takes away. */
function checkerboard(): OffscreenCanvas {
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, WIDTH, HEIGHT);
  context.fillStyle = '#000';
  for (let y = 0; y < HEIGHT; y += 2) for (let x = (y / 2) % 2 === 0 ? 0 : 2; x < WIDTH; x += 4) context.fillRect(x, y, 2, 2);
  return canvas;
}

function painted(mode: RedactionMode): ImageData {
  const picture = checkerboard();
  const context = new OffscreenCanvas(WIDTH, HEIGHT).getContext('2d', { willReadFrequently: true })!;
  const scene: RedactionScene = {
    picture, pictureWidth: WIDTH, pictureHeight: HEIGHT, rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT },
    pixelRatio: 1, mirrored: false, trusted: true, faces: [], regions: [region], now: 0,
  };
  new Redactor({ mode, color: 'rgb(0, 255, 0)' }).paint(context, scene);
  return context.getImageData(0, 0, WIDTH, HEIGHT);
}

describe('Redactor regions', () => {
  for (const mode of ['blur', 'pixelate', 'fill'] as RedactionMode[]) {
    it(`${mode}: hides the region and leaves the rest of the picture as it was`, () => {
      const source = checkerboard().getContext('2d')!.getImageData(0, 0, WIDTH, HEIGHT);
      const output = painted(mode);
      // Inside (away from its antialiased edge) the detail is gone; outside (a pixel clear of the edge) nothing changed.
      expect(laplacianVariance(output, 120, 65, 10), 'detail left in the region').to.be.below(laplacianVariance(source, 120, 65, 10) / 20);
      if (mode === 'fill') expect([...output.data.subarray((65 * WIDTH + 120) * 4, (65 * WIDTH + 120) * 4 + 3)]).to.deep.equal([0, 255, 0]);
      let changed = 0;
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          if (x >= 99 && x <= 140 && y >= 49 && y <= 80) continue;
          const at = (y * WIDTH + x) * 4;
          if (output.data[at] !== source.data[at]) changed++;
        }
      }
      expect(changed, 'pixels changed outside the region').to.equal(0);
    });
  }
});
