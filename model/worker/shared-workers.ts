// The page's detector workers, shared. WorkerFaceDetectors created with the same model, model file, context
// options, precision and polyfill settings get one worker between them: one engine, one thread pool and one
// copy of the weights, however many elements or detectors a page makes. Each detector keeps its own
// thresholds (sent with every frame) and its own lifetime. A worker ends when the last detector using it is
// disposed; one whose context was lost, or that failed, is taken out at once, so the next create starts anew.

import { InvalidImageError, type TimeoutError, type TimeoutStep } from '../errors.ts';
import type { Connect, Reply, Request, WorkerOptions } from './protocol.ts';
import { reviveError } from './errors.ts';
import { replayStartupMarks, type StartupStage } from '../startup-marks.ts';
import type { DetectorLoss } from '../detector.ts';
import { prefetchFiles } from './prefetch.ts';

type Pending = { type: Request['type']; resolve: (reply: Reply) => void; reject: (error: Error) => void };
type CreatedReply = Extract<Reply, { type: 'created' }>;
/** A request as a detector writes it; the worker connection numbers it. */
export type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/**
 * How long a worker's engine may take to start its pool of thread workers (the threaded binary fetched and
 * compiled, then every pool worker loaded) before the page gives up on it and starts the detector again in a new
 * worker on the single-threaded binary. Measured in Firefox ESR 153 on two shared cores: about 75 ms; a pool
 * whose worker is stuck in `new Worker()` never comes up. The margin is for slow devices and networks.
 */
export const threadPoolDeadlineMs = 5000;

/** The create request of a worker whose thread pool missed its deadline: the page starts it again, single-threaded. */
class ThreadPoolStuck extends Error {}

/** Live workers by what their detector is made of, so equal options find the same worker. */
const workers = new Map<string, DetectorWorker>();
/** Workers started on this page so far: each gets a name of its own, as DevTools lists it. */
let workersStarted = 0;

/** The same JSON for the same options whatever order their keys were written in. */
function keyOf(options: WorkerOptions): string {
  return JSON.stringify(options, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

/** The worker's start-up stages in order, each with the step a start not past it is stuck in. */
const startSteps: [StartupStage, TimeoutStep][] = [['worker-started', 'worker'], ['context-created', 'context'], ['model-fetched', 'model-fetch'], ['graph-built', 'graph'], ['warmed', 'warm-up']];

/** One detector worker and the requests in flight to it, from every detector that uses it. */
export class DetectorWorker {
  /** Settles once the worker's FaceDetector is built (or could not be). */
  readonly created: Promise<CreatedReply>;
  readonly lost: Promise<DetectorLoss>;

  #worker!: Worker;
  #key: string;
  #pending = new Map<number, Pending>();
  #lastId = 0;
  #users = 0;
  #ended = false;
  #markLost!: (loss: DetectorLoss) => void;
  /** How far the start has come: the stages the worker reported, and whether the page still fetches the model. */
  #reached = new Set<StartupStage>();
  #prefetching = false;
  /** Runs while the worker's engine starts its thread pool (see threadPoolDeadlineMs). */
  #poolDeadline: ReturnType<typeof setTimeout> | undefined;

  constructor(key: string, options: WorkerOptions) {
    this.#key = key;
    this.#start(options);
    this.lost = new Promise((resolve) => (this.#markLost = resolve));
    this.created = this.#create(options).then(
      (reply) => {
        if (reply.type !== 'created') throw new Error(`unexpected reply ${reply.type}`);
        replayStartupMarks(reply.marks); // once per worker, whichever detectors share it
        return reply;
      },
      (error: unknown) => {
        // Nobody can use a worker without a detector: the next create tries again in a new one.
        this.#end();
        throw error;
      },
    );
  }

  /** Starts the worker, whose messages and errors count only while it is the current one. */
  #start(options: WorkerOptions): void {
    const worker = new Worker(new URL('./detector-worker.ts', import.meta.url), {
      type: 'module',
      name: `blaze-face ${options.model ?? 'short'} #${++workersStarted}`,
    });
    this.#worker = worker;
    worker.addEventListener('message', (event: MessageEvent<Reply>) => {
      if (worker === this.#worker) this.#receive(event.data);
    });
    worker.addEventListener('error', (event) => {
      if (worker === this.#worker) this.#fail(`The face detector worker failed: ${event.message || 'script error'}`);
    });
    // A reply that cannot be read leaves its request unanswered for good: the worker is of no more use.
    worker.addEventListener('messageerror', () => {
      if (worker === this.#worker) this.#fail('A message from the face detector worker could not be read');
    });
  }

  /**
   * The worker's detector, built from the model file fetched here. A worker whose thread pool missed its
   * deadline is stuck for good (its thread blocked in `new Worker()`): it is ended, and the detector is built
   * again in a new worker on one thread, which starts no pool.
   */
  async #create(options: WorkerOptions): Promise<Reply> {
    try {
      return await this.#requestCreate(options);
    } catch (error) {
      if (!(error instanceof ThreadPoolStuck) || this.#ended) throw error;
      this.#worker.terminate();
      const singleThreaded = { ...options, polyfill: { ...options.polyfill, wasmThreads: 1 } };
      this.#start(singleThreaded);
      return this.#requestCreate(singleThreaded);
    }
  }

  async #requestCreate(options: WorkerOptions): Promise<Reply> {
    this.#prefetching = true;
    const { files, transfer } = await prefetchFiles(options).finally(() => (this.#prefetching = false));
    return this.send({ type: 'create', options, files }, transfer).reply;
  }

  /** The step a start that has not finished is in now. */
  get startStep(): TimeoutStep {
    if (this.#prefetching) return 'model-fetch';
    return startSteps.find(([stage]) => !this.#reached.has(stage))?.[1] ?? 'warm-up';
  }

  /** The shared worker for `options`, started if there is none; release() it when done. */
  static acquire(options: WorkerOptions): DetectorWorker {
    const key = keyOf(options);
    let worker = workers.get(key);
    if (!worker) {
      worker = new DetectorWorker(key, options);
      workers.set(key, worker);
    }
    worker.#users++;
    return worker;
  }

  /** Posts a request; `reply` settles with the worker's answer (an error reply rejects, as its own class). */
  send(body: RequestBody, transfer: Transferable[] = []): { id: number; reply: Promise<Reply> } {
    const request = { ...body, id: ++this.#lastId } as Request;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.#pending.set(request.id, { type: request.type, resolve, reject });
      try {
        this.#worker.postMessage(request, transfer);
      } catch (error) {
        this.#pending.delete(request.id);
        reject(error);
      }
    });
    return { id: request.id, reply };
  }

  /** A port that the worker answers detect requests on, for a redaction worker to ask it directly. */
  connect(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.#worker.postMessage({ type: 'connect', port: port2 } satisfies Connect, [port2]);
    return port1;
  }

  /** Settles one request now with `error` (its sender is going away); the worker's answer is then ignored. */
  abandon(id: number, error: Error): void {
    this.#pending.get(id)?.reject(error);
    this.#pending.delete(id);
  }

  /**
   * One user fewer; after the last, the worker ends at once, and its engine's memory, threads and contexts with
   * it. Not after a goodbye message: a worker still busy with frames would answer late, and keep its threads
   * busy until then.
   */
  release(): void {
    if (--this.#users > 0 || this.#ended) return;
    this.#end();
  }

  #receive(reply: Reply): void {
    if (reply.type === 'stage') {
      this.#reached.add(reply.stage);
      return;
    }
    if (reply.type === 'thread-pool') {
      clearTimeout(this.#poolDeadline);
      if (!reply.settled) this.#poolDeadline = setTimeout(() => this.#poolStuck(), threadPoolDeadlineMs);
      return;
    }
    if (reply.type === 'lost') {
      this.#forget();
      this.#markLost({ message: reply.message });
      return;
    }
    const waiting = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (reply.type !== 'error') {
      waiting?.resolve(reply);
      return;
    }
    const error = reviveError(reply.error);
    // A frame that failed in the engine, not for its pixels, comes just before the worker reports its context
    // lost (or it is broken anyway). The detector that sent it is replaced at once, before that report
    // arrives: its replacement must get a new worker, not this one.
    if (waiting?.type === 'detect' && !(error instanceof InvalidImageError)) this.#forget();
    waiting?.reject(error);
  }

  #fail(message: string): void {
    this.#end(); // a worker whose script failed would not answer a dispose
    for (const { reject } of this.#pending.values()) reject(new DOMException(message, 'OperationError'));
    this.#pending.clear();
    this.#markLost({ message });
  }

  /**
   * The worker stopped answering (`timeout` says at what): it is ended, every request in flight fails with
   * `timeout`, and it counts as lost, so that its detectors are replaced by ones on a new worker.
   */
  stalled(timeout: TimeoutError): void {
    if (this.#ended) return;
    this.#end();
    for (const { reject } of this.#pending.values()) reject(timeout);
    this.#pending.clear();
    this.#markLost({ message: timeout.message, timeout });
  }

  /** Fails the requests in flight (the create) with ThreadPoolStuck, which #create answers by starting anew. */
  #poolStuck(): void {
    for (const { reject } of this.#pending.values()) reject(new ThreadPoolStuck(`The wasm engine's thread pool did not start within ${threadPoolDeadlineMs} ms`));
    this.#pending.clear();
  }

  #end(): void {
    clearTimeout(this.#poolDeadline);
    this.#forget();
    this.#ended = true;
    this.#worker.terminate();
  }

  /** Out of the page's list: later creates start a worker of their own. */
  #forget(): void {
    if (workers.get(this.#key) === this) workers.delete(this.#key);
  }
}
