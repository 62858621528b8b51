import { expect } from 'chai';
import { createGraphBuilder } from '../../webnn/index.ts';
import type { MLContext, MLPool2dOptions } from '../../webnn/index.ts';
import { ENGINES, contextFor, expectClose, runGraph } from './harness.ts';
import { padRef, pool2dRef, randomData, resample2dRef, size, transposeRef } from './reference.ts';

interface PoolCase {
  name: string;
  kind: 'max' | 'avg';
  input: [number, number, number, number]; // NHWC
  options: MLPool2dOptions;
  out: [number, number];
}

const POOLS: PoolCase[] = [
  { name: 'maxPool 2x2 stride 2 (BlazeFace)', kind: 'max', input: [1, 8, 8, 3], options: { windowDimensions: [2, 2], strides: [2, 2] }, out: [4, 4] },
  { name: 'maxPool 3x3 padding [1,1,1,1] stride 2', kind: 'max', input: [1, 7, 6, 2], options: { windowDimensions: [3, 3], padding: [1, 1, 1, 1], strides: [2, 2] }, out: [4, 3] },
  { name: 'maxPool ceil rounding', kind: 'max', input: [1, 6, 7, 2], options: { windowDimensions: [3, 2], strides: [2, 2], outputShapeRounding: 'ceil' }, out: [3, 4] },
  { name: 'maxPool outputSizes selecting ceil', kind: 'max', input: [1, 6, 7, 2], options: { windowDimensions: [3, 2], strides: [2, 2], outputSizes: [3, 4] }, out: [3, 4] },
  { name: 'averagePool padding [0,1,2,0] stride 2 (padding not counted)', kind: 'avg', input: [1, 7, 7, 3], options: { windowDimensions: [3, 3], padding: [0, 1, 2, 0], strides: [2, 2] }, out: [3, 4] },
  { name: 'averagePool ceil rounding', kind: 'avg', input: [1, 5, 5, 1], options: { windowDimensions: [2, 2], strides: [2, 2], outputShapeRounding: 'ceil' }, out: [3, 3] },
  { name: 'maxPool roundingType ceil (the option\'s name before outputShapeRounding)', kind: 'max', input: [1, 5, 5, 2], options: { windowDimensions: [3, 3], padding: [1, 0, 0, 1], strides: [2, 2], roundingType: 'ceil' }, out: [3, 3] },
  { name: 'averagePool roundingType ceil', kind: 'avg', input: [1, 5, 5, 2], options: { windowDimensions: [3, 3], padding: [1, 0, 0, 1], strides: [2, 2], roundingType: 'ceil' }, out: [3, 3] },
  { name: 'averagePool global (default window)', kind: 'avg', input: [1, 4, 5, 3], options: {}, out: [1, 1] },
  { name: 'maxPool dilations [2,2] with stride 2', kind: 'max', input: [1, 9, 9, 2], options: { windowDimensions: [2, 2], dilations: [2, 2], strides: [2, 2] }, out: [4, 4] },
];

function poolCase(engine: (typeof ENGINES)[number], context: () => MLContext, c: PoolCase, layout: 'nhwc' | 'nchw'): void {
  it(`${c.name} (${layout})`, async () => {
    const x = randomData(size(c.input), 3);
    const window = (c.options.windowDimensions ?? [c.input[1], c.input[2]]) as [number, number];
    const expected = pool2dRef(c.kind, x, c.input, window, c.options.padding ?? [0, 0, 0, 0],
      (c.options.strides ?? [1, 1]) as [number, number], c.out, (c.options.dilations ?? [1, 1]) as [number, number]);
    const feed = layout === 'nhwc' ? { data: x, shape: c.input } : transposeRef(x, c.input, [0, 3, 1, 2]);
    const { y } = await runGraph(context(), { x: feed }, (b, { x: input }) => ({
      y: c.kind === 'max' ? b.maxPool2d(input!, { ...c.options, layout }) : b.averagePool2d(input!, { ...c.options, layout }),
    }));
    const want = layout === 'nhwc' ? expected.data : transposeRef(expected.data, expected.shape, [0, 3, 1, 2]).data;
    expectClose(engine, y!, want, c.name);
  });
}

for (const engine of ENGINES) {
  describe(`webnn polyfill pooling, resample2d and pad on ${engine}`, () => {
    let context: MLContext;
    before(async () => {
      context = await contextFor(engine);
    });
    for (const c of POOLS) for (const layout of ['nhwc', 'nchw'] as const) poolCase(engine, () => context, c, layout);

    const resamples: Array<{ name: string; mode: 'linear' | 'nearest-neighbor'; shape: [number, number, number, number]; axes?: [number, number]; sizes?: [number, number]; scales?: [number, number]; out: [number, number] }> = [
      { name: 'linear x2, NHWC axes [1,2], sizes (BlazeFace upsample)', mode: 'linear', shape: [1, 6, 6, 3], axes: [1, 2], sizes: [12, 12], out: [12, 12] },
      { name: 'linear x2, NHWC axes [1,2], scales', mode: 'linear', shape: [1, 5, 4, 2], axes: [1, 2], scales: [2, 2], out: [10, 8] },
      { name: 'linear downscale 7 -> 3, default axes [2,3] (NCHW)', mode: 'linear', shape: [1, 2, 7, 5], sizes: [3, 4], out: [3, 4] },
      { name: 'linear non-integer scale 1.5 (spec scale, not in/out)', mode: 'linear', shape: [1, 5, 5, 1], axes: [1, 2], scales: [1.5, 1.5], out: [7, 7] },
      { name: 'nearest x2 default axes', mode: 'nearest-neighbor', shape: [1, 2, 3, 4], scales: [2, 2], out: [6, 8] },
      { name: 'nearest 5 -> 3 NHWC', mode: 'nearest-neighbor', shape: [1, 5, 5, 2], axes: [1, 2], sizes: [3, 3], out: [3, 3] },
    ];
    for (const r of resamples) {
      it(`resample2d ${r.name}`, async () => {
        const x = randomData(size(r.shape), 5);
        const axes = r.axes ?? [2, 3];
        const expected = resample2dRef(r.mode, x, r.shape, axes, r.out, r.sizes ? undefined : r.scales);
        const { y } = await runGraph(context, { x: { data: x, shape: r.shape } }, (b, { x: input }) => ({
          y: b.resample2d(input!, { mode: r.mode, ...(r.axes ? { axes: r.axes } : {}), ...(r.sizes ? { sizes: r.sizes } : {}), ...(r.scales ? { scales: r.scales } : {}) }),
        }));
        expectClose(engine, y!, expected.data, r.name);
      });
    }

    for (const mode of ['constant', 'edge', 'reflection'] as const) {
      it(`pad ${mode}`, async () => {
        const shape = [1, 3, 4, 2];
        const x = randomData(size(shape), 9);
        const begin = [0, 2, 1, 0];
        const end = [0, 1, 3, 1];
        const expected = padRef(x, shape, begin, end, mode, 0.5);
        const { y } = await runGraph(context, { x: { data: x, shape } }, (b, { x: input }) => ({
          y: b.pad(input!, begin, end, { mode, value: 0.5 }),
        }));
        expectClose(engine, y!, expected.data, `pad ${mode}`);
      });
    }
    it('pool roundingType: ceil gives [1,2,3,3] for [1,2,5,5], window 3, padding [1,0,0,1], strides 2 (as Chromium does)', () => {
      const b = createGraphBuilder(context);
      const x = b.input('x', { dataType: 'float32', shape: [1, 2, 5, 5] });
      const options: MLPool2dOptions = { windowDimensions: [3, 3], padding: [1, 0, 0, 1], strides: [2, 2], roundingType: 'ceil' };
      expect(b.maxPool2d(x, options).shape).to.deep.equal([1, 2, 3, 3]);
      expect(b.averagePool2d(x, options).shape).to.deep.equal([1, 2, 3, 3]);
      expect(b.maxPool2d(x, { ...options, roundingType: 'floor' }).shape).to.deep.equal([1, 2, 2, 2]);
      expect(() => b.maxPool2d(x, { ...options, outputShapeRounding: 'floor' })).to.throw(TypeError, /^maxPool2d: outputShapeRounding 'floor' and roundingType 'ceil' disagree/);
      const unknownRounding = { ...options, roundingType: 'round' } as unknown as MLPool2dOptions;
      expect(() => b.averagePool2d(x, unknownRounding)).to.throw(TypeError, /^averagePool2d: roundingType must be 'floor' or 'ceil', got round/);
    });
    // opSupportLimits() promises pad up to rank 6 on every engine; WebGL's own pad shader stops at rank 4.
    for (const rank of [5, 6]) {
      for (const mode of ['constant', 'edge', 'reflection'] as const) {
        it(`pad ${mode} at rank ${rank}`, async () => {
          const shape = [2, 3, 2, 4, 3, 2].slice(0, rank);
          const x = randomData(size(shape), rank);
          const begin = [1, 0, 1, 2, 0, 1].slice(0, rank);
          const end = [0, 2, 1, 1, 1, 0].slice(0, rank);
          const expected = padRef(x, shape, begin, end, mode, -1.5);
          const { y } = await runGraph(context, { x: { data: x, shape } }, (b, { x: input }) => ({
            y: b.pad(input!, begin, end, { mode, value: -1.5 }),
          }));
          expectClose(engine, y!, expected.data, `pad ${mode} rank ${rank}`);
        });
      }
    }
    it('pad zero channels on NHWC axis 3 (BlazeFace residual)', async () => {
      const shape = [1, 2, 2, 3];
      const x = randomData(size(shape), 2);
      const { y } = await runGraph(context, { x: { data: x, shape } }, (b, { x: input }) => ({ y: b.pad(input!, [0, 0, 0, 0], [0, 0, 0, 2]) }));
      expectClose(engine, y!, padRef(x, shape, [0, 0, 0, 0], [0, 0, 0, 2], 'constant').data);
    });
  });
}
