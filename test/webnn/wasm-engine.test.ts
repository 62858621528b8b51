// Our wasm engine beyond the per-op suites (which run every op on every engine, this one included): the
// fusions its planner makes (a convolution absorbing its bias, residual add, channel pad and activation; an
// add absorbing its pad and activation), odd channel counts against the reference, the relaxed-SIMD build
// against the plain one, and a graph with an op it lacks running whole on tfjs-wasm and saying so.
import { expect } from 'chai';
import { createGraphBuilder, engineMemory, graphArena } from '../../webnn/index.ts';
import type { MLContext, MLGraphBuilder, MLOperand } from '../../webnn/index.ts';
import { WasmContext } from '../../webnn/polyfill/wasm/context.ts';
import { engineModule } from '../../webnn/polyfill/wasm/module.ts';
import { createPolyfillContext } from '../../webnn/polyfill/index.ts';
import { expectClose, f32, runGraph } from './harness.ts';
import { conv2dRef, padRef, pool2dRef, randomData, size, type ConvParams } from './reference.ts';

const conv = (params: Partial<ConvParams>): ConvParams => ({ padding: [0, 0, 0, 0], strides: [1, 1], dilations: [1, 1], groups: 1, ...params });
/** TFLite's SAME padding of a 3×3 window at `stride` on `size`: [begin, end]. */
function samePadding(size: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + 3 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Within float32 summation error: a 96-term dot product that cancels down to 0.0025 may differ from the
 * reference in its sixth digit, so deep sums get an absolute floor of 1e-5.
 */
function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: element count`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    if (!(Math.abs(a - e) <= 1e-5 + 1e-5 * Math.abs(e))) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
  }
}

const relu = (values: ArrayLike<number>) => Float32Array.from(values, (v) => Math.max(0, v));
const clamp6 = (values: ArrayLike<number>) => Float32Array.from(values, (v) => Math.min(6, Math.max(0, v)));

/** A BlazeBlock: depthwise 3×3 then pointwise, joined with the (pooled, channel-padded) input, then relu. */
interface Block {
  name: string;
  shape: [number, number, number, number];
  out: number;
  stride: 1 | 2;
  activation: 'relu' | 'relu6';
}

const BLOCKS: Block[] = [
  { name: '24 -> 24, stride 1', shape: [1, 16, 16, 24], out: 24, stride: 1, activation: 'relu' },
  { name: '24 -> 28, stride 1 (channel pad 4)', shape: [1, 9, 9, 24], out: 28, stride: 1, activation: 'relu' },
  { name: '29 -> 33, stride 2, odd size (pool end padding)', shape: [1, 11, 11, 29], out: 33, stride: 2, activation: 'relu' },
  { name: '5 -> 7, stride 2, relu6', shape: [2, 8, 6, 5], out: 7, stride: 2, activation: 'relu6' },
  { name: '96 -> 96, stride 1', shape: [1, 8, 8, 96], out: 96, stride: 1, activation: 'relu' },
];

function blockReference(block: Block, x: Float32Array, dw: Float32Array, dwBias: Float32Array, pw: Float32Array, pwBias: Float32Array) {
  const [n, h, w, c] = block.shape;
  const dwPadding = [...samePadding(h, block.stride), ...samePadding(w, block.stride)] as [number, number, number, number];
  const y = conv2dRef(x, block.shape, dw, [3, 3, 1, c], conv({ padding: dwPadding, strides: [block.stride, block.stride], groups: c }), dwBias);
  const z = conv2dRef(y.data, y.shape, pw, [1, 1, c, block.out], conv({}), pwBias);
  let skip = { data: x as ArrayLike<number>, shape: [n, h, w, c] };
  if (block.stride === 2) skip = pool2dRef('max', x, [n, h, w, c], [2, 2], [0, h % 2, 0, w % 2], [2, 2], [Math.ceil(h / 2), Math.ceil(w / 2)]);
  const padded = padRef(skip.data, skip.shape, [0, 0, 0, 0], [0, 0, 0, block.out - c], 'constant');
  const sum = Float32Array.from(z.data, (v, i) => v + padded.data[i]!);
  return block.activation === 'relu' ? relu(sum) : clamp6(sum);
}

function buildBlock(b: MLGraphBuilder, x: MLOperand, block: Block, dw: Float32Array, dwBias: Float32Array, pw: Float32Array, pwBias: Float32Array) {
  const [, h, w, c] = block.shape;
  // The filters in the TFLite files' layouts: depthwise [1, kh, kw, c] (ihwo), pointwise [o, 1, 1, i] (ohwi).
  const pwOhwi = new Float32Array(pw.length);
  for (let i = 0; i < c; i++) for (let o = 0; o < block.out; o++) pwOhwi[o * c + i] = pw[i * block.out + o]!;
  const y = b.conv2d(x, f32(b, [1, 3, 3, c], dw), {
    inputLayout: 'nhwc', filterLayout: 'ihwo', groups: c, strides: [block.stride, block.stride],
    padding: [...samePadding(h, block.stride), ...samePadding(w, block.stride)], bias: f32(b, [c], dwBias),
  });
  const z = b.conv2d(y, f32(b, [block.out, 1, 1, c], pwOhwi), { inputLayout: 'nhwc', filterLayout: 'ohwi', bias: f32(b, [block.out], pwBias) });
  const skip = block.stride === 2
    ? b.maxPool2d(x, { windowDimensions: [2, 2], strides: [2, 2], padding: [0, h % 2, 0, w % 2], layout: 'nhwc' })
    : x;
  const padded = block.out > c ? b.pad(skip, [0, 0, 0, 0], [0, 0, 0, block.out - c]) : skip;
  const sum = b.add(z, padded);
  return block.activation === 'relu' ? b.relu(sum) : b.clamp(sum, { minValue: 0, maxValue: 6 });
}

async function runBlock(context: MLContext, block: Block) {
  const [, , , c] = block.shape;
  const x = randomData(size(block.shape), 3);
  const dw = randomData(9 * c, 5);
  const dwBias = randomData(c, 6);
  const pw = randomData(c * block.out, 7).map((v) => v * 0.5);
  const pwBias = randomData(block.out, 8);
  const { y } = await runGraph(context, { x: { shape: block.shape, data: x } }, (b, { x: input }) => ({
    y: buildBlock(b, input!, block, dw, dwBias, pw, pwBias),
  }));
  return { y: y!, expected: blockReference(block, x, dw, dwBias, pw, pwBias) };
}

/** Whether this browser validates relaxed SIMD (the engine's relaxed build). */
const relaxedSimd = await engineModule('relaxed').then(() => true, () => false);

describe('wasm engine', () => {
  for (const block of BLOCKS) {
    it(`computes a fused BlazeBlock like the reference: ${block.name}`, async () => {
      const context = await createPolyfillContext('wasm');
      const { y, expected } = await runBlock(context, block);
      expectNear(y, expected, block.name);
      expect(context.reason, 'no graph left the engine').to.equal(undefined);
      context.destroy();
    });
  }

  it('fuses an add of a channel-padded operand with its clamp, and keeps a fused value that is also an output', async () => {
    const context = await createPolyfillContext('wasm');
    const shape = [1, 5, 3, 42];
    const bShape = [1, 5, 3, 37];
    const a = randomData(size(shape), 1);
    const bData = randomData(size(bShape), 2);
    const out = await runGraph(context, { a: { shape, data: a }, b: { shape: bShape, data: bData } }, (builder, { a: x, b: y }) => {
      const padded = builder.pad(y!, [0, 0, 0, 0], [0, 0, 0, 5]);
      const sum = builder.add(x!, padded);
      return { clamped: builder.clamp(sum, { minValue: -0.25, maxValue: 0.5 }), sum };
    });
    const padded = padRef(bData, bShape, [0, 0, 0, 0], [0, 0, 0, 5], 'constant').data;
    const sum = Float32Array.from(a, (v, i) => v + padded[i]!);
    expectClose('wasm', out.sum!, sum, 'sum');
    expectClose('wasm', out.clamped!, sum.map((v) => Math.min(0.5, Math.max(-0.25, v))), 'clamped');
    expect(context.reason).to.equal(undefined);
    context.destroy();
  });

  it('keeps every intermediate of a long chain apart in its arena (each value read twice, far apart)', async () => {
    const context = await createPolyfillContext('wasm');
    const shape = [1, 7, 7, 13];
    const x = randomData(size(shape), 4);
    const { y } = await runGraph(context, { x: { shape, data: x } }, (b, { x: input }) => {
      const values: MLOperand[] = [input!];
      for (let k = 0; k < 8; k++) values.push(b.relu(b.add(values[k]!, values[Math.max(0, k - 3)]!)));
      return { y: b.concat([values[8]!, values[2]!, b.reshape(values[5]!, [1, 7, 7, 13])], 3) };
    });
    const values: Float32Array[] = [x];
    for (let k = 0; k < 8; k++) values.push(relu(values[k]!.map((v, i) => v + values[Math.max(0, k - 3)]![i]!)));
    const expected = new Float32Array(size(shape) * 3);
    for (let p = 0; p < 49; p++) {
      for (const [part, source] of [values[8]!, values[2]!, values[5]!].entries()) expected.set(source.subarray(p * 13, p * 13 + 13), p * 39 + part * 13);
    }
    expectClose('wasm', y!, expected, 'concat of chain values');
    expect(context.reason).to.equal(undefined);
    context.destroy();
  });

  // Where the browser validates relaxed SIMD (Chromium, Firefox) the two builds are compared; elsewhere (WebKitGTK)
  // the default is checked to be the plain build.
  if (relaxedSimd) {
    it('runs the relaxed-SIMD build like the plain one', async () => {
      const plain = new WasmContext(await engineModule('plain'));
      const fused = new WasmContext(await engineModule('relaxed'));
      expect((await engineModule()).build, 'the default build').to.equal('relaxed');
      for (const block of BLOCKS) {
        const a = await runBlock(plain, block);
        const b = await runBlock(fused, block);
        expectNear(b.y, a.y, `relaxed vs plain: ${block.name}`);
      }
      plain.destroy();
      fused.destroy();
    });
  } else {
    it('runs the plain SIMD build where the browser has no relaxed SIMD', async () => {
      expect((await engineModule()).build).to.equal('plain');
      const error = await engineModule('relaxed').then(() => undefined, (e: unknown) => e);
      expect(String(error)).to.contain('no relaxed SIMD');
    });
  }

  it('plans all four BlazeFace models itself, none left to tfjs-wasm', async () => {
    const { FaceDetector } = await import('../../model/index.ts');
    for (const model of ['short', 'full', 'front', 'back'] as const) {
      const detector = await FaceDetector.create({ model, context: { engine: 'wasm' } });
      expect(detector.backend, model).to.deep.equal({ implementation: 'polyfill', engine: 'wasm', threads: 1, precision: 'float32' });
      detector.dispose();
    }
  });

  it('runs a graph with an op it lacks whole on tfjs-wasm, and says so', async () => {
    const context = await createPolyfillContext('wasm');
    const shape = [2, 3, 4];
    const a = randomData(size(shape), 9);
    const { y } = await runGraph(context, { a: { shape, data: a } }, (b, { a: x }) => ({ y: b.relu(b.mul(x!, f32(b, [4], [1, -2, 3, 0.5]))) }));
    expectClose('wasm', y!, relu(a.map((v, i) => v * [1, -2, 3, 0.5][i % 4]!)), 'relu(mul)');
    expect(context.reason).to.equal('a graph runs on tfjs-wasm: the wasm engine has no mul');
    context.destroy();
  });

  it('frees a graph\'s memory when it is destroyed, and holds no per-dispatch allocation', async () => {
    const context = await createPolyfillContext('wasm');
    const before = engineMemory(context);
    const b = createGraphBuilder(context);
    const graph = await b.build({ y: b.relu(b.input('x', { dataType: 'float32', shape: [1, 32, 32, 8] })) });
    const x = await context.createTensor({ dataType: 'float32', shape: [1, 32, 32, 8], writable: true });
    const y = await context.createTensor({ dataType: 'float32', shape: [1, 32, 32, 8], readable: true });
    context.writeTensor(x, randomData(32 * 32 * 8, 1));
    context.dispatch(graph, { x }, { y });
    const first = (await context.readTensor(y)).slice(0);
    const during = engineMemory(context);
    for (let i = 0; i < 20; i++) context.dispatch(graph, { x }, { y });
    expect(engineMemory(context), 'dispatches allocate nothing').to.deep.equal(during);
    expect(new Float32Array(await context.readTensor(y))).to.deep.equal(new Float32Array(first));
    graph.destroy();
    x.destroy();
    y.destroy();
    expect(engineMemory(context)).to.deep.equal(before);
    context.destroy();
  });

  it("lets a caller write a graph's input and read its outputs in the graph's own memory, as MLTensors would", async () => {
    const context = await createPolyfillContext('wasm');
    const b = createGraphBuilder(context);
    const x = b.input('x', { dataType: 'float32', shape: [1, 6, 6, 5] });
    const graph = await b.build({ y: b.relu(x), z: b.clamp(x, { minValue: -0.5, maxValue: 0.5 }) });
    const arena = graphArena(graph)!;
    expect([...arena.inputs.keys()], 'inputs').to.deep.equal(['x']);
    expect([...arena.outputs.keys()].sort(), 'outputs').to.deep.equal(['y', 'z']);
    const data = randomData(6 * 6 * 5, 4);
    arena.inputs.get('x')!.set(data);
    arena.dispatch();
    expectClose('wasm', arena.outputs.get('y')!, relu(data), 'relu');
    expectClose('wasm', arena.outputs.get('z')!, data.map((v) => Math.min(0.5, Math.max(-0.5, v))), 'clamp');
    // MLTensors on the same graph give the same values.
    const tensors = await Promise.all([
      context.createTensor({ dataType: 'float32', shape: [1, 6, 6, 5], writable: true }),
      context.createTensor({ dataType: 'float32', shape: [1, 6, 6, 5], readable: true }),
      context.createTensor({ dataType: 'float32', shape: [1, 6, 6, 5], readable: true }),
    ]);
    context.writeTensor(tensors[0], data);
    context.dispatch(graph, { x: tensors[0] }, { y: tensors[1], z: tensors[2] });
    expect(new Float32Array(await context.readTensor(tensors[1]))).to.deep.equal(arena.outputs.get('y'));
    graph.destroy();
    expect(() => arena.dispatch(), 'after graph.destroy()').to.throw(DOMException, /destroyed/);
    const again = createGraphBuilder(context);
    const other = await again.build({ y: again.relu(again.input('x', { dataType: 'float32', shape: [3] })) });
    context.destroy();
    expect(() => graphArena(other)!.dispatch(), 'after context.destroy()').to.throw(DOMException);
    // An engine without such memory has no arena.
    const tfjs = await createPolyfillContext('tfjs-wasm');
    const onTfjs = createGraphBuilder(tfjs);
    expect(graphArena(await onTfjs.build({ y: onTfjs.relu(onTfjs.input('x', { dataType: 'float32', shape: [2] })) }))).to.equal(undefined);
    tfjs.destroy();
  });
});
