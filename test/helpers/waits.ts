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
 * This page's live detector workers and redaction workers, seen from the page in every browser: the Worker
 * constructor is wrapped (when this module loads, before any test creates a detector) to note each worker
 * WorkerFaceDetector starts (it names each `blaze-face <model> #<n>`) and each redactStream() starts
 * (`blaze-face-redaction #<n>`), and forget it when it is terminated. The engine's own thread workers are left out.
 */
const liveDetectorWorkers = new Set<string>();
const liveRedactionWorkers = new Set<string>();
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  readonly #name?: string;
  readonly #live?: Set<string>;

  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    const name = options?.name ?? '';
    this.#live = name.startsWith('blaze-face ') ? liveDetectorWorkers : name.startsWith('blaze-face-redaction ') ? liveRedactionWorkers : undefined;
    this.#live?.add((this.#name = name));
  }

  override terminate(): void {
    if (this.#name) this.#live?.delete(this.#name);
    super.terminate();
  }
};

/** The names of this page's live redaction workers (redactStream()'s, in Chromium), sorted. */
export async function redactionWorkers(): Promise<string[]> {
  return [...liveRedactionWorkers].sort();
}

/** The names of this page's live detector workers, sorted. */
export async function detectorWorkers(): Promise<string[]> {
  return [...liveDetectorWorkers].sort();
}
