// WorkerFaceDetector gives exactly FaceDetector's results, with detection in a Worker, and the same typed errors.

import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import { WorkerFaceDetector } from '../../model/worker-face-detector.ts';
import { InvalidImageError, InvalidOptionError, ModelLoadError } from '../../model/errors.ts';
import { ModelFormatError } from '../../model/readers/imported-model.ts';
import { fetchOk, loadImageData } from '../helpers/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';
import { yuvFrame } from '../helpers/yuv-frames.ts';
import { expectNetworkBackend, networkEngine } from '../helpers/test-browser.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';

const photoUrl = '/node_modules/@vladmandic/face-api/demo/sample3.jpg';
const asArrays = (faces: { toArray(): number[] }[]) => faces.map((face) => face.toArray());


describe('WorkerFaceDetector', () => {
  let worker: WorkerFaceDetector;
  let local: FaceDetector;
  let photo: ImageData;

  before(async () => {
    [worker, local] = await Promise.all([
      WorkerFaceDetector.create({ context: { engine: networkEngine } }),
      FaceDetector.create({ context: { engine: networkEngine } }),
    ]);
    photo = await loadImageData(photoUrl);
  });
  after(() => {
    worker.dispose();
    local.dispose();
  });

  it('finds the same faces as FaceDetector, for ImageData, images, bitmaps, canvases and video frames', async () => {
    expectNetworkBackend(worker.backend, { precision: 'float32' });
    const expected = (await local.detect(photo, { mirrored: true })).map((face) => face.toArray());
    expect(expected.length).to.be.greaterThan(0);
    const bitmap = await createImageBitmap(photo);
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [photo.width, photo.height];
    canvas.getContext('2d')!.putImageData(photo, 0, 0);
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    const image = new Image();
    image.src = photoUrl;
    await image.decode();
    // A 1920×1350 photo: the worker gets only the rows the resampler reads of the first four.
    for (const source of [photo, image, bitmap, canvas, frame]) {
      const faces = (await worker.detect(source, { mirrored: true })).map((face) => face.toArray());
      expect(faces).to.deep.equal(expected);
    }
    // The caller's objects are left intact: the worker got copies.
    expect(photo.data.length).to.equal(photo.width * photo.height * 4);
    expect(bitmap.width).to.equal(photo.width);
    expect(frame.displayWidth).to.equal(photo.width);
    frame.close();
    bitmap.close();
  });

  it('finds the faces of YUV video frames (as cameras give) within a colour quantum of the RGBA picture', async () => {
    const expected = (await local.detect(photo)).map((face) => face.toArray());
    for (const format of ['I420', 'NV12'] as const) {
      const frame = yuvFrame(photo, format);
      for (const detector of [local, worker]) {
        const faces = (await detector.detect(frame)).map((face) => face.toArray());
        expect(faces.length, format).to.equal(expected.length);
        faces.forEach((face, i) => face.forEach((value, k) => expect(value, `${format} face ${i} value ${k}`).to.be.closeTo(expected[i]![k]!, 0.01)));
      }
      frame.close();
    }
  });

  it('applies configure() and reports engine memory from the worker', async () => {
    worker.configure({ maxFaces: 1 });
    expect(await worker.detect(photo)).to.have.length(1);
    worker.configure({ maxFaces: Infinity });
    expect(() => worker.configure({ suppressionThreshold: 3 })).to.throw(InvalidOptionError);
    const before = await worker.engineMemory();
    for (let i = 0; i < 20; i++) await worker.detect(photo);
    expect(await worker.engineMemory()).to.deep.equal(before);
  });

  it('detectors made with the same options share one worker, each with its own thresholds; it ends with the last', async () => {
    const expected = asArrays(await local.detect(photo));
    expect(expected.length, 'faces in the photo').to.be.at.least(2);
    const best = asArrays(await local.detect(photo, { settings: { maxFaces: 1 } }));
    expect(best).to.deep.equal(expected.slice(0, 1));
    const before = await detectorWorkers(); // the suite's detector's
    expect(before).to.have.length(1);
    const [strict, same] = await Promise.all([
      WorkerFaceDetector.create({ context: { engine: networkEngine }, maxFaces: 1 }),
      WorkerFaceDetector.create({ context: { engine: networkEngine } }),
    ]);
    expect(await detectorWorkers(), 'no new worker for the same options').to.deep.equal(before);
    // In flight together on the one worker, each with its own detector's thresholds (or the call's).
    const [one, all, perCall] = await Promise.all([strict.detect(photo), same.detect(photo), same.detect(photo, { settings: { maxFaces: 1 } })]);
    expect(asArrays(one)).to.deep.equal(best);
    expect(asArrays(all)).to.deep.equal(expected);
    expect(asArrays(perCall)).to.deep.equal(best);
    expect([strict.settings.maxFaces, same.settings.maxFaces, worker.settings.maxFaces]).to.deep.equal([1, Infinity, Infinity]);
    expect(await rejection(same.detect(photo, { settings: { minScore: 2 } }))).to.be.instanceOf(InvalidOptionError);

    const full = await WorkerFaceDetector.create({ model: 'full', context: { engine: networkEngine } });
    const withFull = await detectorWorkers();
    expect(withFull, 'a worker of its own for another model').to.have.length(2);
    strict.dispose();
    same.dispose();
    expect(asArrays(await worker.detect(photo)), 'the first detector, after the others sharing its worker left').to.deep.equal(expected);
    expect(await detectorWorkers()).to.deep.equal(withFull);
    full.dispose();
    await until(async () => (await detectorWorkers()).length === 1, "the full model's worker to end");
    expect(await detectorWorkers()).to.deep.equal(before);
  });

  it('rebuilds typed errors from the worker', async () => {
    const empty = document.createElement('canvas');
    empty.width = 0;
    expect(await rejection(worker.detect(empty))).to.be.instanceOf(InvalidImageError);
    expect(await rejection(WorkerFaceDetector.create({ model: 'nope' as 'short' }))).to.be.instanceOf(InvalidOptionError);
    const missing = await rejection(WorkerFaceDetector.create({ modelUrl: '/assets/models/none.tflite', context: { engine: networkEngine } }));
    expect(missing).to.be.instanceOf(ModelLoadError);
    expect(missing.message).to.equal(`The model at ${location.origin}/assets/models/none.tflite could not be fetched: HTTP 404`);
    const bytes = new Uint8Array(await (await fetchOk('/assets/models/face_detection_front_128x128_barracuda.onnx')).arrayBuffer());
    const truncated = URL.createObjectURL(new Blob([bytes.subarray(0, 3000)]));
    const corrupt = await rejection(WorkerFaceDetector.create({ model: 'front', modelUrl: truncated, context: { engine: networkEngine } }));
    expect(corrupt).to.be.instanceOf(ModelFormatError);
    expect((await worker.detect(photo)).length).to.be.greaterThan(0);
  });

  it('dispose() settles the detections still in flight, and later calls reject', async () => {
    const doomed = await WorkerFaceDetector.create({ context: { engine: networkEngine } });
    const inFlight = doomed.detect(photo);
    doomed.dispose();
    const error = await rejection(inFlight);
    expect(error).to.be.instanceOf(DOMException);
    expect(error.name).to.equal('InvalidStateError');
    expect((await rejection(doomed.detect(photo))).name).to.equal('InvalidStateError');
  });
});
