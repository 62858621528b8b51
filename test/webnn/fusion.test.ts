// The compiler's add+relu fusion (wasm-add-relu.ts, compile.ts): relu(add(a, b)) and the residual join
// relu(add(y, pad(x))) with a zero pad at the end of the last axis must give exactly float32 max(a + b, 0) on
// every engine, whichever side the pad is on, for channel counts that are not multiples of the kernel's four
// lanes, and must leave graphs alone where the fusion does not apply.
import { expect } from 'chai';
import type { MLOperand } from '../../webnn/index.ts';
import { ENGINES, contextFor, runGraph } from './harness.ts';
import { randomData, size } from './reference.ts';

/** b with its last axis zero-padded at the end to `channels`. */
function padLastAxis(b: Float32Array, bChannels: number, channels: number): Float32Array {
  return Float32Array.from({ length: (b.length / bChannels) * channels }, (_, i) => {
    const k = i % channels;
    return k < bChannels ? b[Math.floor(i / channels) * bChannels + k]! : 0;
  });
}

interface Case {
  name: string;
  shape: number[];
  bChannels: number;
  padFirst?: boolean;
  /** The padded operand is also a graph output, so the pad must stay a step of its own. */
  padIsOutput?: boolean;
  /** No relu after the add: nothing to fuse. */
  noRelu?: boolean;
}

const CASES: Case[] = [
  { name: 'same shapes, 24 channels', shape: [1, 8, 8, 24], bChannels: 24 },
  { name: 'same shapes, 7 channels (lane tail only)', shape: [1, 5, 3, 7], bChannels: 7 },
  { name: 'residual join 36 -> 42 channels', shape: [1, 6, 6, 42], bChannels: 36 },
  { name: 'residual join 5 -> 11 channels, pad on the left of the add', shape: [1, 4, 3, 11], bChannels: 5, padFirst: true },
  { name: 'residual join 3 -> 4 channels, rank 2', shape: [9, 4], bChannels: 3 },
  { name: 'pad that is also an output is not absorbed', shape: [1, 4, 4, 10], bChannels: 6, padIsOutput: true },
  { name: 'add without relu', shape: [1, 4, 4, 10], bChannels: 6, noRelu: true },
];

describe('add+relu fusion', () => {
  for (const engine of ENGINES) {
    describe(engine, () => {
      for (const c of CASES) {
        it(c.name, async () => {
          const context = await contextFor(engine);
          const bShape = [...c.shape.slice(0, -1), c.bChannels];
          // Centred values so that about half the sums are negative and relu matters.
          const a = randomData(size(c.shape), 7).map((v) => v - 0.5);
          const b = randomData(size(bShape), 8).map((v) => v - 0.5);
          const out = await runGraph(context, { a: { shape: c.shape, data: a }, b: { shape: bShape, data: b } }, (builder, { a: x, b: y }) => {
            const rank = c.shape.length;
            const padded = c.bChannels === c.shape[rank - 1]
              ? y!
              : builder.pad(y!, new Array<number>(rank).fill(0), [...new Array<number>(rank - 1).fill(0), c.shape[rank - 1]! - c.bChannels]);
            const sum = c.padFirst ? builder.add(padded, x!) : builder.add(x!, padded);
            const outputs: Record<string, MLOperand> = { y: c.noRelu ? sum : builder.relu(sum) };
            if (c.padIsOutput) outputs.padded = padded;
            return outputs;
          });
          const padded = padLastAxis(b, c.bChannels, c.shape[c.shape.length - 1]!);
          const sums = a.map((v, i) => v + padded[i]!); // Float32Array: each sum rounded to float32
          // Exactly float32 a + b, then max(·, 0): one add and one max per element, nothing to reorder.
          const expected = c.noRelu ? sums : sums.map((v) => Math.max(v, 0));
          // (v + 0 turns -0 into +0: tfjs's webgl relu returns -0 for negative inputs, equal as a number.)
          expect(Array.from(out.y!, (v) => v + 0)).to.deep.equal(Array.from(expected));
          expect(sums.filter((v) => v < 0).length, 'relu has work to do').to.be.greaterThan(sums.length / 4);
          if (c.padIsOutput) expect(Array.from(out.padded!)).to.deep.equal(Array.from(padded));
        });
      }
    });
  }

  it('runs as one kernel per join on the tfjs-wasm engine', async () => {
    const context = await contextFor('tfjs-wasm');
    const tf = await import('@tensorflow/tfjs-core');
    const shape = [1, 6, 6, 42];
    const bShape = [1, 6, 6, 36];
    const info = await tf.profile(() =>
      runGraph(context, { a: { shape, data: randomData(size(shape), 1) }, b: { shape: bShape, data: randomData(size(bShape), 2) } }, (builder, { a, b }) => ({
        y: builder.relu(builder.add(a!, builder.pad(b!, [0, 0, 0, 0], [0, 0, 0, 6]))),
      })).then(() => undefined),
    );
    const kernels = info.kernels.map((k) => k.name);
    expect(kernels).to.include('PolyfillAddRelu');
    expect(kernels).not.to.include('PadV2');
    expect(kernels).not.to.include('Relu');
  });
});
