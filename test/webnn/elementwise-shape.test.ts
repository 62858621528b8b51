import { expect } from 'chai';
import type { MLContext } from '../../webnn/index.ts';
import { ENGINES, contextFor, expectClose, f32, runGraph } from './harness.ts';
import { randomData, size, transposeRef } from './reference.ts';

/** numpy broadcasting reference for a binary op. */
function broadcastRef(a: ArrayLike<number>, aShape: number[], b: ArrayLike<number>, bShape: number[], fn: (x: number, y: number) => number): Float32Array {
  const rank = Math.max(aShape.length, bShape.length);
  const pa = [...Array<number>(rank - aShape.length).fill(1), ...aShape];
  const pb = [...Array<number>(rank - bShape.length).fill(1), ...bShape];
  const out = pa.map((d, i) => Math.max(d, pb[i]!));
  const result = new Float32Array(size(out));
  const idx = new Array<number>(rank).fill(0);
  const offset = (shape: number[]) => idx.reduce((acc, v, d) => acc * shape[d]! + (shape[d] === 1 ? 0 : v), 0);
  for (let o = 0; o < result.length; o++) {
    result[o] = fn(a[offset(pa)]!, b[offset(pb)]!);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < out[d]!) break;
      idx[d] = 0;
    }
  }
  return result;
}

const BINARY = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
  max: Math.max,
  min: Math.min,
} as const;

/** float16 bit patterns and their exact values: normal, negative, max, min normal, subnormals, zeros, inf. */
const F16_CASES: Array<[number, number]> = [
  [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504], [0x0400, 2 ** -14],
  [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x8001, -(2 ** -24)], [0x0000, 0], [0x7c00, Infinity], [0xfc00, -Infinity],
];

for (const engine of ENGINES) {
  describe(`webnn polyfill element-wise and data-movement ops on ${engine}`, () => {
    let context: MLContext;
    before(async () => {
      context = await contextFor(engine);
    });

    for (const [op, fn] of Object.entries(BINARY) as Array<[keyof typeof BINARY, (x: number, y: number) => number]>) {
      it(`${op} with numpy broadcasting [2,1,4] x [3,1]`, async () => {
        const a = randomData(8, 1);
        const b = Float32Array.from(randomData(3, 2), (v) => v + 2); // away from 0 for div
        const { y } = await runGraph(context, { a: { shape: [2, 1, 4], data: a } }, (builder, { a: x }) => ({
          y: builder[op](x!, f32(builder, [3, 1], b)),
        }));
        expectClose(engine, y!, broadcastRef(a, [2, 1, 4], b, [3, 1], fn), op);
      });
    }

    it('relu, sigmoid and clamp (both bounds, one bound, none)', async () => {
      const x = Float32Array.from(randomData(24, 4), (v) => v * 8);
      const out = await runGraph(context, { x: { shape: [2, 3, 4], data: x } }, (b, { x: input }) => ({
        relu: b.relu(input!),
        sigmoid: b.sigmoid(input!),
        both: b.clamp(input!, { minValue: -1.5, maxValue: 2 }),
        low: b.clamp(input!, { minValue: -1 }),
        high: b.clamp(input!, { maxValue: 0.5 }),
        none: b.clamp(input!),
      }));
      expectClose(engine, out.relu!, x.map((v) => Math.max(v, 0)), 'relu');
      expectClose(engine, out.sigmoid!, Array.from(x, (v) => 1 / (1 + Math.exp(-v))), 'sigmoid');
      expectClose(engine, out.both!, x.map((v) => Math.min(Math.max(v, -1.5), 2)), 'clamp both');
      expectClose(engine, out.low!, x.map((v) => Math.max(v, -1)), 'clamp min');
      expectClose(engine, out.high!, x.map((v) => Math.min(v, 0.5)), 'clamp max');
      expectClose(engine, out.none!, x, 'clamp none');
    });

    it('transpose (given and default permutation), reshape, concat and slice (with strides)', async () => {
      const shape = [2, 3, 4];
      const x = randomData(24, 6);
      const out = await runGraph(context, { x: { shape, data: x } }, (b, { x: input }) => ({
        t: b.transpose(input!, { permutation: [1, 2, 0] }),
        tDefault: b.transpose(input!),
        r: b.reshape(b.relu(input!), [4, 6]),
        c: b.concat([input!, f32(b, [2, 1, 4], new Float32Array(8).fill(7)), input!], 1),
        s: b.slice(input!, [1, 0, 1], [1, 3, 3]),
        ss: b.slice(input!, [0, 0, 0], [2, 3, 4], { strides: [1, 2, 3] }),
      }));
      expectClose(engine, out.t!, transposeRef(x, shape, [1, 2, 0]).data, 'transpose');
      expectClose(engine, out.tDefault!, transposeRef(x, shape, [2, 1, 0]).data, 'transpose default');
      expectClose(engine, out.r!, x.map((v) => Math.max(v, 0)), 'reshape');
      const concat: number[] = [];
      for (let n = 0; n < 2; n++) {
        concat.push(...x.slice(n * 12, n * 12 + 12), 7, 7, 7, 7, ...x.slice(n * 12, n * 12 + 12));
      }
      expectClose(engine, out.c!, concat, 'concat');
      const slice: number[] = [];
      for (let j = 0; j < 3; j++) for (let k = 1; k < 4; k++) slice.push(x[12 + j * 4 + k]!);
      expectClose(engine, out.s!, slice, 'slice');
      const strided: number[] = [];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j += 2) for (let k = 0; k < 4; k += 3) strided.push(x[i * 12 + j * 4 + k]!);
      expectClose(engine, out.ss!, strided, 'strided slice');
    });

    it('float16 constants cast to float32 bit-exactly (incl. subnormals and infinities)', async () => {
      const bits = Uint16Array.from(F16_CASES, ([b]) => b);
      const out = await runGraph(context, { z: { shape: [bits.length], data: new Float32Array(bits.length) } }, (b, { z }) => ({
        // add(cast(c), 0): the cast is folded at build time, the add makes it a runtime value.
        y: b.add(b.cast(b.constant({ dataType: 'float16', shape: [bits.length] }, bits.buffer), 'float32'), z!),
        // the same from a Uint8Array view and a Uint16Array
        u8: b.add(b.cast(b.constant({ dataType: 'float16', shape: [bits.length] }, new Uint8Array(bits.buffer)), 'float32'), z!),
        u16: b.add(b.cast(b.constant({ dataType: 'float16', shape: [bits.length] }, bits), 'float32'), z!),
      }));
      for (const name of ['y', 'u8', 'u16']) {
        expect(Array.from(out[name]!), name).to.deep.equal(F16_CASES.map(([, v]) => Math.fround(v)));
      }
    });

    it('cast float32 -> int32 truncates toward zero, int32 -> float32 is exact', async () => {
      const x = Float32Array.from([-2.7, -1.5, -0.5, 0.4, 1.5, 2.9, 100.99, -100.99]);
      const out = await runGraph(context, { x: { shape: [8], data: x }, i: { dataType: 'int32', shape: [3], data: [-7, 0, 123456] } }, (b, { x: input, i }) => ({
        toInt: b.cast(input!, 'int32'),
        toFloat: b.cast(i!, 'float32'),
      }));
      expect(out.toInt).to.be.instanceOf(Int32Array);
      expect(Array.from(out.toInt!)).to.deep.equal([-2, -1, 0, 0, 1, 2, 100, -100]);
      expect(Array.from(out.toFloat!)).to.deep.equal([-7, 0, 123456]);
    });
  });
}
