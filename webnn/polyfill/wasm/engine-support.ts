// What the wasm engine can plan. A graph with anything else (another data type, an op the engine lacks, a layout
// its kernels do not take) is refused while it is planned, with the reason, and runs whole on another engine.
import type { PolyfillOperand } from '../operand.ts';
import type { OpSpec } from '../ops/op-context.ts';

/** Why a graph cannot run on the wasm engine: it then runs whole on another engine (see context.ts). */
export class UnsupportedByEngine extends Error {}

/** Which spec describes an operand's op, or why the engine can't plan it. */
export function specOf(operand: PolyfillOperand): OpSpec {
  const node = operand.node;
  if (node.kind !== 'op') throw new Error('specOf: not an op');
  if (!node.spec) throw new UnsupportedByEngine(`${node.op}${node.op === 'pad' ? ' (edge or reflection mode)' : ''}`);
  return node.spec;
}
