// A BlazeFace-shaped graph (NHWC, float16 weights cast to float32, ohwi/ihwo filters, asymmetric stride-2
// padding, channel pad residuals, maxPool, resample2d, reshape/concat/transpose): every engine must agree
// with the cpu engine, and the per-dispatch time is printed for the record (not asserted: shared CI cores).
import { expect } from 'chai';
import { createGraphBuilder } from '../../webnn/index.ts';
import type { MLGraphBuilder, MLOperand } from '../../webnn/index.ts';
import { ENGINES, TOLERANCE, contextFor } from './harness.ts';
import { randomData, size } from './reference.ts';

/** float32 -> float16 bits (round to nearest even is not needed here: test weights only). */
function toHalfBits(values: Float32Array): Uint16Array {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  return Uint16Array.from(values, (v) => {
    f[0] = v;
    const x = u[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = ((x >>> 23) & 0xff) - 127 + 15;
    if (exp <= 0) return sign;
    return sign | (exp << 10) | ((x >>> 13) & 0x3ff);
  });
}

function weights(b: MLGraphBuilder, shape: number[], seed: number, scale: number): MLOperand {
  const bits = toHalfBits(randomData(size(shape), seed).map((v) => v * scale));
  return b.cast(b.constant({ dataType: 'float16', shape }, bits), 'float32');
}

function build(b: MLGraphBuilder): Record<string, MLOperand> {
  let seed = 100;
  const input = b.input('image', { dataType: 'float32', shape: [1, 128, 128, 3] });
  let x = b.relu(b.conv2d(input, weights(b, [24, 5, 5, 3], seed++, 0.2), {
    inputLayout: 'nhwc', filterLayout: 'ohwi', strides: [2, 2], padding: [1, 2, 1, 2], bias: weights(b, [24], seed++, 0.1),
  }));
  const block = (y: MLOperand, cin: number, cout: number, stride: number): MLOperand => {
    const dw = b.conv2d(y, weights(b, [1, 3, 3, cin], seed++, 0.3), {
      inputLayout: 'nhwc', filterLayout: 'ihwo', groups: cin, strides: [stride, stride],
      padding: stride === 2 ? [0, 1, 0, 1] : [1, 1, 1, 1], bias: weights(b, [cin], seed++, 0.1),
    });
    const pw = b.conv2d(dw, weights(b, [cout, 1, 1, cin], seed++, 0.3), { inputLayout: 'nhwc', filterLayout: 'ohwi', bias: weights(b, [cout], seed++, 0.1) });
    let skip = stride === 2 ? b.maxPool2d(y, { layout: 'nhwc', windowDimensions: [2, 2], strides: [2, 2] }) : y;
    if (cout > cin) skip = b.pad(skip, [0, 0, 0, 0], [0, 0, 0, cout - cin]);
    return b.relu(b.add(pw, skip));
  };
  x = block(x, 24, 24, 1);
  x = block(x, 24, 28, 1);
  x = block(x, 28, 32, 2);
  x = block(x, 32, 36, 1);
  x = block(x, 36, 42, 1);
  const x16 = block(x, 42, 48, 2);
  let y = block(x16, 48, 56, 1);
  y = block(y, 56, 64, 1);
  const x8 = block(y, 64, 96, 2);
  let z = block(x8, 96, 96, 1);
  z = block(z, 96, 96, 1);
  const up = b.resample2d(z, { mode: 'linear', axes: [1, 2], sizes: [16, 16] });
  const merged = b.concat([up, y], 3);
  const head16 = b.conv2d(merged, weights(b, [2, 1, 1, 160], seed++, 0.3), { inputLayout: 'nhwc', filterLayout: 'ohwi' });
  const head8 = b.conv2d(z, weights(b, [6, 1, 1, 96], seed++, 0.3), { inputLayout: 'nhwc', filterLayout: 'ohwi' });
  const scores = b.concat([b.reshape(head16, [1, 512, 1]), b.reshape(head8, [1, 384, 1])], 1);
  return {
    scores: b.sigmoid(b.clamp(scores, { minValue: -100, maxValue: 100 })),
    transposed: b.transpose(b.reshape(head8, [1, 64, 6]), { permutation: [0, 2, 1] }),
  };
}

describe('webnn polyfill: BlazeFace-shaped graph on every engine', () => {
  const image = randomData(128 * 128 * 3, 42);
  const results = new Map<string, { scores: Float32Array; transposed: Float32Array }>();
  for (const engine of ENGINES) {
    it(`runs on ${engine}`, async function () {
      this.timeout(300_000);
      const context = await contextFor(engine);
      const builder = createGraphBuilder(context);
      const outputs = build(builder);
      const graph = await builder.build(outputs);
      const input = await context.createTensor({ dataType: 'float32', shape: [1, 128, 128, 3], writable: true });
      const scores = await context.createTensor({ dataType: 'float32', shape: [1, 896, 1], readable: true });
      const transposed = await context.createTensor({ dataType: 'float32', shape: [1, 6, 64], readable: true });
      const round = async () => {
        context.writeTensor(input, image);
        context.dispatch(graph, { image: input }, { scores, transposed });
        return { scores: new Float32Array(await context.readTensor(scores)), transposed: new Float32Array(await context.readTensor(transposed)) };
      };
      await round(); // warm-up: shader compilation, XNNPACK operator setup
      const start = performance.now();
      const rounds = 10;
      let last = await round();
      for (let i = 1; i < rounds; i++) last = await round();
      console.log(`BlazeFace-shaped graph on ${engine}: ${((performance.now() - start) / rounds).toFixed(1)} ms per write+dispatch+read`);
      results.set(engine, last);
      expect(last.scores.every(Number.isFinite)).to.equal(true);
      graph.destroy();
      input.destroy();
      scores.destroy();
      transposed.destroy();
    });
  }
  it('all engines agree with cpu', () => {
    const reference = results.get('cpu');
    expect(reference, 'cpu result').to.exist;
    for (const [engine, r] of results) {
      const tol = TOLERANCE[engine as keyof typeof TOLERANCE].rel * 100; // deep graph: error accumulates
      for (const key of ['scores', 'transposed'] as const) {
        const want = reference![key];
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(r[key][i]! - want[i]!) / (1e-3 + Math.abs(want[i]!)));
        expect(worst, `${engine} ${key} worst relative difference`).to.be.below(tol);
      }
    }
  });
});
