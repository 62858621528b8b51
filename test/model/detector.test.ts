// What FaceDetector and WorkerFaceDetector share (model/detector.ts), seen from both: the same checks of
// create()'s options, and the same error from every call once a detector is disposed.

import { expect } from 'chai';
import type { Detector } from '../../model/detector.ts';
import { InvalidOptionError } from '../../model/errors.ts';
import { FaceDetector, type FaceDetectorOptions } from '../../model/face-detector.ts';
import { WorkerFaceDetector } from '../../model/worker-face-detector.ts';
import { rejection } from '../helpers/rejection.ts';
import { networkEngine } from '../helpers/test-browser.ts';

describe('Detector', () => {
  it('FaceDetector and WorkerFaceDetector refuse the same bad create() options with the same error', async () => {
    const badOptions = [
      { model: 'nope' },
      { minScore: 2 },
      { suppressionThreshold: -0.5 },
      { maxFaces: 0 },
      { scoreMerge: 'median' },
      { precision: 'int8' },
      { minScore: 2, precision: 'int8' }, // checked in the same order by both
    ] as unknown as FaceDetectorOptions[];
    for (const options of badOptions) {
      const [local, inWorker] = await Promise.all([rejection(FaceDetector.create(options)), rejection(WorkerFaceDetector.create(options))]);
      const label = JSON.stringify(options);
      expect(local, label).to.be.instanceOf(InvalidOptionError);
      expect(inWorker, label).to.be.instanceOf(InvalidOptionError);
      expect([inWorker.message, (inWorker as InvalidOptionError).option], label).to.deep.equal([local.message, (local as InvalidOptionError).option]);
    }
  });

  it('once disposed (any number of times), both reject every call with the same InvalidStateError, queued calls too', async () => {
    const detectors: Detector[] = await Promise.all([
      FaceDetector.create({ context: { engine: networkEngine } }),
      WorkerFaceDetector.create({ context: { engine: networkEngine } }),
    ]);
    const image = new ImageData(64, 48);
    const [local] = detectors;
    const queued = local!.detect(image); // runs after dispose() below: FaceDetector's calls wait their turn
    for (const detector of detectors) {
      detector.dispose();
      detector.dispose();
    }
    const calls = [queued, ...detectors.flatMap((detector) => [detector.detect(image), detector.detectBatch([image])])];
    const errors = await Promise.all(calls.map(rejection));
    for (const error of errors) {
      expect(error).to.be.instanceOf(DOMException);
      expect([error.name, error.message]).to.deep.equal(['InvalidStateError', 'This FaceDetector has been disposed']);
    }
  });
});
