// The One Euro filter (Casiez, Roussel and Vogel, "1€ Filter", CHI 2012): a first-order low-pass filter whose
// cutoff frequency rises with the signal's speed. At rest a low cutoff removes jitter; in motion a high cutoff
// keeps the lag short. One filter smooths one number over time.

export interface OneEuroOptions {
  /** Cutoff frequency (Hz) at rest: lower removes more jitter from a still face, and lags more. */
  minCutoff: number;
  /**
   * How much the cutoff rises with speed (Hz per face size per second): higher follows moving faces more
   * closely, and lets more jitter through while they move.
   */
  beta: number;
  /** Cutoff frequency (Hz) of the speed estimate the cutoff follows. */
  derivativeCutoff: number;
}

/**
 * Chosen on the seed photo at 30 frames per second (test/model/face-tracker.test.ts): a still face's jitter drops
 * 3.8×, a face sliding across the picture lags 0.9 to 1.4 frames.
 */
export const defaultOneEuroOptions: Readonly<OneEuroOptions> = { minCutoff: 2.5, beta: 1, derivativeCutoff: 1 };

/** The weight of a new sample in an exponential average with this cutoff, for samples `seconds` apart. */
function smoothingFactor(cutoff: number, seconds: number): number {
  const timeConstant = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + timeConstant / seconds);
}

export class OneEuroFilter {
  #value = 0;
  #speed = 0;
  #time: number | undefined;

  constructor(private readonly options: Readonly<OneEuroOptions>) {}

  /**
   * The smoothed value of `value`, sampled at `time` (seconds). `scale` is the size speeds are measured in (the
   * face's width, for a coordinate), so that the same options suit a near and a far face.
   */
  filter(value: number, time: number, scale: number): number {
    const previous = this.#time;
    this.#time = time;
    if (previous === undefined || !(time > previous)) {
      // The first sample (or a repeated timestamp) has nothing to be averaged with.
      if (previous === undefined) this.#value = value;
      return this.#value;
    }
    const seconds = time - previous;
    const { minCutoff, beta, derivativeCutoff } = this.options;
    const speed = (value - this.#value) / seconds;
    this.#speed += smoothingFactor(derivativeCutoff, seconds) * (speed - this.#speed);
    const cutoff = minCutoff + (beta * Math.abs(this.#speed)) / scale;
    this.#value += smoothingFactor(cutoff, seconds) * (value - this.#value);
    return this.#value;
  }
}
