// Runs a callback for each new video frame (requestVideoFrameCallback where available, else animation
// frames), never more than one at a time: a frame that arrives while the previous one is still being
// processed is dropped, not queued, so latency stays at one frame however slow detection is.

export type FrameHandler = (timestamp: number) => Promise<void>;

export class FrameLoop {
  #running = false;
  #busy = false;
  #handle = 0;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onFrame: FrameHandler,
  ) {}

  get running(): boolean {
    return this.#running;
  }

  /** Starts with the frame the video shows now, if it has one, rather than waiting up to a frame for the next. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#tick(performance.now());
  }

  stop(): void {
    this.#running = false;
    if ('cancelVideoFrameCallback' in this.video) this.video.cancelVideoFrameCallback(this.#handle);
    cancelAnimationFrame(this.#handle);
  }

  #schedule(): void {
    if (!this.#running) return;
    const tick = (now: number) => this.#tick(now);
    this.#handle =
      'requestVideoFrameCallback' in this.video
        ? this.video.requestVideoFrameCallback(tick)
        : requestAnimationFrame(tick);
  }

  #tick(now: number): void {
    this.#schedule();
    if (this.#busy || this.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
    this.#busy = true;
    this.onFrame(now).finally(() => {
      this.#busy = false;
    });
  }
}
