// Runs a callback for each new video frame (requestVideoFrameCallback where available, else animation
// frames), never more than one at a time: a frame that arrives while the previous one is still being
// processed is dropped, not queued, so latency stays at one frame however slow detection is.
//
// A loop can also stall with the video playing: its frame callbacks stop coming (a browser that drops a
// requestVideoFrameCallback, a compositor that stopped calling back) while frames are still presented. The
// detector's own deadline cannot see that, since no frame reaches it. So a timer, not the frames, watches: it
// compares the video's presented-frame count with the last frame handed over, and calls `stalled` when the video
// presented frames and none reached the loop for longer than `afterMs`. Per frame, the loop notes one timestamp.

/** `fromCallback`: the frame came from the browser's frame callback, not from start() (the frame shown already). */
export type FrameHandler = (timestamp: number, fromCallback: boolean) => Promise<void>;

export interface StallWatch {
  /** How long the loop may hand no frame over while the video presents new ones (asked at each check). */
  afterMs(): number;
  stalled(afterMs: number): void;
}

/** Checks per stall deadline: the stall is seen at most a quarter of the deadline late. */
const checksPerDeadline = 4;
/** Frames the video must present unhanded before it counts as a stall, not a lone frame at the edge of a check. */
const unhandedFramesForStall = 2;

export class FrameLoop {
  #running = false;
  #busy = false;
  #handle = 0;
  /** performance.now() when a frame was last handed to onFrame (or the loop started). */
  #handedOverAt = 0;
  #watchTimer: ReturnType<typeof setInterval> | undefined;
  /** performance.now() at the watch's last check. */
  #checkedAt = 0;
  /** The video's presented-frame count at the first check after the last frame handed over. */
  #presentedAtCheck = 0;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onFrame: FrameHandler,
    private readonly watch?: StallWatch,
  ) {}

  get running(): boolean {
    return this.#running;
  }

  /** Starts with the frame the video shows now, if it has one, rather than waiting up to a frame for the next. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#handedOverAt = performance.now();
    this.#startWatch();
    this.#tick(performance.now(), false);
  }

  stop(): void {
    this.#running = false;
    clearInterval(this.#watchTimer);
    this.#watchTimer = undefined;
    if ('cancelVideoFrameCallback' in this.video) this.video.cancelVideoFrameCallback(this.#handle);
    cancelAnimationFrame(this.#handle);
  }

  #schedule(): void {
    if (!this.#running) return;
    const tick = (now: number) => this.#tick(now, true);
    this.#handle =
      'requestVideoFrameCallback' in this.video
        ? this.video.requestVideoFrameCallback(tick)
        : requestAnimationFrame(tick);
  }

  #tick(now: number, fromCallback: boolean): void {
    this.#schedule();
    if (this.#busy || this.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
    this.#busy = true;
    this.#handedOverAt = performance.now();
    this.onFrame(now, fromCallback).finally(() => {
      this.#busy = false;
    });
  }

  /** Without the video's presented-frame count (no getVideoPlaybackQuality), a stall cannot be told from a still source: no watch. */
  #startWatch(): void {
    const watch = this.watch;
    if (!watch || typeof this.video.getVideoPlaybackQuality !== 'function') return;
    this.#checkedAt = performance.now();
    this.#presentedAtCheck = this.#presented();
    this.#watchTimer = setInterval(() => this.#check(watch), watch.afterMs() / checksPerDeadline);
  }

  #check(watch: StallWatch): void {
    const now = performance.now();
    const presented = this.#presented();
    const video = this.video;
    // A frame handed over since the last check, or a video that is not playing (paused, ended, a hidden page):
    // counting starts again from here.
    if (this.#handedOverAt > this.#checkedAt || video.paused || video.ended || document.hidden) {
      this.#checkedAt = now;
      this.#presentedAtCheck = presented;
      return;
    }
    this.#checkedAt = now;
    const afterMs = watch.afterMs();
    if (now - this.#handedOverAt > afterMs && presented - this.#presentedAtCheck >= unhandedFramesForStall) {
      this.stop();
      watch.stalled(afterMs);
    }
  }

  #presented(): number {
    return presentedFrames(this.video);
  }
}

/**
 * How many frames `video` has presented so far. Firefox ESR 153 counts none of a MediaStream's in
 * getVideoPlaybackQuality() (0 while its frame callbacks come), but does in its own mozPaintedFrames.
 */
export function presentedFrames(video: HTMLVideoElement & { readonly mozPaintedFrames?: number }): number {
  return Math.max(video.getVideoPlaybackQuality().totalVideoFrames, video.mozPaintedFrames ?? 0);
}
