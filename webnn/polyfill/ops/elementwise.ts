// Element-wise binary and unary ops, clamp and cast.
import type { MLClampOptions, MLOperandDataType } from '../../types.ts';
import { opError } from '../errors.ts';
import { checkLimits } from '../limits.ts';
import type { PolyfillOperand } from '../operand.ts';
import { broadcastShapes } from '../shape.ts';
import type { Kernel, Tensor, Tf } from '../tf.ts';
import { addRelu } from '../add-relu.ts';
import type { OpResult, OpSpec } from './op-context.ts';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min';

const BINARY: Record<BinaryOp, (tf: Tf, a: Tensor, b: Tensor) => Tensor> = {
  add: (tf, a, b) => tf.add(a, b),
  sub: (tf, a, b) => tf.sub(a, b),
  mul: (tf, a, b) => tf.mul(a, b),
  div: (tf, a, b) => tf.div(a, b),
  max: (tf, a, b) => tf.maximum(a, b),
  min: (tf, a, b) => tf.minimum(a, b),
};

export function binary(op: BinaryOp, a: PolyfillOperand, b: PolyfillOperand): OpResult {
  checkLimits(op, 'a', a);
  checkLimits(op, 'b', b);
  if (a.dataType !== b.dataType) throw opError(op, `a (${a.dataType}) and b (${b.dataType}) must have the same dataType`);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const fn = BINARY[op];
  const kernel: Kernel = (tf, [x, y]) => fn(tf, x!, y!);
  // add followed by relu, without broadcasting: one kernel on the wasm engine (see wasm-add-relu.ts).
  const fusable = op === 'add' && a.dataType === 'float32' && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  return {
    dataType: a.dataType, shape, inputs: [a, b], kernel,
    ...(fusable ? { reluKernel: (tf, [x, y]) => addRelu(tf, x!, y!) } : {}),
    ...(op === 'add' ? { spec: { type: 'add', inputs: [a, b] } } : {}),
  };
}

export function unary(op: 'relu' | 'sigmoid', input: PolyfillOperand): OpResult {
  checkLimits(op, 'input', input);
  const kernel: Kernel = op === 'relu' ? (tf, [x]) => tf.relu(x!) : (tf, [x]) => tf.sigmoid(x!);
  const spec: OpSpec = op === 'relu' ? { type: 'clamp', inputs: [input], min: 0, max: Infinity } : { type: 'sigmoid', inputs: [input] };
  return { dataType: input.dataType, shape: [...input.shape], inputs: [input], kernel, spec };
}

export function clamp(input: PolyfillOperand, options: MLClampOptions): OpResult {
  const op = 'clamp';
  checkLimits(op, 'input', input);
  // The spec's algorithm defaults a missing minValue to +Infinity and a missing maxValue to -Infinity, which
  // would make every one-sided clamp throw; that reads as swapped, so we use the evident intent: no bound.
  const min = options.minValue ?? -Infinity;
  const max = options.maxValue ?? Infinity;
  if (Number.isNaN(min) || Number.isNaN(max)) throw opError(op, 'minValue and maxValue must not be NaN');
  if (min > max) throw opError(op, `minValue (${min}) must not be greater than maxValue (${max})`);
  const hasMin = min !== -Infinity;
  const hasMax = max !== Infinity;
  // Infinite bounds are never passed to the engine (GPU uniforms may not carry them); a missing side is skipped.
  const kernel: Kernel =
    hasMin && hasMax
      ? (tf, [x]) => tf.clipByValue(x!, min, max)
      : hasMin
        ? (tf, [x]) => tf.maximum(x!, min)
        : hasMax
          ? (tf, [x]) => tf.minimum(x!, max)
          : (tf, [x]) => tf.clone(x!); // a clone shares the data; a new handle keeps outputs from aliasing
  return { dataType: input.dataType, shape: [...input.shape], inputs: [input], kernel, spec: { type: 'clamp', inputs: [input], min, max } };
}

export function cast(input: PolyfillOperand, type: MLOperandDataType): OpResult {
  const op = 'cast';
  checkLimits(op, 'input', input);
  checkLimits(op, 'output', { dataType: type, shape: input.shape });
  // float16 operands already hold their exactly decoded float32 values, so float16 -> float32 is free.
  const from = input.dataType === 'int32' ? 'int32' : 'float32';
  const kernel: Kernel =
    from === type
      ? (tf, [x]) => tf.clone(x!)
      : type === 'int32'
        ? // float -> int truncates toward zero per spec; tfjs engines disagree on cast rounding, so truncate first.
          (tf, [x]) => tf.cast(tf.mul(tf.sign(x!), tf.floor(tf.abs(x!))), 'int32')
        : (tf, [x]) => tf.cast(x!, 'float32');
  // To float32 from float32 or float16 the values do not change (float16 ones are held decoded).
  const spec: OpSpec | undefined = type === 'float32' && from === 'float32' ? { type: 'reshape', inputs: [input] } : undefined;
  return { dataType: type, shape: [...input.shape], inputs: [input], kernel, ...(spec ? { spec } : {}) };
}
