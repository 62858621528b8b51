// resample2d with the spec's coordinate transform, src = clamp((dst + 0.5) / scale - 0.5, 0, in - 1).
// Fast path: NHWC linear resampling whose scale equals outSize/inSize goes to tfjs resizeBilinear with
// halfPixelCenters, which computes the same thing (tfjs clamps the low index to 0 and the high index to in-1,
// and at the clamped edges both taps hit the same cell, so the result equals the spec's clamped coordinate).
// Everything else (other axes, scales that don't divide evenly, nearest-neighbor) runs as per-axis gathers
// with index and weight tables computed here, exactly as the spec writes them.
import type { MLResample2dOptions } from '../../types.ts';
import { opError } from '../errors.ts';
import { checkLimits } from '../limits.ts';
import type { PolyfillOperand } from '../operand.ts';
import type { Tensor } from '../tf.ts';
import { axisShape } from './gather-index.ts';
import type { OpContext, OpResult, OpSpec } from './op-context.ts';

interface AxisPlan {
  axis: number;
  inSize: number;
  outSize: number;
  scale: number;
}

function sourceCoordinate(plan: AxisPlan, dst: number): number {
  const src = (dst + 0.5) / plan.scale - 0.5;
  return Math.min(Math.max(src, 0), plan.inSize - 1);
}

export function resample2d(ctx: OpContext, input: PolyfillOperand, options: MLResample2dOptions): OpResult {
  const op = 'resample2d';
  checkLimits(op, 'input', input);
  const mode = options.mode ?? 'nearest-neighbor';
  if (mode !== 'nearest-neighbor' && mode !== 'linear') throw opError(op, `unknown mode ${String(mode)}`);
  const axes = options.axes ?? [2, 3];
  if (axes.length !== 2) throw opError(op, `axes must have length 2, got ${axes.length}`);
  if (axes.some((a) => !Number.isInteger(a) || a < 0 || a > 3) || axes[0] === axes[1]) {
    throw opError(op, `axes [${axes.join(',')}] must be two distinct values in 0..3`);
  }
  if (options.sizes && options.sizes.length !== 2) throw opError(op, `sizes must have length 2, got ${options.sizes.length}`);
  const scales = options.scales ?? [1, 1];
  if (!options.sizes) {
    if (scales.length !== 2) throw opError(op, `scales must have length 2, got ${scales.length}`);
    if (scales.some((s) => !(s > 0) || !Number.isFinite(s))) throw opError(op, `scales [${scales.join(',')}] must be positive`);
  }
  const plans: AxisPlan[] = axes.map((axis, k) => {
    const inSize = input.shape[axis]!;
    const size = options.sizes?.[k];
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) throw opError(op, `sizes must be positive integers`);
    const outSize = size ?? Math.floor(inSize * scales[k]!);
    if (outSize < 1) throw opError(op, `output size along axis ${axis} is empty`);
    return { axis, inSize, outSize, scale: size !== undefined ? size / inSize : scales[k]! };
  });
  const shape = [...input.shape];
  for (const p of plans) shape[p.axis] = p.outSize;

  const nhwcAxes = (axes[0] === 1 && axes[1] === 2);
  const spec: OpSpec | undefined = mode === 'linear'
    ? { type: 'resample', inputs: [input], axes: [axes[0]!, axes[1]!], scales: [plans[0]!.scale, plans[1]!.scale] }
    : undefined;
  const exactRatio = plans.every((p) => p.outSize / p.inSize === p.scale);
  if (mode === 'linear' && nhwcAxes && exactRatio) {
    const size: [number, number] = [plans[0]!.outSize, plans[1]!.outSize];
    return {
      dataType: input.dataType, shape, inputs: [input],
      // The kernel itself (WebNN's input is always 4-D): tfjs-core's resizeBilinear op sits in its `image`
      // namespace, which a bundler keeps whole.
      kernel: (tf, [x]) => tf.engine().runKernel(tf.ResizeBilinear, { images: x! }, { size, alignCorners: false, halfPixelCenters: true }) as Tensor,
      spec,
    };
  }

  const tables: PolyfillOperand[] = [];
  for (const p of plans) {
    if (p.inSize === p.outSize && p.scale === 1) continue; // identity along this axis
    if (mode === 'nearest-neighbor') {
      const index = new Int32Array(p.outSize);
      for (let o = 0; o < p.outSize; o++) index[o] = Math.ceil(sourceCoordinate(p, o) - 0.5);
      tables.push(ctx.constant(index, [p.outSize]));
    } else {
      const lo = new Int32Array(p.outSize);
      const hi = new Int32Array(p.outSize);
      const weight = new Float32Array(p.outSize);
      for (let o = 0; o < p.outSize; o++) {
        const src = sourceCoordinate(p, o);
        lo[o] = Math.floor(src);
        hi[o] = Math.ceil(src);
        weight[o] = src - Math.floor(src);
      }
      tables.push(ctx.constant(lo, [p.outSize]), ctx.constant(hi, [p.outSize]), ctx.constant(weight, axisShape(4, p.axis, p.outSize)));
    }
  }
  const activeAxes = plans.filter((p) => !(p.inSize === p.outSize && p.scale === 1)).map((p) => p.axis);
  const linear = mode === 'linear';
  return {
    dataType: input.dataType,
    shape,
    inputs: [input, ...tables],
    kernel: (tf, [x, ...t]) => {
      let y: Tensor = activeAxes.length === 0 ? tf.clone(x!) : x!;
      let k = 0;
      for (const axis of activeAxes) {
        if (!linear) {
          y = tf.gather(y, t[k++]!, axis);
          continue;
        }
        const y0 = tf.gather(y, t[k++]!, axis);
        const y1 = tf.gather(y, t[k++]!, axis);
        y = tf.add(y0, tf.mul(tf.sub(y1, y0), t[k++]!));
      }
      return y;
    },
    ...(spec ? { spec } : {}),
  };
}
