// FaceDetector: the BlazeFace pipeline end to end. Each step is its own unit (image-to-tensor, the WebNN
// graph, tensors-to-detections, non-max suppression, letterbox removal); this class owns the resources
// (context, graph, tensors) and runs the steps in order, one call at a time. What it has in common with
// WorkerFaceDetector (the Detector interface, thresholds, configure(), detectBatch, dispose()) is detector.ts.
//
// Where each step runs: the network (convolutions to the raw regressor and logit tensors) runs in the WebNN
// graph; the score sigmoid with clipping and the box decoding run in TypeScript (tensors-to-detections.ts),
// because they only touch the few anchors that pass the threshold there, and exp() over all of them
// in the graph would be wasted work.

import { createContext, createPolyfillContextFor, describeContext, engineMemory } from '../webnn/index.ts';
import type {
  Backend,
  MLContext,
  MLContextOptions,
  MLGraph,
  PolyfillEngine,
} from '../webnn/types.ts';
import { generateAnchors, type Anchors } from './anchors.ts';
import {
  checkCreateOptions, checkTimeout, defaultDetectionTimeoutMs, defaultStartTimeoutMs, DetectorBase, type DetectorBackend, type DetectorLoss, type EngineMemory,
} from './detector.ts';
import { withDeadline } from './deadline.ts';
import { UnsupportedGraphError, type TimeoutError, type TimeoutStep } from './errors.ts';
import { createFace, mirrorFace, type Face } from './face.ts';
import type { Precision } from './graph/device-builder.ts';
import { buildNetwork, modelFileName, type Network, type PrecisionChoice } from './graph/load-network.ts';
import { fetchModel } from './graph/fetch-model.ts';
import { networkRun, type NetworkRun } from './graph/network-run.ts';
import type { RgbaPixels } from './image-to-tensor-converter.ts';
import { pixelsToTensor, readSampledPixels } from './image-to-tensor.ts';
import { isVideoFrame, type ImageSource } from './image-source.ts';
import { FrameConverter } from './frame-pixels.ts';
import { removeLetterbox } from './letterbox.ts';
import { markStartup } from './startup-marks.ts';
import type { DetectionSettings, DetectOptions } from './detection-settings.ts';
import { defaultModelUrl, modelSpecs, type ModelName, type ModelSpec } from './model-specs.ts';
import { nonMaxSuppression, type ScoreMerge } from './non-max-suppression.ts';
import { tensorsToDetections } from './tensors-to-detections.ts';

export { checkModelName, checkPrecision, validateSettings, type DetectionSettings, type DetectOptions } from './detection-settings.ts';
export type { DetectorBackend } from './detector.ts';

export type ContextChoice = (MLContextOptions & { engine?: PolyfillEngine | 'native' }) | MLContext;

export interface FaceDetectorOptions {
  model?: ModelName;
  minScore?: number;
  suppressionThreshold?: number;
  scoreMerge?: ScoreMerge;
  maxFaces?: number;
  context?: ContextChoice;
  modelUrl?: string | URL;
  /** The network's arithmetic: 'auto' (default) is float32 unless the device only has float16 for it (NPUs). */
  precision?: PrecisionChoice;
  /**
   * Milliseconds create() may take, model download included, before it rejects with a TimeoutError naming the step
   * it was stuck at (default 60000).
   */
  startTimeout?: number;
  /**
   * Milliseconds one detection may run (after those queued before it) before it rejects with a TimeoutError
   * (default 10000); the detector is then taken for stuck: `lost` settles, and it is disposed.
   */
  detectionTimeout?: number;
}

export type { Precision, PrecisionChoice };

/** What create() resolved before it opens the network on a context. */
interface DetectorSetup {
  model: ModelName;
  spec: ModelSpec;
  settings: DetectionSettings;
  url: string | URL;
  /** The model file, fetched while the context is created (a wasm engine compiles meanwhile). */
  file: Promise<Uint8Array>;
  precision: PrecisionChoice;
  detectionTimeout: number;
  /** Where the start is: what a start past its deadline was stuck at. */
  progress: { step: TimeoutStep };
}

function isContext(choice: ContextChoice | undefined): choice is MLContext {
  return typeof (choice as MLContext | undefined)?.dispatch === 'function';
}

/**
 * detect() on pixels already read (readSampledPixels' result), for the detector's worker: the page reads them,
 * so that only the rows the resampler needs travel. Not part of the package's API (model/index.ts).
 */
export let detectReadPixels: (detector: FaceDetector, pixels: RgbaPixels, options: DetectOptions) => Promise<Face[]>;

/** A Detector that runs the network on the calling thread (the page's, or a worker's). */
export class FaceDetector extends DetectorBase {
  #context: MLContext;
  #ownsContext: boolean;
  #graph: MLGraph;
  /** Where the network's input is written and its outputs read, reused every call (no per-frame allocation). */
  #run: NetworkRun;
  #anchors: Anchors;
  #spec: ModelSpec;
  /** Reads video frames, reusing their buffers from frame to frame. */
  #frames = new FrameConverter();
  #queue: Promise<unknown> = Promise.resolve();
  #backend: DetectorBackend;
  #detectionTimeout: number;
  /** Settles `lost` for a detection past its deadline. */
  #stuck: (loss: DetectorLoss) => void;

  /**
   * A detector on `options.context` (a new WebNN context by default). Past `startTimeout` it rejects with a
   * TimeoutError; a start that still finishes after that releases what it made.
   */
  static async create(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    const model = checkCreateOptions(options);
    // Infinity is let through for the detector in a worker, whose page bounds it.
    const startMs = checkTimeout('startTimeout', options.startTimeout, defaultStartTimeoutMs, true);
    const detectionTimeout = checkTimeout('detectionTimeout', options.detectionTimeout, defaultDetectionTimeoutMs, true);
    const progress: { step: TimeoutStep } = { step: 'context' };
    const creating = FaceDetector.#create(model, options, { detectionTimeout, progress });
    return withDeadline(creating, startMs, () => progress.step, 'The face detector\'s start', () => {
      void creating.then((late) => late.dispose(), () => undefined);
    });
  }

  static async #create(
    model: ModelName, options: FaceDetectorOptions, { detectionTimeout, progress }: Pick<DetectorSetup, 'detectionTimeout' | 'progress'>,
  ): Promise<FaceDetector> {
    const spec = modelSpecs[model];
    const settings: DetectionSettings = {
      minScore: options.minScore ?? spec.defaultMinScore,
      suppressionThreshold: options.suppressionThreshold ?? spec.defaultSuppressionThreshold,
      scoreMerge: options.scoreMerge ?? 'max',
      maxFaces: options.maxFaces ?? Infinity,
    };
    const precision = options.precision ?? 'auto';
    const url = options.modelUrl ?? defaultModelUrl(model);
    const file = fetchModel(url);
    // Its error is reported where the file is awaited, after the context is up.
    file.then(() => markStartup('model-fetched'), () => undefined);
    const setup: DetectorSetup = { model, spec, settings, url, file, precision, detectionTimeout, progress };

    const choice = options.context;
    if (isContext(choice)) return FaceDetector.#open(setup, choice, false, describeContext(choice));
    const created = await createContext(choice);
    markStartup('context-created');
    try {
      return await FaceDetector.#open(setup, created.context, true, created);
    } catch (error) {
      created.context.destroy();
      // Native WebNN started but cannot run this network (an NPU without an op, a driver bug): the polyfill
      // runs it instead, unless native was asked for by name. Model and option errors would fail there too.
      if (!(error instanceof UnsupportedGraphError) || created.implementation !== 'native' || choice?.engine === 'native') throw error;
      console.warn(`blaze-face: native WebNN cannot run the face detector, the WebNN polyfill runs it instead. ${error.message}`);
      const fallback = await createPolyfillContextFor(choice);
      const backend: Backend & Pick<DetectorBackend, 'fallbackFrom' | 'reason'> = {
        implementation: fallback.implementation, engine: fallback.engine, ...(fallback.threads ? { threads: fallback.threads } : {}),
        fallbackFrom: 'native', reason: error.message,
      };
      try {
        return await FaceDetector.#open(setup, fallback.context, true, backend);
      } catch (fallbackError) {
        fallback.context.destroy();
        throw fallbackError;
      }
    }
  }

  /** Loads the network on `context` and runs it once (see below). */
  static async #open(
    setup: DetectorSetup, context: MLContext, ownsContext: boolean, backend: Backend & Partial<DetectorBackend>,
  ): Promise<FaceDetector> {
    setup.progress.step = 'model-fetch';
    const bytes = await setup.file;
    setup.progress.step = 'graph';
    const network = await buildNetwork(setup.spec, bytes, modelFileName(setup.url), context, setup.precision);
    markStartup('graph-built');
    let run: NetworkRun;
    try {
      run = await networkRun(context, network);
    } catch (error) {
      network.graph.destroy();
      throw error;
    }
    const { implementation, engine, threads, fallbackFrom } = backend;
    // A polyfill engine may hand a graph it cannot run to another engine while building it (and say why).
    const reason = backend.reason ?? (implementation === 'polyfill' ? describeContext(context).reason : undefined);
    const detectorBackend: DetectorBackend = {
      implementation,
      engine,
      ...(threads ? { threads } : {}),
      precision: network.precision,
      ...(fallbackFrom ? { fallbackFrom } : {}),
      ...(reason ? { reason } : {}),
    };
    const detector = new FaceDetector(setup, context, ownsContext, detectorBackend, network, run);
    // The first dispatch warms the engine (operator set-up, the browser's optimising compile) before the
    // detector is handed out, so the first frame is not the slow one; on native WebNN it is also where a
    // device that cannot run the network fails.
    setup.progress.step = 'warm-up';
    try {
      await detector.#run.run(); // on a blank image
      markStartup('warmed');
    } catch (error) {
      detector.dispose();
      if (implementation !== 'native') throw error;
      throw new UnsupportedGraphError('dispatch', undefined, `the first dispatch() failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return detector;
  }

  private constructor(
    { model, spec, settings, detectionTimeout }: DetectorSetup,
    context: MLContext,
    ownsContext: boolean,
    backend: DetectorBackend,
    network: Network,
    run: NetworkRun,
  ) {
    let stuck!: (loss: DetectorLoss) => void;
    const stalled = new Promise<DetectorLoss>((resolve) => (stuck = resolve));
    super(model, spec.inputSize, Promise.race([context.lost, stalled]), settings);
    this.#stuck = stuck;
    this.#detectionTimeout = detectionTimeout;
    this.#spec = spec;
    this.#context = context;
    this.#ownsContext = ownsContext;
    this.#backend = backend;
    this.#graph = network.graph;
    this.#run = run;
    this.#anchors = generateAnchors(spec.anchors);
  }

  /**
   * Which WebNN implementation, engine and precision run the network (and whether native fallback happened).
   * `threads` is read as it is now: the wasm engine settles its count over the first frames (see
   * webnn/polyfill/wasm-threads.ts).
   */
  get backend(): DetectorBackend {
    if (this.#backend.threads === undefined) return this.#backend;
    const { threads } = describeContext(this.#context);
    if (threads !== this.#backend.threads) this.#backend = { ...this.#backend, ...(threads ? { threads } : {}) };
    return this.#backend;
  }

  async detect(source: ImageSource, options: DetectOptions = {}): Promise<Face[]> {
    return this.#enqueue(() => this.#read(source), this.callSettings(options), options.mirrored);
  }

  static {
    detectReadPixels = (detector, pixels, options) => detector.#enqueue(() => pixels, detector.callSettings(options), options.mirrored);
  }

  /** Calls share one set of tensors, so they run one after another in call order. */
  #enqueue(read: () => Promise<RgbaPixels> | RgbaPixels, settings: DetectionSettings, mirrored = false): Promise<Face[]> {
    const run = this.#queue.then(() => withDeadline(
      this.#detectNow(read, settings, mirrored), this.#detectionTimeout, 'detect', 'A detection', (timeout) => this.#stalled(timeout),
    ));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** A detection never finished: the context is taken for stuck, so the detector is of no more use. */
  #stalled(timeout: TimeoutError): void {
    this.#stuck({ message: timeout.message, timeout });
    this.dispose();
  }

  /** The polyfill engine's tensor count and bytes (for leak checks); undefined on native WebNN, which has no such counter. */
  engineMemory(): EngineMemory | undefined {
    return this.#backend.implementation === 'polyfill' ? engineMemory(this.#context) : undefined;
  }

  /** Releases the graph, the tensors and (if this detector created it) the WebNN context. */
  protected release(): void {
    this.#run.destroy();
    this.#graph.destroy();
    if (this.#ownsContext) this.#context.destroy();
  }

  /** The pixels the resampler reads: a video frame's copied out of it where they can be, anything else's read at once. */
  #read(source: ImageSource): Promise<RgbaPixels> | RgbaPixels {
    return isVideoFrame(source) ? this.#frames.readPixels(source, this.inputSize) : readSampledPixels(source, this.inputSize);
  }

  async #detectNow(read: () => Promise<RgbaPixels> | RgbaPixels, settings: DetectionSettings, mirrored: boolean): Promise<Face[]> {
    this.assertNotDisposed();
    const faces = await this.#detectPixels(await read(), settings);
    return mirrored ? faces.map(mirrorFace) : faces;
  }

  /** One run of the network on RGBA pixels: the faces, normalized to them. */
  async #detectPixels(pixels: RgbaPixels, settings: DetectionSettings): Promise<Face[]> {
    const prepared = pixelsToTensor(pixels, this.inputSize, this.#run.input);
    await this.#run.run();
    const decoded = tensorsToDetections(this.#run.regressors, this.#run.scores, this.#anchors, {
      ...this.#spec.decode,
      minScore: settings.minScore,
    });
    const merged = nonMaxSuppression(decoded, {
      threshold: settings.suppressionThreshold,
      scoreMerge: settings.scoreMerge,
      maxResults: settings.maxFaces,
    });
    const aspect = prepared.sourceWidth / prepared.sourceHeight;
    return removeLetterbox(merged, prepared.letterbox).map((detection) => createFace(detection, aspect));
  }
}
