// redactStream(): a MediaStream with every face hidden, for a call or a recording, with no element on screen.
// Each input video track becomes one redacted output track (redact-stream-paths.ts says how frames go in and
// out in each browser, and on which thread); audio tracks are passed on as they are. The frames are detected by
// one detector for the whole stream (the caller's, or a WorkerFaceDetector made here), tracked for ids (the
// Redactor holds a face that drops out by its id) and painted by a Redactor, in a FrameLoop (redaction-loop.ts)
// per track: on the page, or in a redaction worker. The page keeps the detector's life (start, retries,
// replacement after a context loss) and the watch over the tracks either way.
//
// Fail closed: a frame whose faces are not known (the detector still starting, a detection that failed or took
// too long, a detector being replaced after its context was lost) is sent hidden whole. Never a raw frame.
// Pacing: each output frame is a frame that was detected, painted with its own faces. While one frame is being
// detected, the newest frame to arrive waits and any older waiting one is dropped: at most one frame waits, so
// the output keeps the input's rate while detection keeps up, and skips frames rather than falling behind when
// it does not.

import { checkCreateOptions, type Detector } from './detector.ts';
import { validateSettings } from './detection-settings.ts';
import { InvalidOptionError } from './errors.ts';
import type { ModelName } from './model-specs.ts';
import type { OneEuroOptions } from './one-euro-filter.ts';
import { REDACTION_MIN_SCORE, redactionStyle, type RedactionStyle } from './redactor.ts';
import { withDeadline } from './deadline.ts';
import { FrameLoop, type LoopHost, type LoopOptions } from './redaction-loop.ts';
import { breakoutTrack, redactStreamPath, trackPath, type BreakoutTrack, type TrackPath } from './redact-stream-paths.ts';
import { detectorPort, WorkerFaceDetector, type WorkerFaceDetectorOptions } from './worker-face-detector.ts';
import { reviveError } from './worker/errors.ts';
import type { RedactionReply, RedactionRequest } from './worker/protocol.ts';

export { redactStreamPath, type RedactStreamPath } from './redact-stream-paths.ts';

export interface RedactStreamOptions extends Partial<RedactionStyle> {
  /** The model of the detector made for the stream (default 'short', for faces near the camera). Not with `detector`. */
  model?: ModelName;
  /** The least score of a face that is hidden (default REDACTION_MIN_SCORE, 0.3, below the models' own 0.5). */
  minScore?: number;
  /** The most faces hidden per frame (default: all found). */
  maxFaces?: number;
  /** Where the made detector runs (WorkerFaceDetector's `context`: engine, device). Not with `detector`. */
  context?: WorkerFaceDetectorOptions['context'];
  /** The model file of the made detector, if not the packaged one. Not with `detector`. */
  modelUrl?: string | URL;
  /** A detector to use instead of making one; it is the caller's: never disposed here. */
  detector?: Detector;
  /** One Euro smoothing of the faces' masks; null (default) hides each face where it was detected, which lags least. */
  smoothing?: Readonly<OneEuroOptions> | null;
  /** Milliseconds a frame's detection may take before the frame is sent hidden whole (default 1000). */
  detectionTimeout?: number;
  /** Called with each error the stream gets past on its own: a detector that failed to start, a failed detection. */
  onError?: (error: Error) => void;
}

const defaultDetectionTimeoutMs = 1000;
/** How long the made detector may take to start (a first model download and engine compile included). */
const CREATE_DEADLINE_MS = 60000;
/** After a detector failed to start or lost its context: the first wait before a new one, doubled up to the last. */
const RETRY_MS = [1000, 2000, 4000, 8000, 16000, 30000];
/** How often the input tracks' and output tracks' states are checked: stop() fires no event on the track stopped. */
const WATCH_MS = 250;

/** The options checked, in the order they are read: every problem is an InvalidOptionError before any work. */
interface CheckedOptions {
  loop: LoopOptions;
  detector: Detector | undefined;
  create: WorkerFaceDetectorOptions;
  onError: (error: Error) => void;
}

function checkOptions(stream: MediaStream, options: RedactStreamOptions): CheckedOptions {
  if (!(stream instanceof MediaStream)) throw new InvalidOptionError('stream', `redactStream() needs a MediaStream, got ${describe(stream)}`);
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', `options must be an object, got ${describe(options)}`);
  const { mode, padding, hold, cells, color, model, minScore, maxFaces, context, modelUrl, detector, smoothing, detectionTimeout, onError } = options;
  const style = redactionStyle({ mode, padding, hold, cells, color });
  // The caller's detector gets them with each frame: its own thresholds are left as they are.
  const settings = { minScore: minScore ?? REDACTION_MIN_SCORE, maxFaces };
  validateSettings(settings);
  if (detector !== undefined) {
    if (detector === null || typeof detector !== 'object' || typeof detector.detect !== 'function') {
      throw new InvalidOptionError('detector', `detector must be a FaceDetector or WorkerFaceDetector, got ${describe(detector)}`);
    }
    for (const [name, value] of [['model', model], ['context', context], ['modelUrl', modelUrl]] as const) {
      if (value !== undefined) throw new InvalidOptionError(name, `${name} sets up the detector made for the stream: it cannot be given with detector`);
    }
  }
  const create: WorkerFaceDetectorOptions = { model: model ?? 'short', ...settings, context, modelUrl };
  if (detector === undefined) checkCreateOptions(create);
  if (smoothing !== undefined && smoothing !== null) {
    if (typeof smoothing !== 'object') throw new InvalidOptionError('smoothing', `smoothing must be One Euro options or null, got ${describe(smoothing)}`);
    for (const key of ['minCutoff', 'beta', 'derivativeCutoff'] as const) {
      const value = smoothing[key];
      const least = key === 'beta' ? 0 : Number.MIN_VALUE;
      if (!(Number.isFinite(value) && value >= least)) {
        throw new InvalidOptionError('smoothing', `smoothing.${key} must be a number ${key === 'beta' ? 'of 0 or more' : 'above 0'}, got ${value}`);
      }
    }
  }
  const timeout = detectionTimeout ?? defaultDetectionTimeoutMs;
  if (!(Number.isFinite(timeout) && timeout > 0)) {
    throw new InvalidOptionError('detectionTimeout', `detectionTimeout must be a number of milliseconds above 0, got ${timeout}`);
  }
  if (onError !== undefined && typeof onError !== 'function') throw new InvalidOptionError('onError', `onError must be a function, got ${describe(onError)}`);
  return {
    loop: { style, settings, smoothing: smoothing ?? null, detectionTimeout: timeout }, detector, create,
    onError: onError ?? ((error) => console.warn(`blaze-face: redactStream: ${error.message}`)),
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value === 'string' ? `"${value}"` : String(value);
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * A stream of `stream` with every face hidden, blurred by default: one redacted video track for each of its video
 * tracks, and its audio tracks themselves (the same MediaStreamTrack objects, not clones: stopping one on the output
 * stops the input's). Tracks added to `stream` later are not in it.
 *
 * Frames whose faces are not known (before the detector's first answer, after a failed or late detection) are sent
 * hidden whole. Processing stops, and a detector made here is disposed, once every output video track has ended
 * (stopped by the caller, or ended because its input track ended). Options are checked at once: a bad one throws an
 * InvalidOptionError. redactStreamPath() says how frames are taken and sent in this browser.
 */
export function redactStream(stream: MediaStream, options: RedactStreamOptions = {}): MediaStream {
  const checked = checkOptions(stream, options);
  const session = new RedactionSession(checked);
  const tracks = stream.getTracks().map((track) => (track.kind === 'video' ? session.redact(track) : track));
  session.start();
  return new MediaStream(tracks);
}

/** One output video track and what makes its frames. */
interface RedactedTrack {
  readonly output: MediaStreamTrack;
  readonly inputEnded: boolean;
  readonly outputEnded: boolean;
  /** Ends the output track and lets go of the frames. Idempotent. */
  release(): void;
}

/** What every video track of one redactStream() shares: the detector, and the watch over the tracks' states. */
class RedactionSession implements LoopHost {
  readonly options: CheckedOptions;
  #detector: Detector | null = null;
  #tracks: RedactedTrack[] = [];
  /** Whether the tracks' frames are redacted in a redaction worker: the detector is made here, and the breakout box is at hand. */
  #inWorker: boolean;
  #worker: RedactionWorker | null = null;
  #watch: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #released = false;

  constructor(options: CheckedOptions) {
    this.options = options;
    this.#inWorker = !options.detector && redactStreamPath() === 'track-processor';
  }

  /** The output track for one input video track. */
  redact(input: MediaStreamTrack): MediaStreamTrack {
    const track = this.#inWorker ? (this.#worker ??= new RedactionWorker(this)).redact(input, this.#tracks.length) : new PageTrack(this, input);
    this.#tracks.push(track);
    return track.output;
  }

  start(): void {
    if (this.#tracks.length === 0) return; // audio alone: nothing to detect, nothing to release
    this.#watch = setInterval(() => this.check(), WATCH_MS);
    if (this.options.detector) this.#detector = this.options.detector;
    else this.#create();
  }

  /** The detector when it can take frames; null while one is being made (its frames are hidden whole). */
  get detector(): Detector | null {
    return this.#detector;
  }

  /** Ends the outputs whose input the caller stopped, and releases everything once no output is live. */
  check(): void {
    for (const track of this.#tracks) if (track.inputEnded) track.release();
    if (!this.#released && this.#tracks.every((track) => track.outputEnded)) this.#release();
  }

  /** The track numbered `index`, whose frames the redaction worker no longer takes, is over. */
  ended(index: number): void {
    this.#tracks[index]?.release();
    this.check();
  }

  /** The redaction worker failed, and the streams it held with it: every output is over. */
  workerFailed(error: Error): void {
    this.report(error);
    for (const track of this.#tracks) track.release();
    this.check();
  }

  /** Tells the caller, after the current step: an onError that throws must not stop the frames. */
  report(error: unknown): void {
    if (this.#released) return;
    const { onError } = this.options;
    queueMicrotask(() => onError(asError(error)));
  }

  /** The detector the frames are asked of from now on, on the page or in the redaction worker; null hides them whole. */
  #use(detector: WorkerFaceDetector | null): void {
    this.#detector = detector;
    this.#worker?.use(detector);
  }

  #create(): void {
    const creating = WorkerFaceDetector.create(this.options.create);
    withDeadline(creating, CREATE_DEADLINE_MS, 'start', 'Starting the face detector').then(
      (detector) => {
        if (this.#released) {
          detector.dispose();
          return;
        }
        this.#failures = 0;
        this.#use(detector);
        void detector.lost.then(({ message }) => this.#replace(detector, new Error(`The face detector was lost: ${message}`)));
      },
      (error: unknown) => {
        // One that starts after its deadline is not used: it is disposed as soon as it exists.
        creating.then((late) => late.dispose(), () => undefined);
        this.report(error);
        this.#retryLater();
      },
    );
  }

  /** A made detector that lost its context: its frames are hidden whole until a new one answers. */
  #replace(lost: WorkerFaceDetector, error: Error): void {
    if (this.#released || this.#detector !== lost) return;
    this.#use(null);
    lost.dispose();
    this.report(error);
    this.#retryLater();
  }

  #retryLater(): void {
    if (this.#released) return;
    const wait = RETRY_MS[Math.min(this.#failures++, RETRY_MS.length - 1)]!;
    this.#retry = setTimeout(() => this.#create(), wait);
  }

  #release(): void {
    this.#released = true;
    clearInterval(this.#watch);
    clearTimeout(this.#retry);
    for (const track of this.#tracks) track.release();
    this.#worker?.terminate();
    if (!this.options.detector) this.#detector?.dispose();
    this.#detector = null;
  }
}

/** One video track redacted on the page's thread: a detector the caller gave, or no breakout box. */
class PageTrack implements RedactedTrack {
  readonly output: MediaStreamTrack;
  #session: RedactionSession;
  #input: MediaStreamTrack;
  #path: TrackPath;
  #loop: FrameLoop;

  constructor(session: RedactionSession, input: MediaStreamTrack) {
    this.#session = session;
    this.#input = input;
    this.#path = trackPath(input, (frame, time) => this.#receive(frame, time), () => {
      this.release();
      session.check();
    });
    this.#loop = new FrameLoop(session, this.#path, session.options.loop);
    this.output = this.#path.output;
  }

  get inputEnded(): boolean {
    return this.#input.readyState === 'ended';
  }

  get outputEnded(): boolean {
    return this.#loop.released || this.output.readyState === 'ended';
  }

  release(): void {
    this.#loop.release();
  }

  #receive(frame: VideoFrame, time: number): void {
    if (this.outputEnded) {
      frame.close();
      this.#session.check();
      return;
    }
    this.#loop.receive(frame, time);
  }
}

/** Redaction workers started on this page so far: each gets a name of its own, as DevTools lists it. */
let redactionWorkersStarted = 0;

/** The redaction worker of one stream (worker/redaction-worker.ts), and the page's side of its tracks. */
class RedactionWorker {
  #worker = new Worker(new URL('./worker/redaction-worker.ts', import.meta.url), {
    type: 'module',
    name: `blaze-face-redaction #${++redactionWorkersStarted}`,
  });
  #session: RedactionSession;

  constructor(session: RedactionSession) {
    this.#session = session;
    this.#worker.addEventListener('message', ({ data }: MessageEvent<RedactionReply>) => {
      if (data.type === 'error') session.report(reviveError(data.error));
      else session.ended(data.track);
    });
    // A worker that failed holds the tracks' streams: their outputs can take no more frames, and are ended.
    this.#worker.addEventListener('error', (event) => {
      this.terminate();
      session.workerFailed(new Error(`The redaction worker failed: ${event.message || 'script error'}`));
    });
  }

  /** The output track for `input`, whose frames the worker reads and writes from now on. */
  redact(input: MediaStreamTrack, index: number): RedactedTrack {
    const track = breakoutTrack(input);
    const { readable, writable } = track;
    this.#post({ type: 'track', track: index, readable, writable, options: this.#session.options.loop }, [readable, writable]);
    return new WorkerTrack(track, input, () => this.#post({ type: 'stop', track: index }));
  }

  /** The detector whose worker the redaction worker asks, or none: frames hidden whole. */
  use(detector: WorkerFaceDetector | null): void {
    if (!detector) {
      this.#post({ type: 'detector', detector: null });
      return;
    }
    const port = detectorPort(detector);
    this.#post({ type: 'detector', detector: { port, settings: detector.settings } }, [port]);
  }

  terminate(): void {
    this.#worker.terminate();
  }

  #post(message: RedactionRequest, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }
}

/** One video track redacted in the redaction worker: the page holds only its tracks. */
class WorkerTrack implements RedactedTrack {
  readonly output: MediaStreamTrack;
  #track: BreakoutTrack;
  #input: MediaStreamTrack;
  #stop: () => void;
  #released = false;

  constructor(track: BreakoutTrack, input: MediaStreamTrack, stop: () => void) {
    this.#track = track;
    this.#input = input;
    this.#stop = stop;
    this.output = track.output;
  }

  get inputEnded(): boolean {
    return this.#input.readyState === 'ended';
  }

  get outputEnded(): boolean {
    return this.#released || this.output.readyState === 'ended';
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#stop();
    this.#track.stop();
  }
}
