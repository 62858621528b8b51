// How redactStream() (redact-stream.ts) takes frames out of a video track and puts redacted ones into a new track.
// Every way works on a clone of the input track, so that releasing it never stops the caller's track.
// - 'track-processor' (Chromium): MediaStreamTrackProcessor hands over each frame as a VideoFrame, and a
//   VideoTrackGenerator (or Chromium's older MediaStreamTrackGenerator) takes the redacted VideoFrames: every
//   frame is seen, each output frame keeps its input frame's timestamp, and it runs in a background tab too.
//   The page makes the processor and the generator (Chromium has them on the page only) and, for the detector
//   redactStream() makes itself, transfers their streams to a redaction worker (worker/redaction-worker.ts),
//   which reads, paints and writes every frame there: Chromium hands a transferred breakout-box stream to the
//   worker whole, so frames keep coming with the page's thread busy. The detection is in the detector's worker,
//   which the redaction worker asks directly over a MessagePort of its own; the page only starts, swaps (after a
//   context loss) and stops things. The redaction worker is one of its own, not the detector's: a transferred
//   stream moved on again is relayed through the page and dies with the worker it left (measured in Chromium
//   156), and a detector's worker is ended and replaced when its context is lost or it fails to start.
// - On the page: a detector passed by the caller cannot go to a worker, so its frames are read, painted and
//   written on the page's thread (the same FrameLoop, redaction-loop.ts, as the worker's), through the breakout
//   box in Chromium; in Firefox and WebKit ('video-element'), a hidden <video> plays the track, each new frame
//   (requestVideoFrameCallback) is copied out as a VideoFrame, and the redacted frames are painted on a canvas
//   whose captureStream() is the output. Like any page animation, it slows down or stops in a background tab.

import { withDeadline } from './deadline.ts';
import { BreakoutOutput, type FrameOutput, type FramePainter, type FrameReceiver } from './redaction-loop.ts';

/** Which way frames are taken out of and put into tracks in this browser. */
export type RedactStreamPath = 'track-processor' | 'video-element';

/** One video track's way through on the page: frames out of the input, redacted frames into `output`. */
export interface TrackPath extends FrameOutput {
  readonly output: MediaStreamTrack;
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

/** How long the hidden <video> may take to start playing the track. */
const PLAY_DEADLINE_MS = 10000;

/** One input track's breakout box: the frames of a clone of it, and an output track taking frames. */
export interface BreakoutTrack {
  readonly readable: ReadableStream<VideoFrame>;
  readonly writable: WritableStream<VideoFrame>;
  readonly output: MediaStreamTrack;
  /** Stops the input's clone and the output track. */
  stop(): void;
}

/** The breakout box for `input`; only where redactStreamPath() is 'track-processor'. */
export function breakoutTrack(input: MediaStreamTrack): BreakoutTrack {
  const clone = input.clone();
  const { readable } = new breakout.MediaStreamTrackProcessor!({ track: clone });
  const generator = breakout.VideoTrackGenerator ? new breakout.VideoTrackGenerator() : new breakout.MediaStreamTrackGenerator!({ kind: 'video' });
  const output = 'track' in generator ? generator.track : generator;
  return {
    readable, writable: generator.writable, output,
    stop: () => {
      clone.stop();
      output.stop();
    },
  };
}

/** The page's path for one input video track; `receive` gets its frames until `ended` is called (input over or release()). */
export function trackPath(input: MediaStreamTrack, receive: FrameReceiver, ended: () => void): TrackPath {
  return redactStreamPath() === 'track-processor' ? new ProcessorPath(input, receive, ended) : new VideoElementPath(input, receive, ended);
}

class ProcessorPath extends BreakoutOutput implements TrackPath {
  readonly output: MediaStreamTrack;
  #track: BreakoutTrack;

  constructor(input: MediaStreamTrack, receive: FrameReceiver, ended: () => void) {
    const track = breakoutTrack(input);
    super(track.readable, track.writable, receive, ended);
    this.#track = track;
    this.output = track.output;
  }

  override release(): void {
    super.release();
    this.#track.stop();
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
    withDeadline(video.play(), PLAY_DEADLINE_MS, 'video-start', 'Playing the input track').then(
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
