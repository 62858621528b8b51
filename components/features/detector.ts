// The detector feature: the WorkerFaceDetectors behind <blaze-face>. It loads one per model on demand (under
// `auto`, the camera's and the photos' both stay loaded, so switching is free), keeps their thresholds in step
// with the element's, says `ready`, and decides what a lost context means (context-loss.ts).

import type { PropertyValues, ReactiveController } from 'lit';
import { InvalidImageError, TimeoutError } from '../../model/errors.ts';
import type { DetectorBackend } from '../../model/face-detector.ts';
import type { Face } from '../../model/face.ts';
import type { ImageSource } from '../../model/image-source.ts';
import { modelSpecs, type ModelName } from '../../model/model-specs.ts';
import { REDACTION_MIN_SCORE } from '../../model/redaction-options.ts';
import { WorkerFaceDetector } from '../../model/worker-face-detector.ts';
import { ContextLossRecovery } from '../context-loss.ts';
import { BlazeFaceError, type BlazeFaceRecoveredDetail } from '../events.ts';
import { optionProblem } from '../options.ts';
import type { FeatureHost } from './host.ts';

/** Options that need new detectors (a new graph or context) when they change. */
const rebuiltBy = ['model', 'modelUrl', 'powerPreference', 'accelerated', 'engine', 'precision'] as const;
/** The options a loaded detector is reconfigured for (`redact` lowers the default min-score: REDACTION_MIN_SCORE). */
const thresholds = ['minScore', 'suppressionThreshold', 'maxFaces', 'redact'] as const;

export interface DetectorEvents {
  /** Whether the source is the element's own user-facing camera (what `auto` runs short for). */
  isUserCamera(): boolean;
  /** The current source's detector lost its context, or got stuck (`timeout`), and was dropped: another is to be built. */
  lost(reason: string, timeout?: TimeoutError): void;
  /** As lost(), but the one before was lost too, without detecting anything since: building more would loop. */
  lostAgain(error: BlazeFaceError): void;
}

export class DetectorFeature implements ReactiveController {
  /** Resolves with the backend once the first model has loaded. */
  readonly ready: Promise<DetectorBackend>;

  #host: FeatureHost;
  #events: DetectorEvents;
  #resolveReady!: (backend: DetectorBackend) => void;
  #detectors = new Map<ModelName, WorkerFaceDetector>();
  #loads = new Map<ModelName, Promise<WorkerFaceDetector>>();
  #retired = new WeakSet<WorkerFaceDetector>();
  #recovery = new ContextLossRecovery();
  /** Why the current detector replaced another, for the `recovered` event of its first result. */
  #replaced: BlazeFaceRecoveredDetail | undefined;

  constructor(host: FeatureHost, events: DetectorEvents) {
    this.#host = host;
    this.#events = events;
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    host.addController(this);
  }

  /** Drops every detector: one left loading may start no worker for an element that has left the page. */
  hostDisconnected(): void {
    this.retireAll();
  }

  /** The model that runs on the current source: `model`, or what `auto` chose for it. */
  get activeModel(): ModelName {
    const host = this.#host;
    if (host.model !== 'auto') return host.model;
    // A self-hosted file's kind is unknown: auto takes it for the default of earlier versions, short.
    if (host.modelUrl) return 'short';
    return this.#events.isUserCamera() ? 'short' : 'full';
  }

  /** The current source's detector, once loaded. */
  get current(): WorkerFaceDetector | null {
    return this.#detectors.get(this.activeModel) ?? null;
  }

  /**
   * One-off detection with the model photos get: `model`, or full under auto (photos show faces near and far).
   * An unreadable source is an `unsupported-source` BlazeFaceError, its `cause` the InvalidImageError.
   */
  async detectOnce(source: ImageSource): Promise<Face[]> {
    const detector = await this.ensure(this.#photoModel);
    try {
      return await detector.detect(source);
    } catch (error) {
      if (error instanceof InvalidImageError) throw new BlazeFaceError('unsupported-source', error.message, { cause: error });
      throw error;
    }
  }

  /** Thresholds go to the loaded detectors at once; whether a change of these options needs new detectors. */
  optionsChanged(changed: PropertyValues, changedNow: (name: (typeof rebuiltBy)[number]) => boolean): boolean {
    if (thresholds.some((name) => changed.has(name))) for (const detector of this.#detectors.values()) detector.configure(this.#thresholds(detector.model));
    const rebuild = rebuiltBy.some(changedNow);
    if (rebuild) this.retireAll();
    return rebuild;
  }

  /** A new start asked for by the page or the person: earlier losses no longer count. */
  startedAfresh(): void {
    this.#recovery.reset();
  }

  /** The current detector has produced a result, so the next loss is worth recovering from again. */
  succeeded(): void {
    if (this.#recovery.succeeded() && this.#replaced) this.#host.dispatchEvent(new CustomEvent('recovered', { detail: this.#replaced }));
    this.#replaced = undefined;
  }

  /** The detector for `model`, loaded if need be; a failure is a `model-load` BlazeFaceError. */
  ensure(model: ModelName = this.activeModel): Promise<WorkerFaceDetector> {
    const loaded = this.#detectors.get(model);
    if (loaded) return Promise.resolve(loaded);
    const loading = this.#loads.get(model);
    if (loading) return loading;
    const load: Promise<WorkerFaceDetector> = WorkerFaceDetector.create({ model, ...this.#thresholds(model), ...this.#detectorOptions() }).then(
      (detector) => {
        if (this.#loads.get(model) !== load) {
          this.#retire(detector);
          // Replaced by a newer load (settings changed), or dropped because the element left the page: then no
          // other detector (and worker) may start for it.
          if (!this.#host.isConnected) throw new DOMException('The element left the page while its detector loaded', 'AbortError');
          // A model the element no longer runs (`model` changed again) is not loaded anew: its worker would stay
          // for nothing. The start that asked for it has been replaced too.
          if (model !== this.activeModel && model !== this.#photoModel) throw new DOMException(`The model changed from ${model} while it loaded`, 'AbortError');
          return this.ensure(model);
        }
        this.#detectors.set(model, detector);
        this.#loads.delete(model);
        void detector.lost.then(({ message, timeout }) => this.failed(detector, timeout ?? message));
        this.#resolveReady(detector.backend);
        this.#host.dispatchEvent(new CustomEvent('ready', { detail: { backend: detector.backend, model } }));
        return detector;
      },
      (error: unknown) => {
        if (this.#loads.get(model) === load) this.#loads.delete(model);
        const message = error instanceof Error ? error.message : String(error);
        throw new BlazeFaceError('model-load', `The face detection model could not be loaded: ${message}`, { cause: error });
      },
    );
    this.#loads.set(model, load);
    return load;
  }

  /** Whether `detector` is no longer in use (replaced, or lost), so its late results and failures are ignored. */
  isRetired(detector: WorkerFaceDetector): boolean {
    return this.#retired.has(detector) || this.#detectors.get(detector.model) !== detector;
  }

  /**
   * `detector`'s context was lost, it failed in its engine, or its worker stopped answering (`cause` a
   * TimeoutError): it is dropped, and the element told if it mattered.
   */
  failed(detector: WorkerFaceDetector, cause: string | Error): void {
    if (this.isRetired(detector)) return;
    this.#retire(detector); // a lost detector's worker and engine are of no more use
    this.#detectors.delete(detector.model);
    // A detector kept for another source is simply loaded again when that source comes back.
    if (detector.model !== this.activeModel) return;
    const timeout = cause instanceof TimeoutError ? cause : undefined;
    const reason = typeof cause === 'string' ? cause : cause.message;
    if (this.#recovery.shouldRecreate()) {
      this.#replaced = { cause: timeout ? 'timeout' : 'context-lost', message: reason };
      this.#events.lost(reason, timeout);
    } else {
      const what = !timeout ? 'lost its WebNN context again' : timeout.step === 'frames' ? 'got no frames of the playing video again' : 'stopped answering again';
      this.#events.lostAgain(new BlazeFaceError('context-lost', `The face detector ${what} (${reason}) before the recreated one detected anything.`, { cause }));
    }
  }

  /** The model photos and detect() get: `model`, or full under auto (photos show faces near and far). */
  get #photoModel(): ModelName {
    const host = this.#host;
    return host.model === 'auto' && !host.modelUrl ? 'full' : this.activeModel;
  }

  /** Drops every detector, loaded or loading (new detector options, or the element left the page). */
  retireAll(): void {
    for (const detector of this.#detectors.values()) this.#retire(detector);
    this.#detectors.clear();
    this.#loads.clear();
  }

  #retire(detector: WorkerFaceDetector): void {
    this.#retired.add(detector);
    detector.dispose();
  }

  /** Unset, min-score is the model's own, or REDACTION_MIN_SCORE while redacting: a doubtful face is hidden too. */
  #thresholds(model: ModelName) {
    const host = this.#host;
    return {
      minScore: host.minScore ?? (host.redact !== 'none' ? REDACTION_MIN_SCORE : modelSpecs[model].defaultMinScore),
      ...(host.suppressionThreshold != null ? { suppressionThreshold: host.suppressionThreshold } : {}),
      maxFaces: host.maxFaces ?? Infinity,
    };
  }

  /** An invalid engine or precision is still set when the first start reads it: the default until it is put back. */
  #detectorOptions() {
    const host = this.#host;
    const engine = host.engine !== 'auto' && !optionProblem('engine', host.engine) ? { engine: host.engine } : {};
    return {
      context: { powerPreference: host.powerPreference, accelerated: host.accelerated, ...engine },
      startTimeout: host.startTimeout * 1000,
      detectionTimeout: host.detectionTimeout * 1000,
      ...(optionProblem('precision', host.precision) ? {} : { precision: host.precision }),
      ...(host.modelUrl ? { modelUrl: host.modelUrl } : {}),
    };
  }
}
