// The subset of the TFLite FlatBuffers schema (tensorflow/compiler/mlir/lite/schema/schema.fbs) that
// blaze-face reads: field ids in declaration order (a union occupies two ids: its type, then its value),
// and the enum values we name.

import type { ImportedDataType } from './imported-model.ts';

export const FILE_IDENTIFIER = 'TFL3';

export const MODEL = { operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4 } as const;
export const OPERATOR_CODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;
export const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;
export const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, isVariable: 5, sparsity: 6 } as const;
export const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 } as const;
export const BUFFER = { data: 0, offset: 1, size: 2 } as const;

/** TensorType values we accept, with element sizes. Others (STRING, BOOL, INT16, ...) are refused. */
export const TENSOR_TYPES = new Map<number, { type: ImportedDataType; size: number }>([
  [0, { type: 'float32', size: 4 }],
  [1, { type: 'float16', size: 2 }],
  [2, { type: 'int32', size: 4 }],
  [3, { type: 'uint8', size: 1 }],
  [4, { type: 'int64', size: 8 }],
  [9, { type: 'int8', size: 1 }],
]);

export const TENSOR_TYPE_NAMES: Record<number, string> = {
  5: 'STRING', 6: 'BOOL', 7: 'INT16', 8: 'COMPLEX64', 10: 'FLOAT64', 11: 'COMPLEX128', 12: 'UINT64', 13: 'RESOURCE',
  14: 'VARIANT', 15: 'UINT32', 16: 'UINT16', 17: 'INT4', 18: 'BFLOAT16',
};

/** BuiltinOperator codes of the ops that vision models like BlazeFace use; others are named BUILTIN_<code>. */
export const BUILTIN_NAMES: Record<number, string> = {
  0: 'ADD',
  1: 'AVERAGE_POOL_2D',
  2: 'CONCATENATION',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  5: 'DEPTH_TO_SPACE',
  6: 'DEQUANTIZE',
  8: 'FLOOR',
  9: 'FULLY_CONNECTED',
  14: 'LOGISTIC',
  17: 'MAX_POOL_2D',
  18: 'MUL',
  19: 'RELU',
  20: 'RELU_N1_TO_1',
  21: 'RELU6',
  22: 'RESHAPE',
  23: 'RESIZE_BILINEAR',
  25: 'SOFTMAX',
  26: 'SPACE_TO_DEPTH',
  28: 'TANH',
  32: 'CUSTOM',
  34: 'PAD',
  39: 'TRANSPOSE',
  40: 'MEAN',
  41: 'SUB',
  42: 'DIV',
  43: 'SQUEEZE',
  45: 'STRIDED_SLICE',
  47: 'EXP',
  49: 'SPLIT',
  54: 'PRELU',
  55: 'MAXIMUM',
  57: 'MINIMUM',
  60: 'PADV2',
  65: 'SLICE',
  67: 'TRANSPOSE_CONV',
  97: 'RESIZE_NEAREST_NEIGHBOR',
  98: 'LEAKY_RELU',
  114: 'QUANTIZE',
  117: 'HARD_SWISH',
  124: 'DENSIFY',
};

export const BUILTIN_CUSTOM = 32;

/** Codes at or above this only fit the 32-bit builtin_code field, never the byte-sized deprecated one. */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** BuiltinOptions union member numbers (1-based; 0 is NONE) of the option tables we decode. */
export const OPTIONS = {
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  ConcatenationOptions: 10,
  AddOptions: 11,
  ResizeBilinearOptions: 15,
  ReshapeOptions: 17,
  MulOptions: 21,
  SubOptions: 28,
  DepthToSpaceOptions: 94,
} as const;

export const PADDING = ['SAME', 'VALID'] as const;
export const ACTIVATION = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;
