import type { MLConv2dFilterOperandLayout, MLContext } from '../../webnn/index.ts';
import { ENGINES, contextFor, expectClose, f32, runGraph } from './harness.ts';
import { conv2dRef, randomData, size, transposeRef, type ConvParams } from './reference.ts';

/** HWIO -> other filter layouts (permutations of the reference's [kh,kw,i,o]). */
const FROM_HWIO: Record<MLConv2dFilterOperandLayout, number[]> = {
  hwio: [0, 1, 2, 3],
  oihw: [3, 2, 0, 1],
  ohwi: [3, 0, 1, 2],
  ihwo: [2, 0, 1, 3],
};

interface Case {
  name: string;
  input: [number, number, number, number]; // NHWC
  filter: [number, number, number, number]; // HWIO
  params: Partial<ConvParams>;
  layout?: 'nhwc' | 'nchw';
  filterLayout?: MLConv2dFilterOperandLayout;
  bias?: boolean;
}

const CASES: Case[] = [
  { name: 'asymmetric padding [1,2,1,2], stride 2, 5x5 (BlazeFace stem), ohwi, bias', input: [1, 9, 9, 3], filter: [5, 5, 3, 4], params: { padding: [1, 2, 1, 2], strides: [2, 2] }, filterLayout: 'ohwi', bias: true },
  { name: 'depthwise groups=C, ihwo, padding [0,1,0,1], stride 2', input: [1, 8, 8, 4], filter: [3, 3, 1, 4], params: { padding: [0, 1, 0, 1], strides: [2, 2], groups: 4 }, filterLayout: 'ihwo', bias: true },
  { name: 'depthwise groups=C with multiplier 2, ihwo, [1,1,1,1]', input: [1, 5, 5, 3], filter: [3, 3, 1, 6], params: { padding: [1, 1, 1, 1], groups: 3 }, filterLayout: 'ihwo' },
  { name: 'depthwise with asymmetric padding [2,0,1,0]', input: [1, 6, 5, 2], filter: [3, 3, 1, 2], params: { padding: [2, 0, 1, 0], groups: 2 }, filterLayout: 'ihwo' },
  { name: 'grouped conv groups=2, hwio', input: [1, 5, 5, 4], filter: [3, 3, 2, 6], params: { padding: [1, 1, 1, 1], groups: 2 }, filterLayout: 'hwio', bias: true },
  { name: 'NCHW input, default oihw filter', input: [2, 6, 5, 3], filter: [3, 2, 3, 4], params: { padding: [1, 0, 0, 1] }, layout: 'nchw', filterLayout: 'oihw' },
  { name: 'NHWC with oihw filter', input: [1, 6, 6, 2], filter: [3, 3, 2, 3], params: {}, filterLayout: 'oihw' },
  { name: 'NHWC with ihwo filter, groups 1', input: [1, 6, 6, 2], filter: [3, 3, 2, 3], params: { strides: [1, 2] }, filterLayout: 'ihwo' },
  { name: 'dilations [2,2]', input: [1, 9, 9, 2], filter: [3, 3, 2, 2], params: { dilations: [2, 2], padding: [2, 2, 2, 2] }, filterLayout: 'ohwi' },
  { name: 'dilations with strides (tfjs cannot combine them natively)', input: [1, 11, 10, 2], filter: [3, 3, 2, 2], params: { dilations: [2, 1], strides: [2, 2], padding: [1, 2, 0, 1] }, filterLayout: 'ohwi' },
  { name: '1x1 conv, NCHW, nchw bias', input: [1, 4, 4, 5], filter: [1, 1, 5, 7], params: {}, layout: 'nchw', filterLayout: 'oihw', bias: true },
];

/** Checks one case; with `relu`, conv2d feeds a relu, which the compiler fuses into the convolution kernel. */
async function check(engine: (typeof ENGINES)[number], context: MLContext, c: Case, relu: boolean): Promise<void> {
  const params: ConvParams = { padding: [0, 0, 0, 0], strides: [1, 1], dilations: [1, 1], groups: 1, ...c.params };
  const x = randomData(size(c.input), 7);
  const w = randomData(size(c.filter), 11);
  const bias = c.bias ? randomData(c.filter[3], 13) : undefined;
  const expected = conv2dRef(x, c.input, w, c.filter, params, bias);
  const layout = c.layout ?? 'nhwc';
  const filterLayout = c.filterLayout ?? 'oihw';
  const feed = layout === 'nhwc' ? { data: x, shape: c.input } : transposeRef(x, c.input, [0, 3, 1, 2]);
  const filter = transposeRef(w, c.filter, FROM_HWIO[filterLayout]);
  const { y } = await runGraph(context, { x: feed }, (b, { x: input }) => {
    const convolved = b.conv2d(input!, f32(b, filter.shape, filter.data), {
      ...params,
      inputLayout: layout,
      filterLayout,
      ...(bias ? { bias: f32(b, [bias.length], bias) } : {}),
    });
    return { y: relu ? b.relu(convolved) : convolved };
  });
  const linear = layout === 'nhwc' ? expected.data : transposeRef(expected.data, expected.shape, [0, 3, 1, 2]).data;
  const want = relu ? Float32Array.from(linear, (value) => Math.max(0, value)) : linear;
  expectClose(engine, y!, want, c.name);
}

for (const engine of ENGINES) {
  describe(`webnn polyfill conv2d on ${engine}`, () => {
    let context: MLContext;
    before(async () => {
      context = await contextFor(engine);
    });
    for (const c of CASES) {
      it(c.name, async () => check(engine, context, c, false));
      it(`${c.name}, then relu (fused)`, async () => check(engine, context, c, true));
    }
  });
}
