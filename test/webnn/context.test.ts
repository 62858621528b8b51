import { expect } from 'chai';
import { configurePolyfill, createContext, createGraphBuilder, describeContext, engineMemory, installPolyfill } from '../../webnn/index.ts';
import type { ML, MLContext, MLGraph, MLTensor } from '../../webnn/index.ts';
import { ENGINES, contextFor, f32 } from './harness.ts';
import { describeForNative, describeForPolyfill, testBrowser } from '../helpers/test-browser.ts';
import { float16ToFloat32 } from '../../webnn/polyfill/float16.ts';

type NavigatorML = Navigator & { ml?: ML };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** y = relu(x * 2 + 1) on [2,3]. */
async function smallGraph(context: MLContext): Promise<{ graph: MLGraph; x: MLTensor; y: MLTensor }> {
  const b = createGraphBuilder(context);
  const input = b.input('x', { dataType: 'float32', shape: [2, 3] });
  const graph = await b.build({ y: b.relu(b.add(b.mul(input, f32(b, [1], [2])), f32(b, [3], [1, 1, 1]))) });
  const x = await context.createTensor({ dataType: 'float32', shape: [2, 3], writable: true });
  const y = await context.createTensor({ dataType: 'float32', shape: [2, 3], readable: true });
  return { graph, x, y };
}

describeForPolyfill('webnn createContext and the polyfill fallback', () => {
  it('falls back to the polyfill where navigator.ml is missing (Firefox, WebKit) or rejects (this Chromium)', async () => {
    const ml = (navigator as NavigatorML).ml;
    if (testBrowser.engine === 'chromium') {
      expect(ml, 'navigator.ml (the WebMachineLearningNeuralNetwork flag) must exist for this test to prove the fallback').to.exist;
      expect(await rejection(ml!.createContext()), 'native createContext rejects here').to.be.instanceOf(Error);
    } else {
      expect(ml, 'no WebNN in this browser').to.equal(undefined);
    }
    const created = await createContext();
    expect(created.implementation).to.equal('polyfill');
    expect(created.engine).to.equal('wasm');
    expect(created.context.accelerated).to.equal(false);
    expect(describeContext(created.context)).to.deep.equal({ implementation: 'polyfill', engine: 'wasm', threads: 1 });
  });

  it('maps options to engines: accelerated:false and low-power -> wasm, a named engine is forced', async () => {
    expect((await createContext({ accelerated: false })).engine).to.equal('wasm');
    expect((await createContext({ powerPreference: 'low-power' })).engine).to.equal('wasm');
    // The GPU engines run on software renderers here: a named engine runs there all the same, and says no reason.
    for (const engine of testBrowser.gpuEngines) {
      const forced = await createContext({ engine, powerPreference: 'high-performance' });
      expect(forced.engine).to.equal(engine);
      expect(forced.context.accelerated).to.equal(true);
      expect(forced.reason).to.equal(undefined);
      forced.context.destroy();
    }
  });

  it('high-performance skips software GPUs and lands on wasm, saying why', async () => {
    const fast = await createContext({ powerPreference: 'high-performance' });
    expect(fast.engine).to.equal('wasm');
    expect(fast.reason).to.match(/^high-performance runs on wasm: /);
    if (testBrowser.gpuEngines.includes('webgpu')) {
      expect(fast.reason).to.match(/WebGPU adapter is (a fallback \(software\) adapter|software)/);
    }
    if (testBrowser.namedSoftwareGpu) {
      // The renderer names itself (SwiftShader in Chromium, llvmpipe in Firefox): refused unmeasured.
      expect(fast.reason).to.contain('the WebGL renderer is software (');
      expect(fast.reason).to.contain(testBrowser.namedSoftwareGpu);
    } else {
      // WebKit masks its renderer ("Apple GPU"): the timed probe dispatches drop it.
      expect(fast.reason).to.match(/webgl took [\d.]+ ms a probe dispatch, over twice wasm's/);
    }
    expect(describeContext(fast.context)).to.deep.equal({ implementation: 'polyfill', engine: 'wasm', threads: 1, reason: fast.reason });
    fast.context.destroy();
  });

  it('with software GPUs allowed, the timed dispatches still drop a GPU engine over twice slower than wasm', async () => {
    configurePolyfill({ allowSoftwareGpu: true });
    try {
      const fast = await createContext({ powerPreference: 'high-performance' });
      // Software renderers are 25-100x slower than wasm on BlazeFace-shaped work: every GPU engine fails the timing.
      expect(fast.engine, fast.reason).to.equal('wasm');
      const timings = [...fast.reason!.matchAll(/(webgpu|webgl) took ([\d.]+) ms a probe dispatch, over twice wasm's ([\d.]+) ms/g)];
      expect(timings.map((match) => match[1]), fast.reason).to.deep.equal(['webgpu', 'webgl'].filter((engine) => testBrowser.gpuEngines.includes(engine as 'webgl')));
      for (const [, engine, gpuMs, wasmMs] of timings) {
        console.log(`probe dispatch: ${engine} ${gpuMs} ms, wasm ${wasmMs} ms`);
        expect(Number(gpuMs)).to.be.greaterThan(2 * Number(wasmMs));
      }
      fast.context.destroy();
    } finally {
      configurePolyfill({ allowSoftwareGpu: false });
    }
  });

  it("engine: 'native' does not fall back", async () => {
    expect(await rejection(createContext({ engine: 'native' }))).to.be.instanceOf(Error);
  });

  it('installPolyfill() replaces the non-working navigator.ml and global MLGraphBuilder', async () => {
    const before = Object.getOwnPropertyDescriptor(navigator, 'ml');
    try {
      expect(await installPolyfill()).to.equal(true);
      const context = await (navigator as NavigatorML).ml!.createContext();
      const Builder = (globalThis as unknown as { MLGraphBuilder: new (c: MLContext) => ReturnType<typeof createGraphBuilder> }).MLGraphBuilder;
      const b = new Builder(context);
      const graph = await b.build({ y: b.relu(b.input('x', { dataType: 'float32', shape: [1] })) });
      graph.destroy();
      expect(await installPolyfill(), 'second install is a no-op').to.equal(false);
    } finally {
      // Restore the page for the other tests (navigator.ml is an own property only after installing).
      if (!before) delete (navigator as { ml?: unknown }).ml;
    }
  });
});

describeForNative('webnn createContext where native WebNN works', () => {
  it('createContext() and engine: native give the native context, which computes the graph', async () => {
    for (const options of [{}, { engine: 'native' as const }, { powerPreference: 'high-performance' as const }, { accelerated: false }]) {
      const created = await createContext(options);
      expect(created.implementation, JSON.stringify(options)).to.equal('native');
      expect(created.engine).to.equal('webnn');
      expect(describeContext(created.context)).to.deep.equal({ implementation: 'native', engine: 'webnn' });
      const { graph, x, y } = await smallGraph(created.context);
      created.context.writeTensor(x, Float32Array.from([-3, -1, 0, 0.5, 1, 2]));
      created.context.dispatch(graph, { x }, { y });
      expect(Array.from(new Float32Array(await created.context.readTensor(y)), (v) => v + 0)).to.deep.equal([0, 0, 1, 2, 3, 5]);
      created.context.destroy();
    }
  });

  it("opSupportLimits() covers BlazeFace's ops, in float32 and float16", async () => {
    const { context } = await createContext({ engine: 'native' });
    const limits = context.opSupportLimits();
    for (const op of ['conv2d', 'add', 'relu', 'maxPool2d', 'pad', 'reshape', 'concat', 'cast']) {
      const operands = limits[op] as Record<string, { dataTypes: string[] }>;
      expect(operands, op).to.be.an('object');
      expect(operands.output!.dataTypes, op).to.include.members(['float32', 'float16']);
    }
    expect(['nchw', 'nhwc']).to.include(limits.preferredInputLayout);
    context.destroy();
  });

  it('a polyfill engine named explicitly still gives the polyfill; installPolyfill() leaves a working native WebNN alone', async () => {
    const created = await createContext({ engine: 'wasm' });
    expect(describeContext(created.context)).to.deep.equal({ implementation: 'polyfill', engine: 'wasm', threads: 1 });
    const ml = (navigator as NavigatorML).ml;
    expect(await installPolyfill()).to.equal(false);
    expect((navigator as NavigatorML).ml).to.equal(ml);
  });
});

for (const engine of ENGINES) {
  describeForPolyfill(`webnn polyfill context on ${engine}`, () => {
    let context: MLContext;
    before(async () => {
      context = await contextFor(engine);
    });

    it('dispatch + readTensor (ArrayBuffer and into a view); unwritten tensors read as zeros', async () => {
      const { graph, x, y } = await smallGraph(context);
      expect(new Float32Array(await context.readTensor(y))).to.deep.equal(new Float32Array(6));
      context.writeTensor(x, Float32Array.from([-3, -1, 0, 0.5, 1, 2]));
      context.dispatch(graph, { x }, { y });
      // + 0 folds -0 (webgl's relu yields -0 for negative inputs) into 0; both are the same value.
      expect(Array.from(new Float32Array(await context.readTensor(y)), (v) => v + 0)).to.deep.equal([0, 0, 1, 2, 3, 5]);
      const view = new Float32Array(6);
      expect(await context.readTensor(y, view)).to.equal(undefined);
      expect(Array.from(view, (v) => v + 0)).to.deep.equal([0, 0, 1, 2, 3, 5]);
      graph.destroy();
      x.destroy();
      y.destroy();
    });

    it('dispatch validates names, shapes, dataTypes and usage with TypeError', async () => {
      const { graph, x, y } = await smallGraph(context);
      const wrongShape = await context.createTensor({ dataType: 'float32', shape: [3, 2], readable: true, writable: true });
      const wrongType = await context.createTensor({ dataType: 'int32', shape: [2, 3], readable: true, writable: true });
      expect(() => context.dispatch(graph, { z: x }, { y })).to.throw(TypeError, /^dispatch: inputs has unknown name "z"/);
      expect(() => context.dispatch(graph, {}, { y })).to.throw(TypeError, /^dispatch: inputs is missing "x"/);
      expect(() => context.dispatch(graph, { x: wrongShape }, { y })).to.throw(TypeError, /shape \[3,2\] does not match the graph's \[2,3\]/);
      expect(() => context.dispatch(graph, { x: wrongType }, { y })).to.throw(TypeError, /dataType int32 does not match the graph's float32/);
      expect(() => context.dispatch(graph, { x }, { y: x })).to.throw(TypeError, /bound more than once/);
      expect(() => context.writeTensor(y, new Float32Array(6))).to.throw(TypeError, /writable/);
      expect(() => context.writeTensor(x, new Float32Array(5))).to.throw(TypeError, /20 bytes but the descriptor needs 24/);
      expect(await rejection(context.readTensor(x))).to.be.instanceOf(TypeError);
      for (const t of [x, y, wrongShape, wrongType]) t.destroy();
      graph.destroy();
    });

    it('1,000 dispatch + readTensor rounds leave the engine memory flat', async function () {
      this.timeout(300_000);
      const initial = engineMemory(context);
      const { graph, x, y } = await smallGraph(context);
      const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
      const out = new Float32Array(6);
      context.writeTensor(x, data);
      context.dispatch(graph, { x }, { y });
      await context.readTensor(y, out);
      const before = engineMemory(context);
      for (let i = 0; i < 1000; i++) {
        context.writeTensor(x, data);
        context.dispatch(graph, { x }, { y });
        await context.readTensor(y, out);
      }
      const after = engineMemory(context);
      expect(Array.from(out)).to.deep.equal([3, 5, 7, 9, 11, 13]);
      expect(after.tensors, 'tensor count').to.equal(before.tensors);
      expect(after.bytes, 'bytes').to.equal(before.bytes);
      graph.destroy();
      x.destroy();
      y.destroy();
      // the graph's constants and the tensors' contents are released
      expect(engineMemory(context)).to.deep.equal(initial);
    });

    it('opSupportLimits reports NHWC preference and per-op operand limits', () => {
      const limits = context.opSupportLimits();
      expect(limits.preferredInputLayout).to.equal('nhwc');
      expect(limits.constant.dataTypes).to.include.members(['float32', 'float16', 'int32']);
      expect(limits.input.dataTypes).to.not.include('float16');
      const conv = limits['conv2d'] as Record<string, { dataTypes: string[]; rankRange: { min: number; max: number } }>;
      expect(conv['input']!.rankRange).to.deep.equal({ min: 4, max: 4 });
      expect(conv['bias']!.dataTypes).to.deep.equal(['float32']);
      expect((limits['cast'] as Record<string, { dataTypes: string[] }>)['input']!.dataTypes).to.include('float16');
    });
  });
}

describeForPolyfill('webnn polyfill: several engines in one page, and context loss', () => {
  it('contexts on every engine interleave dispatches correctly', async () => {
    const runs = await Promise.all(ENGINES.map(async (engine) => ({ engine, context: await contextFor(engine) })));
    const setups = await Promise.all(runs.map(async (r) => ({ ...r, ...(await smallGraph(r.context)) })));
    for (let round = 0; round < 3; round++) {
      for (const [i, s] of setups.entries()) {
        s.context.writeTensor(s.x, Float32Array.from([i, round, 1, 2, 3, 4]));
        s.context.dispatch(s.graph, { x: s.x }, { y: s.y });
      }
      for (const [i, s] of setups.entries()) {
        const got = Array.from(new Float32Array(await s.context.readTensor(s.y)));
        expect(got, s.engine).to.deep.equal([2 * i + 1, 2 * round + 1, 3, 5, 7, 9]);
      }
    }
    for (const s of setups) {
      s.graph.destroy();
      s.x.destroy();
      s.y.destroy();
    }
  });

  it('destroy() resolves lost, releases the context tensors and makes later calls fail', async () => {
    const { context } = await createContext({ engine: 'cpu' });
    const { graph, x, y } = await smallGraph(context);
    context.writeTensor(x, new Float32Array(6));
    const before = engineMemory(context).tensors;
    context.destroy();
    expect(await context.lost).to.have.property('message').that.matches(/destroy/);
    expect(engineMemory(context).tensors).to.equal(before - 3); // x's data and the graph's two constants
    expect(() => context.dispatch(graph, { x }, { y })).to.throw(DOMException);
    expect(() => createGraphBuilder(context).input('a', { dataType: 'float32', shape: [1] })).to.throw(DOMException, /lost/);
  });
});

describe('float16 constants', () => {
  it('decode exactly, every one of the 65,536 bit patterns', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = float16ToFloat32(bits);
    for (let i = 0; i < 65536; i++) {
      const sign = i & 0x8000 ? -1 : 1;
      const exponent = (i >> 10) & 0x1f;
      const fraction = i & 0x3ff;
      const expected = exponent === 0 ? sign * fraction * 2 ** -24
        : exponent === 0x1f ? (fraction ? NaN : sign * Infinity)
        : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
      if (!Object.is(decoded[i], Math.fround(expected))) expect.fail(`0x${i.toString(16)}: got ${decoded[i]}, expected ${expected}`);
    }
  });
});

