// Every bad image source is a typed InvalidImageError, in the page and across the worker boundary, and the
// detector finds the same faces in the next good image as before.
import { expect } from 'chai';
import { InvalidImageError } from '../../model/errors.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { WorkerFaceDetector } from '../../model/worker-face-detector.ts';
import { badSources, loadedImage } from '../helpers/bad-sources.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';

describe('bad image sources', () => {
  let photo: ImageData;
  let expected: number[][];
  const detectors: { name: string; detector: FaceDetector | WorkerFaceDetector }[] = [];

  before(async () => {
    photo = await loadImageData('/test/fixtures/seed/3faces.png');
    const [local, worker] = await Promise.all([
      FaceDetector.create({ model: 'front', context: { engine: 'wasm' } }),
      WorkerFaceDetector.create({ model: 'front', context: { engine: 'wasm' } }),
    ]);
    detectors.push({ name: 'FaceDetector', detector: local }, { name: 'WorkerFaceDetector', detector: worker });
    expected = (await local.detect(photo)).map((face) => face.toArray());
    expect(expected).to.have.length(3);
  });
  after(() => detectors.forEach(({ detector }) => detector.dispose()));

  for (const { name: sourceName, reason, make } of badSources) {
    it(`${sourceName}: InvalidImageError '${reason}', then the next image detects as before`, async () => {
      for (const { name, detector } of detectors) {
        const error = await rejection(detector.detect(await make()));
        expect(error, `${name}: ${error.message}`).to.be.instanceOf(InvalidImageError);
        expect((error as InvalidImageError).reason, `${name}: ${error.message}`).to.equal(reason);
        expect((await detector.detect(photo)).map((face) => face.toArray()), name).to.deep.equal(expected);
      }
    });
  }

  it('a 1×1 image is read: no faces, no error', async () => {
    const pixel = document.createElement('canvas');
    pixel.width = pixel.height = 1;
    const image = await loadedImage(pixel.toDataURL('image/png'));
    expect(image.naturalWidth).to.equal(1);
    for (const { name, detector } of detectors) expect(await detector.detect(image), name).to.deep.equal([]);
  });

  it('the same cross-origin image with CORS is read', async () => {
    // Same file, same origin: proves the tainted case fails for its origin alone, not for the file.
    const image = await loadedImage('/test/fixtures/seed/3faces.png');
    for (const { name, detector } of detectors) expect(await detector.detect(image), name).to.have.length(3);
  });
});
