// Which ops of a graph the wasm engine computes inside another op's kernel: a convolution absorbs the residual
// add that follows it (with that add's channel zero-pad) and the activation after that; an add absorbs its pad and
// activation. An op is absorbed only where its value has no other reader and is not a graph output.
import type { PolyfillOperand } from '../operand.ts';
import { specOf } from './engine-support.ts';

export interface Fusions {
  /** Operands computed inside their consumer's kernel: no step and no buffer of their own. */
  absorbed: Set<PolyfillOperand>;
  /** A producer -> the clamp it absorbs. */
  activation: Map<PolyfillOperand, { min: number; max: number }>;
  /** A convolution -> the residual operand it adds (which may have fewer channels). */
  residual: Map<PolyfillOperand, PolyfillOperand>;
  /** The last operand of a fused chain -> the producer whose kernel computes it. */
  fusedAs: Map<PolyfillOperand, PolyfillOperand>;
  /** An add -> its padded operand's source. */
  addPad: Map<PolyfillOperand, { full: PolyfillOperand; source: PolyfillOperand }>;
}

/** The fusions of the ops in `order` (topological), whose `outputs` are read after the program. */
export function findFusions(order: readonly PolyfillOperand[], outputs: ReadonlySet<PolyfillOperand>): Fusions {
  const uses = new Map<PolyfillOperand, number>();
  for (const operand of order) {
    if (operand.node.kind === 'op') for (const input of specOf(operand).inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  /** Whether `x`'s value is needed only by its one consumer, so that consumer may compute it in place of a buffer. */
  const fusable = (x: PolyfillOperand) => x.node.kind === 'op' && uses.get(x) === 1 && !outputs.has(x);
  const spec = (x: PolyfillOperand) => (x.node.kind === 'op' ? specOf(x) : undefined);
  /** A constant-zero pad of the last axis's end only: what an add or a convolution's residual can absorb. */
  const channelPad = (x: PolyfillOperand) => {
    const s = spec(x);
    if (s?.type !== 'pad' || s.value !== 0 || !fusable(x)) return undefined;
    const source = s.inputs[0]!;
    const rank = x.shape.length;
    const onlyLast = s.beginning.every((b) => b === 0) && x.shape.every((d, i) => i === rank - 1 || d === source.shape[i]);
    return onlyLast ? source : undefined;
  };

  // Fusion: operands computed inside their consumer's kernel, and what each kernel absorbs.
  const absorbed = new Set<PolyfillOperand>();
  const activation = new Map<PolyfillOperand, { min: number; max: number }>(); // producer -> clamp it absorbs
  const residual = new Map<PolyfillOperand, PolyfillOperand>(); // conv -> residual operand (maybe fewer channels)
  const fusedAs = new Map<PolyfillOperand, PolyfillOperand>(); // final operand -> the producer whose kernel computes it
  const addPad = new Map<PolyfillOperand, { full: PolyfillOperand; source: PolyfillOperand }>(); // add -> its padded operand's source
  for (const operand of order) {
    const s = spec(operand);
    if (!s) continue;
    if (s.type === 'add') {
      const [a, b] = s.inputs as [PolyfillOperand, PolyfillOperand];
      // conv + add(residual) -> the convolution's epilogue
      let fused = false;
      for (const [conv, other] of [[a, b], [b, a]] as const) {
        const cs = spec(conv);
        if (cs?.type !== 'conv2d' || !cs.nhwc || !fusable(conv) || residual.has(conv)) continue;
        const source = channelPad(other) ?? other;
        if (source === conv || source.shape.length !== 4 || source.shape.slice(0, 3).some((d, i) => d !== conv.shape[i])) continue;
        if (source.shape[3]! > conv.shape[3]!) continue;
        if (source !== other) absorbed.add(other);
        residual.set(conv, source);
        absorbed.add(conv);
        fusedAs.set(operand, conv);
        fused = true;
        break;
      }
      if (fused) continue;
      // add(x, pad(y)) -> one pass treating y's missing channels as zeros
      for (const [full, padded] of [[a, b], [b, a]] as const) {
        const source = channelPad(padded);
        if (!source || full.shape.length !== padded.shape.length || full.shape.some((d, i) => d !== padded.shape[i])) continue;
        absorbed.add(padded);
        addPad.set(operand, { full, source });
        break;
      }
      continue;
    }
    if (s.type === 'clamp') {
      const input = s.inputs[0]!;
      const producer = fusedAs.get(input) ?? input;
      const ps = spec(producer);
      if ((ps?.type === 'conv2d' || ps?.type === 'add') && fusable(input) && !activation.has(producer)) {
        activation.set(producer, { min: s.min, max: s.max });
        absorbed.add(input);
        fusedAs.set(operand, producer);
      }
    }
  }
  return { absorbed, activation, residual, fusedAs, addPad };
}
