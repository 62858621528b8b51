// TypeScript declarations for the parts of the W3C WebNN API (current editor's draft) that blaze-face uses.
// The spec's own names are kept so that native objects and polyfill objects satisfy the same interfaces.
// Deliberately absent: MLContextOptions.deviceType and MLContext.compute(), both removed from the spec.

import type { POLYFILL_ENGINES } from './polyfill/engine-names.ts';

export type MLPowerPreference = 'default' | 'high-performance' | 'low-power';

export interface MLContextOptions {
  powerPreference?: MLPowerPreference;
  /** false asks for a CPU context; powerPreference wins when the two disagree. */
  accelerated?: boolean;
}

export type MLOperandDataType =
  | 'float32'
  | 'float16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'int8'
  | 'uint8';

export interface MLOperandDescriptor {
  dataType: MLOperandDataType;
  shape: readonly number[];
}

export interface MLTensorDescriptor extends MLOperandDescriptor {
  readable?: boolean;
  writable?: boolean;
}

export type MLInputOperandLayout = 'nchw' | 'nhwc';
export type MLConv2dFilterOperandLayout = 'oihw' | 'hwio' | 'ohwi' | 'ihwo';
export type MLPaddingMode = 'constant' | 'edge' | 'reflection';
export type MLRoundingType = 'floor' | 'ceil';
export type MLInterpolationMode = 'nearest-neighbor' | 'linear';

export interface MLOperatorOptions {
  label?: string;
}

export interface MLConv2dOptions extends MLOperatorOptions {
  /** [beginningHeight, endingHeight, beginningWidth, endingWidth] */
  padding?: readonly number[];
  strides?: readonly number[];
  dilations?: readonly number[];
  groups?: number;
  inputLayout?: MLInputOperandLayout;
  filterLayout?: MLConv2dFilterOperandLayout;
  bias?: MLOperand;
}

export interface MLPool2dOptions extends MLOperatorOptions {
  windowDimensions?: readonly number[];
  padding?: readonly number[];
  strides?: readonly number[];
  dilations?: readonly number[];
  layout?: MLInputOperandLayout;
  outputShapeRounding?: MLRoundingType;
  /** The same option under its name before the spec renamed it; Chromium still accepts it. */
  roundingType?: MLRoundingType;
  outputSizes?: readonly number[];
}

export interface MLPadOptions extends MLOperatorOptions {
  mode?: MLPaddingMode;
  value?: number;
}

export interface MLClampOptions extends MLOperatorOptions {
  minValue?: number;
  maxValue?: number;
}

export interface MLResample2dOptions extends MLOperatorOptions {
  mode?: MLInterpolationMode;
  scales?: readonly number[];
  sizes?: readonly number[];
  axes?: readonly number[];
}

export interface MLOperand {
  readonly dataType: MLOperandDataType;
  readonly shape: readonly number[];
}

export interface MLTensor {
  readonly dataType: MLOperandDataType;
  readonly shape: readonly number[];
  readonly readable: boolean;
  readonly writable: boolean;
  destroy(): void;
}

export interface MLGraph {
  destroy(): void;
}

export type MLNamedOperands = Record<string, MLOperand>;
export type MLNamedTensors = Record<string, MLTensor>;

export type MLTensorData = ArrayBuffer | ArrayBufferView;

export interface MLTensorLimits {
  dataTypes: MLOperandDataType[];
  rankRange: { min: number; max: number };
}

/** Per-op limits: one MLTensorLimits per operand name (e.g. input, filter, bias, output). */
export type MLOpSupportLimits = {
  preferredInputLayout: MLInputOperandLayout;
  maxTensorByteLength: number;
  input: MLTensorLimits;
  constant: MLTensorLimits;
  output: MLTensorLimits;
} & { [op: string]: unknown };

export interface MLContext {
  readonly accelerated: boolean;
  readonly lost: Promise<{ message: string }>;
  createTensor(descriptor: MLTensorDescriptor): Promise<MLTensor>;
  writeTensor(tensor: MLTensor, data: MLTensorData): void;
  readTensor(tensor: MLTensor): Promise<ArrayBuffer>;
  readTensor(tensor: MLTensor, output: MLTensorData): Promise<undefined>;
  dispatch(graph: MLGraph, inputs: MLNamedTensors, outputs: MLNamedTensors): void;
  opSupportLimits(): MLOpSupportLimits;
  destroy(): void;
}

/** The builder operations blaze-face's model translators and tests rely on. */
export interface MLGraphBuilder {
  input(name: string, descriptor: MLOperandDescriptor): MLOperand;
  constant(descriptor: MLOperandDescriptor, buffer: MLTensorData): MLOperand;
  conv2d(input: MLOperand, filter: MLOperand, options?: MLConv2dOptions): MLOperand;
  add(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand;
  sub(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand;
  mul(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand;
  div(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand;
  max(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand;
  min(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand;
  relu(input: MLOperand, options?: MLOperatorOptions): MLOperand;
  sigmoid(input: MLOperand, options?: MLOperatorOptions): MLOperand;
  clamp(input: MLOperand, options?: MLClampOptions): MLOperand;
  pad(
    input: MLOperand,
    beginningPadding: readonly number[],
    endingPadding: readonly number[],
    options?: MLPadOptions,
  ): MLOperand;
  maxPool2d(input: MLOperand, options?: MLPool2dOptions): MLOperand;
  averagePool2d(input: MLOperand, options?: MLPool2dOptions): MLOperand;
  reshape(input: MLOperand, newShape: readonly number[], options?: MLOperatorOptions): MLOperand;
  concat(inputs: readonly MLOperand[], axis: number, options?: MLOperatorOptions): MLOperand;
  transpose(input: MLOperand, options?: MLOperatorOptions & { permutation?: readonly number[] }): MLOperand;
  slice(
    input: MLOperand,
    starts: readonly number[],
    sizes: readonly number[],
    options?: MLOperatorOptions & { strides?: readonly number[] },
  ): MLOperand;
  resample2d(input: MLOperand, options?: MLResample2dOptions): MLOperand;
  cast(input: MLOperand, type: MLOperandDataType, options?: MLOperatorOptions): MLOperand;
  build(outputs: MLNamedOperands): Promise<MLGraph>;
}

export interface ML {
  createContext(options?: MLContextOptions): Promise<MLContext>;
}

export interface MLGraphBuilderConstructor {
  new (context: MLContext): MLGraphBuilder;
}

/**
 * Engines a context can run on: the browser's own WebNN, or one of the polyfill's: `wasm`, our own CPU engine
 * (WebAssembly SIMD, the whole graph in one call), or one of TensorFlow.js's backends (`webgpu`, `webgl`,
 * `tfjs-wasm`, `cpu`).
 */
export type Engine = 'webnn' | PolyfillEngine;
export type PolyfillEngine = (typeof POLYFILL_ENGINES)[number];
/** The polyfill's engines that TensorFlow.js runs. */
export type TfjsEngine = Exclude<PolyfillEngine, 'wasm'>;
export type Implementation = 'native' | 'polyfill';

export interface Backend {
  implementation: Implementation;
  engine: Engine;
  /**
   * Threads a polyfill CPU engine runs: 1 on `wasm`; on `tfjs-wasm`, 1 unless the page has shared memory, and there
   * the count configurePolyfill() set, else the fastest of 1, 2 and 4 as the first detector measured it on its graph.
   */
  threads?: number;
  /**
   * Why the polyfill runs on this engine instead of the one the options preferred, e.g. that
   * 'high-performance' found only a software GPU; absent when the preferred (or named) engine runs.
   */
  reason?: string;
}
