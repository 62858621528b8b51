// Copies and validates constant() data the way the spec's "validate buffer with descriptor" does, and turns
// it into what the engines compute with (float16 decoded exactly to float32).
import type { MLOperandDataType, MLTensorData } from '../types.ts';
import { opError } from './errors.ts';
import { float16ToFloat32 } from './float16.ts';

const BYTES: Partial<Record<MLOperandDataType, number>> = { float32: 4, float16: 2, int32: 4 };

/** View types the spec accepts per dataType, besides ArrayBuffer and Uint8Array. Uint16Array for float16 follows
 * the spec appendix's note (raw float16 bits), since Float16Array is not available in every browser yet. */
function viewMatches(dataType: MLOperandDataType, view: ArrayBufferView): boolean {
  if (view instanceof Uint8Array) return true;
  const name = view.constructor.name;
  if (dataType === 'float32') return name === 'Float32Array';
  if (dataType === 'int32') return name === 'Int32Array';
  if (dataType === 'float16') return name === 'Float16Array' || name === 'Uint16Array';
  return false;
}

export function bytesPerElement(dataType: MLOperandDataType): number {
  const n = BYTES[dataType];
  if (n === undefined) throw new TypeError(`dataType ${dataType} is not supported by the polyfill`);
  return n;
}

/** A private, aligned copy of `data`'s bytes, after checking its type and length (TypeError naming `op`). */
export function copyBytes(op: string, dataType: MLOperandDataType, expectedBytes: number, data: MLTensorData): Uint8Array {
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer)) {
    bytes = new Uint8Array(data);
  } else if (ArrayBuffer.isView(data)) {
    if (!viewMatches(dataType, data)) throw opError(op, `a ${data.constructor.name} cannot hold ${dataType} data`);
    bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } else {
    throw opError(op, 'data must be an ArrayBuffer or an ArrayBufferView');
  }
  if (bytes.byteLength !== expectedBytes) {
    throw opError(op, `data has ${bytes.byteLength} bytes but the descriptor needs ${expectedBytes}`);
  }
  return bytes.slice(); // a copy: later changes by the caller must not reach the graph
}

/** Values as the engines hold them: float32 for float32/float16, int32 for int32. */
export function engineValues(dataType: MLOperandDataType, bytes: Uint8Array): Float32Array | Int32Array {
  if (dataType === 'float16') return float16ToFloat32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
  if (dataType === 'int32') return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
