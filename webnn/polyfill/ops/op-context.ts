// What an op translator may ask of the builder: constants and derived operands of its own, so that work that
// depends only on constants (filter re-layout, index tables) is folded once at build() time.
import type { MLConv2dFilterOperandLayout, MLOperandDataType } from '../../types.ts';
import type { PolyfillOperand } from '../operand.ts';
import type { Kernel } from '../tf.ts';

export interface OpContext {
  /** An internal operand computed from `inputs` (folded at build time when they are all constant). */
  derive(op: string, inputs: readonly PolyfillOperand[], dataType: MLOperandDataType, shape: readonly number[], kernel: Kernel): PolyfillOperand;
  /** An internal constant. */
  constant(values: Float32Array | Int32Array, shape: readonly number[]): PolyfillOperand;
}

/** The result of an op translator: output descriptor, operand inputs of the kernel, and the kernel. */
export interface OpResult {
  dataType: MLOperandDataType;
  shape: number[];
  inputs: PolyfillOperand[];
  kernel: Kernel;
  /** The same computation followed by relu in one kernel, where the engine can fuse it (see compile.ts). */
  reluKernel?: Kernel;
  /** Marks a constant-zero pad of the last axis's end only (see compile.ts). */
  lastAxisZeroPad?: boolean;
  /** What the op computes, for engines that plan the graph themselves (the wasm engine); absent: they can't. */
  spec?: OpSpec;
}

/**
 * An op as the wasm engine plans it: its WebNN inputs (not the TensorFlow.js kernel's, which may be re-laid-out
 * copies) and its options, validated and with defaults filled in. Window ops are 2-D with padding
 * [top, bottom, left, right]; `nhwc` says whether the spatial axes are 1 and 2 (else 2 and 3).
 */
export type OpSpec = { inputs: readonly PolyfillOperand[] } & (
  | {
      type: 'conv2d';
      nhwc: boolean;
      filterLayout: MLConv2dFilterOperandLayout;
      groups: number;
      strides: readonly [number, number];
      dilations: readonly [number, number];
      padding: readonly [number, number, number, number];
    }
  | { type: 'clamp'; min: number; max: number }
  | { type: 'sigmoid' }
  | { type: 'add' }
  | {
      type: 'pool';
      kind: 'max' | 'avg';
      nhwc: boolean;
      window: readonly [number, number];
      strides: readonly [number, number];
      dilations: readonly [number, number];
      padding: readonly [number, number, number, number];
    }
  | { type: 'pad'; beginning: readonly number[]; value: number }
  | { type: 'resample'; axes: readonly [number, number]; scales: readonly [number, number] }
  /** The same values under another shape or type: a reshape, or a cast that changes no value (to float32 from float32 or float16). */
  | { type: 'reshape' }
  | { type: 'concat'; axis: number }
  | { type: 'transpose'; permutation: readonly number[] }
  | { type: 'slice'; starts: readonly number[]; strides: readonly number[] }
);

export const NCHW_TO_NHWC = [0, 2, 3, 1];
export const NHWC_TO_NCHW = [0, 3, 1, 2];
