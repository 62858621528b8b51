// The page's detector workers, shared. WorkerFaceDetectors created with the same model, model file, context
// options, precision and polyfill settings get one worker between them: one engine, one thread pool and one
// copy of the weights, however many elements or detectors a page makes. Each detector keeps its own
// thresholds (sent with every frame) and its own lifetime. A worker ends when the last detector using it is
// disposed; one whose context was lost, or that failed, is taken out at once, so the next create starts anew.

import { InvalidImageError } from '../errors.ts';
import type { Reply, Request, WorkerOptions } from './protocol.ts';
import { reviveError } from './errors.ts';
import { replayStartupMarks } from '../startup-marks.ts';
import { prefetchFiles } from './prefetch.ts';

type Pending = { type: Request['type']; resolve: (reply: Reply) => void; reject: (error: Error) => void };
type CreatedReply = Extract<Reply, { type: 'created' }>;
/** A request as a detector writes it; the worker connection numbers it. */
export type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

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

/** One detector worker and the requests in flight to it, from every detector that uses it. */
export class DetectorWorker {
  /** Settles once the worker's FaceDetector is built (or could not be). */
  readonly created: Promise<CreatedReply>;
  readonly lost: Promise<{ message: string }>;

  #worker: Worker;
  #key: string;
  #pending = new Map<number, Pending>();
  #lastId = 0;
  #users = 0;
  #ended = false;
  #markLost!: (info: { message: string }) => void;

  constructor(key: string, options: WorkerOptions) {
    this.#key = key;
    this.#worker = new Worker(new URL('./detector-worker.ts', import.meta.url), {
      type: 'module',
      name: `blaze-face ${options.model ?? 'short'} #${++workersStarted}`,
    });
    this.lost = new Promise((resolve) => (this.#markLost = resolve));
    this.#worker.addEventListener('message', (event: MessageEvent<Reply>) => this.#receive(event.data));
    this.#worker.addEventListener('error', (event) => this.#fail(`The face detector worker failed: ${event.message || 'script error'}`));
    this.created = prefetchFiles(options).then(({ files, transfer }) => this.send({ type: 'create', options, files }, transfer).reply).then(
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

  #end(): void {
    this.#forget();
    this.#ended = true;
    this.#worker.terminate();
  }

  /** Out of the page's list: later creates start a worker of their own. */
  #forget(): void {
    if (workers.get(this.#key) === this) workers.delete(this.#key);
  }
}
