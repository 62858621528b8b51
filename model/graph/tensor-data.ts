// Reads constant tensors of an imported model as numbers. float16 weights are widened to float32 here,
// once, at build time: the conversion is exact (every float16 value is a float32 value), which is what
// TFLite's DEQUANTIZE does, and it spares every engine a per-inference cast.

import { float16ToFloat32 } from '../../webnn/polyfill/float16.ts';
import { ModelFormatError, type ImportedModel, type ImportedTensor } from '../readers/imported-model.ts';

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function view(tensor: ImportedTensor, source: string): DataView {
  if (!tensor.data) throw new ModelFormatError(source, `tensor "${tensor.name}" is used as a constant but has no data`);
  return new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
}

/** A constant tensor's values as float32 (float32 and float16 tensors). */
export function readFloat32(tensor: ImportedTensor, source: string): Float32Array {
  const data = view(tensor, source);
  const count = elementCount(tensor.shape);
  // Copied into a buffer of its own, aligned for the typed array (model files are little-endian, as every
  // platform a browser runs on is).
  const bytes = () => new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer;
  if (tensor.dataType === 'float32' && data.byteLength === count * 4) return new Float32Array(bytes());
  if (tensor.dataType === 'float16' && data.byteLength === count * 2) return float16ToFloat32(new Uint16Array(bytes()));
  throw new ModelFormatError(
    source,
    `tensor "${tensor.name}" (${tensor.dataType}, shape [${tensor.shape}]) has ${data.byteLength} bytes of data, which does not fit a float constant`,
  );
}

/** A constant integer tensor (int32 or int64) as plain numbers, for shapes, paddings and axes. */
export function readIntegers(tensor: ImportedTensor, source: string): number[] {
  const data = view(tensor, source);
  const count = elementCount(tensor.shape);
  const values: number[] = [];
  if (tensor.dataType === 'int32' && data.byteLength === count * 4) {
    for (let i = 0; i < count; i++) values.push(data.getInt32(i * 4, true));
  } else if (tensor.dataType === 'int64' && data.byteLength === count * 8) {
    for (let i = 0; i < count; i++) {
      const value = data.getBigInt64(i * 8, true);
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new ModelFormatError(source, `tensor "${tensor.name}" holds ${value}, too large for a shape or index`);
      }
      values.push(Number(value));
    }
  } else {
    throw new ModelFormatError(source, `tensor "${tensor.name}" (${tensor.dataType}) is not an integer constant`);
  }
  return values;
}

/** The tensor of an operator input, or a format error naming the missing name. */
export function tensorOf(model: ImportedModel, name: string): ImportedTensor {
  const tensor = model.tensors.get(name);
  if (!tensor) throw new ModelFormatError(model.source, `no tensor named "${name}"`);
  return tensor;
}
