// The wasm engine's thread count, chosen by measurement: it starts on one thread, the first graph's first
// dispatches are timed on each candidate count, the fastest is kept, the pool really changes, and the numbers
// do not.
import { expect } from 'chai';
import { createGraphBuilder, describeContext, dispatchGraph } from '../../webnn/index.ts';
import type { MLContext, MLGraph, MLTensor } from '../../webnn/index.ts';
import { wasmThreads } from '../../webnn/polyfill/index.ts';
import { fastestThreadCount, maxWasmThreads, threadCandidates, threadChoiceOptions } from '../../webnn/polyfill/wasm-threads.ts';
import { contextFor, f32 } from './harness.ts';
import { describeWithWasmThreads, testBrowser } from '../helpers/test-browser.ts';
import { randomData } from './reference.ts';

/** tfjs's own view of the XNNPACK pool kernels run on now. */
async function poolThreads(): Promise<number> {
  const tf = await import('@tensorflow/tfjs-core');
  const backend = tf.findBackend('wasm') as unknown as { wasm: { tfjs: { getThreadsCount(): number } } };
  return backend.wasm.tfjs.getThreadsCount();
}

/** relu(conv2d) of a 64×64×32 input: big enough that its work splits across threads. */
async function convGraph(context: MLContext): Promise<{ graph: MLGraph; x: MLTensor; y: MLTensor }> {
  const b = createGraphBuilder(context);
  const input = b.input('x', { dataType: 'float32', shape: [1, 64, 64, 32] });
  const filter = f32(b, [32, 3, 3, 32], randomData(32 * 3 * 3 * 32, 7).map((v) => v * 0.1));
  const output = b.relu(b.conv2d(input, filter, { inputLayout: 'nhwc', filterLayout: 'ohwi', padding: [1, 1, 1, 1] }));
  const graph = await b.build({ y: output });
  const x = await context.createTensor({ dataType: 'float32', shape: [1, 64, 64, 32], writable: true });
  const y = await context.createTensor({ dataType: 'float32', shape: [1, 64, 64, 32], readable: true });
  context.writeTensor(x, randomData(64 * 64 * 32, 3));
  return { graph, x, y };
}

describeWithWasmThreads('tfjs-wasm engine threads', () => {
  it('candidates are 1, 2, 4 up to min(4, hardwareConcurrency); a larger count must be 10 % faster to win', () => {
    expect(threadCandidates(1)).to.deep.equal([1]);
    expect(threadCandidates(2)).to.deep.equal([1, 2]);
    expect(threadCandidates(3)).to.deep.equal([1, 2, 3]);
    expect(threadCandidates(4)).to.deep.equal([1, 2, 4]);
    expect(maxWasmThreads(undefined)).to.equal(Math.min(4, navigator.hardwareConcurrency));
    expect(maxWasmThreads(6), 'a configured count').to.equal(6);
    expect(fastestThreadCount(new Map([[1, 10], [2, 6], [4, 5.8]]))).to.equal(2);
    expect(fastestThreadCount(new Map([[1, 10], [2, 9.5]])), 'within the 10 % margin').to.equal(1);
    expect(fastestThreadCount(new Map([[1, 10], [2, 30]])), 'a loaded machine').to.equal(1);
    expect(fastestThreadCount(new Map([[1, 10], [2, 8], [4, 4]]))).to.equal(4);
  });

  it('starts on one thread, times the first graph on each candidate, keeps the fastest, and computes the same', async () => {
    const context = await contextFor('tfjs-wasm');
    expect(globalThis.crossOriginIsolated).to.equal(true);
    expect(wasmThreads()).to.deep.equal({ threads: 1 });
    expect(await poolThreads()).to.equal(1);
    expect(describeContext(context).threads).to.equal(1);
    // The page's navigator.hardwareConcurrency is its own again after the engine read a doubled one.
    expect(Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency')).to.equal(undefined);

    const measured = await convGraph(context);
    const other = await convGraph(context);
    const candidates = threadCandidates(maxWasmThreads(undefined));
    // Warm-up dispatches on one thread; then each candidate gets one untimed and timedRuns timed ones.
    const { warmupDispatches, timedRuns } = threadChoiceOptions;
    const dispatches = warmupDispatches + candidates.length * (1 + timedRuns);
    const counts: number[] = [];
    let firstResult: Float32Array | undefined;
    for (let i = 0; i < dispatches; i++) {
      dispatchGraph(context, measured.graph, { x: measured.x }, { y: measured.y });
      counts.push(await poolThreads());
      firstResult ??= new Float32Array(await context.readTensor(measured.y));
      // Another graph's dispatches in between run on the current pool and are not timed.
      dispatchGraph(context, other.graph, { x: other.x }, { y: other.y });
    }
    const choice = wasmThreads()!;
    console.log(`wasm threads: ${JSON.stringify(choice)}, pool per dispatch: ${counts.slice(warmupDispatches - 1).join(' ')}`);
    const planned = [...Array<number>(warmupDispatches).fill(1), ...candidates.flatMap((threads) => Array<number>(1 + timedRuns).fill(threads))];
    expect(counts.slice(0, -1), 'the pool each dispatch ran on').to.deep.equal(planned.slice(0, -1));
    expect(Object.keys(choice.measured!).map(Number)).to.deep.equal(candidates);
    const medians = new Map(Object.entries(choice.measured!).map(([threads, ms]) => [Number(threads), ms] as [number, number]));
    expect(choice.threads).to.equal(fastestThreadCount(medians));
    expect(counts.at(-1), 'the pool kernels run on once chosen').to.equal(choice.threads);
    expect(describeContext(context).threads).to.equal(choice.threads);

    // Measured once per page: more dispatches keep the count. And every pool computed the same numbers: the
    // threads split the work, not the sums.
    dispatchGraph(context, measured.graph, { x: measured.x }, { y: measured.y });
    expect(wasmThreads()).to.equal(choice);
    expect(new Float32Array(await context.readTensor(measured.y))).to.deep.equal(firstResult);
    for (const { graph, x, y } of [measured, other]) {
      graph.destroy();
      x.destroy();
      y.destroy();
    }
  });
});

// Firefox here runs with shared memory switched off (web-test-runner.config.mjs says why): its pages are
// cross-origin isolated, yet have no SharedArrayBuffer, as WebKitGTK's have none unless told otherwise.
if (!testBrowser.wasmThreads) {
  describe('tfjs-wasm engine on an isolated page without shared memory', () => {
    it('runs the single-threaded engine and measures nothing', async () => {
      expect(globalThis.crossOriginIsolated).to.equal(true);
      expect(typeof SharedArrayBuffer).to.equal('undefined');
      const context = await contextFor('tfjs-wasm');
      const measured = await convGraph(context);
      const { warmupDispatches, timedRuns } = threadChoiceOptions;
      // As many dispatches as a measurement would take on two cores: the count never moves from 1.
      for (let i = 0; i < warmupDispatches + 2 * (1 + timedRuns); i++) {
        dispatchGraph(context, measured.graph, { x: measured.x }, { y: measured.y });
        expect(await poolThreads()).to.equal(1);
      }
      await context.readTensor(measured.y);
      expect(wasmThreads()).to.deep.equal({ threads: 1 });
      expect(describeContext(context).threads).to.equal(1);
    });
  });
}
