// conv2d: validated per spec, computed as tfjs NHWC (depthwise) convolution with an HWIO filter.
import type { MLConv2dFilterOperandLayout, MLConv2dOptions } from '../../types.ts';
import { opError } from '../errors.ts';
import { checkLimits } from '../limits.ts';
import type { PolyfillOperand } from '../operand.ts';
import { checkList, windowOutputSize } from '../shape.ts';
import type { Tensor, Tf } from '../tf.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, type OpContext, type OpResult } from './op-context.ts';

/** Filter layout -> [indexOf O, I, H, W] and the permutation to HWIO. */
const FILTER_LAYOUTS: Record<MLConv2dFilterOperandLayout, { o: number; i: number; h: number; w: number; toHwio: number[] | null }> = {
  oihw: { o: 0, i: 1, h: 2, w: 3, toHwio: [2, 3, 1, 0] },
  hwio: { o: 3, i: 2, h: 0, w: 1, toHwio: null },
  ohwi: { o: 0, i: 3, h: 1, w: 2, toHwio: [1, 2, 3, 0] },
  ihwo: { o: 3, i: 0, h: 1, w: 2, toHwio: [1, 2, 0, 3] },
};

type Padding = [[0, 0], [number, number], [number, number], [0, 0]];

export function conv2d(ctx: OpContext, input: PolyfillOperand, filter: PolyfillOperand, options: MLConv2dOptions): OpResult {
  const op = 'conv2d';
  checkLimits(op, 'input', input);
  checkLimits(op, 'filter', filter);
  if (filter.dataType !== input.dataType) throw opError(op, `filter dataType ${filter.dataType} must match input dataType ${input.dataType}`);
  const padding = options.padding ?? [0, 0, 0, 0];
  const strides = options.strides ?? [1, 1];
  const dilations = options.dilations ?? [1, 1];
  const groups = options.groups ?? 1;
  const inputLayout = options.inputLayout ?? 'nchw';
  const filterLayout = options.filterLayout ?? 'oihw';
  checkList(op, 'padding', padding, 4, 0);
  checkList(op, 'strides', strides, 2, 1);
  checkList(op, 'dilations', dilations, 2, 1);
  if (!Number.isInteger(groups) || groups < 1) throw opError(op, `groups must be a positive integer, got ${groups}`);
  const layout = FILTER_LAYOUTS[filterLayout];
  if (!layout) throw opError(op, `unknown filterLayout ${String(filterLayout)}`);
  if (inputLayout !== 'nchw' && inputLayout !== 'nhwc') throw opError(op, `unknown inputLayout ${String(inputLayout)}`);

  const nhwc = inputLayout === 'nhwc';
  const [n, c, h, w] = nhwc
    ? [input.shape[0]!, input.shape[3]!, input.shape[1]!, input.shape[2]!]
    : [input.shape[0]!, input.shape[1]!, input.shape[2]!, input.shape[3]!];
  const outChannels = filter.shape[layout.o]!;
  const filterIn = filter.shape[layout.i]!;
  const kh = filter.shape[layout.h]!;
  const kw = filter.shape[layout.w]!;
  if (c % groups !== 0 || c / groups !== filterIn) {
    throw opError(op, `input channels (${c}) must equal filter input channels (${filterIn}) * groups (${groups})`);
  }
  if (outChannels % groups !== 0) throw opError(op, `output channels (${outChannels}) must be divisible by groups (${groups})`);
  const bias = options.bias as PolyfillOperand | undefined;
  if (bias) {
    checkLimits(op, 'bias', bias);
    if (bias.dataType !== input.dataType) throw opError(op, `bias dataType ${bias.dataType} must match input dataType ${input.dataType}`);
    if (bias.shape.length !== 1 || bias.shape[0] !== outChannels) {
      throw opError(op, `bias shape [${bias.shape.join(',')}] must be [${outChannels}]`);
    }
  }
  const [pt, pb, pl, pr] = padding as [number, number, number, number];
  const [sh, sw] = strides as [number, number];
  const [dh, dw] = dilations as [number, number];
  const oh = windowOutputSize(h, kh, dh, pt, pb, sh, 'floor');
  const ow = windowOutputSize(w, kw, dw, pl, pr, sw, 'floor');
  if (oh < 1 || ow < 1) throw opError(op, `output size ${oh}x${ow} is empty: the (dilated) filter is larger than the padded input`);

  // The filter in tfjs's HWIO layout, as its own operand so a constant filter is re-laid out once at build.
  const hwioShape = [kh, kw, filterIn, outChannels];
  const depthwise = groups > 1 && groups === c && filterIn === 1;
  const tfFilterShape = depthwise ? [kh, kw, c, outChannels / c] : hwioShape;
  const perm = layout.toHwio;
  const tfFilter =
    perm === null && !depthwise
      ? filter
      : ctx.derive(op, [filter], filter.dataType, tfFilterShape, (tf, [f]) => {
          const hwio = perm ? tf.transpose(f!, perm) : f!;
          // Depthwise: [kh,kw,1,C*m] -> [kh,kw,C,m]; output channel c*m+j is group c's j-th, as in WebNN.
          return depthwise ? tf.reshape(hwio, tfFilterShape) : hwio;
        });

  const pad: Padding = [[0, 0], [pt, pb], [pl, pr], [0, 0]];
  // tfjs refuses strides > 1 together with dilations > 1; run stride 1 and subsample the result instead.
  const subsample = (sh > 1 || sw > 1) && (dh > 1 || dw > 1);
  const tfStrides: [number, number] = subsample ? [1, 1] : [sh, sw];
  const tfDilations: [number, number] = [dh, dw];

  const convolve = (tf: Tf, x: Tensor, f: Tensor, b: Tensor | undefined, relu: boolean): Tensor => {
    if (depthwise || groups === 1) {
      // The fused kernels straight from the engine: bias, relu and per-side padding in one kernel. tfjs's
      // fused op wrappers cost about 11 µs a call (gradient bookkeeping) and the depthwise one accepts only
      // uniform padding; the kernels themselves take explicit padding on every backend.
      const attrs = { strides: tfStrides, pad, dataFormat: 'NHWC', dilations: tfDilations, activation: relu ? 'relu' : 'linear' };
      const inputs: Record<string, Tensor> = b ? { x, filter: f, bias: b } : { x, filter: f };
      return tf.engine().runKernel(depthwise ? tf.FusedDepthwiseConv2D : tf.FusedConv2D, inputs, attrs) as Tensor;
    }
    // General grouped convolution: one convolution per group, concatenated along channels.
    type Tensor4D = Parameters<Tf['conv2d']>[1];
    const xs = tf.split(x as Tensor4D, groups, 3) as Tensor4D[];
    const fs = tf.split(f as Tensor4D, groups, 3) as Tensor4D[];
    const ys = xs.map((xg, g) => tf.conv2d(xg, fs[g]!, tfStrides, pad, 'NHWC', tfDilations));
    const y = b ? tf.add(tf.concat(ys, 3), b) : tf.concat(ys, 3);
    return relu ? tf.relu(y) : y;
  };

  const run = (tf: Tf, x: Tensor, f: Tensor, b: Tensor | undefined, relu: boolean): Tensor => {
    let y = convolve(tf, nhwc ? x : tf.transpose(x, NCHW_TO_NHWC), f, b, relu);
    if (subsample) y = tf.stridedSlice(y, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, outChannels], [1, sh, sw, 1]);
    return nhwc ? y : tf.transpose(y, NHWC_TO_NCHW);
  };

  const inputs = bias ? [input, tfFilter, bias] : [input, tfFilter];
  const outShape = nhwc ? [n, oh, ow, outChannels] : [n, outChannels, oh, ow];
  return {
    dataType: input.dataType,
    shape: outShape,
    inputs,
    kernel: (tf, [x, f, b]) => run(tf, x!, f!, b, false),
    reluKernel: (tf, [x, f, b]) => run(tf, x!, f!, b, true),
    spec: {
      type: 'conv2d', inputs: bias ? [input, filter, bias] : [input, filter], nhwc, filterLayout, groups,
      strides: [sh, sw], dilations: [dh, dw], padding: [pt, pb, pl, pr],
    },
  };
}
