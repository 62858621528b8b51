// The worker side of WorkerFaceDetector: owns one FaceDetector and answers the requests of every
// WorkerFaceDetector that shares it (see shared-workers.ts), each frame with its sender's thresholds.
// Running here keeps pixel reading, inference and post-processing off the page's main thread.

/// <reference lib="webworker" />
import { configurePolyfill } from '../../webnn/index.ts';
import { configure } from '../assets.ts';
import { detectReadPixels, FaceDetector } from '../face-detector.ts';
import type { FaceData } from '../face.ts';
import { serializeError } from './errors.ts';
import type { Connect, Reply, Request } from './protocol.ts';
import { markStartup, onStartupMark, takeStartupMarks } from '../startup-marks.ts';
import { provideModelFile } from '../graph/fetch-model.ts';
import { watchThreadPool } from '../../webnn/polyfill/wasm-threads.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let detector: FaceDetector | undefined;

function reply(message: Reply): void {
  scope.postMessage(message);
}

onStartupMark((stage) => reply({ id: -1, type: 'stage', stage }));
markStartup('worker-started');

// The threaded engine starts its pool's workers from this worker, where one `new Worker()` can block for good
// (Firefox under WebDriver BiDi): the page times the start, and restarts the detector single-threaded.
watchThreadPool({
  starting: () => reply({ id: -1, type: 'thread-pool', settled: false }),
  settled: () => reply({ id: -1, type: 'thread-pool', settled: true }),
});

function plain(face: FaceData): FaceData {
  return { box: { ...face.box }, keypoints: face.keypoints.map((point) => ({ ...point })), score: face.score, roll: face.roll };
}

async function handle(request: Request): Promise<Reply> {
  switch (request.type) {
    case 'create': {
      const { assetBase, polyfill, ...options } = request.options;
      configure({ assetBase });
      configurePolyfill(polyfill);
      const { model } = request.files;
      if (model) provideModelFile(model.url, new Uint8Array(model.bytes));
      // No deadlines of its own: the page's bound this detector, and end the worker when one passes.
      detector = await FaceDetector.create({ ...options, startTimeout: Infinity, detectionTimeout: Infinity });
      const created = detector;
      void created.lost.then(({ message }) => {
        if (detector === created) reply({ id: -1, type: 'lost', message });
      });
      return {
        id: request.id, type: 'created', backend: created.backend, inputSize: created.inputSize, settings: created.settings, marks: takeStartupMarks(),
      };
    }
    case 'detect': {
      const { image, mirrored, settings } = request;
      try {
        const running = requireDetector();
        const faces = image instanceof VideoFrame
          ? await running.detect(image, { mirrored, settings })
          : await detectReadPixels(running, image, { mirrored, settings });
        const { threads } = running.backend;
        return { id: request.id, type: 'faces', faces: faces.map(plain), ...(threads ? { threads } : {}) };
      } finally {
        if (image instanceof VideoFrame) image.close();
      }
    }
    case 'memory':
      return { id: request.id, type: 'memory', memory: requireDetector().engineMemory() ?? null };
  }
}

function requireDetector(): FaceDetector {
  if (!detector) throw new DOMException('The face detector is not ready', 'InvalidStateError');
  return detector;
}

/**
 * Answers each request on `target`; a 'connect' hands over a redaction worker's port, whose detect requests come
 * and go on it without the page.
 */
function serve(target: { postMessage(message: Reply): void }) {
  return ({ data }: MessageEvent<Request | Connect>) => {
    if (data.type === 'connect') data.port.onmessage = serve(data.port);
    else handle(data).then((message) => target.postMessage(message), (error: unknown) => target.postMessage({ id: data.id, type: 'error', error: serializeError(error) }));
  };
}

scope.onmessage = serve(scope);
