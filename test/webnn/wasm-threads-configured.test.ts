// A thread count set with configurePolyfill({ wasmThreads }) is the one the wasm engine runs, unmeasured
// (a page of its own: the count is fixed when the engine starts).
import { expect } from 'chai';
import { configurePolyfill, createGraphBuilder, describeContext, dispatchGraph } from '../../webnn/index.ts';
import { wasmThreads } from '../../webnn/polyfill/index.ts';
import { contextFor, f32 } from './harness.ts';
import { describeWithWasmThreads } from '../helpers/test-browser.ts';

describeWithWasmThreads('tfjs-wasm engine threads, configured', () => {
  it('configurePolyfill({ wasmThreads: 2 }) runs two threads and measures nothing', async () => {
    configurePolyfill({ wasmThreads: 2 });
    const context = await contextFor('tfjs-wasm');
    const tf = await import('@tensorflow/tfjs-core');
    const pool = (tf.findBackend('wasm') as unknown as { wasm: { tfjs: { getThreadsCount(): number } } }).wasm.tfjs;
    const b = createGraphBuilder(context);
    const graph = await b.build({ y: b.relu(b.add(b.input('x', { dataType: 'float32', shape: [64] }), f32(b, [64], new Float32Array(64)))) });
    const x = await context.createTensor({ dataType: 'float32', shape: [64], writable: true });
    const y = await context.createTensor({ dataType: 'float32', shape: [64], readable: true });
    for (let i = 0; i < 20; i++) {
      dispatchGraph(context, graph, { x }, { y });
      expect(pool.getThreadsCount()).to.equal(2);
    }
    expect(wasmThreads()).to.deep.equal({ threads: 2 });
    expect(describeContext(context).threads).to.equal(2);
  });
});
