// The start sequence that left Firefox's elements in `loading` for good (issue 30): a <blaze-face> on a canvas
// stream (auto → full), removed, then one on the camera (auto → short), round after round on one page. In
// Firefox under WebDriver BiDi a worker's `new Worker()` may block that worker for good; the threaded tfjs-wasm
// engine starts 8 pool workers from inside the detector's worker, so about one start in four hung there. The
// page now gives the pool a deadline and starts the detector again single-threaded (model/worker/shared-workers.ts):
// every start must reach its first results, on our wasm engine (no pool) and on tfjs-wasm (a pool where threads are).
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../components/index.ts';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceFacesDetail } from '../../components/events.ts';
import { threadPoolDeadlineMs } from '../../model/worker/shared-workers.ts';
import { configurePolyfill } from '../../webnn/index.ts';
import { createElement, paintedStream } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { describeWithWasmThreads, testBrowser } from '../helpers/test-browser.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';

const photo = '/test/fixtures/seed/3faces.png';
/** Rounds per engine: each is one start on a stream and, where there is a camera, one on the camera. */
const rounds = 3;
/** A start's bound: a pool's deadline, then a whole single-threaded start (a few seconds on a busy machine). */
const startBound = threadPoolDeadlineMs + 30000;

/**
 * Adds an element at its defaults but for `engine` and `setup`, waits for its first results (with a face in
 * them if `withFaces`: the synthetic cameras show none), removes it; says which model ran, and how many detector
 * workers the start took (2 when a stuck pool's worker was replaced).
 */
async function start(
  engine: string | undefined, setup: (element: BlazeFaceElement) => void, withFaces: boolean,
): Promise<{ model: string; workers: number }> {
  const element = document.createElement('blaze-face');
  if (engine) element.engine = engine as BlazeFaceElement['engine'];
  setup(element);
  const workers = new Set<string>();
  const watch = setInterval(() => void detectorWorkers().then((names) => names.forEach((name) => workers.add(name))), 20);
  const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => !withFaces || detail.faces.length > 0, startBound);
  const error = nextEvent<{ type: string; message: string }>(element, 'error', () => true, startBound + 1000);
  document.body.append(element);
  try {
    const first = await Promise.race([faces, error.then((detail) => Promise.reject(new Error(`${detail.type}: ${detail.message}`)))]);
    return { model: first.model, workers: workers.size };
  } finally {
    clearInterval(watch);
    element.remove();
    faces.catch(() => undefined);
    error.catch(() => undefined);
  }
}

describe('<blaze-face> start sequence, round after round', function () {
  this.timeout(0); // each start has its own bound

  for (const engine of [undefined, 'tfjs-wasm']) {
    it(`every start reaches its first results (engine ${engine ?? 'auto'})`, async () => {
      const image = await loadImageData(photo);
      let replaced = 0;
      for (let round = 0; round < rounds; round++) {
        const painted = paintedStream(image);
        try {
          const onStream = await start(engine, (element) => (element.srcObject = painted.stream), true);
          expect(onStream.model, `round ${round}, stream`).to.equal('full');
          replaced += onStream.workers - 1;
        } finally {
          painted.stop();
        }
        if (!testBrowser.fakeCamera) continue;
        const onCamera = await start(engine, () => undefined, false);
        expect(onCamera.model, `round ${round}, camera`).to.equal('short');
        replaced += onCamera.workers - 1;
      }
      // How often the pool's deadline stepped in, for the log (it depends on the browser and the driver).
      console.log(`${testBrowser.name}, engine ${engine ?? 'auto'}: ${replaced} of the starts replaced a stuck worker`);
    });
  }
});

describeWithWasmThreads('<blaze-face> whose engine\'s thread pool does not come up', function () {
  this.timeout(startBound * 2);

  it('ends that worker at the deadline and detects in a new one, on one thread', async () => {
    // The tfjs-wasm binaries' folder held by the test server: the worker's engine has said it is starting its
    // pool and never gets it up, as when its thread is blocked in `new Worker()`.
    const token = `thread-pool-${Date.now()}`;
    const release = () => executeServerCommand('release-held', { token });
    configurePolyfill({ wasmPath: `/held/${token}/assets/wasm/` });
    const painted = paintedStream(await loadImageData(photo));
    try {
      const element = createElement((element) => {
        element.engine = 'tfjs-wasm';
        element.srcObject = painted.stream;
      });
      const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0, startBound);
      await until(async () => (await detectorWorkers()).length === 1, 'the detector worker to start');
      const [stuck] = await detectorWorkers();
      const since = performance.now();
      const replaced = async () => {
        const names = await detectorWorkers();
        return names.length === 1 && names[0] !== stuck;
      };
      await until(replaced, async () => `a worker in place of ${stuck}; live: ${(await detectorWorkers()).join(', ')}`, startBound);
      // The deadline runs from the pool's start, which comes after the worker's own start.
      expect(performance.now() - since).to.be.at.least(threadPoolDeadlineMs - 50);
      expect(element.state).to.equal('loading');
      await release();
      await faces;
      expect(element.backend).to.include({ implementation: 'polyfill', engine: 'tfjs-wasm', threads: 1 });
    } finally {
      document.querySelectorAll('blaze-face').forEach((element) => element.remove());
      configurePolyfill({ wasmPath: undefined });
      painted.stop();
      await release();
    }
  });
});
