// WorkerFaceDetector: FaceDetector's API with the work done in a dedicated Worker, so a page's main thread
// only grabs the frame (a video's as a GPU-side VideoFrame, transferred; an image's as the rows the resampler
// reads) and receives faces.
// Detectors made with the same options share one worker (model/worker/shared-workers.ts).

import { mergeSettings, type DetectionSettings, type DetectOptions } from './detection-settings.ts';
import {
  checkCreateOptions, checkTimeout, defaultDetectionTimeoutMs, defaultStartTimeoutMs, DetectorBase, disposedError, type DetectorBackend, type EngineMemory,
} from './detector.ts';
import type { FaceDetectorOptions } from './face-detector.ts';
import { withDeadline } from './deadline.ts';
import type { TimeoutError } from './errors.ts';
import { restoreFace, type Face } from './face.ts';
import { captureError, imageSourceSize, isImageData, isVideo, isVideoFrame, type ImageSource } from './image-source.ts';
import { readSampledPixels } from './image-to-tensor.ts';
import type { ModelName } from './model-specs.ts';
import { assetBase } from './assets.ts';
import { markStartup } from './startup-marks.ts';
import { polyfillConfig } from '../webnn/polyfill/config.ts';
import type { Reply, WorkerImage, WorkerOptions } from './worker/protocol.ts';
import { DetectorWorker, type RequestBody } from './worker/shared-workers.ts';

/** Options for a worker-based detector: as FaceDetector's, except that a context must be options, not an MLContext. */
/**
 * Options for a worker-based detector: as FaceDetector's, except that a context must be options, not an MLContext.
 * The deadlines are the page's: past `startTimeout`, or `detectionTimeout` for a detect() or engineMemory(), the
 * worker is taken for stuck and ended (and `lost` settles). They must be finite.
 */
export type WorkerFaceDetectorOptions = Omit<FaceDetectorOptions, 'context'> & {
  context?: WorkerOptions['context'];
};

/**
 * What the worker is sent of a source: a video's frame as a VideoFrame, transferred (the worker copies it out);
 * of anything else, the rows the resampler reads, read here and transferred (a 1920-pixel photo is then about a
 * sixth of its bytes, and nothing is drawn twice). Never the caller's own objects.
 */
async function toWorkerImage(source: ImageSource, inputSize: number): Promise<{ image: WorkerImage; transfer: Transferable[] }> {
  imageSourceSize(source); // typed errors for empty, unloaded, closed or unsupported sources, before any work
  if (typeof VideoFrame !== 'undefined' && (isVideoFrame(source) || isVideo(source))) {
    try {
      const frame = isVideoFrame(source) ? source.clone() : new VideoFrame(source);
      return { image: frame, transfer: [frame] };
    } catch (error) {
      throw captureError(error);
    }
  }
  const pixels = readSampledPixels(source, inputSize);
  // ImageData read whole is the caller's own: cloned on the way, not taken from them.
  const owned = !(isImageData(source) && pixels.data === source.data);
  return { image: pixels, transfer: owned ? [pixels.data.buffer] : [] };
}

/** Closes our copies of a frame that the worker will not read (the other transferables need no closing). */
function closeTransferred(transfer: Transferable[]): void {
  for (const owned of transfer) (owned as { close?(): void }).close?.();
}

/**
 * A port to `detector`'s worker that answers detect requests, for a redaction worker's frames (redact-stream.ts);
 * not a method, so that it stays out of the class's public API.
 */
export let detectorPort: (detector: WorkerFaceDetector) => MessagePort;

/** A Detector whose network runs in a Worker; its `lost` resolves for every detector sharing that worker. */
export class WorkerFaceDetector extends DetectorBase {
  static {
    detectorPort = (detector) => detector.#worker.connect();
  }

  #worker: DetectorWorker;
  /** This detector's requests still waiting for the worker, settled at once by dispose(). */
  #inFlight = new Set<number>();
  #backend: DetectorBackend;
  #detectionTimeout: number;

  /**
   * A detector on the page's shared worker for these options (see model/worker/shared-workers.ts): detectors
   * with the same model, model file, context options and precision run in one worker; thresholds are each
   * detector's own.
   */
  static async create(options: WorkerFaceDetectorOptions = {}): Promise<WorkerFaceDetector> {
    const model = checkCreateOptions(options);
    const { modelUrl, context, minScore, suppressionThreshold, scoreMerge, maxFaces, startTimeout, detectionTimeout, ...rest } = options;
    const startMs = checkTimeout('startTimeout', startTimeout, defaultStartTimeoutMs);
    const detectionMs = checkTimeout('detectionTimeout', detectionTimeout, defaultDetectionTimeoutMs);
    markStartup('detector-requested');
    const page = typeof document !== 'undefined' ? document.baseURI : self.location.href;
    const base = assetBase();
    const worker = DetectorWorker.acquire({
      ...rest,
      model,
      ...(context ? { context } : {}),
      ...(modelUrl ? { modelUrl: new URL(String(modelUrl), page).href } : {}),
      ...(base ? { assetBase: base.href } : {}),
      polyfill: polyfillConfig(),
    });
    // A start past its deadline ends the worker (every detector waiting on it would wait for ever too).
    const stuck = (timeout: TimeoutError) => worker.stalled(timeout);
    const created = await withDeadline(worker.created, startMs, () => worker.startStep, 'The face detector\'s start', stuck).catch((error: unknown) => {
      worker.release();
      throw error;
    });
    markStartup('detector-ready');
    // The worker's defaults, under the thresholds among the options.
    const settings = mergeSettings(created.settings, options);
    return new WorkerFaceDetector(worker, model, created.backend, created.inputSize, settings, detectionMs);
  }

  private constructor(worker: DetectorWorker, model: ModelName, backend: DetectorBackend, inputSize: number, settings: DetectionSettings, detectionTimeout: number) {
    super(model, inputSize, worker.lost, settings);
    this.#worker = worker;
    this.#backend = backend;
    this.#detectionTimeout = detectionTimeout;
  }

  /** The worker detector's backend; `threads` as of its latest frame (see FaceDetector.backend). */
  get backend(): DetectorBackend {
    return this.#backend;
  }

  /** Thresholds are this detector's own (configure() changes no other detector's): each frame carries them to the worker. */
  async detect(source: ImageSource, options: DetectOptions = {}): Promise<Face[]> {
    this.assertNotDisposed();
    const settings = this.callSettings(options);
    const { image, transfer } = await toWorkerImage(source, this.inputSize);
    const reply = await this.#send({ type: 'detect', image, mirrored: Boolean(options.mirrored), settings }, transfer, 'detect');
    if (reply.type !== 'faces') throw new Error(`unexpected reply ${reply.type}`);
    if (reply.threads !== undefined && reply.threads !== this.#backend.threads) this.#backend = { ...this.#backend, threads: reply.threads };
    return reply.faces.map(restoreFace);
  }

  /** The worker engine's memory counter (see FaceDetector.engineMemory). */
  async engineMemory(): Promise<EngineMemory | undefined> {
    const reply = await this.#send({ type: 'memory' }, [], 'memory');
    return reply.type === 'memory' && reply.memory ? reply.memory : undefined;
  }

  /** Ends this detector; the worker ends with the last detector using it. */
  protected release(): void {
    // Calls still in flight would be answered to a detector that is gone: settle them now.
    const disposed = disposedError();
    for (const id of this.#inFlight) this.#worker.abandon(id, disposed);
    this.#inFlight.clear();
    this.#worker.release();
  }

  /** A request to the worker, answered within the detection deadline, or the worker is taken for stuck. */
  #send(body: RequestBody, transfer: Transferable[], step: 'detect' | 'memory'): Promise<Reply> {
    // disposed while the caller was preparing its frame: nothing may reach the worker on its behalf
    if (this.disposed) {
      closeTransferred(transfer);
      return Promise.reject(disposedError());
    }
    const { id, reply } = this.#worker.send(body, transfer);
    this.#inFlight.add(id);
    const worker = this.#worker;
    return withDeadline(reply, this.#detectionTimeout, step, step === 'detect' ? 'A detection' : 'A memory query', (timeout) => worker.stalled(timeout))
      .catch((error: unknown) => {
        closeTransferred(transfer); // not sent, or not read
        throw error;
      })
      .finally(() => this.#inFlight.delete(id));
  }
}
