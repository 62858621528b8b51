// Turns the recorded nodes reachable from the outputs into a flat step list over numbered slots. Everything
// that depends only on constants (filter re-layouts, float16 casts, ...) is evaluated here once, so the engine
// holds each weight exactly once, in the form the kernels consume, and dispatch does no constant work.
import type { MLOperandDescriptor } from '../types.ts';
import type { TfjsContext } from './tfjs-context.ts';
import { PolyfillGraph, type Step } from './graph.ts';
import { topologicalOrder, type OperandNode, type PolyfillOperand } from './operand.ts';
import type { Tensor } from './tf.ts';

export async function compileGraph(context: TfjsContext, outputs: ReadonlyMap<string, PolyfillOperand>): Promise<PolyfillGraph> {
  const order = topologicalOrder(outputs.values(), (operand) => (operand.node.kind === 'op' ? operand.node.inputs : []));

  // relu fusion: a relu whose input is an op offering a fused variant (conv2d), used by nothing else and not a
  // graph output, runs as that one fused kernel; the producer gets no step or slot of its own.
  const uses = new Map<PolyfillOperand, number>();
  for (const operand of order) {
    if (operand.node.kind === 'op') for (const input of operand.node.inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  const outputOperands = new Set(outputs.values());
  const fusedProducer = new Map<PolyfillOperand, PolyfillOperand>(); // relu -> its absorbed producer
  const fusedInputs = new Map<PolyfillOperand, readonly PolyfillOperand[]>(); // relu -> inputs of its fused kernel
  const absorbed = new Set<PolyfillOperand>();
  const singleUse = (x: PolyfillOperand) => uses.get(x) === 1 && !outputOperands.has(x);
  for (const operand of order) {
    const node = operand.node;
    if (node.kind !== 'op' || node.op !== 'relu') continue;
    const producer = node.inputs[0]!;
    const inner = producer.node;
    if (inner.kind !== 'op' || !inner.reluKernel || !singleUse(producer)) continue;
    fusedProducer.set(operand, producer);
    absorbed.add(producer);
    // add+relu also absorbs a zero pad of the last axis on one side (a residual join: add(y, pad(x)) -> relu):
    // its kernel takes the unpadded operand second and treats the missing channels as zeros.
    if (inner.op !== 'add') continue;
    const padIndex = inner.inputs.findIndex((x) => x.node.kind === 'op' && x.node.lastAxisZeroPad === true && singleUse(x));
    if (padIndex < 0) continue;
    const padded = inner.inputs[padIndex]!;
    if (padded.node.kind !== 'op') continue;
    fusedInputs.set(operand, [inner.inputs[1 - padIndex]!, padded.node.inputs[0]!]);
    absorbed.add(padded);
  }

  const tf = context.tf;
  context.activate();
  const slotOf = new Map<PolyfillOperand, number>();
  const constantTensors: Tensor[] = [];
  const constantSlots: number[] = [];
  const inputs = new Map<string, { slot: number; descriptor: MLOperandDescriptor }>();
  const steps: Step[] = [];
  const folded = new Map<PolyfillOperand, Tensor>(); // constant-only values, by operand

  for (const operand of order) {
    const producer = fusedProducer.get(operand);
    const producerNode = producer?.node.kind === 'op' ? producer.node : undefined;
    const node: OperandNode = producerNode
      ? { kind: 'op', op: `${producerNode.op}+relu`, inputs: fusedInputs.get(operand) ?? producerNode.inputs, kernel: producerNode.reluKernel! }
      : operand.node;
    if (absorbed.has(operand)) continue; // computed inside a relu's fused kernel
    if (node.kind === 'constant') {
      folded.set(operand, tf.tensor(node.values, [...operand.shape], node.values instanceof Int32Array ? 'int32' : 'float32'));
      continue;
    }
    if (node.kind === 'op' && node.inputs.every((x) => folded.has(x))) {
      const args = node.inputs.map((x) => folded.get(x)!);
      folded.set(operand, tf.tidy(() => node.kernel(tf, args)));
      continue;
    }
    const slot = slotOf.size;
    slotOf.set(operand, slot);
    if (node.kind === 'input') {
      inputs.set(node.name, { slot, descriptor: { dataType: operand.dataType, shape: operand.shape } });
      continue;
    }
    const args = node.inputs.map((x) => {
      let s = slotOf.get(x);
      if (s === undefined) {
        // A folded value used by a runtime op: give it a permanent slot.
        s = slotOf.size;
        slotOf.set(x, s);
        constantSlots.push(s);
        constantTensors.push(folded.get(x)!);
      }
      return s;
    });
    steps.push({ kernel: node.kernel, args, out: slot, scratch: new Array<Tensor>(args.length) });
  }

  // An output computed from constants alone becomes a constant slot (graph.ts clones it per dispatch).
  for (const operand of outputs.values()) {
    if (slotOf.has(operand)) continue;
    const s = slotOf.size;
    slotOf.set(operand, s);
    constantSlots.push(s);
    constantTensors.push(folded.get(operand)!);
  }

  // Release folded values no runtime step needs (e.g. a float16 constant after its float32 cast was folded).
  const kept = new Set(constantTensors);
  for (const t of folded.values()) if (!kept.has(t)) t.dispose();

  const outputSlots = new Map<string, { slot: number; descriptor: MLOperandDescriptor }>();
  for (const [name, operand] of outputs) {
    outputSlots.set(name, { slot: slotOf.get(operand)!, descriptor: { dataType: operand.dataType, shape: operand.shape } });
  }
  return new PolyfillGraph(context, { slotCount: slotOf.size, steps, inputs, outputs: outputSlots, constantSlots, constantTensors });
}
