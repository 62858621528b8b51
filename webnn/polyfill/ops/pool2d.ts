// maxPool2d / averagePool2d. Padding (explicit, and the extra end cells that 'ceil' rounding needs) is applied
// here rather than through tfjs's pad argument so the semantics are the same on every engine: padded cells
// never win a max, and an average divides by the number of real input cells in the window (TF's
// count_include_pad=false, which is what WebNN implementations built on TFLite/XNNPACK/DirectML do).
import type { MLPool2dOptions } from '../../types.ts';
import { opError } from '../errors.ts';
import { checkByteLength, checkLimits } from '../limits.ts';
import type { PolyfillOperand } from '../operand.ts';
import { checkList, windowOutputSize } from '../shape.ts';
import type { Tensor, Tf } from '../tf.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, type OpContext, type OpResult } from './op-context.ts';

/** Lowest finite float32: stands in for -Infinity as the max-pool pad value (safer in GPU uniforms). */
const LOWEST = -3.4028234663852886e38;

export type PoolKind = 'max' | 'avg';

function axisSize(
  op: string, axis: string, input: number, window: number, dilation: number, padBegin: number, padEnd: number, stride: number,
  rounding: 'floor' | 'ceil', requested: number | undefined,
): number {
  const floor = windowOutputSize(input, window, dilation, padBegin, padEnd, stride, 'floor');
  const ceil = windowOutputSize(input, window, dilation, padBegin, padEnd, stride, 'ceil');
  if (requested !== undefined && requested !== floor && requested !== ceil) {
    throw opError(op, `outputSizes ${axis} ${requested} must be ${floor} (floor) or ${ceil} (ceil)`);
  }
  const size = requested ?? (rounding === 'floor' ? floor : ceil);
  if (size < 1) throw opError(op, `output ${axis} ${size} is empty: the window is larger than the padded input`);
  return size;
}

/**
 * The output rounding, under either of its names: the spec's `outputShapeRounding` or the older
 * `roundingType` that Chromium still accepts. Ignoring the old name would silently change output shapes.
 */
function outputRounding(op: string, options: MLPool2dOptions): 'floor' | 'ceil' {
  const { outputShapeRounding, roundingType } = options;
  for (const [name, value] of [['outputShapeRounding', outputShapeRounding], ['roundingType', roundingType]] as const) {
    if (value !== undefined && value !== 'floor' && value !== 'ceil') throw opError(op, `${name} must be 'floor' or 'ceil', got ${String(value)}`);
  }
  if (outputShapeRounding !== undefined && roundingType !== undefined && outputShapeRounding !== roundingType) {
    throw opError(op, `outputShapeRounding '${outputShapeRounding}' and roundingType '${roundingType}' disagree`);
  }
  return outputShapeRounding ?? roundingType ?? 'floor';
}

/** For each output position along one axis: how many window taps land on real input cells. */
function validTaps(input: number, out: number, window: number, dilation: number, padBegin: number, stride: number): number[] {
  const counts: number[] = [];
  for (let o = 0; o < out; o++) {
    let n = 0;
    for (let k = 0; k < window; k++) {
      const i = o * stride - padBegin + k * dilation;
      if (i >= 0 && i < input) n++;
    }
    counts.push(n);
  }
  return counts;
}

export function pool2d(ctx: OpContext, kind: PoolKind, input: PolyfillOperand, options: MLPool2dOptions): OpResult {
  const op = kind === 'max' ? 'maxPool2d' : 'averagePool2d';
  checkLimits(op, 'input', input);
  const layout = options.layout ?? 'nchw';
  if (layout !== 'nchw' && layout !== 'nhwc') throw opError(op, `unknown layout ${String(layout)}`);
  const nhwc = layout === 'nhwc';
  const [n, c, h, w] = nhwc
    ? [input.shape[0]!, input.shape[3]!, input.shape[1]!, input.shape[2]!]
    : [input.shape[0]!, input.shape[1]!, input.shape[2]!, input.shape[3]!];
  const window = options.windowDimensions ?? [h, w];
  const padding = options.padding ?? [0, 0, 0, 0];
  const strides = options.strides ?? [1, 1];
  const dilations = options.dilations ?? [1, 1];
  checkList(op, 'windowDimensions', window, 2, 1);
  checkList(op, 'padding', padding, 4, 0);
  checkList(op, 'strides', strides, 2, 1);
  checkList(op, 'dilations', dilations, 2, 1);
  if (options.outputSizes) checkList(op, 'outputSizes', options.outputSizes, 2, 1);
  const rounding = outputRounding(op, options);
  const [kh, kw] = window as [number, number];
  const [pt, pb, pl, pr] = padding as [number, number, number, number];
  const [sh, sw] = strides as [number, number];
  const [dh, dw] = dilations as [number, number];
  const oh = axisSize(op, 'height', h, kh, dh, pt, pb, sh, rounding, options.outputSizes?.[0]);
  const ow = axisSize(op, 'width', w, kw, dw, pl, pr, sw, rounding, options.outputSizes?.[1]);

  // Pad so that a 'valid' pool yields exactly oh x ow: 'ceil' windows may reach past the ending padding.
  const needH = (oh - 1) * sh + (kh - 1) * dh + 1;
  const needW = (ow - 1) * sw + (kw - 1) * dw + 1;
  const padBottom = Math.max(0, needH - h - pt);
  const padRight = Math.max(0, needW - w - pl);
  const padded = pt + padBottom + pl + padRight > 0;
  const paddings: Array<[number, number]> = [[0, 0], [pt, padBottom], [pl, padRight], [0, 0]];
  // The padded input is a real tensor too, which a small output does not bound (huge padding, huge stride).
  if (padded) checkByteLength(op, 'padded input', { dataType: input.dataType, shape: [n, pt + h + padBottom, pl + w + padRight, c] });
  const subsample = (sh > 1 || sw > 1) && (dh > 1 || dw > 1);

  const inputs = [input];
  let needsScale = false;
  if (kind === 'avg' && padded) {
    // Rescale sums of real cells: avgPool over zero padding divides by kh*kw; we want the real-cell count.
    const rows = validTaps(h, oh, kh, dh, pt, sh);
    const cols = validTaps(w, ow, kw, dw, pl, sw);
    const scale = new Float32Array(oh * ow);
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) scale[y * ow + x] = (kh * kw) / (rows[y]! * cols[x]!);
    needsScale = scale.some((v) => v !== 1);
    if (needsScale) inputs.push(ctx.constant(scale, [1, oh, ow, 1]));
  }

  const pool = (tf: Tf, x: Tensor): Tensor => {
    const x4 = x as Parameters<Tf['maxPool']>[0];
    if (dh === 1 && dw === 1) {
      return kind === 'max' ? tf.maxPool(x4, [kh, kw], [sh, sw], 'valid') : tf.avgPool(x4, [kh, kw], [sh, sw], 'valid');
    }
    return tf.pool(x4, [kh, kw], kind, 'valid', [dh, dw], subsample ? [1, 1] : [sh, sw]);
  };

  return {
    dataType: input.dataType,
    shape: nhwc ? [n, oh, ow, c] : [n, c, oh, ow],
    inputs,
    kernel: (tf, [x, scale]) => {
      let y = nhwc ? x! : tf.transpose(x!, NCHW_TO_NHWC);
      if (padded) y = tf.pad(y, paddings, kind === 'max' ? LOWEST : 0);
      y = pool(tf, y);
      if (subsample) y = tf.stridedSlice(y, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c], [1, sh, sw, 1]);
      // A padded pool may produce a few extra rows/cols when padding exceeds what oh/ow need; trim them.
      if (y.shape[1] !== oh || y.shape[2] !== ow) y = tf.slice(y, [0, 0, 0, 0], [n, oh, ow, c]);
      if (needsScale) y = tf.mul(y, scale!);
      return nhwc ? y : tf.transpose(y, NHWC_TO_NCHW);
    },
    spec: {
      type: 'pool', inputs: [input], kind, nhwc, window: [kh, kw], strides: [sh, sw], dilations: [dh, dw], padding: [pt, pb, pl, pr],
    },
  };
}
