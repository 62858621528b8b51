// WorkerFaceDetector: FaceDetector's API with the work done in a dedicated Worker, so a page's main thread
// only grabs the frame (a GPU-side VideoFrame or ImageBitmap, transferred, not copied) and receives faces.

import { checkModelName, checkPrecision, validateSettings, type DetectionSettings, type DetectOptions } from './detection-settings.ts';
import type { DetectorBackend, FaceDetectorOptions } from './face-detector.ts';
import { restoreFace, type Face } from './face.ts';
import { InvalidImageError } from './errors.ts';
import { captureError, imageSourceSize, type ImageSource } from './image-to-tensor.ts';
import type { ModelName } from './model-specs.ts';
import { assetBase } from './assets.ts';
import { polyfillConfig } from '../webnn/polyfill/config.ts';
import { reviveError } from './worker/errors.ts';
import type { Reply, Request, WorkerImage, WorkerOptions } from './worker/protocol.ts';

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void };
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/** Options for a worker-based detector: as FaceDetector's, except that a context must be options, not an MLContext. */
export type WorkerFaceDetectorOptions = Omit<FaceDetectorOptions, 'context'> & {
  context?: WorkerOptions['context'];
};

/** A frame the worker can own: copies of the caller's pixels, never the caller's own objects. */
async function toWorkerImage(source: ImageSource): Promise<{ image: WorkerImage; transfer: Transferable[] }> {
  imageSourceSize(source); // typed errors for empty, unloaded, closed or unsupported sources, before any work
  if (source instanceof ImageData) return { image: source, transfer: [] };
  try {
    if (typeof VideoFrame !== 'undefined' && (source instanceof VideoFrame || source instanceof HTMLVideoElement)) {
      const frame = source instanceof VideoFrame ? source.clone() : new VideoFrame(source);
      return { image: frame, transfer: [frame] };
    }
    const bitmap = await createImageBitmap(source);
    return { image: bitmap, transfer: [bitmap] };
  } catch (error) {
    throw captureError(error);
  }
}

/** Detectors created on this page so far: each worker gets a name of its own, as DevTools lists it. */
let workersStarted = 0;

export class WorkerFaceDetector {
  readonly backend: DetectorBackend;
  readonly model: ModelName;
  readonly inputSize: number;
  readonly lost: Promise<{ message: string }>;

  #worker: Worker;
  #pending: Map<number, Pending>;
  #nextId: () => number;
  #settings: DetectionSettings;
  #disposed = false;

  static async create(options: WorkerFaceDetectorOptions = {}): Promise<WorkerFaceDetector> {
    const model = options.model ?? 'short';
    // The same checks as FaceDetector, before starting a worker for nothing.
    checkModelName(model);
    if (options.precision !== undefined) checkPrecision(options.precision);
    validateSettings(options);
    const worker = new Worker(new URL('./worker/detector-worker.ts', import.meta.url), {
      type: 'module',
      name: `blaze-face ${model} #${++workersStarted}`,
    });
    const pending = new Map<number, Pending>();
    let lastId = 0;
    const nextId = () => ++lastId;
    let markLost!: (info: { message: string }) => void;
    const lost = new Promise<{ message: string }>((resolve) => (markLost = resolve));
    const failAll = (message: string) => {
      for (const { reject } of pending.values()) reject(new DOMException(message, 'OperationError'));
      pending.clear();
      markLost({ message });
    };
    worker.addEventListener('message', (event: MessageEvent<Reply>) => {
      const reply = event.data;
      if (reply.type === 'lost') return markLost({ message: reply.message });
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.type === 'error') waiting?.reject(reviveError(reply.error));
      else waiting?.resolve(reply);
    });
    worker.addEventListener('error', (event) => failAll(`The face detector worker failed: ${event.message || 'script error'}`));

    const page = typeof document !== 'undefined' ? document.baseURI : self.location.href;
    const { modelUrl, context, ...rest } = options;
    const base = assetBase();
    const request: Request = {
      id: nextId(),
      type: 'create',
      options: {
        ...rest,
        ...(context ? { context } : {}),
        ...(modelUrl ? { modelUrl: new URL(String(modelUrl), page).href } : {}),
        ...(base ? { assetBase: base.href } : {}),
        polyfill: polyfillConfig(),
      },
    };
    const created = await new Promise<Reply>((resolve, reject) => {
      pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    }).catch((error: unknown) => {
      worker.terminate();
      throw error;
    });
    if (created.type !== 'created') throw new Error(`unexpected reply ${created.type}`);
    return new WorkerFaceDetector(worker, pending, nextId, lost, model, created.backend, created.inputSize, created.settings);
  }

  private constructor(
    worker: Worker,
    pending: Map<number, Pending>,
    nextId: () => number,
    lost: Promise<{ message: string }>,
    model: ModelName,
    backend: DetectorBackend,
    inputSize: number,
    settings: DetectionSettings,
  ) {
    this.#worker = worker;
    this.#pending = pending;
    this.#nextId = nextId;
    this.lost = lost;
    this.model = model;
    this.backend = backend;
    this.inputSize = inputSize;
    this.#settings = settings;
  }

  get settings(): Readonly<DetectionSettings> {
    return { ...this.#settings };
  }

  /** Changes thresholds for the next calls; checked here so a bad value throws at this call. */
  configure(settings: Partial<DetectionSettings>): void {
    validateSettings(settings);
    this.#settings = { ...this.#settings, ...settings };
    void this.#send({ type: 'configure', settings }).catch(() => undefined);
  }

  async detect(source: ImageSource, options: DetectOptions = {}): Promise<Face[]> {
    this.#assertUsable();
    const { image, transfer } = await toWorkerImage(source);
    const reply = await this.#send({ type: 'detect', image, mirrored: Boolean(options.mirrored) }, transfer).catch((error: unknown) => {
      // The one image a worker cannot be sent: a bitmap of a cross-origin image without CORS.
      if (error instanceof DOMException && error.name === 'DataCloneError') {
        throw new InvalidImageError('cross-origin', `The image comes from another origin without CORS permission (${error.message}).`);
      }
      throw error;
    });
    if (reply.type !== 'faces') throw new Error(`unexpected reply ${reply.type}`);
    return reply.faces.map(restoreFace);
  }

  detectBatch(sources: readonly ImageSource[], options: DetectOptions = {}): Promise<Face[][]> {
    return Promise.all(sources.map((source) => this.detect(source, options)));
  }

  /** The worker engine's memory counter (see FaceDetector.engineMemory). */
  async engineMemory(): Promise<{ tensors: number; bytes: number } | undefined> {
    const reply = await this.#send({ type: 'memory' });
    return reply.type === 'memory' && reply.memory ? reply.memory : undefined;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    // Calls still in flight will get no answer from a worker that is going away: settle them now.
    for (const { reject } of this.#pending.values()) reject(new DOMException('This FaceDetector has been disposed', 'InvalidStateError'));
    this.#pending.clear();
    // Let the worker release its engine resources, then end it.
    void this.#send({ type: 'dispose' })
      .catch(() => undefined)
      .finally(() => this.#worker.terminate());
  }

  #assertUsable(): void {
    if (this.#disposed) throw new DOMException('This FaceDetector has been disposed', 'InvalidStateError');
  }

  #send(body: RequestBody, transfer: Transferable[] = []): Promise<Reply> {
    const request = { ...body, id: this.#nextId() } as Request;
    return new Promise((resolve, reject) => {
      // disposed while the caller was preparing its frame: the worker would never answer
      if (this.#disposed && body.type !== 'dispose') {
        for (const owned of transfer) (owned as { close?(): void }).close?.(); // our copies of the frame
        reject(new DOMException('This FaceDetector has been disposed', 'InvalidStateError'));
        return;
      }
      this.#pending.set(request.id, { resolve, reject });
      try {
        this.#worker.postMessage(request, transfer);
      } catch (error) {
        this.#pending.delete(request.id);
        for (const owned of transfer) (owned as { close?(): void }).close?.();
        reject(error);
      }
    });
  }
}
