// How many XNNPACK threads the wasm engine runs, chosen by measurement.
//
// More threads are not always faster. A small network like BlazeFace splits every one of its ~60 kernels
// across the pool and waits for the slowest thread at each kernel's end, so one thread that shares its core
// with another busy program stalls them all: on two cores with one of them busy, two threads ran several
// times slower than one. So the engine starts on one thread, and the first graph dispatched on it is timed,
// after some warm-up dispatches, on each candidate count (1, 2, 4, up to min(4, navigator.hardwareConcurrency));
// the fastest count is kept for every graph after. Those dispatches are the detector's own first frames (32 on
// two cores, about a second of video), so the measurement costs no extra work and does not delay the first
// result. A count set with
// configurePolyfill({ wasmThreads }) is used as it is, unmeasured.
//
// tfjs fixes its pool when its backend is constructed, but its wasm module exports init_with_threads_count(),
// which makes a new pool and makes it the one every later kernel runs on. A new pool of n threads takes n - 1 of
// the 8 workers emscripten starts with the module (its caller is the n-th); the pools left behind keep theirs,
// asleep. One measurement with its winner takes at most 1 + 3 + 1 = 5; a pool that would need more workers than
// are left is never made.

/** Told when the threaded engine starts its pool of workers, and when that start has settled (up, or failed). */
export interface ThreadPoolWatcher {
  starting(): void;
  settled(): void;
}

/**
 * Set by a detector worker, which tells its page: in Firefox under WebDriver BiDi a worker's `new Worker()` can
 * block that worker's thread for good, and a blocked thread runs no timer, so only the page can hold the
 * deadline on the pool's start (model/worker/shared-workers.ts).
 */
export let threadPoolWatcher: ThreadPoolWatcher | undefined;

export function watchThreadPool(watcher: ThreadPoolWatcher): void {
  threadPoolWatcher = watcher;
}

/** The slice of tfjs's BackendWasm the choice works through. */
interface WasmBackend {
  wasm: { tfjs: { initWithThreadsCount(threads: number): void; getThreadsCount(): number } };
}

/** Options of the choice, in one place. */
export const threadChoiceOptions = {
  /** The most threads tried without a configured count: past 4 the pool's joins cost more than they save here. */
  maxThreads: 4,
  /**
   * Dispatches of the measured graph before any is timed, on one thread: the first creates the graph's XNNPACK
   * operators, and over the first few the browser is still compiling the engine's wasm into faster code, on
   * background threads that compete with the pool's.
   */
  warmupDispatches: 20,
  /** Dispatches timed per candidate, after one untimed one that wakes the candidate's pool. */
  timedRuns: 5,
  /** A count with more threads wins only if its median run is at least this much faster than the best so far. */
  minGain: 0.1,
} as const;

/** The most threads the engine may use here: the configured count, else min(maxThreads, hardwareConcurrency). */
export function maxWasmThreads(configured: number | undefined): number {
  if (configured !== undefined) return Math.max(1, Math.floor(configured));
  return Math.max(1, Math.min(threadChoiceOptions.maxThreads, navigator.hardwareConcurrency || 1));
}

/** The candidate counts, smallest first: 1, 2, 4 (and `max` itself when it is 3). */
export function threadCandidates(max: number): number[] {
  const candidates = [1, 2, 4].filter((count) => count < max);
  return [...candidates, max];
}

/**
 * The count to keep from the median run time of each candidate (smallest count first): the fastest, where a
 * larger count must beat the best so far by minGain, so that noise never buys threads that do not pay.
 */
export function fastestThreadCount(medians: ReadonlyMap<number, number>): number {
  let best: [count: number, ms: number] | undefined;
  for (const [count, ms] of [...medians].sort((a, b) => a[0] - b[0])) {
    if (!best || ms <= best[1] * (1 - threadChoiceOptions.minGain)) best = [count, ms];
  }
  if (!best) throw new RangeError('fastestThreadCount: no candidates');
  return best[0];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** What the wasm engine's thread count is, and how it came to be. */
export interface WasmThreads {
  /** The count every kernel runs on now. */
  threads: number;
  /** The median dispatch time (ms) of the measured graph on each candidate count, once measured. */
  measured?: Readonly<Record<number, number>>;
}

/** Workers the threaded wasm module starts with (its PTHREAD_POOL_SIZE): what new pools draw from. */
const startedWorkers = 8;

interface Measurement {
  /** The graph being timed: the first one dispatched on the engine. */
  graph: object;
  /** Thread count of each dispatch to come, and whether it is timed (the first on each count only warms it). */
  plan: { threads: number; timed: boolean }[];
  times: Map<number, number[]>;
}

let pool: WasmBackend['wasm']['tfjs'] | undefined;
let maximum = 1;
let workersLeft = startedWorkers;
let chosen: WasmThreads | undefined;
let measurement: Measurement | undefined;

/** Called by engines.ts once the wasm engine is up, on `max` threads at most (1 when the count is configured). */
export function wasmEngineStarted(started: unknown, max: number, configured: boolean): void {
  pool = (started as WasmBackend).wasm.tfjs;
  maximum = max;
  workersLeft = startedWorkers - (pool.getThreadsCount() - 1);
  chosen = configured || max === 1 ? { threads: pool.getThreadsCount() } : undefined;
}

/** The wasm engine's threads, or undefined before it started. */
export function wasmThreads(): WasmThreads | undefined {
  return chosen ?? (pool ? { threads: pool.getThreadsCount() } : undefined);
}

function measurementPlan(): Measurement['plan'] {
  const plan = Array.from({ length: threadChoiceOptions.warmupDispatches }, () => ({ threads: 1, timed: false }));
  for (const threads of threadCandidates(maximum)) {
    plan.push({ threads, timed: false });
    for (let run = 0; run < threadChoiceOptions.timedRuns; run++) plan.push({ threads, timed: true });
  }
  return plan;
}

/** Makes `threads` the pool kernels run on; false if that would need more workers than are left. */
function usePool(threads: number): boolean {
  if (pool!.getThreadsCount() === threads) return true;
  if (threads - 1 > workersLeft) return false;
  pool!.initWithThreadsCount(threads);
  workersLeft -= threads - 1;
  return true;
}

function finishMeasurement(): void {
  const medians = new Map([...measurement!.times].map(([threads, times]) => [threads, median(times)]));
  const fastest = medians.size > 0 ? fastestThreadCount(medians) : 1;
  if (!usePool(fastest)) usePool(1);
  chosen = { threads: pool!.getThreadsCount(), measured: Object.fromEntries(medians) };
  measurement = undefined;
}

/**
 * Runs `dispatch`, one synchronous dispatch of `graph` on the wasm engine; while the thread count is still open
 * and `graph` is the one being measured, on the count the measurement calls for next, timed.
 */
export function dispatchChoosingThreads(graph: { readonly destroyed: boolean }, dispatch: () => void): void {
  if (chosen || !pool) return dispatch();
  // The measured graph was destroyed before its measurement ended: the next graph starts it over.
  if (measurement?.graph !== graph && (measurement?.graph as { destroyed?: boolean } | undefined)?.destroyed) measurement = undefined;
  measurement ??= { graph, plan: measurementPlan(), times: new Map() };
  if (measurement.graph !== graph) return dispatch();
  const step = measurement.plan.shift()!;
  if (!usePool(step.threads)) {
    finishMeasurement();
    return dispatch();
  }
  const start = performance.now();
  dispatch();
  if (step.timed) {
    const times = measurement.times.get(step.threads) ?? [];
    times.push(performance.now() - start);
    measurement.times.set(step.threads, times);
  }
  if (measurement.plan.length === 0) finishMeasurement();
}
