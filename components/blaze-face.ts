// <blaze-face>: webcam (or any image, video or MediaStream) in, faces drawn over it out.
// The element wires separate units together: camera.ts opens and releases the camera, frame-loop.ts paces
// detection to video frames, overlay.ts draws, announcer.ts speaks the face count, attributes.ts checks
// settings, context-loss.ts decides whether a lost detector is rebuilt; the model itself is WorkerFaceDetector from
// model/. All public API is documented in README.md.

import { LitElement, html, type PropertyValues } from 'lit';
import { InvalidImageError } from '../model/errors.ts';
import type { DetectorBackend, PrecisionChoice } from '../model/face-detector.ts';
import { WorkerFaceDetector } from '../model/worker-face-detector.ts';
import { markStartup } from '../model/startup-marks.ts';
import type { Face } from '../model/face.ts';
import { FaceTracker } from '../model/face-tracker.ts';
import { defaultOneEuroOptions, type OneEuroOptions } from '../model/one-euro-filter.ts';
import type { ImageSource } from '../model/image-source.ts';
import type { ModelName } from '../model/model-specs.ts';
import type { MLPowerPreference, PolyfillEngine } from '../webnn/types.ts';
import { FaceCountAnnouncer } from './announcer.ts';
import { booleanAttribute, settingProblem, validatedSettings, type ElementSettings, type ModelChoice } from './attributes.ts';
import { hasLiveVideo, openCamera, setStreamEnabled, stopStream, watchStreamEnd, type FacingMode, type StreamWatch } from './camera.ts';
import { ContextLossRecovery } from './context-loss.ts';
import {
  BlazeFaceError,
  type BlazeFaceErrorDetail,
  type BlazeFaceErrorType,
  type BlazeFaceEventMap,
  type BlazeFaceFacesDetail,
} from './events.ts';
import { FrameLoop } from './frame-loop.ts';
import { containRect, drawFaces, mediaSize, overlayStyle } from './overlay.ts';
import { blazeFaceStyles } from './styles.ts';

export type BlazeFaceState = 'idle' | 'loading' | 'running' | 'paused' | 'error';

// Detection runs in a module Worker (WorkerFaceDetector), keeping the page's main thread free. Every browser
// that can run this element (it needs custom states, ElementInternals.states) has module workers and
// OffscreenCanvas, so there is no in-page path, and TensorFlow.js reaches the page once, inside the worker.

const defaultSettings: ElementSettings = {
  model: 'auto',
  minScore: undefined,
  suppressionThreshold: undefined,
  maxFaces: undefined,
  facingMode: 'user',
  powerPreference: 'default',
  engine: 'auto',
  precision: 'auto',
  smoothingMinCutoff: defaultOneEuroOptions.minCutoff,
  smoothingBeta: defaultOneEuroOptions.beta,
  smoothingDerivativeCutoff: defaultOneEuroOptions.derivativeCutoff,
};

const videoExtensions = /\.(mp4|webm|ogv|ogg|mov|m4v)(\?|#|$)/i;

/** Settings that need a new detector (a new graph or context) when they change. */
const detectorSettings = ['model', 'modelUrl', 'powerPreference', 'accelerated', 'engine', 'precision'] as const;
/** Settings that need a new source (camera, URL or stream) when they change. */
const sourceSettings = ['src', 'srcObject', 'facingMode'] as const;

/**
 * Face detection on a live camera, a video, an image or any MediaStream, drawn over the picture.
 *
 * @tagname blaze-face
 * @fires ready - A model has loaded; `detail.backend` says what runs it, `detail.model` which model it is.
 * @fires faces - Once per processed frame: `detail.faces` (each with its tracking `id`), `detail.model`, `detail.timestamp`, `detail.latencyMs`.
 * @fires error - `detail.type` (camera-denied, camera-unavailable, model-load, unsupported-source, context-lost, invalid-attribute) and `detail.message`.
 * @fires ended - Every video track of `srcObject` has ended; the element is `idle` (setting a stream or start() starts again).
 * @csspart video - The video being analysed.
 * @csspart image - The image being analysed (when `src` is an image).
 * @csspart overlay - The canvas the boxes and keypoints are drawn on.
 * @csspart status - The status line (loading, errors).
 * @csspart retry-button - The "Try again" button shown after an error.
 * @cssprop [--blaze-face-box-color=#00e676] - Colour of the face boxes.
 * @cssprop [--blaze-face-keypoint-color=#ff1744] - Colour of the keypoints.
 * @cssprop [--blaze-face-line-width=3] - Box line width in CSS pixels (keypoint radius follows it).
 * @cssstate idle | loading | running | paused | error - The element's state, as `:state(running)` etc.
 */
export class BlazeFaceElement extends LitElement {
  static override styles = blazeFaceStyles;

  static override properties = {
    model: { reflect: true },
    minScore: { type: Number, attribute: 'min-score', reflect: true },
    suppressionThreshold: { type: Number, attribute: 'suppression-threshold', reflect: true },
    maxFaces: { type: Number, attribute: 'max-faces', reflect: true },
    mirrored: { converter: booleanAttribute(undefined), reflect: true },
    facingMode: { attribute: 'facing-mode', reflect: true },
    src: { reflect: true },
    srcObject: { attribute: false },
    keypoints: { converter: booleanAttribute(true) },
    rotateBoxes: { attribute: 'rotate-boxes', type: Boolean, reflect: true },
    paused: { type: Boolean, reflect: true },
    powerPreference: { attribute: 'power-preference', reflect: true },
    accelerated: { converter: booleanAttribute(true) },
    engine: { reflect: true },
    precision: { reflect: true },
    modelUrl: { attribute: 'model-url', reflect: true },
    smoothing: { type: Boolean, reflect: true },
    smoothingMinCutoff: { type: Number, attribute: 'smoothing-min-cutoff', reflect: true },
    smoothingBeta: { type: Number, attribute: 'smoothing-beta', reflect: true },
    smoothingDerivativeCutoff: { type: Number, attribute: 'smoothing-derivative-cutoff', reflect: true },
    _state: { state: true },
    _message: { state: true },
    _undetected: { state: true },
  };

  /**
   * Which network runs: `auto` (default) picks short for a user-facing camera and full for everything else (an
   * environment camera, `src`, `srcObject`, `detect()`), see `activeModel`; or short, full, front or back.
   */
  declare model: ModelChoice;
  /** Faces scoring below this are dropped (0..1); the model's default when unset. */
  declare minScore: number | undefined;
  /** IoU above which overlapping detections merge (0..1); 0.3 when unset. */
  declare suppressionThreshold: number | undefined;
  /** Keep at most this many faces, best first; all when unset. */
  declare maxFaces: number | undefined;
  /** Mirror the view and the faces; when unset, mirrored for the user-facing camera only. */
  declare mirrored: boolean | undefined;
  declare facingMode: FacingMode;
  /** An image or video URL to analyse instead of the camera. */
  declare src: string | undefined;
  /** Any MediaStream to analyse instead of the camera (screen share, canvas capture, WebRTC). */
  declare srcObject: MediaStream | null;
  declare keypoints: boolean;
  /** Draw each box turned by its face's roll (the eye line), as a face-mesh crop would be; off by default. */
  declare rotateBoxes: boolean;
  declare paused: boolean;
  declare powerPreference: MLPowerPreference;
  declare accelerated: boolean;
  /** `auto` (default): the engine follows power-preference and accelerated; `webgpu`, `webgl`, `wasm` (ours), `tfjs-wasm` or `cpu` forces that polyfill engine. */
  declare engine: 'auto' | PolyfillEngine;
  /**
   * `auto` (default): float16 where native WebNN lacks float32 for the network's ops (typical of NPUs), float32
   * elsewhere; `float32` or `float16` forces it (the polyfill computes float32 only, so `float16` fails there).
   */
  declare precision: PrecisionChoice;
  /** A self-hosted model file to load instead of the built-in one (of the kind `model` names; short under auto). */
  declare modelUrl: string | undefined;
  /** Smooth each tracked face's box and keypoints over time (One Euro filter); off by default (raw detections). */
  declare smoothing: boolean;
  /** Smoothing: the filter's cutoff frequency (Hz) at rest; lower removes more jitter and lags more. */
  declare smoothingMinCutoff: number;
  /** Smoothing: how much the cutoff rises with speed (per face size per second); higher lags less on moving faces. */
  declare smoothingBeta: number;
  /** Smoothing: the cutoff frequency (Hz) of the speed estimate. */
  declare smoothingDerivativeCutoff: number;
  /** @internal */
  declare _state: BlazeFaceState;
  /** @internal */
  declare _message: string;
  /**
   * Whether the source has had no detection results yet since this start: its picture stays hidden until then, so
   * it appears with its first faces. In Chromium this also makes the first frame's read 100 ms faster, as the
   * compositor is not drawing the video at the same time.
   */
  declare _undetected: boolean;

  /** Resolves with the backend once the first model has loaded. */
  readonly ready: Promise<DetectorBackend>;

  #resolveReady!: (backend: DetectorBackend) => void;
  #internals = this.attachInternals();
  /** The loaded detectors, by model: under auto, both the camera's and the photos' stay (switching is free). */
  #detectors = new Map<ModelName, WorkerFaceDetector>();
  #detectorLoads = new Map<ModelName, Promise<WorkerFaceDetector>>();
  #tracker = new FaceTracker();
  #retiredDetectors = new WeakSet<WorkerFaceDetector>();
  #recovery = new ContextLossRecovery();
  #cameraStream: MediaStream | null = null;
  /** The watch on the attached stream (camera or srcObject) for its tracks ending. */
  #streamWatch: StreamWatch | null = null;
  #image: HTMLImageElement | null = null;
  #faces: Face[] = [];
  #loop: FrameLoop | null = null;
  #announcer = new FaceCountAnnouncer(() => this.renderRoot.querySelector('.announcer'));
  #liveStyle: CSSStyleDeclaration | null = null;
  #resizeObserver = new ResizeObserver(() => this.#redraw());
  #startGeneration = 0;
  #userStopped = false;

  constructor() {
    super();
    this.model = defaultSettings.model;
    this.facingMode = defaultSettings.facingMode;
    this.srcObject = null;
    this.keypoints = true;
    this.rotateBoxes = false;
    this.paused = false;
    this.powerPreference = defaultSettings.powerPreference;
    this.accelerated = true;
    this.engine = defaultSettings.engine;
    this.precision = defaultSettings.precision;
    this.smoothing = false;
    this.smoothingMinCutoff = defaultSettings.smoothingMinCutoff;
    this.smoothingBeta = defaultSettings.smoothingBeta;
    this.smoothingDerivativeCutoff = defaultSettings.smoothingDerivativeCutoff;
    this._state = 'idle';
    this._message = '';
    this._undetected = false;
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  /** The latest faces, normalized to the source (and mirrored with the view). */
  get faces(): readonly Face[] {
    return this.#faces;
  }

  get backend(): DetectorBackend | undefined {
    return this.#detector?.backend;
  }

  /** The model that runs on the current source: `model`, or what `auto` chose for it. */
  get activeModel(): ModelName {
    if (this.model !== 'auto') return this.model;
    // A self-hosted file's kind is unknown: auto takes it for the default of earlier versions, short.
    if (this.modelUrl) return 'short';
    return !this.src && !this.srcObject && this.facingMode === 'user' ? 'short' : 'full';
  }

  /** The model `detect()` runs: `model`, or full under auto (photos show faces near and far). */
  get #photoModel(): ModelName {
    return this.model === 'auto' && !this.modelUrl ? 'full' : this.activeModel;
  }

  get #detector(): WorkerFaceDetector | null {
    return this.#detectors.get(this.activeModel) ?? null;
  }

  get state(): BlazeFaceState {
    return this._state;
  }

  /** Whether the view (and the reported faces) are mirrored right now. */
  get isMirrored(): boolean {
    return this.mirrored ?? (!this.src && !this.srcObject && this.facingMode === 'user');
  }

  override addEventListener<K extends keyof BlazeFaceEventMap>(
    type: K,
    listener: (this: BlazeFaceElement, event: BlazeFaceEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    if (!this.#userStopped) void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#resizeObserver.disconnect();
    this.#startGeneration++; // a start still opening its source or loading its detector ends there
    this.#release();
    this.#retireAll();
  }

  /** Loads the model if needed and starts analysing the source (camera, src or srcObject). */
  start(): Promise<void> {
    this.#recovery.reset();
    return this.#run();
  }

  async #run(): Promise<void> {
    this.#userStopped = false;
    this._undetected = true;
    const generation = ++this.#startGeneration;
    this.#release();
    this.#setState('loading', 'Loading the face detector…');
    // The source opens while the detector loads, so camera permission and start-up overlap the engine, the
    // model and the graph build. Whichever side fails first is the error reported, with its own type.
    let sourceOpen = false;
    const detector = this.#ensureDetector().then((loaded) => {
      if (!sourceOpen && generation === this.#startGeneration) this.#setState('loading', 'Opening the video source…');
      return loaded;
    });
    // The source goes into the shadow DOM's <video> or <img>: after the first render, on connection.
    const source = this.updateComplete.then(async () => {
      if (generation !== this.#startGeneration) return;
      await this.#attachSource(generation);
      markStartup('source-ready');
      sourceOpen = true;
      // A source that is ready first starts playing, hidden under the loading message until its first faces.
      if (generation === this.#startGeneration && !this.#image && !this.paused && !document.hidden) void this.#video.play().catch(() => undefined);
    });
    try {
      const [loaded] = await Promise.all([detector, source]);
      if (generation !== this.#startGeneration) return;
      await this.#analyse(loaded);
    } catch (error) {
      if (generation !== this.#startGeneration) return;
      this.#startGeneration++; // so the side still opening closes what it opens (a camera granted late)
      this.#fail(error);
    }
  }

  /** Stops detection and releases the camera; start() begins again. */
  stop(): void {
    this.#userStopped = true;
    this.#startGeneration++;
    this.#release();
    this.#setState('idle', '');
  }

  /**
   * One-off detection on any image source, with this element's model and settings. An unreadable source
   * rejects with an `unsupported-source` BlazeFaceError (its `cause` is the InvalidImageError); the element's
   * own source and state are untouched.
   */
  async detect(source: ImageSource): Promise<Face[]> {
    const detector = await this.#ensureDetector(this.#photoModel);
    try {
      return await detector.detect(source);
    } catch (error) {
      // The element's own error type; the detector's InvalidImageError (and its reason) is the cause.
      if (error instanceof InvalidImageError) throw new BlazeFaceError('unsupported-source', error.message, { cause: error });
      throw error;
    }
  }

  /** Diagnostics: the polyfill engine's live tensor count and bytes (undefined on native WebNN or before loading). */
  async engineMemory(): Promise<{ tensors: number; bytes: number } | undefined> {
    const detector = this.#detector;
    return detector ? detector.engineMemory() : undefined;
  }

  /** The current frame with the overlay drawn on it, as a PNG Blob. */
  async snapshot(): Promise<Blob> {
    const media = this.#image ?? this.#video;
    const [width, height] = mediaSize(media);
    if (!width || !height) throw new BlazeFaceError('unsupported-source', 'There is no frame to take a snapshot of yet.');
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('2D canvas is unavailable');
    if (this.isMirrored) context.setTransform(-1, 0, 0, 1, width, 0);
    context.drawImage(media, 0, 0, width, height);
    drawFaces(context, this.#faces, { x: 0, y: 0, width, height }, this.#style(), 1);
    return canvas.convertToBlob({ type: 'image/png' });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    for (const name of validatedSettings) {
      if (!changed.has(name)) continue;
      const value = (this[name] ?? undefined) as ElementSettings[typeof name];
      const problem = settingProblem(name, value);
      if (!problem) continue;
      (this as unknown as ElementSettings)[name] = (changed.get(name) ?? defaultSettings[name]) as never;
      this.#emitError('invalid-attribute', problem);
    }
    if (changed.has('paused') && this.hasUpdated) this.#applyPaused();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || !this.isConnected) return;
    const settingsChanged = changed.has('minScore') || changed.has('suppressionThreshold') || changed.has('maxFaces');
    if (settingsChanged) for (const detector of this.#detectors.values()) detector.configure(this.#thresholds());
    // Only a real change after the first start counts (a rejected value was put back by willUpdate).
    const changedNow = (name: (typeof detectorSettings)[number] | (typeof sourceSettings)[number]) =>
     changed.has(name) && changed.get(name) !== undefined && changed.get(name) !== this[name];
    const needsDetector = detectorSettings.some(changedNow);
    const needsSource = sourceSettings.some(changedNow);
    if (needsDetector) this.#retireAll();
    // Restart after this update has finished, so the state change it makes is an update of its own.
    if ((needsDetector || needsSource) && !this.#userStopped) queueMicrotask(() => void this.start());
    if ((['smoothing', 'smoothingMinCutoff', 'smoothingBeta', 'smoothingDerivativeCutoff'] as const).some((name) => changed.has(name))) {
      this.#tracker.smoothing = this.#smoothingOptions();
    }
    if (changed.has('mirrored') || changed.has('keypoints') || changed.has('rotateBoxes')) this.#redraw();
  }

  protected override firstUpdated(): void {
    this.#resizeObserver.observe(this.#stage);
  }

  protected override render() {
    const failed = this._state === 'error';
    return html`
      <div class="stage" ?data-mirrored=${this.isMirrored}>
        <video
          part="video"
          playsinline
          muted
          ?hidden=${Boolean(this.#image)}
          ?data-undetected=${this._undetected}
          @loadedmetadata=${this.#fitToMedia}
          @resize=${this.#fitToMedia}
        ></video>
        <img part="image" alt="" ?hidden=${!this.#image} ?data-undetected=${this._undetected} @load=${this.#fitToMedia} />
        <canvas part="overlay" aria-hidden="true"></canvas>
      </div>
      <div part="status" class="status" role="status" ?hidden=${!this._message}>
        <span>${this._message}</span>
        ${failed ? html`<button part="retry-button" @click=${() => this.start()}>Try again</button>` : null}
      </div>
      <div class="announcer" aria-live="polite"></div>
    `;
  }

  get #video(): HTMLVideoElement {
    return this.renderRoot.querySelector('video') as HTMLVideoElement;
  }

  get #stage(): HTMLElement {
    return this.renderRoot.querySelector('.stage') as HTMLElement;
  }

  get #canvas(): HTMLCanvasElement {
    return this.renderRoot.querySelector('canvas') as HTMLCanvasElement;
  }

  #thresholds() {
    return {
      ...(this.minScore !== undefined && this.minScore !== null ? { minScore: this.minScore } : {}),
      ...(this.suppressionThreshold != null ? { suppressionThreshold: this.suppressionThreshold } : {}),
      maxFaces: this.maxFaces ?? Infinity,
    };
  }

  #smoothingOptions(): OneEuroOptions | null {
    if (!this.smoothing) return null;
    return { minCutoff: this.smoothingMinCutoff, beta: this.smoothingBeta, derivativeCutoff: this.smoothingDerivativeCutoff };
  }

  #ensureDetector(model: ModelName = this.activeModel): Promise<WorkerFaceDetector> {
    const loaded = this.#detectors.get(model);
    if (loaded) return Promise.resolve(loaded);
    const loading = this.#detectorLoads.get(model);
    if (loading) return loading;
    const load: Promise<WorkerFaceDetector> = WorkerFaceDetector.create({
      model,
      ...this.#thresholds(),
      context: {
        powerPreference: this.powerPreference,
        accelerated: this.accelerated,
        // An invalid engine is still set when the first start reads it (willUpdate puts 'auto' back later).
        ...(this.engine !== 'auto' && !settingProblem('engine', this.engine) ? { engine: this.engine } : {}),
      },
      // As for the engine: an invalid precision falls back to the default until willUpdate restores it.
      ...(settingProblem('precision', this.precision) ? {} : { precision: this.precision }),
      ...(this.modelUrl ? { modelUrl: this.modelUrl } : {}),
    }).then(
      (detector) => {
        if (this.#detectorLoads.get(model) !== load) {
          this.#retire(detector);
          // Replaced by a newer load (settings changed), or dropped because the element left the page: then no
          // other detector (and worker) may start for it.
          if (!this.isConnected) throw new DOMException('The element left the page while its detector loaded', 'AbortError');
          return this.#ensureDetector(model);
        }
        this.#detectors.set(model, detector);
        this.#detectorLoads.delete(model);
        void detector.lost.then(({ message }) => this.#onContextLost(detector, message));
        this.#resolveReady(detector.backend);
        this.dispatchEvent(new CustomEvent('ready', { detail: { backend: detector.backend, model } }));
        return detector;
      },
      (error: unknown) => {
        if (this.#detectorLoads.get(model) === load) this.#detectorLoads.delete(model);
        const message = error instanceof Error ? error.message : String(error);
        throw new BlazeFaceError('model-load', `The face detection model could not be loaded: ${message}`);
      },
    );
    this.#detectorLoads.set(model, load);
    return load;
  }

  #retire(detector: WorkerFaceDetector): void {
    this.#retiredDetectors.add(detector);
    detector.dispose();
  }

  /** Drops every detector, loaded or loading (new detector settings, or the element left the page). */
  #retireAll(): void {
    for (const detector of this.#detectors.values()) this.#retire(detector);
    this.#detectors.clear();
    this.#detectorLoads.clear();
  }

  #onContextLost(detector: WorkerFaceDetector, reason: string): void {
    if (this.#retiredDetectors.has(detector) || this.#detectors.get(detector.model) !== detector) return;
    this.#retire(detector); // a lost detector's worker and engine are of no more use
    this.#detectors.delete(detector.model);
    // A detector kept for another source is simply loaded again when that source comes back.
    if (detector.model !== this.activeModel) return;
    if (!this.#recovery.shouldRecreate()) {
      this.#fail(
        new BlazeFaceError(
          'context-lost',
          `The WebNN context was lost again (${reason}) before the recreated face detector detected anything.`,
        ),
      );
      return;
    }
    // Only a working element carries on by itself; after stop() or an error, start() is the way back. While
    // loading, the source may be half attached, so that start begins again from the top.
    if (this.isConnected && this._state === 'loading') void this.#run();
    else if (this.isConnected && (this._state === 'running' || this._state === 'paused')) void this.#recreateDetector();
    this.#emitError('context-lost', `The WebNN context was lost (${reason}); the face detector is being recreated.`);
  }

  /** After a lost context: a new detector for the same source, which stays attached (the camera stays open). */
  async #recreateDetector(): Promise<void> {
    const generation = ++this.#startGeneration;
    this.#dropLoop();
    this.#faces = [];
    this.#announcer.reset();
    if (this.hasUpdated) this.#redraw();
    this.#setState('loading', 'Recreating the face detector after a lost context…');
    try {
      const detector = await this.#ensureDetector();
      if (generation !== this.#startGeneration) return;
      await this.#analyse(detector);
    } catch (error) {
      if (generation === this.#startGeneration) this.#fail(error);
    }
  }

  /** Runs the attached source through `detector`: an image once, a video frame by frame. */
  async #analyse(detector: WorkerFaceDetector): Promise<void> {
    if (this.#image) {
      await this.#detectImage(detector, this.#image);
      this.#setState('running', '');
    } else {
      this.#resume();
    }
  }

  async #attachSource(generation: number): Promise<void> {
    const video = this.#video;
    this.#image = null;
    if (this.src && !this.srcObject && !videoExtensions.test(this.src)) {
      const image = await this.#loadImage(this.src);
      if (generation !== this.#startGeneration) return;
      this.#image = image;
      this.requestUpdate();
      return;
    }
    if (this.srcObject) {
      const stream = this.srcObject;
      if (!hasLiveVideo(stream)) throw new BlazeFaceError('unsupported-source', 'The stream has no live video track.');
      video.srcObject = stream;
      this.#streamWatch = watchStreamEnd(stream, () => this.#onStreamEnded());
    } else if (this.src) {
      video.srcObject = null;
      video.src = this.src;
      video.loop = true;
    } else {
      const stream = await openCamera(this.facingMode);
      if (generation !== this.#startGeneration) {
        stopStream(stream);
        return;
      }
      this.#cameraStream = stream;
      video.srcObject = stream;
      this.#streamWatch = watchStreamEnd(stream, () =>
        this.#fail(new BlazeFaceError('camera-unavailable', 'The camera stopped (it was unplugged, or taken by the system or another app).')),
      );
    }
    await this.#whenPlayable(video);
  }

  #loadImage(url: string): Promise<HTMLImageElement> {
    const image = this.renderRoot.querySelector('img') as HTMLImageElement;
    return new Promise((resolve, reject) => {
      image.onload = () => resolve(image);
      image.onerror = () => reject(new BlazeFaceError('unsupported-source', `The image at ${url} could not be loaded or decoded.`));
      image.src = url;
    });
  }

  #whenPlayable(video: HTMLVideoElement): Promise<void> {
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        video.removeEventListener('loadeddata', onData);
        video.removeEventListener('error', onError);
      };
      const onData = () => (done(), resolve());
      const onError = () => {
        done();
        reject(new BlazeFaceError('unsupported-source', `The video source could not be played (${video.error?.message || 'unknown format'}).`));
      };
      video.addEventListener('loadeddata', onData);
      video.addEventListener('error', onError);
    });
  }

  async #detectImage(detector: WorkerFaceDetector, image: HTMLImageElement): Promise<void> {
    const started = performance.now();
    const faces = await detector.detect(image, { mirrored: this.isMirrored });
    this.#tracker.reset(); // a photo has no frames before it
    this.#publish(detector, faces, started, started);
  }

  #onFrame = async (timestamp: number): Promise<void> => {
    const detector = this.#detector;
    if (!detector) return;
    const started = performance.now();
    try {
      const faces = await detector.detect(this.#video, { mirrored: this.isMirrored });
      if (this.#detector === detector && this._state === 'running') this.#publish(detector, faces, timestamp, started);
    } catch (error) {
      // A retired detector (model switch, context loss) may reject an in-flight frame: nothing to report.
      if (this.#detector !== detector) return;
      // A frame the detector cannot read is the source's fault, or the end of its stream, which the stream's
      // watch reports as such. Any other failure is the engine's: a lost context fails the frame in flight,
      // usually before its `lost` promise settles, so it counts as the loss.
      if (!(error instanceof InvalidImageError)) {
        this.#onContextLost(detector, error instanceof Error ? error.message : String(error));
        return;
      }
      const watch = this.#streamWatch;
      watch?.check(); // an ended stream is reported, and its watch released
      if (!watch || this.#streamWatch === watch) this.#fail(error);
    }
  };

  #publish(detector: WorkerFaceDetector, detected: Face[], timestamp: number, started: number): void {
    this.#recovery.succeeded();
    const [width, height] = mediaSize(this.#image ?? this.#video);
    const faces = this.#tracker.update(detected, timestamp, width && height ? width / height : 1);
    this.#faces = faces;
    this.#redraw();
    this.#announcer.update(faces.length);
    const detail: BlazeFaceFacesDetail = { faces, model: detector.model, timestamp, latencyMs: performance.now() - started };
    this.dispatchEvent(new CustomEvent('faces', { detail }));
    if (this._undetected) markStartup('first-faces');
    this._undetected = false;
  }

  #resume(): void {
    if (this.paused) {
      this._undetected = false; // paused before its first frame was detected: the picture as it is
      this.#setState('paused', '');
      return;
    }
    const video = this.#video;
    this.#loop ??= new FrameLoop(video, this.#onFrame);
    this.#setState('running', '');
    // On a hidden page the camera stays open but disabled, and nothing is detected until visibilitychange.
    if (document.hidden) {
      setStreamEnabled(this.#cameraStream, false);
      return;
    }
    setStreamEnabled(this.#cameraStream, true);
    void video.play().catch(() => undefined);
    this.#loop.start();
  }

  #applyPaused(): void {
    if (this._state !== 'running' && this._state !== 'paused') return;
    if (this.paused) {
      this.#loop?.stop();
      this.#video.pause();
      this.#setState('paused', '');
    } else if (!this.#image) {
      this.#resume();
    } else {
      this.#setState('running', '');
    }
  }

  #onVisibilityChange = (): void => {
    if (this._state !== 'running' || this.#image) return;
    if (document.hidden) {
      this.#loop?.stop();
      this.#video.pause();
      setStreamEnabled(this.#cameraStream, false);
    } else {
      this.#resume();
    }
  };

  /**
   * Stops the frame loop for good; the next #resume() makes a new one, so a frame still finishing on a
   * retired detector cannot hold back the first frames of its replacement.
   */
  #dropLoop(): void {
    this.#loop?.stop();
    this.#loop = null;
  }

  /** Stops the loop and releases what this element opened (the camera); a page's own stream is left alone. */
  #release(): void {
    this.#streamWatch?.stop();
    this.#streamWatch = null;
    this.#dropLoop();
    stopStream(this.#cameraStream);
    this.#cameraStream = null;
    const video = this.renderRoot?.querySelector('video');
    if (video) {
      video.pause();
      video.srcObject = null;
      video.removeAttribute('src');
    }
    this.#faces = [];
    this.#tracker.reset();
    this.#announcer.reset();
    if (this.hasUpdated) this.#redraw();
  }

  #style() {
    this.#liveStyle ??= getComputedStyle(this);
    return overlayStyle(this.#liveStyle, this.keypoints, this.rotateBoxes);
  }

  /**
   * The host takes the media's aspect ratio as soon as its size is known (or changes). This resizes the
   * host, so it happens here, on the media's own events, and never inside the ResizeObserver's redraw:
   * a resize made there would be a ResizeObserver loop, an error on the page.
   */
  #fitToMedia = (event: Event): void => {
    const [width, height] = mediaSize(event.currentTarget as HTMLVideoElement | HTMLImageElement);
    if (width && height) this.style.setProperty('--blaze-face-aspect-ratio', `${width} / ${height}`);
    this.#redraw();
  };

  #redraw(): void {
    if (!this.hasUpdated) return;
    const canvas = this.#canvas;
    const stage = this.#stage;
    const ratio = devicePixelRatio || 1;
    const width = stage.clientWidth;
    const height = stage.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const [mediaWidth, mediaHeight] = mediaSize(this.#image ?? this.#video);
    const context = canvas.getContext('2d');
    if (!context) return;
    drawFaces(context, this.#faces, containRect(mediaWidth, mediaHeight, width, height), this.#style(), ratio);
  }

  /** The page's stream has no live video left: nothing to wait for, so the element goes idle and says so. */
  #onStreamEnded(): void {
    this.#startGeneration++;
    this.#release();
    this.#setState('idle', '');
    this.dispatchEvent(new Event('ended'));
  }

  #setState(state: BlazeFaceState, message: string): void {
    this._state = state;
    this._message = message;
    for (const known of ['idle', 'loading', 'running', 'paused', 'error']) this.#internals.states.delete(known);
    this.#internals.states.add(state);
  }

  #fail(error: unknown): void {
    const failure =
      error instanceof BlazeFaceError
        ? error
        : new BlazeFaceError('unsupported-source', error instanceof Error ? error.message : String(error));
    this.#release();
    this.#setState('error', failure.message);
    this.#emitError(failure.type, failure.message);
  }

  #emitError(type: BlazeFaceErrorType, message: string): void {
    const detail: BlazeFaceErrorDetail = { type, message };
    this.dispatchEvent(new CustomEvent('error', { detail }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blaze-face': BlazeFaceElement;
  }
}
