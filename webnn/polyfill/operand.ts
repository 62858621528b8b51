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

/**
 * The operands the outputs depend on, each after its inputs (`inputsOf` names an op's inputs), by iterative
 * depth-first search: graphs can be deeper than the call stack.
 */
export function topologicalOrder(
  outputs: Iterable<PolyfillOperand>,
  inputsOf: (operand: PolyfillOperand) => readonly PolyfillOperand[],
): PolyfillOperand[] {
  const order: PolyfillOperand[] = [];
  const seen = new Set<PolyfillOperand>();
  for (const root of outputs) {
    const stack: Array<[PolyfillOperand, boolean]> = [[root, false]];
    while (stack.length) {
      const [operand, expanded] = stack.pop()!;
      if (expanded) { order.push(operand); continue; }
      if (seen.has(operand)) continue;
      seen.add(operand);
      stack.push([operand, true]);
      if (operand.node.kind === 'op') for (const input of inputsOf(operand)) if (!seen.has(input)) stack.push([input, false]);
    }
  }
  return order;
}
