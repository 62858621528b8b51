// Waiting in tests: for a time, for a condition, or for the page's detector workers to start and end.

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until `condition()` holds, checked every 50 ms; `what` may say what is still in the way when time runs out. */
export async function until(condition: () => boolean | Promise<boolean>, what: string | (() => Promise<string>), timeoutMs = 60000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : await what()}`);
    await delay(50);
  }
}

/**
 * This page's live detector workers, seen from the page in every browser: the Worker constructor is wrapped
 * (when this module loads, before any test creates a detector) to note each worker WorkerFaceDetector starts
 * (it names each `blaze-face <model> #<n>`) and forget it when it is terminated. The engine's own thread
 * workers are left out.
 */
const liveDetectorWorkers = new Set<string>();
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  readonly #detectorName?: string;

  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    if (options?.name?.startsWith('blaze-face ')) liveDetectorWorkers.add((this.#detectorName = options.name));
  }

  override terminate(): void {
    if (this.#detectorName) liveDetectorWorkers.delete(this.#detectorName);
    super.terminate();
  }
};

/** The names of this page's live detector workers, sorted. */
export async function detectorWorkers(): Promise<string[]> {
  return [...liveDetectorWorkers].sort();
}
