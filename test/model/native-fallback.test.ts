// When native WebNN starts but cannot run the network (an op, a data type or a rank the device lacks, a
// build() or first dispatch() that fails), FaceDetector and WorkerFaceDetector switch to the polyfill and
// say why, once; `engine: 'native'` reports the failure instead. The faults are put on the browser's real
// navigator.ml (test/helpers/native-faults.ts). Where native WebNN does not work at all, nothing falls back:
// the polyfill simply runs, and says nothing of native.

import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import { UnsupportedGraphError } from '../../model/errors.ts';
import { WorkerFaceDetector } from '../../model/worker-face-detector.ts';
import type { MLOpSupportLimits } from '../../webnn/index.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { installNativeFaults, withFaultyWorkers, type NativeFaults } from '../helpers/native-faults.ts';
import { rejection } from '../helpers/rejection.ts';
import { describeForNative, describeForPolyfill, expectNetworkBackend } from '../helpers/test-browser.ts';

const photoUrl = '/node_modules/@vladmandic/face-api/demo/sample2.jpg';

/** Runs `body` with the faults on navigator.ml, collecting what console.warn said meanwhile. */
async function withFaults<T>(faults: NativeFaults, body: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const realWarn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  const remove = installNativeFaults(faults);
  try {
    return { result: await body(), warnings };
  } finally {
    remove();
    console.warn = realWarn;
  }
}

function withoutOp(op: string) {
  return (device: MLOpSupportLimits): MLOpSupportLimits => {
    delete device[op];
    return device;
  };
}

describeForNative('native WebNN that cannot run the network: fallback to the polyfill', () => {
  let photo: ImageData;
  let polyfillFaces: number[][];

  before(async () => {
    photo = await loadImageData(photoUrl);
    const polyfill = await FaceDetector.create({ context: { engine: 'wasm' } });
    polyfillFaces = (await polyfill.detect(photo)).map((face) => face.toArray());
    polyfill.dispose();
    expect(polyfillFaces.length).to.be.greaterThan(0);
  });

  it('build() rejecting for maxPool2d: the polyfill runs it, backend says why, console.warn says it once', async () => {
    const { result: detector, warnings } = await withFaults({ buildRejectsOp: 'maxPool2d' }, () => FaceDetector.create());
    try {
      const { reason, threads, ...backend } = detector.backend;
      expect(backend).to.deep.equal({ implementation: 'polyfill', engine: 'wasm', precision: 'float32', fallbackFrom: 'native' });
      expect(threads, 'our wasm engine runs on one thread').to.equal(1);
      expect(reason).to.contain('build() failed').and.to.contain('maxPool2d is not supported on this device');
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain('WebNN polyfill runs it instead').and.to.contain(reason);
      expect((await detector.detect(photo)).map((face) => face.toArray())).to.deep.equal(polyfillFaces);
    } finally {
      detector.dispose();
    }
  });

  it("engine: 'native' still means native or an error: the UnsupportedGraphError, no fallback", async () => {
    const { result: error, warnings } = await withFaults({ buildRejectsOp: 'maxPool2d' }, () => rejection(FaceDetector.create({ context: { engine: 'native' } })));
    expect(error).to.be.instanceOf(UnsupportedGraphError);
    expect((error as UnsupportedGraphError).stage).to.equal('build');
    expect(warnings).to.deep.equal([]);
  });

  it('an op missing from opSupportLimits() is caught before build(), naming the op and the reason', async () => {
    const { result: error } = await withFaults({ limits: withoutOp('maxPool2d') }, () => rejection(FaceDetector.create({ context: { engine: 'native' } })));
    expect(error).to.be.instanceOf(UnsupportedGraphError);
    const { stage, op, message } = error as UnsupportedGraphError;
    expect({ stage, op, message }).to.deep.equal({
      stage: 'check', op: 'maxPool2d', message: 'This WebNN device cannot run the network: maxPool2d: the operation is not supported by this device',
    });
    const { result: detector, warnings } = await withFaults({ limits: withoutOp('maxPool2d') }, () => FaceDetector.create());
    expect(detector.backend.fallbackFrom).to.equal('native');
    expect(detector.backend.reason).to.equal(message);
    expect(warnings).to.have.length(1);
    detector.dispose();
  });

  it('a rank the device does not support is named with its operand', async () => {
    const rank3Pad = (device: MLOpSupportLimits): MLOpSupportLimits => {
      const pad = device.pad as Record<string, { rankRange: { min: number; max: number } }>;
      pad.input!.rankRange = { min: 0, max: 3 };
      return device;
    };
    const { result: error } = await withFaults({ limits: rank3Pad }, () => rejection(FaceDetector.create({ context: { engine: 'native' } })));
    expect((error as Error).message).to.equal('This WebNN device cannot run the network: pad: input rank 4 is outside the supported 0..3');
  });

  it('the first dispatch() failing: the polyfill runs it', async () => {
    const { result: detector, warnings } = await withFaults({ dispatchFails: true }, () => FaceDetector.create());
    try {
      expect(detector.backend.implementation).to.equal('polyfill');
      expect(detector.backend.reason).to.equal('This WebNN device cannot run the network: the first dispatch() failed: the driver failed');
      expect(warnings).to.have.length(1);
      expect((await detector.detect(photo)).map((face) => face.toArray())).to.deep.equal(polyfillFaces);
    } finally {
      detector.dispose();
    }
  });

  it('WorkerFaceDetector falls back the same way inside its worker, and says so in backend', async () => {
    const detector = await withFaultyWorkers({ buildRejectsOp: 'maxPool2d' }, () => WorkerFaceDetector.create());
    try {
      expect(detector.backend).to.deep.include({ implementation: 'polyfill', engine: 'wasm', precision: 'float32', fallbackFrom: 'native' });
      expect(detector.backend.reason).to.contain('maxPool2d is not supported on this device');
      expect((await detector.detect(photo)).map((face) => face.toArray())).to.deep.equal(polyfillFaces);
    } finally {
      detector.dispose();
    }
    const error = await withFaultyWorkers({ buildRejectsOp: 'maxPool2d' }, () => rejection(WorkerFaceDetector.create({ context: { engine: 'native' } })));
    expect(error).to.be.instanceOf(UnsupportedGraphError);
    expect((error as UnsupportedGraphError).stage).to.equal('build');
  });
});

describeForPolyfill('where native WebNN does not work at all', () => {
  it('the polyfill runs without a fallback note or a warning', async () => {
    const { result: detector, warnings } = await withFaults({}, () => FaceDetector.create());
    expectNetworkBackend(detector.backend, { precision: 'float32' });
    expect(warnings).to.deep.equal([]);
    detector.dispose();
  });
});
