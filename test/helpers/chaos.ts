// The seeded chaos run (issue 30): random sequences of what pages do to <blaze-face>, with the element's promises
// checked after every step. A step list follows from the seed alone (mulberry32), so a failure's seed and step count
// replay it: `npm run chaos -- --seed N --steps M` (tools/chaos/run.mjs) or test/components/chaos.test.ts.
//
// What is done: elements added, removed and moved; `model`, `engine`, `min-score` and `smoothing` changed, with
// invalid values too; the source swapped between canvas streams, the camera and a photo; `paused`, a hidden page,
// stop() and "Try again"; a camera track or a page's stream ended; a lost context (the worker's own `lost` report,
// delivered to the page as the worker would); a model request held past `start-timeout`; two elements on one worker.
// What must hold after each step, each within its deadline:
//   - every element leaves `loading` within start-timeout, and a running video gives a result within twice
//     detection-timeout (the frame-stall deadline), whatever the step was (else a "stuck" failure);
//   - the page's detector workers are no more than the distinct detectors its elements may hold (a model, or both
//     of auto's, on an engine);
//   - every `error` event has a type of BlazeFaceErrorType; no uncaught error, no unhandled rejection, no
//     console.error;
//   - no camera track is live that no element is using.
// At the end, a new element on the test photo finds the photo's faces.

import { executeServerCommand } from '@web/test-runner-commands';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceErrorDetail, BlazeFaceErrorType } from '../../components/events.ts';
import type { Face } from '../../model/face.ts';
import { createElement, paintedStream, photo, type PaintedStream } from './element-harness.ts';
import { loadImageData } from './fixtures.ts';
import { seededRandom } from './model-mutator.ts';
import { delay, detectorWorkers } from './waits.ts';

/** The kinds of step, each with how often it is drawn (of the weights' sum). */
const stepWeights = {
  add: 6,
  remove: 3,
  move: 2,
  model: 6,
  engine: 3,
  'min-score': 4,
  smoothing: 3,
  source: 6,
  pause: 4,
  'hidden-page': 1,
  'stop-start': 2,
  retry: 2,
  'camera-end': 2,
  'stream-end': 2,
  'context-loss': 3,
  'held-model': 1,
  twin: 2,
} as const;

export type StepKind = keyof typeof stepWeights;
export const stepKinds = Object.keys(stepWeights) as StepKind[];

export interface ChaosOptions {
  seed: number;
  steps: number;
  /** The browser has a synthetic camera (the camera steps are left out otherwise). */
  camera: boolean;
  /** The test server can hide the page (the hidden-page step is left out otherwise). */
  hiddenPage: boolean;
  /** Each step as it is done (the runner's progress). */
  log?: (step: number, line: string) => void;
}

export interface ChaosReport {
  /** Steps done, by kind. */
  counts: Record<StepKind, number>;
  /** The faces the final element found on the test photo. */
  finalFaces: readonly Face[];
}

/** The chaos run failed: `message` says what broke, after which step, with the seed and every step before it. */
export class ChaosFailure extends Error {
  override readonly name = 'ChaosFailure';
}

/** The deadlines the chaos elements run with (seconds): short, so that a stuck state shows within a step. */
const startTimeout = 15;
const detectionTimeout = 3;
/** What a busy shared machine may add to a deadline before a state counts as stuck. */
const marginMs = 5000;
const maxElements = 3;
const errorTypes: readonly BlazeFaceErrorType[] = ['camera-denied', 'camera-unavailable', 'model-load', 'unsupported-source', 'context-lost', 'invalid-attribute'];
const validModels = ['auto', 'short', 'full', 'front', 'back'] as const;

type SourceKind = 'stream' | 'camera' | 'photo';

/** A chaos element and what the run knows of it (from its own steps, so that the draws do not depend on timing). */
interface Tracked {
  id: number;
  element: BlazeFaceElement;
  source: SourceKind;
  /** performance.now() of its last `faces` event. */
  facesAt: number;
  /** Its state at the last watch, and since when. */
  state: string;
  stateSince: number;
  /** Its events so far (error types with their reason), for a failure's account. */
  events: string[];
}

/** This page's camera streams, noted as getUserMedia gives them (MediaDevices.prototype wrapped while a run lasts). */
const cameraTracks: MediaStreamTrack[] = [];
const nativeGetUserMedia = MediaDevices.prototype.getUserMedia;

/** This page's detector workers by name, for a lost context delivered to the page as its worker reports one. */
const workersByName = new Map<string, Worker>();
const WrappedWorker = globalThis.Worker;
globalThis.Worker = class extends WrappedWorker {
  readonly #name: string | undefined;

  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    if (options?.name?.startsWith('blaze-face ')) workersByName.set((this.#name = options.name), this);
  }

  override terminate(): void {
    if (this.#name) workersByName.delete(this.#name);
    super.terminate();
  }
};

/**
 * Tells the page that the detector worker `name` lost its WebNN context, as the worker itself reports one
 * (detector-worker.ts): the page hears nothing else of it.
 */
export function reportContextLost(name: string): void {
  workersByName.get(name)?.dispatchEvent(new MessageEvent('message', { data: { type: 'lost', message: 'the context was lost (reported by the test)' } }));
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const run = new ChaosRun(options);
  try {
    return await run.run();
  } finally {
    run.cleanUp();
  }
}

class ChaosRun {
  readonly #options: ChaosOptions;
  readonly #random: () => number;
  readonly #done: string[] = [];
  readonly #counts = Object.fromEntries(stepKinds.map((kind) => [kind, 0])) as Record<StepKind, number>;
  readonly #elements: Tracked[] = [];
  readonly #streams: PaintedStream[] = [];
  /** What broke outside a step's own checks (an untyped error, a console error, a stuck state). */
  readonly #violations: string[] = [];
  #picture!: ImageData;
  #lastId = 0;
  #heldTokens: string[] = [];
  #watch: ReturnType<typeof setInterval> | undefined;
  #consoleError = console.error;
  #hidden = false;

  constructor(options: ChaosOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed);
  }

  async run(): Promise<ChaosReport> {
    this.#picture = await loadImageData(photo);
    this.#observe();
    for (let step = 1; step <= this.#options.steps; step++) {
      // With no element left, the step adds one, whatever was drawn (the draw is made all the same, for the sequence).
      const drawn = this.#drawKind();
      const kind = this.#elements.length === 0 ? 'add' : drawn;
      const description = await this.#step(kind);
      this.#counts[kind]++;
      this.#done.push(`${step}. ${kind}: ${description}`);
      this.#options.log?.(step, `${step}. ${kind}: ${description}`);
      await this.#settleAndCheck();
    }
    const finalFaces = await this.#finalPhoto();
    return { counts: this.#counts, finalFaces };
  }

  cleanUp(): void {
    clearInterval(this.#watch);
    console.error = this.#consoleError;
    window.removeEventListener('error', this.#onUncaught);
    window.removeEventListener('unhandledrejection', this.#onUnhandled);
    MediaDevices.prototype.getUserMedia = nativeGetUserMedia;
    for (const tracked of this.#elements) tracked.element.remove();
    for (const stream of this.#streams) stream.stop();
    for (const track of cameraTracks.splice(0)) track.stop();
    for (const token of this.#heldTokens) void executeServerCommand('release-held', { token });
    if (this.#hidden) void executeServerCommand('page-visibility', { hidden: false });
  }

  #fail(what: string): never {
    const { seed, steps } = this.#options;
    throw new ChaosFailure(`chaos seed ${seed} (of ${steps} steps) failed after step ${this.#done.length}: ${what}\n` +
      `replay: npm run chaos -- --seed ${seed} --steps ${steps}\nsteps:\n${this.#done.join('\n')}`);
  }

  // --- the draws ---

  #below(count: number): number {
    return Math.floor(this.#random() * count);
  }

  #pick<T>(values: readonly T[]): T {
    return values[this.#below(values.length)]!;
  }

  #drawKind(): StepKind {
    const { camera, hiddenPage } = this.#options;
    const kinds = stepKinds.filter((kind) => (camera || kind !== 'camera-end') && (hiddenPage || kind !== 'hidden-page'));
    const total = kinds.reduce((sum, kind) => sum + stepWeights[kind], 0);
    let at = this.#random() * total;
    for (const kind of kinds) {
      at -= stepWeights[kind];
      if (at < 0) return kind;
    }
    return kinds[kinds.length - 1]!;
  }

  /** One of the run's elements, or undefined when there is none (the step then adds one). */
  #anyElement(): Tracked | undefined {
    return this.#elements.length === 0 ? undefined : this.#pick(this.#elements);
  }

  // --- the steps ---

  async #step(kind: StepKind): Promise<string> {
    const tracked = this.#anyElement();
    if (!tracked || (kind === 'add' && this.#elements.length < maxElements)) return this.#add();
    // 'add' with the page full removes one instead.
    const { element } = tracked;
    const name = `#${tracked.id}`;
    switch (kind) {
      case 'add':
      case 'remove': {
        this.#elements.splice(this.#elements.indexOf(tracked), 1);
        element.remove();
        return `${name} removed`;
      }
      case 'move': {
        element.remove();
        document.body.append(element);
        return `${name} taken out and put back`;
      }
      case 'model': {
        const model = this.#random() < 0.2 ? 'no-such-model' : this.#pick(validModels);
        element.setAttribute('model', model);
        return `${name} model=${model}`;
      }
      case 'engine': {
        const engine = this.#pick(['auto', 'wasm', 'no-such-engine']);
        element.setAttribute('engine', engine);
        return `${name} engine=${engine}`;
      }
      case 'min-score': {
        const roll = this.#random();
        if (roll < 0.15) {
          element.removeAttribute('min-score');
          return `${name} min-score removed`;
        }
        const value = roll < 0.35 ? this.#pick(['-0.5', '1.5', 'high', 'NaN']) : (this.#below(100) / 100).toFixed(2);
        element.setAttribute('min-score', value);
        return `${name} min-score=${value}`;
      }
      case 'smoothing': {
        if (this.#random() < 0.3) {
          const value = this.#pick(['0', '-1', 'fast']);
          element.setAttribute('smoothing-min-cutoff', value);
          return `${name} smoothing-min-cutoff=${value}`;
        }
        element.toggleAttribute('smoothing');
        return `${name} smoothing ${element.hasAttribute('smoothing') ? 'on' : 'off'}`;
      }
      case 'source': {
        const source = this.#drawSource();
        this.#setSource(tracked, source);
        return `${name} source=${source}`;
      }
      case 'pause': {
        element.paused = !element.paused;
        return `${name} paused=${element.paused}`;
      }
      case 'hidden-page': {
        await this.#hidePage(true);
        await delay(300 + this.#below(700));
        await this.#hidePage(false);
        return 'the page hidden and shown again';
      }
      case 'stop-start': {
        element.stop();
        await delay(this.#below(300));
        this.#checkCameraReleased();
        void element.start();
        return `${name} stop() and start()`;
      }
      case 'retry': {
        const button = element.shadowRoot?.querySelector<HTMLButtonElement>('[part="retry-button"]');
        button?.click();
        return `${name} "Try again"${button ? '' : ' (no button: not in error)'}`;
      }
      case 'camera-end': {
        const camera = this.#elements.find((candidate) => candidate.source === 'camera');
        if (!camera) {
          this.#setSource(tracked, 'camera');
          return `${name} source=camera (none was on the camera)`;
        }
        const stream = camera.element.shadowRoot?.querySelector('video')?.srcObject;
        const track = stream instanceof MediaStream ? stream.getVideoTracks()[0] : undefined;
        track?.stop();
        return `#${camera.id}'s camera track stopped${track ? '' : ' (none open)'}`;
      }
      case 'stream-end': {
        const stream = this.#streams.shift();
        if (!stream) return 'no stream to end';
        stream.stop();
        return 'a canvas stream ended';
      }
      case 'context-loss': {
        // Drawn before the workers are counted (their number depends on timing), so that the draws after it do not.
        const draw = this.#random();
        const workers = await detectorWorkers();
        if (workers.length === 0) return 'no detector worker to lose';
        reportContextLost(workers[Math.floor(draw * workers.length)]!);
        return `a lost context reported by one of ${workers.length} workers`;
      }
      case 'held-model': {
        // A token of this run's own: the test server remembers the tokens released, by any browser's runs.
        const token = `chaos-${this.#options.seed}-${this.#done.length}-${Math.random().toString(36).slice(2)}`;
        this.#heldTokens.push(token);
        // The start must end in an error: a model-load timeout, or the source's own error where that came first
        // (a stream that ended before the step).
        let error: BlazeFaceErrorDetail | undefined;
        const onError = (event: Event) => (error ??= (event as CustomEvent<BlazeFaceErrorDetail>).detail);
        element.addEventListener('error', onError);
        element.setAttribute('start-timeout', '1');
        element.modelUrl = `/held/${token}/assets/models/face_detection_short_range.tflite`;
        try {
          await this.#until(() => error !== undefined, `#${tracked.id}'s start on a held model file to end in an error`, 1000 + marginMs);
        } finally {
          element.removeEventListener('error', onError);
        }
        const ended = error!.type === 'model-load' && error!.reason === 'timeout' ? `a model-load timeout at ${error!.step}` : `${error!.type} first`;
        element.modelUrl = undefined;
        element.setAttribute('start-timeout', String(startTimeout));
        return `${name} model file held past start-timeout (${ended}), then the built-in one`;
      }
      case 'twin': {
        if (this.#elements.length >= maxElements) return this.#step('remove');
        const twin = this.#add(tracked);
        return `${twin} with ${name}'s model, engine and source kind`;
      }
    }
  }

  #drawSource(): SourceKind {
    const kinds: SourceKind[] = this.#options.camera ? ['stream', 'stream', 'camera', 'photo'] : ['stream', 'stream', 'photo'];
    return this.#pick(kinds);
  }

  /** Adds an element, like `like` (its model, engine and source kind) or drawn. */
  #add(like?: Tracked): string {
    const source = like?.source ?? this.#drawSource();
    const model = like?.element.model ?? this.#pick(validModels);
    const engine = like?.element.engine ?? this.#pick(['auto', 'auto', 'wasm'] as const);
    const tracked: Tracked = { id: ++this.#lastId, element: undefined!, source, facesAt: 0, state: 'idle', stateSince: performance.now(), events: [] };
    tracked.element = createElement((element) => {
      for (const type of ['ready', 'recovered', 'ended']) element.addEventListener(type, () => tracked.events.push(type));
      element.model = model;
      element.engine = engine;
      element.startTimeout = startTimeout;
      element.detectionTimeout = detectionTimeout;
      element.addEventListener('faces', () => (tracked.facesAt = performance.now()));
      element.addEventListener('error', (event) => this.#onElementError(tracked, event));
      this.#setSource(tracked, source, element);
    });
    this.#elements.push(tracked);
    return `#${tracked.id} added (model=${model}, engine=${engine}, source=${source})`;
  }

  #setSource(tracked: Tracked, source: SourceKind, element = tracked.element): void {
    tracked.source = source;
    if (source === 'photo') {
      element.srcObject = null;
      element.src = photo;
    } else if (source === 'camera') {
      element.srcObject = null;
      element.src = undefined;
    } else {
      element.src = undefined;
      element.srcObject = this.#stream().stream;
    }
  }

  /** A live canvas stream: one of two, made anew when one has ended. */
  #stream(): PaintedStream {
    if (this.#streams.length < 2) this.#streams.push(paintedStream(this.#picture));
    return this.#pick(this.#streams);
  }

  async #hidePage(hidden: boolean): Promise<void> {
    this.#hidden = hidden;
    await executeServerCommand('page-visibility', { hidden });
    await this.#until(() => document.hidden === hidden, `the page to be ${hidden ? 'hidden' : 'shown'}`, 10000);
  }

  // --- the checks ---

  #observe(): void {
    window.addEventListener('error', this.#onUncaught);
    window.addEventListener('unhandledrejection', this.#onUnhandled);
    const consoleError = this.#consoleError;
    console.error = (...args: unknown[]) => {
      this.#violations.push(`console.error: ${args.map(String).join(' ')}`);
      consoleError.apply(console, args);
    };
    MediaDevices.prototype.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
      const stream = await nativeGetUserMedia.call(this, constraints);
      cameraTracks.push(...stream.getTracks());
      return stream;
    };
    this.#watch = setInterval(() => this.#watchStates(), 100);
  }

  #onUncaught = (event: ErrorEvent): void => {
    this.#violations.push(`uncaught error: ${event.message}`);
  };

  #onUnhandled = (event: PromiseRejectionEvent): void => {
    this.#violations.push(`unhandled rejection: ${String(event.reason)}`);
  };

  #onElementError(tracked: Tracked, event: Event): void {
    const detail = (event as CustomEvent<BlazeFaceErrorDetail | undefined>).detail;
    tracked.events.push(`error ${detail?.type}${detail?.reason ? ` (${detail.reason})` : ''}`);
    if (!detail || !errorTypes.includes(detail.type) || typeof detail.message !== 'string') {
      this.#violations.push(`#${tracked.id}: an untyped error event: ${JSON.stringify(detail)}`);
    }
  }

  /** Every 100 ms: no element may stay loading past start-timeout, nor run a playing video without results past the frame deadline. */
  #watchStates(): void {
    const now = performance.now();
    for (const tracked of this.#elements) {
      const { element } = tracked;
      if (element.state !== tracked.state) {
        tracked.state = element.state;
        tracked.stateSince = now;
      }
      if (!element.isConnected || document.hidden) continue;
      const lasted = now - tracked.stateSince;
      if (tracked.state === 'loading' && lasted > startTimeout * 1000 + marginMs) {
        this.#violations.push(`#${tracked.id} loading for ${lasted.toFixed(0)} ms (start-timeout ${startTimeout} s)`);
        tracked.stateSince = now;
      }
      const since = Math.max(tracked.facesAt, tracked.stateSince);
      if (tracked.state === 'running' && tracked.source !== 'photo' && now - since > 2 * detectionTimeout * 1000 + marginMs) {
        this.#violations.push(`#${tracked.id} running a video without a result for ${(now - since).toFixed(0)} ms (detection-timeout ${detectionTimeout} s)`);
        tracked.stateSince = now;
      }
    }
  }

  /** Waits for every element to settle (loading over, a running video's result since the step), then checks the rest. */
  async #settleAndCheck(): Promise<void> {
    const stepEnded = performance.now();
    const settled = (tracked: Tracked) => {
      const state = tracked.element.state;
      if (state === 'loading') return false;
      if (state !== 'running' || tracked.source === 'photo') return true;
      return tracked.facesAt > stepEnded || tracked.facesAt > tracked.stateSince;
    };
    const deadline = startTimeout * 1000 + 2 * detectionTimeout * 1000 + 2 * marginMs;
    await this.#until(() => this.#elements.every(settled), () => {
      const stuck = this.#elements.filter((tracked) => !settled(tracked));
      return `elements to settle: ${stuck.map((tracked) => `#${tracked.id} ${describe(tracked)}`).join(', ')}`;
    }, deadline);
    this.#checkViolations();
    await this.#until(async () => (await detectorWorkers()).length <= this.#workerBound(), async () =>
      `the detector workers (${(await detectorWorkers()).join(', ')}) to be no more than the ${this.#workerBound()} the elements may hold`,
    startTimeout * 1000 + marginMs);
    this.#checkCameraReleased();
  }

  #checkViolations(): void {
    if (this.#violations.length > 0) this.#fail(this.#violations.join('; '));
  }

  /** The distinct detectors the run's elements may hold: each model (both of auto's) on each engine option. */
  #workerBound(): number {
    const keys = new Set<string>();
    for (const { element } of this.#elements) {
      const models = element.model === 'auto' ? ['short', 'full'] : [element.model];
      for (const model of models) keys.add(`${model} ${element.engine}`);
    }
    return keys.size;
  }

  /** No camera track is live unless an element on the camera is using it (loading, running or paused). */
  #checkCameraReleased(): void {
    const users = this.#elements.filter((tracked) => tracked.source === 'camera' && ['loading', 'running', 'paused'].includes(tracked.element.state)).length;
    const live = cameraTracks.filter((track) => track.readyState === 'live').length;
    if (live > users) this.#fail(`${live} camera tracks live for ${users} elements using the camera`);
  }

  async #until(condition: () => boolean | Promise<boolean>, what: string | (() => string | Promise<string>), timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!(await condition())) {
      if (performance.now() > deadline) this.#fail(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : await what()}`);
      await delay(50);
    }
  }

  /** A new element on the test photo, after everything else has gone: its faces. */
  async #finalPhoto(): Promise<readonly Face[]> {
    for (const tracked of this.#elements.splice(0)) tracked.element.remove();
    const final: Tracked = { id: ++this.#lastId, element: undefined!, source: 'photo', facesAt: 0, state: 'idle', stateSince: performance.now(), events: [] };
    let faces: readonly Face[] | undefined;
    final.element = createElement((element) => {
      element.model = 'short';
      element.src = photo;
      element.addEventListener('faces', (event) => (faces ??= (event as CustomEvent<{ faces: readonly Face[] }>).detail.faces));
      element.addEventListener('error', (event) => this.#onElementError(final, event));
    });
    this.#elements.push(final);
    await this.#until(() => faces !== undefined, 'the final element\'s faces on the test photo', startTimeout * 1000 + marginMs);
    this.#checkViolations();
    return faces!;
  }
}

/** An element's state and source as a failure tells it: what the video plays, and its last events. */
function describe(tracked: Tracked): string {
  const { element } = tracked;
  const video = element.shadowRoot?.querySelector('video');
  const stream = video?.srcObject instanceof MediaStream ? video.srcObject : undefined;
  const tracks = stream ? stream.getVideoTracks().map((track) => track.readyState).join('/') : 'no stream';
  const lastFaces = tracked.facesAt ? `${(performance.now() - tracked.facesAt).toFixed(0)} ms ago` : 'never';
  return `${element.state} (${tracked.source}; video ${video?.paused ? 'paused' : 'playing'}, readyState ${video?.readyState}, tracks ${tracks}; ` +
    `last faces ${lastFaces}; events ${tracked.events.slice(-6).join(', ')})`;
}
