// Every promise of WorkerFaceDetector and of the in-page FaceDetector settles within its deadline (issue 30): a
// start whose model file never arrives rejects with a TimeoutError naming the step it was stuck at, a worker that
// stops answering a frame (or an in-page context whose results never come back) fails that frame with a
// TimeoutError and counts as lost, and in every case the next detector starts afresh and works.
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { InvalidOptionError, TimeoutError } from '../../model/errors.ts';
import type { Detector } from '../../model/detector.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { WorkerFaceDetector } from '../../model/worker-face-detector.ts';
import { configurePolyfill, createContext } from '../../webnn/index.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';
import { silence, unsilence } from '../helpers/silent-workers.ts';
import { networkEngine, testBrowser } from '../helpers/test-browser.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';

const photoUrl = '/node_modules/@vladmandic/face-api/demo/sample3.jpg';
const context = { engine: networkEngine } as const;

/**
 * Starts a detector (`create`) whose model file the test server holds back, and checks that it rejects with a
 * TimeoutError at model-fetch at its 1.5 s deadline.
 */
async function expectStuckAtModelFetch(create: (modelUrl: string, startTimeout: number) => Promise<Detector>): Promise<void> {
  const token = `deadline-${Math.random().toString(36).slice(2)}`;
  const startTimeout = 1500;
  const started = performance.now();
  const error = await rejection(create(`/held/${token}/assets/models/face_detection_short_range.tflite`, startTimeout));
  const took = performance.now() - started;
  await executeServerCommand('release-held', { token });
  console.log(`start stuck in the model fetch: ${error.message} after ${took.toFixed(0)} ms`);
  expect(error).to.be.instanceOf(TimeoutError);
  expect((error as TimeoutError).step, error.message).to.equal('model-fetch');
  expect((error as TimeoutError).ms).to.equal(startTimeout);
  expect(took, 'rejected at its deadline').to.be.within(startTimeout - 50, startTimeout + 1000);
}

/** That the detector `created` finds faces in the photo (after a stuck one); it is disposed. */
async function expectFacesFrom(created: Promise<Detector>): Promise<void> {
  const next = await created;
  try {
    expect((await next.detect(await loadImageData(photoUrl))).length, 'faces after the stuck start').to.be.greaterThan(0);
  } finally {
    next.dispose();
  }
}

describe('WorkerFaceDetector deadlines', function () {
  this.timeout(120000);
  afterEach(() => unsilence());

  it('refuses deadlines that are not a number of milliseconds above 0', async () => {
    for (const [name, value] of [['startTimeout', 0], ['startTimeout', -1], ['detectionTimeout', Number.NaN], ['detectionTimeout', 2 ** 31]] as const) {
      const error = await rejection(WorkerFaceDetector.create({ [name]: value, context }));
      expect(error, `${name}: ${value}`).to.be.instanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).to.equal(name);
    }
  });

  it('rejects a start whose model file never arrives with a TimeoutError at model-fetch, within its deadline, and ends its worker', async () => {
    await expectStuckAtModelFetch((modelUrl, startTimeout) => WorkerFaceDetector.create({ modelUrl, startTimeout, context }));
    await until(async () => (await detectorWorkers()).length === 0, 'the stuck worker to end', 5000);
    await expectFacesFrom(WorkerFaceDetector.create({ context }));
  });

  it('names the step a start is stuck at from what the worker has reported: its engine never compiled is at context', async () => {
    const token = `deadline-engine-${Math.random().toString(36).slice(2)}`;
    configurePolyfill({ wasmPath: `/held/${token}/assets/wasm/` });
    try {
      const error = await rejection(WorkerFaceDetector.create({ startTimeout: 1500, context: { engine: 'wasm' } }));
      expect(error).to.be.instanceOf(TimeoutError);
      expect((error as TimeoutError).step, error.message).to.equal('context');
    } finally {
      configurePolyfill({ wasmPath: undefined });
      await executeServerCommand('release-held', { token });
    }
  });

  it('fails a frame the worker never answers with a TimeoutError at detect, takes the worker for lost, and a new detector works', async () => {
    const detectionTimeout = 1000;
    const detector = await WorkerFaceDetector.create({ detectionTimeout, context });
    const photo = await loadImageData(photoUrl);
    const faces = (await detector.detect(photo)).length;
    expect(faces).to.be.greaterThan(0);
    silence('detect');
    const started = performance.now();
    const error = await rejection(detector.detect(photo));
    const took = performance.now() - started;
    unsilence();
    console.log(`frame never answered: ${error.message} after ${took.toFixed(0)} ms`);
    expect(error).to.be.instanceOf(TimeoutError);
    expect((error as TimeoutError).step).to.equal('detect');
    expect(took, 'rejected at its deadline').to.be.within(detectionTimeout - 50, detectionTimeout + 1000);
    const loss = await detector.lost;
    expect(loss.timeout, 'lost, with the deadline that passed').to.equal(error);
    // Its worker is ended: a later frame of this detector fails at once, and a new detector gets a new worker.
    await until(async () => (await detectorWorkers()).length === 0, 'the silent worker to end', 5000);
    detector.dispose();
    const next = await WorkerFaceDetector.create({ detectionTimeout, context });
    try {
      expect((await next.detect(photo)).length, 'faces from the new detector').to.equal(faces);
    } finally {
      next.dispose();
    }
  });
});

describe('FaceDetector (in page) deadlines', function () {
  this.timeout(120000);

  it('rejects a start whose model file never arrives with a TimeoutError at model-fetch, within its deadline', async () => {
    await expectStuckAtModelFetch((modelUrl, startTimeout) => FaceDetector.create({ modelUrl, startTimeout, context }));
    await expectFacesFrom(FaceDetector.create({ context }));
  });

  it('refuses deadlines that are not a number of milliseconds above 0, and takes Infinity for none', async () => {
    for (const [name, value] of [['startTimeout', 0], ['detectionTimeout', -5], ['detectionTimeout', 2 ** 31]] as const) {
      const error = await rejection(FaceDetector.create({ [name]: value, context }));
      expect(error, `${name}: ${value}`).to.be.instanceOf(InvalidOptionError);
    }
    const unbounded = await FaceDetector.create({ startTimeout: Infinity, detectionTimeout: Infinity, context });
    unbounded.dispose();
  });

  it('fails a detection whose results never come back with a TimeoutError at detect, takes the detector for lost, and a new one works', async () => {
    // A real context whose result reads stop answering when told to: a GPU or engine that hangs. (Our wasm engine
    // runs the network in the graph's own memory, with no read to hang: TensorFlow.js's CPU engine reads back.)
    const { context: hanging } = await createContext(testBrowser.nativeWebNN ? { engine: 'native' } : { engine: 'cpu' });
    const readTensor = hanging.readTensor.bind(hanging);
    let answering = true;
    hanging.readTensor = ((...args: Parameters<typeof readTensor>) => (answering ? readTensor(...args) : new Promise<never>(() => undefined))) as typeof hanging.readTensor;
    const detectionTimeout = 1000;
    const detector = await FaceDetector.create({ context: hanging, detectionTimeout });
    const photo = await loadImageData(photoUrl);
    const faces = (await detector.detect(photo)).length;
    expect(faces).to.be.greaterThan(0);
    answering = false;
    const started = performance.now();
    const [error, queued] = await Promise.all([rejection(detector.detect(photo)), rejection(detector.detect(photo))]);
    const took = performance.now() - started;
    expect(error).to.be.instanceOf(TimeoutError);
    expect((error as TimeoutError).step).to.equal('detect');
    expect(took, 'both settled by the first one\'s deadline').to.be.within(detectionTimeout - 50, detectionTimeout + 1000);
    expect((queued as DOMException).name, 'the detection queued behind it: the detector is disposed').to.equal('InvalidStateError');
    const loss = await detector.lost;
    expect(loss.timeout, 'lost, with the deadline that passed').to.equal(error);
    hanging.destroy();
    const next = await FaceDetector.create({ context, detectionTimeout });
    try {
      expect((await next.detect(photo)).length, 'faces from a new detector').to.equal(faces);
    } finally {
      next.dispose();
    }
  });
});
