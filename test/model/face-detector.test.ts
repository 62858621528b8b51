// FaceDetector as a caller sees it: every input type, batches, mirroring, options, and clear typed errors for
// bad images, bad options and bad model files, after which the detector keeps working.

import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import type { Face } from '../../model/face.ts';
import { InvalidImageError, InvalidOptionError, ModelLoadError } from '../../model/errors.ts';
import { translateModel } from '../../model/graph/translate.ts';
import { tfliteTranslator } from '../../model/graph/tflite-ops.ts';
import { ModelFormatError, type ImportedModel } from '../../model/readers/imported-model.ts';
import { createContext, createGraphBuilder } from '../../webnn/index.ts';
import { drawnCopies } from '../helpers/drawn-copies.ts';
import { fetchOk, loadImageData } from '../helpers/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';
import { expectNetworkBackend, networkEngine } from '../helpers/test-browser.ts';

const photoUrl = '/node_modules/@vladmandic/face-api/demo/sample2.jpg';

function expectSameFaces(actual: readonly Face[], expected: readonly Face[], tolerance = 1e-6): void {
  expect(actual.map((face) => face.toArray().length)).to.deep.equal(expected.map(() => 17));
  actual.forEach((face, index) =>
    face.toArray().forEach((value, k) => expect(Math.abs(value - expected[index].toArray()[k]), `face ${index} value ${k}`).to.be.at.most(tolerance)),
  );
}

describe('FaceDetector', () => {
  let detector: FaceDetector;
  let photo: ImageData;

  before(async () => {
    detector = await FaceDetector.create({ context: { engine: networkEngine } });
    photo = await loadImageData(photoUrl);
  });
  after(() => detector.dispose());

  it('reports its backend and finds the faces of a photo', async () => {
    expectNetworkBackend(detector.backend, { precision: 'float32' });
    const faces = await detector.detect(photo);
    expect(faces.length).to.be.greaterThan(0);
    for (const face of faces) {
      expect(face.keypoints.map((point) => point.name)).to.deep.equal(['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar']);
      expect(face.box.width).to.be.closeTo(face.box.xMax - face.box.xMin, 1e-9);
      // The subject's right eye is on the image's left.
      expect(face.keypoints[0].x).to.be.below(face.keypoints[1].x);
    }
  });

  it('gives the same faces for every input type', async () => {
    const expected = await detector.detect(photo);
    const { canvas, offscreen, bitmap } = await drawnCopies(photo);
    const image = new Image();
    image.src = URL.createObjectURL(await (await fetchOk(photoUrl)).blob());
    await image.decode();
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    // Frames whose pixels are RGBA and BGRA bytes in memory: read with VideoFrame.copyTo, no canvas (WebKit's
    // copyTo returns the BGRA bytes as they are, whatever format is asked for).
    const init = { codedWidth: photo.width, codedHeight: photo.height, timestamp: 0 };
    const rgbaFrame = new VideoFrame(photo.data, { format: 'RGBA', ...init });
    const bgraBytes = new Uint8Array(photo.data.length);
    for (let i = 0; i < bgraBytes.length; i += 4) bgraBytes.set([photo.data[i + 2]!, photo.data[i + 1]!, photo.data[i]!, 255], i);
    const bgraFrame = new VideoFrame(bgraBytes, { format: 'BGRA', ...init });
    const sources = { canvas, offscreen, bitmap, image, frame, rgbaFrame, bgraFrame };
    for (const [name, source] of Object.entries(sources)) {
      const faces = await detector.detect(source);
      expect(faces.length, name).to.equal(expected.length);
      // JPEG decoding through <img> may differ from createImageBitmap by a level; everything else is exact.
      expectSameFaces(faces, expected, name === 'image' ? 5e-3 : 1e-6);
    }
    for (const closable of [frame, rgbaFrame, bgraFrame, bitmap]) closable.close();
  });

  it('detectBatch returns one list per image, in order', async () => {
    const small = await loadImageData('/test/fixtures/seed/1face.png');
    const [a, b, c] = await detector.detectBatch([photo, small, photo]);
    expectSameFaces(a, await detector.detect(photo));
    expectSameFaces(b, await detector.detect(small));
    expectSameFaces(c, a);
  });

  it('mirrors x and swaps left and right with mirrored: true', async () => {
    const plain = await detector.detect(photo);
    const mirrored = await detector.detect(photo, { mirrored: true });
    mirrored.forEach((face, index) => {
      expect(face.box.xMin).to.be.closeTo(1 - plain[index].box.xMax, 1e-6);
      expect(face.box.xMax).to.be.closeTo(1 - plain[index].box.xMin, 1e-6);
      expect(face.keypoints[0].x).to.be.closeTo(1 - plain[index].keypoints[1].x, 1e-6);
      expect(face.keypoints[2].x).to.be.closeTo(1 - plain[index].keypoints[2].x, 1e-6);
    });
  });

  it('applies minScore and maxFaces at run time through configure()', async () => {
    const all = await detector.detect(photo);
    detector.configure({ maxFaces: 1 });
    const best = await detector.detect(photo);
    expect(best).to.have.length(1);
    expect(best[0].score).to.equal(Math.max(...all.map((face) => face.score)));
    detector.configure({ maxFaces: Infinity, minScore: 0.99 });
    expect((await detector.detect(photo)).length).to.equal(all.filter((face) => face.score >= 0.99).length);
    detector.configure({ minScore: 0.5 });
    expect(() => detector.configure({ minScore: 2 })).to.throw(InvalidOptionError, 'minScore must be a number from 0 to 1');
  });

  it('rejects zero-sized and unloaded images with InvalidImageError and stays usable', async () => {
    const empty = document.createElement('canvas');
    empty.width = 0;
    const emptyError = await rejection(detector.detect(empty));
    expect(emptyError).to.be.instanceOf(InvalidImageError);
    expect((emptyError as InvalidImageError).reason).to.equal('empty');
    const unloaded = new Image();
    expect(((await rejection(detector.detect(unloaded))) as InvalidImageError).reason).to.be.oneOf(['not-loaded', 'empty']);
    const unsupported = await rejection(detector.detect({} as unknown as ImageData));
    expect(unsupported).to.be.instanceOf(InvalidImageError);
    expect((await detector.detect(photo)).length).to.be.greaterThan(0);
  });

  it('rejects bad options with InvalidOptionError naming the option', async () => {
    const error = await rejection(FaceDetector.create({ model: 'nope' as 'short' }));
    expect(error).to.be.instanceOf(InvalidOptionError);
    expect(error.message).to.contain('model must be one of short, full, front, back');
    expect(await rejection(FaceDetector.create({ suppressionThreshold: -1 }))).to.be.instanceOf(InvalidOptionError);
  });

  it('fails clearly on a missing or corrupt model file', async () => {
    const missing = await rejection(FaceDetector.create({ modelUrl: '/assets/models/nothing-here.tflite', context: { engine: networkEngine } }));
    expect(missing).to.be.instanceOf(ModelLoadError);
    expect(missing.message).to.contain('HTTP 404');

    const bytes = new Uint8Array(await (await fetchOk('/assets/models/face_detection_short_range.tflite')).arrayBuffer());
    const truncated = URL.createObjectURL(new Blob([bytes.subarray(0, 5000)]));
    const corrupt = await rejection(FaceDetector.create({ modelUrl: truncated, context: { engine: networkEngine } }));
    expect(corrupt).to.be.instanceOf(ModelFormatError);
    expect(corrupt.message).to.contain(truncated.split('/').pop()!);
  });

  it('names the file and the operator when a model uses an unsupported op', async () => {
    const { context } = await createContext({ engine: networkEngine });
    try {
      const model: ImportedModel = {
        format: 'tflite',
        source: 'exotic.tflite',
        inputs: ['image'],
        outputs: ['out'],
        tensors: new Map([
          ['image', { name: 'image', dataType: 'float32', shape: [1, 4, 4, 3] }],
          ['out', { name: 'out', dataType: 'float32', shape: [1, 4, 4, 3] }],
        ]),
        operators: [{ type: 'HARD_SWISH', inputs: ['image'], outputs: ['out'], attributes: {} }],
      };
      const error = (() => {
        try {
          translateModel(model, createGraphBuilder(context), tfliteTranslator, 'input');
        } catch (caught) {
          return caught as ModelFormatError;
        }
        throw new Error('expected an error');
      })();
      expect(error).to.be.instanceOf(ModelFormatError);
      expect(error.op).to.equal('HARD_SWISH');
      expect(error.message).to.equal('exotic.tflite: unsupported tflite operator HARD_SWISH');
    } finally {
      context.destroy();
    }
  });
});
