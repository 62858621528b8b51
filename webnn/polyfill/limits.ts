// What the TensorFlow.js polyfill really supports, as the spec's MLOpSupportLimits. The builder validates
// against this same table, so opSupportLimits() can never promise more than the builder accepts.
// TensorFlow.js computes in float32/int32 only: float16 exists as constants (decoded exactly to float32) that
// must be cast to float32 before use; computing float16 arithmetic in float32 would silently differ from spec.
import type { MLOperandDataType, MLOpSupportLimits, MLTensorLimits } from '../types.ts';
import { bytesPerElement } from './constant-data.ts';
import { opError } from './errors.ts';
import { elementCount } from './shape.ts';

const F32: MLOperandDataType[] = ['float32'];
const F32_I32: MLOperandDataType[] = ['float32', 'int32'];

function limits(dataTypes: MLOperandDataType[], min: number, max: number): MLTensorLimits {
  return { dataTypes, rankRange: { min, max } };
}

/** The largest tensor the polyfill accepts: each engine holds a tensor as one typed array or GPU buffer. */
const MAX_TENSOR_BYTE_LENGTH = 2 ** 31 - 1;

/** tfjs supports up to rank 6 for most kernels (slice, transpose, pad on some backends are limited to 6). */
const MAX_RANK = 6;

const any = (types: MLOperandDataType[]) => limits(types, 0, MAX_RANK);
const rank4 = (types: MLOperandDataType[]) => limits(types, 4, 4);
const binary = { a: any(F32_I32), b: any(F32_I32), output: any(F32_I32) };
const unaryF32 = { input: any(F32), output: any(F32) };
const dataMovement = { input: any(F32_I32), output: any(F32_I32) };

export const OP_LIMITS: Record<string, Record<string, MLTensorLimits>> = {
  conv2d: { input: rank4(F32), filter: rank4(F32), bias: limits(F32, 1, 1), output: rank4(F32) },
  add: binary,
  sub: binary,
  mul: binary,
  div: { a: any(F32), b: any(F32), output: any(F32) },
  max: binary,
  min: binary,
  relu: unaryF32,
  sigmoid: unaryF32,
  clamp: unaryF32,
  pad: dataMovement,
  maxPool2d: { input: rank4(F32), output: rank4(F32) },
  averagePool2d: { input: rank4(F32), output: rank4(F32) },
  reshape: dataMovement,
  concat: { inputs: any(F32_I32), output: any(F32_I32) },
  transpose: dataMovement,
  slice: dataMovement,
  resample2d: { input: rank4(F32), output: rank4(F32) },
  cast: { input: any(['float32', 'float16', 'int32']), output: any(F32_I32) },
};

export function opSupportLimits(): MLOpSupportLimits {
  const result: MLOpSupportLimits = {
    preferredInputLayout: 'nhwc', // tfjs kernels are NHWC; NCHW costs two transposes per op
    maxTensorByteLength: MAX_TENSOR_BYTE_LENGTH,
    input: any(F32_I32),
    constant: any(['float32', 'float16', 'int32']),
    output: any(F32_I32),
  };
  // Fresh copies so callers may mutate what they get.
  for (const [op, operands] of Object.entries(OP_LIMITS)) result[op] = structuredClone(operands);
  return result;
}

/** Throws the spec's TypeError when an operand's dataType or rank is outside what `op` supports here. */
export function checkLimits(op: string, operand: string, value: { dataType: MLOperandDataType; shape: readonly number[] }): void {
  const entry = OP_LIMITS[op]?.[operand];
  if (!entry) return;
  if (!entry.dataTypes.includes(value.dataType)) {
    throw opError(op, `${operand} dataType ${value.dataType} is not supported (supported: ${entry.dataTypes.join(', ')})`);
  }
  const rank = value.shape.length;
  if (rank < entry.rankRange.min || rank > entry.rankRange.max) {
    const expected = entry.rankRange.min === entry.rankRange.max ? `${entry.rankRange.min}` : `${entry.rankRange.min}..${entry.rankRange.max}`;
    throw opError(op, `${operand} must have rank ${expected}, got rank ${rank}`);
  }
}

/**
 * Throws the spec's TypeError when an operand holds more than maxTensorByteLength bytes: a shape that is valid
 * but absurd (a corrupt model's padding of billions, say) fails while the graph is built, not as an engine's
 * allocation error when it runs.
 */
export function checkByteLength(op: string, operand: string, value: { dataType: MLOperandDataType; shape: readonly number[] }): void {
  const byteLength = elementCount(value.shape) * bytesPerElement(value.dataType);
  if (byteLength > MAX_TENSOR_BYTE_LENGTH) {
    throw opError(op, `${operand} [${value.shape.join(',')}] would hold ${byteLength} bytes, more than maxTensorByteLength (${MAX_TENSOR_BYTE_LENGTH})`);
  }
}
