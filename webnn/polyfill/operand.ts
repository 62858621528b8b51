// The polyfill's MLOperand: a node of the graph being built. The builder tag lets every op reject operands
// that another builder made, as the spec requires.
import type { MLOperand, MLOperandDataType } from '../types.ts';
import type { OpSpec } from './ops/op-context.ts';
import type { Kernel } from './tf.ts';

export type OperandNode =
  | { kind: 'input'; name: string }
  | { kind: 'constant'; values: Float32Array | Int32Array }
  | {
      kind: 'op';
      op: string;
      inputs: readonly PolyfillOperand[];
      kernel: Kernel;
      reluKernel?: Kernel;
      /** A constant-zero pad of the last axis's end only, which a fused add+relu can absorb (see compile.ts). */
      lastAxisZeroPad?: boolean;
      /** What the op computes, for the wasm engine's planner (see ops/op-context.ts). */
      spec?: OpSpec;
    };

export class PolyfillOperand implements MLOperand {
  readonly shape: readonly number[];

  constructor(
    readonly builder: object,
    readonly dataType: MLOperandDataType,
    shape: readonly number[],
    readonly node: OperandNode,
  ) {
    this.shape = Object.freeze([...shape]);
  }
}
