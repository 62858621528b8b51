// The format-neutral form the model readers produce and the graph translator consumes.
// A reader only decodes the file: it does not interpret operators, fold constants or change layouts.

export type ImportedDataType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'int8';

export interface ImportedTensor {
  name: string;
  dataType: ImportedDataType;
  /** Static shape; [] for scalars. */
  shape: number[];
  /** Little-endian raw bytes for constant tensors (weights, shapes); undefined for activations. */
  data?: Uint8Array;
}

/** An attribute value as the file stores it (ONNX attributes; TFLite builtin options decoded to plain values). */
export type ImportedAttribute = number | string | number[] | boolean | ImportedTensor;

export interface ImportedOperator {
  /** The format's op name: TFLite builtin name (e.g. 'CONV_2D') or ONNX op_type (e.g. 'Conv'). */
  type: string;
  /** Tensor names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, ImportedAttribute>;
}

export interface ImportedModel {
  format: 'tflite' | 'onnx';
  /** File name or URL the model was read from, used in error messages. */
  source: string;
  inputs: string[];
  outputs: string[];
  tensors: Map<string, ImportedTensor>;
  /** In execution (topological) order. */
  operators: ImportedOperator[];
  /** ONNX only: the default-domain opset version, which decides some operators' semantics (e.g. Pad, Resize). */
  opsetVersion?: number;
}

/**
 * Largest model file blaze-face reads: 32 MiB, 15 times the largest BlazeFace file (full range, 1.1 MB).
 * Larger files are refused before any parsing, so a wrong URL (a video, a disk image) cannot exhaust memory.
 */
export const MAX_MODEL_BYTES = 32 * 1024 * 1024;

/** Throws unless `bytes` is within MAX_MODEL_BYTES; the readers call it before decoding anything. */
export function checkModelSize(bytes: Uint8Array, source: string): void {
  if (bytes.length > MAX_MODEL_BYTES) {
    throw new ModelFormatError(source, `the file has ${bytes.length} bytes, over the ${MAX_MODEL_BYTES}-byte limit for model files`);
  }
}

/** A model file that cannot be read: truncated, corrupt, or using something blaze-face does not support. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  constructor(
    readonly source: string,
    message: string,
    /** The operator that is unsupported, when that is the problem. */
    readonly op?: string,
  ) {
    super(`${source}: ${message}`);
  }
}
