// The two ways redactStream() (redact-stream.ts) takes frames out of a video track and puts redacted ones into a
// new track. Both work on a clone of the input track, so that releasing them never stops the caller's track.
// - 'track-processor' (Chromium): MediaStreamTrackProcessor hands over each frame as a VideoFrame, and a
//   VideoTrackGenerator (or Chromium's older MediaStreamTrackGenerator) takes the redacted VideoFrames: every
//   frame is seen, each output frame keeps its input frame's timestamp, and it runs in a background tab too.
// - 'video-element' (Firefox, WebKit): a hidden <video> plays the track, each new frame (requestVideoFrameCallback)
//   is copied out as a VideoFrame, and the redacted frames are painted on a canvas whose captureStream() is the
//   output. Like any page animation, it slows down or stops in a background tab.
// Neither is in a worker: the page's thread reads, paints and writes frames, the detector's worker (or the caller's
// detector) detects them. Chromium has the processor and generator on the page only, but their streams are
// transferable: painting in the detector's worker would need its protocol to carry them, and a detector passed
// by the caller cannot go there at all.

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Which way frames are taken out of and put into tracks in this browser. */
export type RedactStreamPath = 'track-processor' | 'video-element';

/** What a path gives each frame to: `time` in milliseconds, on a clock of its own that only ever moves forward. */
export type FrameReceiver = (frame: VideoFrame, time: number) => void;

/** Paints one output frame, `width` × `height`, on `context`. */
export type FramePainter = (context: Context2D, width: number, height: number) => void;

/** One video track's way through: frames out of the input, redacted frames into `output`. */
export interface TrackPath {
  readonly output: MediaStreamTrack;
  /** Paints the output frame for `frame` (and closes `frame`); resolves once the frame is handed on. */
  present(frame: VideoFrame, paint: FramePainter): Promise<void>;
  /** Ends the output track and lets go of everything the path holds. Idempotent. */
  release(): void;
}

// The breakout box, which TypeScript's DOM library does not declare (only its worker library, in part).
interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack }) => TrackProcessor;
type TrackGeneratorConstructor = new (init: { kind: 'video' }) => MediaStreamTrack & { readonly writable: WritableStream<VideoFrame> };
type VideoTrackGeneratorConstructor = new () => { readonly track: MediaStreamTrack; readonly writable: WritableStream<VideoFrame> };

interface Breakout {
  MediaStreamTrackProcessor?: TrackProcessorConstructor;
  MediaStreamTrackGenerator?: TrackGeneratorConstructor;
  VideoTrackGenerator?: VideoTrackGeneratorConstructor;
}

const breakout = globalThis as Breakout;

/**
 * The path redactStream() takes in this browser: 'track-processor' where the page has MediaStreamTrackProcessor
 * and a track generator (Chromium), 'video-element' elsewhere (Firefox, Safari).
 */
export function redactStreamPath(): RedactStreamPath {
  const generator = breakout.VideoTrackGenerator ?? breakout.MediaStreamTrackGenerator;
  return breakout.MediaStreamTrackProcessor && generator && typeof OffscreenCanvas !== 'undefined' ? 'track-processor' : 'video-element';
}

/** How long a write into the generator may take before the output is taken for gone (a stalled consumer). */
const WRITE_DEADLINE_MS = 5000;
/** How long the hidden <video> may take to start playing the track. */
const PLAY_DEADLINE_MS = 10000;

/** `promise`, or a TimeoutError after `ms`: no wait of redactStream() is without an end. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DOMException(`${what} took longer than ${ms} ms`, 'TimeoutError')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The path for one input video track; `receive` gets its frames until `ended` is called (input over or release()). */
export function trackPath(input: MediaStreamTrack, receive: FrameReceiver, ended: () => void): TrackPath {
  return redactStreamPath() === 'track-processor' ? new ProcessorPath(input, receive, ended) : new VideoElementPath(input, receive, ended);
}

class ProcessorPath implements TrackPath {
  readonly output: MediaStreamTrack;
  #input: MediaStreamTrack;
  #reader: ReadableStreamDefaultReader<VideoFrame>;
  #writer: WritableStreamDefaultWriter<VideoFrame>;
  #canvas = new OffscreenCanvas(1, 1);
  #released = false;

  constructor(input: MediaStreamTrack, receive: FrameReceiver, ended: () => void) {
    this.#input = input.clone();
    this.#reader = new breakout.MediaStreamTrackProcessor!({ track: this.#input }).readable.getReader();
    if (breakout.VideoTrackGenerator) {
      const generator = new breakout.VideoTrackGenerator();
      this.output = generator.track;
      this.#writer = generator.writable.getWriter();
    } else {
      const generator = new breakout.MediaStreamTrackGenerator!({ kind: 'video' });
      this.output = generator;
      this.#writer = generator.writable.getWriter();
    }
    void this.#read(receive).finally(ended);
  }

  /** Every frame to `receive`, until the input ends or the reader is cancelled (release()), which settles read(). */
  async #read(receive: FrameReceiver): Promise<void> {
    try {
      for (;;) {
        const { value: frame, done } = await this.#reader.read();
        if (done) return;
        if (this.#released) {
          frame.close();
          return;
        }
        receive(frame, frame.timestamp / 1000);
      }
    } catch {
      // The track failed: it ends like one that is over.
    }
  }

  async present(frame: VideoFrame, paint: FramePainter): Promise<void> {
    const { displayWidth: width, displayHeight: height, timestamp } = frame;
    let output: VideoFrame;
    try {
      if (this.#released) return;
      if (this.#canvas.width !== width || this.#canvas.height !== height) [this.#canvas.width, this.#canvas.height] = [width, height];
      paint(this.#canvas.getContext('2d')!, width, height);
      output = new VideoFrame(this.#canvas, { timestamp, ...(frame.duration !== null ? { duration: frame.duration } : {}) });
    } finally {
      frame.close();
    }
    try {
      await withDeadline(this.#writer.write(output), WRITE_DEADLINE_MS, 'Writing a redacted frame');
    } catch {
      output.close(); // not taken by the generator (a closed frame closes again harmlessly)
      this.release(); // a generator that refuses frames is stopped or stalled: the output is over
    }
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    // Neither promise is awaited: a cancel or close that never settles must not hold the release up.
    this.#reader.cancel().catch(() => undefined);
    this.#writer.close().catch(() => undefined);
    this.#input.stop();
    this.output.stop();
  }
}

/** The refresh callback the hidden <video> has: requestVideoFrameCallback, or animation frames where it is missing. */
type FrameWatch = { cancel(): void };

class VideoElementPath implements TrackPath {
  readonly output: MediaStreamTrack;
  #input: MediaStreamTrack;
  #video = document.createElement('video');
  #canvas = document.createElement('canvas');
  #watch: FrameWatch | null = null;
  #released = false;
  #ended: () => void;

  constructor(input: MediaStreamTrack, receive: FrameReceiver, ended: () => void) {
    this.#input = input.clone();
    this.#ended = ended;
    // Painted only when a redacted frame is drawn: the canvas's stream gets a frame for each, and no other.
    this.output = this.#canvas.captureStream().getVideoTracks()[0]!;
    const video = this.#video;
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([this.#input]);
    // The input clone ends with its source (a camera unplugged); the caller's own stop() is watched by redactStream().
    this.#input.addEventListener('ended', () => this.release(), { once: true });
    withDeadline(video.play(), PLAY_DEADLINE_MS, 'Playing the input track').then(
      () => {
        if (!this.#released) this.#watch = watchFrames(video, receive);
      },
      () => this.release(),
    );
  }

  async present(frame: VideoFrame, paint: FramePainter): Promise<void> {
    try {
      if (this.#released) return;
      const { displayWidth: width, displayHeight: height } = frame;
      if (this.#canvas.width !== width || this.#canvas.height !== height) [this.#canvas.width, this.#canvas.height] = [width, height];
      paint(this.#canvas.getContext('2d')!, width, height);
    } finally {
      frame.close();
    }
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#watch?.cancel();
    this.#video.pause();
    this.#video.srcObject = null;
    this.#input.stop();
    this.output.stop();
    this.#ended();
  }
}

/** Each new frame of a playing video to `receive`, as a VideoFrame of its own, until cancelled. */
function watchFrames(video: HTMLVideoElement, receive: FrameReceiver): FrameWatch {
  let cancelled = false;
  const take = (time: number) => {
    if (cancelled || video.readyState < 2 /* HAVE_CURRENT_DATA */) return;
    let frame: VideoFrame;
    try {
      frame = new VideoFrame(video, { timestamp: Math.round(time * 1000) });
    } catch {
      return; // a frame the browser would not copy out (resized mid-way): the next one is taken
    }
    receive(frame, time);
  };
  if (typeof video.requestVideoFrameCallback === 'function') {
    let handle = 0;
    const onFrame = (now: number) => {
      take(now);
      if (!cancelled) handle = video.requestVideoFrameCallback(onFrame);
    };
    handle = video.requestVideoFrameCallback(onFrame);
    return { cancel: () => ((cancelled = true), video.cancelVideoFrameCallback(handle)) };
  }
  // Without it (Firefox before 132): each animation frame in which the video's time has moved.
  let handle = 0;
  let shown = -1;
  const onAnimationFrame = (now: number) => {
    if (video.currentTime !== shown) {
      shown = video.currentTime;
      take(now);
    }
    if (!cancelled) handle = requestAnimationFrame(onAnimationFrame);
  };
  handle = requestAnimationFrame(onAnimationFrame);
  return { cancel: () => ((cancelled = true), cancelAnimationFrame(handle)) };
}
