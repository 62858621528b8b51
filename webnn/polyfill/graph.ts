// A compiled graph: constants resident on the context's engine, and a flat list of steps over numbered
// slots. run() is what every dispatch executes, so it allocates nothing but what tfjs itself needs.
import type { MLOperandDescriptor } from '../types.ts';
import type { CompiledGraph } from './context.ts';
import type { TfjsContext } from './tfjs-context.ts';
import type { Kernel, Tensor } from './tf.ts';

export interface Step {
  kernel: Kernel;
  args: readonly number[];
  out: number;
  /** Reused argument array for this step's kernel. */
  scratch: Tensor[];
}

export interface GraphPlan {
  slotCount: number;
  steps: Step[];
  inputs: ReadonlyMap<string, { slot: number; descriptor: MLOperandDescriptor }>;
  outputs: ReadonlyMap<string, { slot: number; descriptor: MLOperandDescriptor }>;
  constantSlots: readonly number[];
  constantTensors: readonly Tensor[];
}

export class PolyfillGraph implements CompiledGraph {
  readonly #plan: GraphPlan;
  readonly #slots: Array<Tensor | undefined>;
  readonly #outputSlots: number[];
  readonly #aliasSlots: Set<number>;
  readonly #results: Tensor[];
  #destroyed = false;

  constructor(readonly context: TfjsContext, plan: GraphPlan) {
    this.#plan = plan;
    this.#slots = new Array<Tensor | undefined>(plan.slotCount);
    plan.constantSlots.forEach((slot, i) => (this.#slots[slot] = plan.constantTensors[i]));
    this.#outputSlots = [...plan.outputs.values()].map((o) => o.slot);
    // Outputs that would alias a constant must be copied, or the caller's MLTensor would own our constant.
    this.#aliasSlots = new Set(plan.constantSlots);
    this.#results = new Array<Tensor>(this.#outputSlots.length);
    context.track(this);
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get inputDescriptors(): ReadonlyMap<string, { slot: number; descriptor: MLOperandDescriptor }> {
    return this.#plan.inputs;
  }

  get outputDescriptors(): ReadonlyMap<string, { slot: number; descriptor: MLOperandDescriptor }> {
    return this.#plan.outputs;
  }

  /**
   * Runs the steps with `inputs[k]` in input slot k (in inputDescriptors order); returns the output tensors in
   * outputDescriptors order. Intermediates are disposed by tf.tidy; only the returned tensors survive.
   */
  run(inputSlots: readonly number[], inputs: readonly Tensor[]): readonly Tensor[] {
    const tf = this.context.tf;
    const slots = this.#slots;
    const results = tf.tidy(() => {
      for (let i = 0; i < inputSlots.length; i++) slots[inputSlots[i]!] = inputs[i];
      const steps = this.#plan.steps;
      for (let s = 0; s < steps.length; s++) {
        const step = steps[s]!;
        const scratch = step.scratch;
        for (let a = 0; a < step.args.length; a++) scratch[a] = slots[step.args[a]!]!;
        slots[step.out] = step.kernel(tf, scratch);
      }
      const out = this.#results;
      for (let o = 0; o < this.#outputSlots.length; o++) {
        const slot = this.#outputSlots[o]!;
        const t = slots[slot]!;
        // An identity kernel may hand back a tensor owned by someone else (input or constant): copy it.
        out[o] = this.#aliasSlots.has(slot) || inputs.includes(t) ? tf.clone(t) : t;
      }
      return out;
    });
    // Drop references so intermediates can be collected; constants stay in their slots.
    for (let i = 0; i < slots.length; i++) if (!this.#aliasSlots.has(i)) slots[i] = undefined;
    return results;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const t of this.#plan.constantTensors) t.dispose();
    this.#slots.fill(undefined);
    this.context.untrack(this);
  }
}
