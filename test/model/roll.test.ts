// Face.roll on rotated copies of the seed photos: turning a photo by θ turns each face's roll by θ.
import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import type { Face } from '../../model/face.ts';
import type { ModelName } from '../../model/model-specs.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { networkEngine } from '../helpers/test-browser.ts';

const photos = ['1face.png', '3faces.png', '4faces.png'].map((name) => `/test/fixtures/seed/${name}`);
const degrees = (radians: number) => (radians * 180) / Math.PI;

/** `image` turned by `angle` (radians, clockwise on screen) about its centre, on a canvas that holds all of it. */
function rotated(image: ImageData, angle: number): { canvas: OffscreenCanvas; map: (x: number, y: number) => [number, number] } {
  const side = Math.ceil(Math.hypot(image.width, image.height));
  const canvas = new OffscreenCanvas(side, side);
  const context = canvas.getContext('2d')!;
  const source = new OffscreenCanvas(image.width, image.height);
  source.getContext('2d')!.putImageData(image, 0, 0);
  context.translate(side / 2, side / 2);
  context.rotate(angle);
  context.drawImage(source, -image.width / 2, -image.height / 2);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  // Where a point of the original (pixels) lands on the rotated canvas (pixels).
  const map = (x: number, y: number): [number, number] => {
    const [dx, dy] = [x - image.width / 2, y - image.height / 2];
    return [side / 2 + dx * cos - dy * sin, side / 2 + dx * sin + dy * cos];
  };
  return { canvas, map };
}

function centre(face: Face, width: number, height: number): [number, number] {
  return [((face.box.xMin + face.box.xMax) / 2) * width, ((face.box.yMin + face.box.yMax) / 2) * height];
}

// The short model, made for faces like these (large, near the camera); full looks for small, far faces.
for (const model of ['short'] as ModelName[]) {
  describe(`Face.roll (${model})`, () => {
    let detector: FaceDetector;
    before(async () => {
      detector = await FaceDetector.create({ model, context: { engine: networkEngine } });
    });
    after(() => detector.dispose());

    it('turns by the angle a photo is turned by (±20°), within 12°', async () => {
      const errors: number[] = [];
      for (const url of photos) {
        const image = await loadImageData(url);
        const upright = await detector.detect(image);
        for (const angle of [-20, 20].map((d) => (d * Math.PI) / 180)) {
          const { canvas, map } = rotated(image, angle);
          const turned = await detector.detect(canvas);
          for (const face of upright) {
            const [x, y] = map(...centre(face, image.width, image.height));
            const match = turned.find((other) => {
              const [ox, oy] = centre(other, canvas.width, canvas.height);
              return Math.hypot(ox - x, oy - y) < face.box.width * image.width * 0.3;
            });
            // The truth: the upright face's roll, turned by the angle.
            if (match) errors.push(Math.abs(degrees(match.roll - face.roll - angle)));
          }
        }
      }
      console.log(`[${model}] roll errors (°): ${errors.map((e) => e.toFixed(1)).join(' ')}`);
      expect(errors.length, 'faces found both upright and turned').to.be.at.least(4);
      // Two keypoints of a turned face are a few pixels off: measured up to 8.9° here (a turn the wrong way, or
      // a roll in normalized rather than pixel coordinates, would be off by 20° and more).
      expect(Math.max(...errors)).to.be.at.most(12);
    });
  });
}
