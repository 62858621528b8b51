// <blaze-face>: a camera (or any image, video or MediaStream) in, faces found and shown over it out. The element
// is a composition of features, each owning its options and its lifecycle (Lit ReactiveControllers):
//   source    features/source.ts     camera, `src`, `srcObject`, frames, visibility, the stream's end
//   detector  features/detector.ts   the model (`auto` choice), thresholds, `ready`, context loss
//   tracking  features/tracking.ts   face ids and smoothing
//   renderer  features/renderer.ts   the picture, the faces painted on it, the spoken face count, snapshots,
//                                    captured streams
//   redaction features/redaction.ts  the faces hidden (the renderer's painter)
//   status    features/status.ts     the state, the status line and retry, error events
//   analysis  features/analysis.ts   the source through the detector, each result tracked, shown and sent
// Every option is declared once, in options.ts. What is left here is the order of things: a start opens the
// source while the detector loads, then analyses until it is stopped, fails, loses its context or is removed.

import { LitElement, html, type PropertyValues } from 'lit';
import type { TimeoutError } from '../model/errors.ts';
import type { DetectorBackend } from '../model/face-detector.ts';
import type { Face } from '../model/face.ts';
import type { ImageSource } from '../model/image-source.ts';
import type { ModelName } from '../model/model-specs.ts';
import type { RedactionMode } from '../model/redaction-options.ts';
import { markStartup } from '../model/startup-marks.ts';
import type { BlazeFaceEventMap } from './events.ts';
import { Analysis } from './features/analysis.ts';
import { DetectorFeature } from './features/detector.ts';
import { RendererFeature } from './features/renderer.ts';
import { SourceFeature } from './features/source.ts';
import { StatusFeature, type BlazeFaceState } from './features/status.ts';
import { TrackingFeature } from './features/tracking.ts';
import { applyDefaults, optionProperties, restoreInvalidOptions, type ElementOptions, type OptionName } from './options.ts';
import { blazeFaceStyles } from './styles.ts';

export type { BlazeFaceState };

// The options as typed properties: declared in options.ts, documented from there (tools/cem-options-plugin.mjs).
export interface BlazeFaceElement extends ElementOptions {}

/**
 * Face detection on a live camera, a video, an image or any MediaStream, drawn over the picture. Detection runs
 * in a module Worker (WorkerFaceDetector), keeping the page's main thread free.
 *
 * @tagname blaze-face
 * @fires ready - A model has loaded; `detail.backend` says what runs it, `detail.model` which model it is.
 * @fires faces - Once per processed frame: `detail.faces` (each with its tracking `id`), `detail.model`, `detail.timestamp`, `detail.latencyMs`.
 * @fires error - `detail.type` (camera-denied, camera-unavailable, model-load, unsupported-source, context-lost, invalid-attribute) and `detail.message`; after a deadline, `detail.reason` 'timeout' and `detail.step`.
 * @fires recovered - A detector rebuilt on its own (after a lost context, `detail.cause` 'context-lost', or a worker stuck past `detection-timeout`, 'timeout') has detected again.
 * @fires ended - Every video track of `srcObject` has ended; the element is `idle` (setting a stream or start() starts again).
 * @csspart video - The video being analysed.
 * @csspart image - The image being analysed (when `src` is an image).
 * @csspart overlay - The canvas the boxes and keypoints are drawn on.
 * @csspart status - The status line (loading, errors).
 * @csspart retry-button - The "Try again" button shown after an error.
 * @cssprop [--blaze-face-box-color=#00e676] - Colour of the face boxes.
 * @cssprop [--blaze-face-keypoint-color=#ff1744] - Colour of the keypoints.
 * @cssprop [--blaze-face-line-width=3] - Box line width in CSS pixels (keypoint radius follows it).
 * @cssprop [--blaze-face-redact-cells=3] - With `redact` blur or pixelate: how many cells across a face's mask the picture is averaged over (fewer hides more).
 * @cssprop [--blaze-face-redact-color=#000] - With `redact="fill"`: the colour faces are filled with.
 * @cssstate idle - Not started, stopped, or its stream ended.
 * @cssstate loading - Opening the source and loading the detector.
 * @cssstate running - Detecting.
 * @cssstate paused - `paused` is set: the source is held, nothing is detected.
 * @cssstate error - Stopped by an error; the status line says which, with a "Try again" button.
 */
export class BlazeFaceElement extends LitElement {
  static override styles = blazeFaceStyles;
  static override properties = optionProperties();

  /** The current start: aborted by the next one, stop(), a failure, the stream's end or leaving the page. */
  #start = new AbortController();
  #userStopped = false;
  /** Option changes restart things only after the first update: the start on connection reads them all. */
  #updatedOnce = false;

  #source = new SourceFeature(this, {
    ended: () => this.#onStreamEnded(),
    failed: (error) => this.#fail(error),
    visibilityChanged: (hidden) => this.#analysis.visibilityChanged(hidden),
  });
  #detector = new DetectorFeature(this, {
    isUserCamera: () => this.#source.isUserCamera,
    lost: (reason, timeout) => this.#onDetectorLost(reason, timeout),
    lostAgain: (error) => this.#fail(error),
  });
  #tracking = new TrackingFeature(this);
  #renderer = new RendererFeature(this, () => this.#source.media);
  #status = new StatusFeature(this, this.attachInternals(), () => void this.start());
  #analysis = new Analysis(this, {
    source: this.#source, detector: this.#detector, tracking: this.#tracking, renderer: this.#renderer, status: this.#status,
  }, (error) => this.#fail(error));

  constructor() {
    super();
    applyDefaults(this);
  }

  /** Resolves with the backend once the first model has loaded. */
  get ready(): Promise<DetectorBackend> {
    return this.#detector.ready;
  }

  /** The latest faces, normalized to the source (and mirrored with the view). */
  get faces(): readonly Face[] {
    return this.#renderer.faces;
  }

  /** What runs the current source's model (native WebNN or a polyfill engine, and why); undefined before it loads. */
  get backend(): DetectorBackend | undefined {
    return this.#detector.current?.backend;
  }

  /** The model that runs on the current source: `model`, or what `auto` chose for it. */
  get activeModel(): ModelName {
    return this.#detector.activeModel;
  }

  /** `idle`, `loading`, `running`, `paused` or `error`; also the CSS custom state `:state(running)` etc. */
  get state(): BlazeFaceState {
    return this.#status.state;
  }

  /** Whether the view (and the reported faces) are mirrored right now. */
  get isMirrored(): boolean {
    return this.mirrored ?? this.#source.isUserCamera;
  }

  /** As HTMLElement's, with the element's own events typed (BlazeFaceEventMap). */
  override addEventListener<K extends keyof BlazeFaceEventMap>(
    type: K,
    listener: (this: BlazeFaceElement, event: BlazeFaceEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.#userStopped) void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#start.abort(); // a start still opening its source or loading its detector ends there
    this.#release();
  }

  /** Loads the model if needed and starts analysing the source (camera, src or srcObject). */
  start(): Promise<void> {
    this.#detector.startedAfresh();
    return this.#run();
  }

  /** Stops detection and releases the camera; start() begins again. */
  stop(): void {
    this.#userStopped = true;
    this.#start.abort();
    this.#release();
    this.#status.set('idle');
  }

  /**
   * One-off detection on any image source, with this element's model and settings. An unreadable source
   * rejects with an `unsupported-source` BlazeFaceError (its `cause` is the InvalidImageError); the element's
   * own source and state are untouched.
   */
  detect(source: ImageSource): Promise<Face[]> {
    return this.#detector.detectOnce(source);
  }

  /** Diagnostics: the polyfill engine's live tensor count and bytes (undefined on native WebNN or before loading). */
  async engineMemory(): Promise<{ tensors: number; bytes: number } | undefined> {
    return this.#detector.current?.engineMemory();
  }

  /** The current frame as shown (its faces outlined, or hidden when redacting), at the picture's own size, as a PNG Blob. */
  snapshot(): Promise<Blob> {
    return this.#renderer.snapshot();
  }

  /**
   * The current frame with its faces hidden, whether or not the element is redacting: `mode`, else the element's
   * `redact`, else blur. A PNG Blob at the picture's own size, re-encoded, so no metadata of the source is in it;
   * before the first result the whole picture is hidden. The result is checked with the element's detector, and a
   * face it still finds is hidden too. (`redact` itself is the option, hence this name.)
   */
  redactedSnapshot(mode?: RedactionMode): Promise<Blob> {
    return this.#renderer.redact(mode, (image) => this.#detector.detectOnce(image));
  }

  /**
   * A MediaStream of what the element shows, at the picture's own size, for a call or a MediaRecorder: the faces
   * hidden when redacting (never the raw picture), outlined otherwise. A frame comes with each detection result,
   * or at `frameRate` frames per second; stopping its track stops the painting.
   */
  captureStream(frameRate?: number): MediaStream {
    return this.#renderer.captureStream(frameRate);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    restoreInvalidOptions(this, changed, (problem) => this.#status.emitError('invalid-attribute', problem));
    if (changed.has('paused') && this.hasUpdated) this.#analysis.pausedChanged();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.isConnected) return;
    if (!this.#updatedOnce) {
      this.#updatedOnce = true;
      return;
    }
    // Only a real change counts (a rejected value was put back by willUpdate). From unset counts too: the camera
    // (no src) to a photo must close the camera, and a model-url set must load that model.
    const changedNow = (name: OptionName) => changed.has(name) && changed.get(name) !== this[name];
    const restart = [this.#detector.optionsChanged(changed, changedNow), this.#source.needsReopen(changedNow)].includes(true);
    this.#tracking.optionsChanged(changed);
    this.#renderer.optionsChanged(changed);
    // After this update has finished, so the state change it makes is an update of its own.
    if (restart && !this.#userStopped) queueMicrotask(() => void this.start());
  }

  protected override render() {
    const hidden = this.#renderer.pictureHidden;
    return html`
      <div class="stage" ?data-mirrored=${this.isMirrored} ?data-redacted=${this.#renderer.redacting}>
        <video part="video" playsinline muted ?hidden=${Boolean(this.#source.image)} ?data-undetected=${hidden}
          @loadedmetadata=${this.#renderer.fitToMedia} @resize=${this.#renderer.fitToMedia}></video>
        <img part="image" alt="" ?hidden=${!this.#source.image} ?data-undetected=${hidden} @load=${this.#renderer.fitToMedia} />
        <canvas part="overlay" aria-hidden="true"></canvas>
      </div>
      ${this.#status.render()}
      <div class="announcer" aria-live="polite"></div>
    `;
  }

  /** A new start: the source opens while the detector loads; whichever fails first is the error reported. */
  async #run(): Promise<void> {
    this.#userStopped = false;
    const signal = this.#newStart();
    this.#release();
    this.#renderer.hidePicture();
    this.#status.set('loading', 'Loading the face detector…');
    let sourceOpen = false;
    const detector = Promise.all([this.#detector.ensure(), this.#renderer.painterReady()]).then(([loaded]) => {
      if (!sourceOpen && !signal.aborted) this.#status.set('loading', 'Opening the video source…');
      return loaded;
    });
    // The source goes into the shadow DOM's <video> or <img>: after the first render, on connection.
    const source = this.updateComplete.then(async () => {
      if (signal.aborted) return;
      await this.#source.attach(signal);
      markStartup('source-ready');
      sourceOpen = true;
      if (!signal.aborted) this.#source.play();
    });
    try {
      const [loaded] = await Promise.all([detector, source]);
      if (!signal.aborted) await this.#analysis.analyse(loaded);
    } catch (error) {
      if (signal.aborted) return;
      this.#start.abort(); // so the side still opening closes what it opens (a camera granted late)
      this.#fail(error);
    }
  }

  #newStart(): AbortSignal {
    this.#start.abort();
    this.#start = new AbortController();
    return this.#start.signal;
  }

  /**
   * The detector's context was lost, or its worker got stuck (`timeout`): a new one is built, and its first result
   * is a `recovered` event. A lost context is an `error` event too (its cause is outside the element); a stuck
   * worker only the `recovered` event.
   */
  #onDetectorLost(reason: string, timeout?: TimeoutError): void {
    // Only a working element carries on by itself; after stop() or an error, start() is the way back. While
    // loading, the source may be half attached, so that start begins again from the top.
    if (this.isConnected && this.#status.state === 'loading') void this.#run();
    else if (this.isConnected && this.#status.active) void this.#recreateDetector();
    if (!timeout) this.#status.emitError('context-lost', `The WebNN context was lost (${reason}); the face detector is being recreated.`);
  }

  /** After a lost context: a new detector for the same source, which stays attached (the camera stays open). */
  async #recreateDetector(): Promise<void> {
    const signal = this.#newStart();
    this.#source.dropFrames();
    this.#renderer.clear();
    this.#status.set('loading', 'Recreating the face detector…');
    try {
      const detector = await this.#detector.ensure();
      if (!signal.aborted) await this.#analysis.analyse(detector);
    } catch (error) {
      if (!signal.aborted) this.#fail(error);
    }
  }

  /** The page's stream has no live video left: nothing to wait for, so the element goes idle and says so. */
  #onStreamEnded(): void {
    this.#start.abort();
    this.#release();
    this.#status.set('idle');
    this.dispatchEvent(new Event('ended'));
  }

  /** Stops the frames and releases what this element opened; no faces are shown or remembered. */
  #release(): void {
    this.#source.release();
    this.#tracking.reset();
    this.#renderer.clear();
  }

  #fail(error: unknown): void {
    // A start or a detector's recreation still in flight ends here, or it would put the element back to running
    // on the source just released (a camera that stopped while a lost detector was being recreated).
    this.#start.abort();
    this.#release();
    this.#status.fail(error);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blaze-face': BlazeFaceElement;
  }
}
