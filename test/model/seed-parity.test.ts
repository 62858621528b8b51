// Seed parity: the seed's front and back models (ONNX files) reproduce the seed's PyTorch detections,
// all 17 numbers, with the seed's post-processing (mean score merge, its thresholds).

import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import { loadImageData, resizeBilinear, seedImages, seedReference } from '../helpers/fixtures.ts';
import { testBrowser } from '../helpers/test-browser.ts';

// On a browser with working native WebNN, that is what runs the seed's models; elsewhere two polyfill engines.
const engines = testBrowser.nativeWebNN ? (['native'] as const) : (['wasm', 'webgl'] as const);
const tolerance = { front: 1e-4, back: 1e-3 };

for (const engine of engines) {
  describe(`seed parity (${engine})`, () => {
    for (const model of ['front', 'back'] as const) {
      it(`${model}: every seed detection within ${tolerance[model]}`, async () => {
        const reference = await seedReference();
        const detector = await FaceDetector.create({ model, scoreMerge: 'mean', context: { engine } });
        try {
          expect(detector.backend.engine).to.equal(engine === 'native' ? 'webnn' : engine);
          expect(detector.backend.implementation).to.equal(engine === 'native' ? 'native' : 'polyfill');
          // GPU engines compute in their own float precision; the bound is the issue's, checked on every engine.
          let worst = { difference: 0, where: 'none' };
          for (const image of seedImages) {
            const pixels = await loadImageData(`/test/fixtures/seed/${image}`);
            const input = model === 'back' ? resizeBilinear(pixels, 256, 256) : pixels;
            const faces = (await detector.detect(input)).map((face) => face.toArray());
            const expected = reference.detections[image][model];
            expect(faces, `${image}: face count`).to.have.length(expected.length);
            // Both lists are in descending score order.
            expected.forEach((numbers, index) => {
              numbers.forEach((value, k) => {
                const difference = Math.abs(faces[index][k] - value);
                if (difference > worst.difference) worst = { difference, where: `${image} face ${index} value ${k}` };
              });
            });
          }
          console.log(`[${engine}] ${model}: largest difference from the seed ${worst.difference.toExponential(2)} (${worst.where})`);
          expect(worst.difference, worst.where).to.be.at.most(tolerance[model]);
        } finally {
          detector.dispose();
        }
      });
    }
  });
}
