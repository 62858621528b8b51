// pad: 'constant' through tfjs pad; 'edge' and 'reflection' as one gather per padded axis (tfjs has no edge
// mode, and one mechanism for both keeps them identical across engines).
import type { MLPadOptions } from '../../types.ts';
import { opError } from '../errors.ts';
import { checkLimits } from '../limits.ts';
import type { PolyfillOperand } from '../operand.ts';
import type { Kernel, Tensor, Tf } from '../tf.ts';
import { padIndices } from './gather-index.ts';
import type { OpContext, OpResult } from './op-context.ts';

/** tfjs's WebGL pad shader fails to compile above rank 4 ("Failed to compile fragment shader"). */
const MAX_PAD_KERNEL_RANK = 4;

/** Constant padding as filled blocks concatenated along each padded axis: tfjs concat works at any rank. */
function padByConcat(tf: Tf, x: Tensor, paddings: ReadonlyArray<readonly [number, number]>, value: number): Tensor {
  let y = x;
  paddings.forEach(([begin, end], axis) => {
    if (begin === 0 && end === 0) return;
    const block = (extent: number): Tensor => tf.fill(y.shape.map((d, i) => (i === axis ? extent : d)), value, y.dtype);
    y = tf.concat([...(begin > 0 ? [block(begin)] : []), y, ...(end > 0 ? [block(end)] : [])], axis);
  });
  return y === x ? tf.clone(x) : y;
}

export function pad(
  ctx: OpContext, input: PolyfillOperand, beginning: readonly number[], ending: readonly number[], options: MLPadOptions,
): OpResult {
  const op = 'pad';
  checkLimits(op, 'input', input);
  const rank = input.shape.length;
  if (beginning.length !== rank || ending.length !== rank) {
    throw opError(op, `beginningPadding (${beginning.length}) and endingPadding (${ending.length}) must both have length ${rank}`);
  }
  for (const v of [...beginning, ...ending]) {
    if (!Number.isInteger(v) || v < 0) throw opError(op, `padding values must be non-negative integers`);
  }
  const mode = options.mode ?? 'constant';
  if (mode !== 'constant' && mode !== 'edge' && mode !== 'reflection') throw opError(op, `unknown mode ${String(mode)}`);
  const shape = input.shape.map((d, i) => beginning[i]! + d + ending[i]!);
  checkLimits(op, 'output', { dataType: input.dataType, shape });

  if (mode === 'constant') {
    const value = options.value ?? 0;
    const paddings = input.shape.map((_, i): [number, number] => [beginning[i]!, ending[i]!]);
    const last = rank - 1;
    const lastAxisZeroPad = value === 0 && rank > 0 && paddings.every(([b, e], i) => b === 0 && (e === 0 || i === last));
    const kernel: Kernel = rank <= MAX_PAD_KERNEL_RANK
      ? (tf, [x]) => tf.pad(x!, paddings, value)
      : (tf, [x]) => padByConcat(tf, x!, paddings, value);
    return { dataType: input.dataType, shape, inputs: [input], kernel, lastAxisZeroPad, spec: { type: 'pad', inputs: [input], beginning: [...beginning], value } };
  }

  const axes: number[] = [];
  const tables: PolyfillOperand[] = [];
  input.shape.forEach((dim, axis) => {
    const b = beginning[axis]!;
    const e = ending[axis]!;
    if (b === 0 && e === 0) return;
    if (mode === 'reflection' && (b >= dim || e >= dim)) {
      throw opError(op, `reflection padding (${b}, ${e}) on axis ${axis} must be smaller than its dimension ${dim}`);
    }
    axes.push(axis);
    tables.push(ctx.constant(padIndices(dim, b, e, mode), [b + dim + e]));
  });
  return {
    dataType: input.dataType,
    shape,
    inputs: [input, ...tables],
    kernel: (tf, [x, ...indices]) => {
      let y: Tensor = axes.length === 0 ? tf.clone(x!) : x!;
      for (let k = 0; k < axes.length; k++) y = tf.gather(y, indices[k]!, axes[k]);
      return y;
    },
  };
}
