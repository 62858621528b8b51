// One video track's redaction, frame by frame, with no DOM: it runs on the page (redact-stream.ts, for a
// detector the caller gave, and in browsers without the breakout box) and in a redaction worker
// (worker/redaction-worker.ts, in Chromium), the same code in both. Its per-frame step (FrameRedaction) is also what
// a video file's frames go through (redact-video.ts).
//
// Fail closed: a frame whose faces are not known (no detector, a detection that failed or took too long) is
// painted hidden whole. Pacing: while one frame is being detected, the newest frame to arrive waits and any older
// waiting one is dropped, so at most one frame waits and the output skips frames rather than falls behind.

import { withDeadline } from './deadline.ts';
import type { DetectionSettings } from './detection-settings.ts';
import { FaceTracker } from './face-tracker.ts';
import type { Face } from './face.ts';
import type { OneEuroOptions } from './one-euro-filter.ts';
import { readFrames } from './read-frames.ts';
import type { RedactionStyle } from './redaction-options.ts';
import { Redactor } from './redactor.ts';

/** What a path gives each frame to: `time` in milliseconds, on a clock of its own that only ever moves forward. */
export type FrameReceiver = (frame: VideoFrame, time: number) => void;

/** Paints one output frame, `width` × `height`, on `context`. */
export type FramePainter = (context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, width: number, height: number) => void;

/** Where a track's painted frames go. */
export interface FrameOutput {
  /** Paints the output frame for `frame` (and closes `frame`); resolves once the frame is handed on. */
  present(frame: VideoFrame, paint: FramePainter): Promise<void>;
  /** Ends the output and lets go of everything it holds. Idempotent. */
  release(): void;
}

/** How a stream's frames are redacted: the same for each of its tracks, and plain data, to be posted to a worker. */
export interface LoopOptions {
  style: RedactionStyle;
  settings: Partial<DetectionSettings>;
  smoothing: Readonly<OneEuroOptions> | null;
  /** Milliseconds a frame's detection may take before the frame is sent hidden whole. */
  detectionTimeout: number;
}

/** The one call of a detector FrameRedaction makes, on a frame or on a copy of one (a Detector takes both). */
export interface PictureDetector<Picture extends VideoFrame | OffscreenCanvas> {
  detect(picture: Picture, options: { settings: Partial<DetectionSettings> }): Promise<Face[]>;
}

/** The detector the loop asks for each frame's faces (a Detector; so is a redaction worker's line to one). */
export type FrameDetector = PictureDetector<VideoFrame>;

/** What the loops of one stream share: its detector, null while there is none, and where errors go. */
export interface LoopHost {
  readonly detector: FrameDetector | null;
  report(error: unknown): void;
}

/** How long a write into a track generator may take before the output is taken for gone (a stalled consumer). */
const WRITE_DEADLINE_MS = 5000;


/**
 * Frames read from a track processor's stream and written, redacted, into a track generator's: on the page, or
 * in a worker the two streams were transferred to. `ended` is called once reading is over (the input ended, or
 * release() cancelled it).
 */
export class BreakoutOutput implements FrameOutput {
  #reader: ReadableStreamDefaultReader<VideoFrame>;
  #writer: WritableStreamDefaultWriter<VideoFrame>;
  #canvas = new OffscreenCanvas(1, 1);
  #released = false;

  constructor(readable: ReadableStream<VideoFrame>, writable: WritableStream<VideoFrame>, receive: FrameReceiver, ended: () => void) {
    this.#reader = readable.getReader();
    this.#writer = writable.getWriter();
    // Every frame to `receive`, until the input ends or the reader is cancelled (release()), which settles its read.
    void readFrames(this.#reader, (frame) => receive(frame, frame.timestamp / 1000), () => this.#released).finally(ended);
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
      await withDeadline(this.#writer.write(output), WRITE_DEADLINE_MS, 'write', 'Writing a redacted frame');
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
  }
}

/**
 * The per-frame step of redacting one video: a frame's faces detected (within a deadline), tracked for ids and held
 * by the Redactor, then the frame painted with them hidden, or hidden whole when they are not known. Live tracks
 * (FrameLoop) and video files (redact-video.ts) both go through it, so a file is redacted exactly as a stream is.
 * `now` is the frame's own time in milliseconds (a stream's clock, a file's timestamps): holds count in it.
 */
export class FrameRedaction {
  readonly #redactor: Redactor;
  readonly #tracker: FaceTracker;
  readonly #settings: Partial<DetectionSettings>;
  readonly #detectionTimeout: number;

  constructor(options: Omit<LoopOptions, 'style'> & { style: Partial<RedactionStyle> }) {
    this.#redactor = new Redactor(options.style);
    this.#tracker = new FaceTracker({ smoothing: options.smoothing });
    this.#settings = options.settings;
    this.#detectionTimeout = options.detectionTimeout;
  }

  /**
   * The frame's tracked faces, or null when they are not known: no detector, or its detection failed or was late
   * (the error goes to `report`). `picture` is the frame, or a copy of it of the same size.
   */
  async faces<Picture extends VideoFrame | OffscreenCanvas>(detector: PictureDetector<Picture> | null, picture: Picture, now: number, report: (error: unknown) => void): Promise<Face[] | null> {
    if (!detector) return null;
    try {
      const detecting = detector.detect(picture, { settings: this.#settings });
      const found = await withDeadline(detecting, this.#detectionTimeout, 'detect', 'Detecting faces in a frame');
      const aspect = picture instanceof VideoFrame ? picture.displayWidth / picture.displayHeight : picture.width / picture.height;
      const faces = this.#tracker.update(found, now, aspect);
      this.#redactor.track(faces, now);
      return faces;
    } catch (error) {
      report(error);
      return null;
    }
  }

  /**
   * Paints `picture` (a frame, or a copy of it of the same size) on `context` (width x height) with `faces` hidden,
   * or all of it hidden when `faces` is null.
   */
  paint(context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, picture: VideoFrame | OffscreenCanvas, faces: readonly Face[] | null, now: number, width: number, height: number): void {
    const [pictureWidth, pictureHeight] = picture instanceof VideoFrame ? [picture.displayWidth, picture.displayHeight] : [picture.width, picture.height];
    this.#redactor.paint(context, {
      picture, pictureWidth, pictureHeight,
      rect: { x: 0, y: 0, width, height }, pixelRatio: 1, mirrored: false,
      trusted: faces !== null, faces: faces ?? [], now,
    });
  }
}

/** One video track's frames: detected one at a time, at most one waiting, each sent painted with its own faces. */
export class FrameLoop {
  #host: LoopHost;
  #output: FrameOutput;
  #redaction: FrameRedaction;
  #busy = false;
  #waiting: { frame: VideoFrame; time: number } | null = null;
  #released = false;

  constructor(host: LoopHost, output: FrameOutput, options: LoopOptions) {
    this.#host = host;
    this.#output = output;
    this.#redaction = new FrameRedaction(options);
  }

  get released(): boolean {
    return this.#released;
  }

  /** Closes the waiting frame and releases the output. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#waiting?.frame.close();
    this.#waiting = null;
    this.#output.release();
  }

  receive(frame: VideoFrame, time: number): void {
    if (this.#released) {
      frame.close();
      return;
    }
    if (this.#busy) {
      this.#waiting?.frame.close(); // dropped: a newer frame takes its place
      this.#waiting = { frame, time };
      return;
    }
    void this.#run(frame, time);
  }

  /** Detects and sends `frame`, then the frame that arrived meanwhile, if any, until none is waiting. */
  async #run(frame: VideoFrame, time: number): Promise<void> {
    this.#busy = true;
    let next: { frame: VideoFrame; time: number } | null = { frame, time };
    try {
      while (next && !this.#released) {
        const { frame: current, time: now } = next;
        next = null; // present() closes it, whatever happens
        const faces = await this.#redaction.faces(this.#host.detector, current, now, (error) => this.#host.report(error));
        await this.#output.present(current, (context, width, height) => this.#redaction.paint(context, current, faces, now, width, height));
        next = this.#waiting;
        this.#waiting = null;
      }
    } catch (error) {
      // A frame that could not be painted is not sent; the next one is tried.
      this.#host.report(error);
    } finally {
      next?.frame.close();
      this.#busy = false;
    }
  }
}
