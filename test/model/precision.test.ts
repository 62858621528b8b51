// The precision option: float16 builds the network in half precision (input cast on entry, float16
// constants, outputs cast back), for devices such as NPUs that compute in float16 only. On native WebNN it
// must find the same faces as float32, keypoints within 2e-3; 'auto' takes float16 only where the device
// lacks float32 for the network's ops. The polyfill computes in float32 only, says so, and 'auto' keeps
// float32 there.

import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import { InvalidOptionError, UnsupportedGraphError } from '../../model/errors.ts';
import type { Face } from '../../model/face.ts';
import { createContext } from '../../webnn/index.ts';
import { loadImageData, resizeBilinear, seedImages } from '../helpers/fixtures.ts';
import { installNativeFaults, withoutFloat32 } from '../helpers/native-faults.ts';
import { rejection } from '../helpers/rejection.ts';
import { describeForNative, describeForPolyfill, networkEngine } from '../helpers/test-browser.ts';

const keypointTolerance = 2e-3;

/** The largest keypoint difference between two detections of the same image, after checking the counts. */
function keypointDifference(half: readonly Face[], full: readonly Face[], where: string): number {
  expect(half, `${where}: face count`).to.have.length(full.length);
  let worst = 0;
  half.forEach((face, index) => face.keypoints.forEach((point, k) => {
    const reference = full[index]!.keypoints[k]!;
    worst = Math.max(worst, Math.abs(point.x - reference.x), Math.abs(point.y - reference.y));
  }));
  return worst;
}

describe('precision option', () => {
  it('rejects an unknown precision with InvalidOptionError', async () => {
    const error = await rejection(FaceDetector.create({ precision: 'int8' as 'float16' }));
    expect(error).to.be.instanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).to.equal('precision');
    expect((error as Error).message).to.equal('precision must be one of auto, float32, float16, got "int8"');
  });

  it("'auto' runs float32 where the device has float32", async () => {
    const detector = await FaceDetector.create({ context: { engine: networkEngine } });
    expect(detector.backend.precision).to.equal('float32');
    detector.dispose();
  });
});

describeForNative('precision float16 on native WebNN', () => {
  for (const model of ['front', 'back'] as const) {
    it(`${model}: the seed images give float32's face counts, keypoints within ${keypointTolerance}`, async () => {
      const [full, half] = await Promise.all([
        FaceDetector.create({ model, precision: 'float32', context: { engine: 'native' } }),
        FaceDetector.create({ model, precision: 'float16', context: { engine: 'native' } }),
      ]);
      try {
        expect(half.backend).to.deep.equal({ implementation: 'native', engine: 'webnn', precision: 'float16' });
        let worst = 0;
        let faces = 0;
        for (const image of seedImages) {
          const pixels = await loadImageData(`/test/fixtures/seed/${image}`);
          const input = model === 'back' ? resizeBilinear(pixels, 256, 256) : pixels;
          const expected = await full.detect(input);
          faces += expected.length;
          worst = Math.max(worst, keypointDifference(await half.detect(input), expected, image));
        }
        console.log(`[float16] ${model}: ${faces} faces on ${seedImages.length} seed images, largest keypoint difference from float32 ${worst.toExponential(2)}`);
        expect(faces).to.be.greaterThan(0);
        expect(worst).to.be.at.most(keypointTolerance);
      } finally {
        full.dispose();
        half.dispose();
      }
    });
  }

  it("'auto' takes float16 where the device lacks float32 for the network's ops (an NPU), and finds the same faces", async () => {
    const photo = await loadImageData('/node_modules/@vladmandic/face-api/demo/sample2.jpg');
    const full = await FaceDetector.create({ context: { engine: 'native' } });
    const remove = installNativeFaults({ limits: withoutFloat32 });
    let half: FaceDetector;
    try {
      half = await FaceDetector.create({ context: { engine: 'native' } });
    } finally {
      remove();
    }
    try {
      expect(half.backend).to.deep.equal({ implementation: 'native', engine: 'webnn', precision: 'float16' });
      const difference = keypointDifference(await half.detect(photo), await full.detect(photo), 'sample2.jpg');
      expect(difference).to.be.at.most(keypointTolerance);
    } finally {
      full.dispose();
      half.dispose();
    }
  });
});

describeForPolyfill('precision float16 on the polyfill', () => {
  it('opSupportLimits() offers no float16 arithmetic, so float16 is a clear error and auto keeps float32', async () => {
    const { context } = await createContext({ engine: 'wasm' });
    const conv2d = context.opSupportLimits().conv2d as { input: { dataTypes: string[] } };
    expect(conv2d.input.dataTypes).to.deep.equal(['float32']);
    context.destroy();
    const error = await rejection(FaceDetector.create({ precision: 'float16', context: { engine: 'wasm' } }));
    expect(error).to.be.instanceOf(UnsupportedGraphError);
    expect((error as Error).message).to.equal('This WebNN device cannot run the network: cast: output data type float16 is not supported (supported: float32, int32)');
    const auto = await FaceDetector.create({ precision: 'auto', context: { engine: 'wasm' } });
    expect(auto.backend.precision).to.equal('float32');
    auto.dispose();
  });
});
