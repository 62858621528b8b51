// A throttled, screen-reader friendly summary of how many faces are in view: it changes the live region's
// text at most once per interval and only when the count changed, so assistive technology is not flooded.

export class FaceCountAnnouncer {
  #lastCount = -1;
  #lastAnnounced = -Infinity; // the first count is spoken at once

  constructor(
    private readonly region: () => HTMLElement | null,
    private readonly intervalMs = 1500,
  ) {}

  update(count: number, now = performance.now()): void {
    if (count === this.#lastCount || now - this.#lastAnnounced < this.intervalMs) return;
    const region = this.region();
    if (!region) return;
    this.#lastCount = count;
    this.#lastAnnounced = now;
    region.textContent = count === 0 ? 'No faces in view' : count === 1 ? '1 face in view' : `${count} faces in view`;
  }

  reset(): void {
    this.#lastCount = -1;
    this.#lastAnnounced = -Infinity;
  }
}
