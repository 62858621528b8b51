// Data-movement ops: reshape, concat, transpose, slice.
import { opError } from '../errors.ts';
import { checkLimits } from '../limits.ts';
import type { PolyfillOperand } from '../operand.ts';
import { checkDimensions, elementCount } from '../shape.ts';
import type { OpResult, OpSpec } from './op-context.ts';

export function reshape(input: PolyfillOperand, newShape: readonly number[]): OpResult {
  const op = 'reshape';
  checkLimits(op, 'input', input);
  checkDimensions(op, newShape, 'newShape');
  checkLimits(op, 'output', { dataType: input.dataType, shape: newShape });
  const from = elementCount(input.shape);
  const to = elementCount(newShape);
  if (from !== to) {
    throw opError(op, `newShape [${newShape.join(',')}] has ${to} elements but input [${input.shape.join(',')}] has ${from}`);
  }
  const shape = [...newShape];
  return { dataType: input.dataType, shape, inputs: [input], kernel: (tf, [x]) => tf.reshape(x!, shape), spec: { type: 'reshape', inputs: [input] } };
}

export function concat(inputs: readonly PolyfillOperand[], axis: number): OpResult {
  const op = 'concat';
  if (inputs.length === 0) throw opError(op, 'inputs must not be empty');
  const first = inputs[0]!;
  for (const input of inputs) checkLimits(op, 'inputs', input);
  const rank = first.shape.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw opError(op, `axis ${axis} is out of range for rank ${rank}`);
  const shape = [...first.shape];
  for (let k = 1; k < inputs.length; k++) {
    const input = inputs[k]!;
    if (input.dataType !== first.dataType) throw opError(op, `inputs[${k}] dataType ${input.dataType} differs from ${first.dataType}`);
    if (input.shape.length !== rank) throw opError(op, `inputs[${k}] rank ${input.shape.length} differs from ${rank}`);
    for (let d = 0; d < rank; d++) {
      if (d !== axis && input.shape[d] !== first.shape[d]) {
        throw opError(op, `inputs[${k}] shape [${input.shape.join(',')}] differs from [${first.shape.join(',')}] outside axis ${axis}`);
      }
    }
    shape[axis]! += input.shape[axis]!;
  }
  return {
    dataType: first.dataType, shape, inputs: [...inputs],
    kernel: (tf, xs) => tf.concat(xs as Parameters<typeof tf.concat>[0], axis),
    spec: { type: 'concat', inputs: [...inputs], axis },
  };
}

export function transpose(input: PolyfillOperand, permutation: readonly number[] | undefined): OpResult {
  const op = 'transpose';
  checkLimits(op, 'input', input);
  const rank = input.shape.length;
  const perm = permutation ? [...permutation] : input.shape.map((_, i) => rank - 1 - i);
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
    throw opError(op, `permutation [${perm.join(',')}] is not a permutation of 0..${rank - 1}`);
  }
  const shape = perm.map((p) => input.shape[p]!);
  return { dataType: input.dataType, shape, inputs: [input], kernel: (tf, [x]) => tf.transpose(x!, perm), spec: { type: 'transpose', inputs: [input], permutation: perm } };
}

export function slice(input: PolyfillOperand, starts: readonly number[], sizes: readonly number[], strides?: readonly number[]): OpResult {
  const op = 'slice';
  checkLimits(op, 'input', input);
  const rank = input.shape.length;
  if (starts.length !== rank || sizes.length !== rank) {
    throw opError(op, `starts (${starts.length}) and sizes (${sizes.length}) must both have length ${rank} (the input rank)`);
  }
  if (strides && strides.length !== rank) throw opError(op, `strides length ${strides.length} must equal the input rank ${rank}`);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const start = starts[d]!;
    const size = sizes[d]!;
    const stride = strides?.[d] ?? 1;
    const dim = input.shape[d]!;
    if (!Number.isInteger(size) || size < 1) throw opError(op, `sizes[${d}] must be a positive integer, got ${size}`);
    if (!Number.isInteger(stride) || stride < 1) throw opError(op, `strides[${d}] must be a positive integer, got ${stride}`);
    if (!Number.isInteger(start) || start < 0 || start + size > dim) {
      throw opError(op, `starts[${d}] + sizes[${d}] (${start} + ${size}) exceeds the input dimension ${dim}`);
    }
    shape.push(Math.ceil(size / stride));
  }
  const begin = [...starts];
  const spec: OpSpec = { type: 'slice', inputs: [input], starts: begin, strides: starts.map((_, d) => strides?.[d] ?? 1) };
  if (strides && strides.some((s) => s !== 1)) {
    const end = starts.map((s, d) => s + sizes[d]!);
    const steps = [...strides];
    return { dataType: input.dataType, shape, inputs: [input], kernel: (tf, [x]) => tf.stridedSlice(x!, begin, end, steps), spec };
  }
  const size = [...sizes];
  return { dataType: input.dataType, shape, inputs: [input], kernel: (tf, [x]) => tf.slice(x!, begin, size), spec };
}
