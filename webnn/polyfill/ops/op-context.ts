// What an op translator may ask of the builder: constants and derived operands of its own, so that work that
// depends only on constants (filter re-layout, index tables) is folded once at build() time.
import type { MLOperandDataType } from '../../types.ts';
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
}

export const NCHW_TO_NHWC = [0, 2, 3, 1];
export const NHWC_TO_NCHW = [0, 3, 1, 2];
