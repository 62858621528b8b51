// The polyfill's MLContext on one TensorFlow.js engine (webgpu, webgl, tfjs-wasm, cpu).
//
// tfjs-core has one active backend per page, and a kernel whose input lives on another backend first copies
// that input over. So every entry point that touches the engine calls activate(), which switches the global
// backend to this context's engine. For an already initialised backend tf.setBackend() completes
// synchronously (no await before the switch), so dispatch() stays synchronous, and each context's tensors
// (constants, MLTensors) are created on and computed by its own engine: no cross-engine copies, even with
// several contexts on different engines in one page. Sharing a page with other tfjs users means they must
// likewise set their backend before use.
import type { TfjsEngine } from '../types.ts';
import { compileGraph } from './compile.ts';
import { engineValues } from './constant-data.ts';
import { PolyfillContext, type CompiledGraph } from './context.ts';
import { PolyfillGraph } from './graph.ts';
import type { PolyfillOperand } from './operand.ts';
import type { PolyfillTensor } from './tensor.ts';
import type { Tensor, Tf } from './tf.ts';
import { watchEngineLoss } from './loss.ts';
import { tfjsBackend } from './tfjs-engines.ts';

export class TfjsContext extends PolyfillContext<Tensor> {
  readonly accelerated: boolean;
  /** tfjs's name of this context's backend. */
  readonly backend: string;
  readonly #inputScratch: Tensor[] = [];
  readonly #inputSlots: number[] = [];

  constructor(readonly tf: Tf, readonly engine: TfjsEngine) {
    super();
    this.accelerated = engine === 'webgl' || engine === 'webgpu';
    this.backend = tfjsBackend(engine);
    watchEngineLoss(tf, engine, (message) => this.lose(message));
  }

  /** Makes this context's engine the active tfjs backend (synchronous once the engine is initialised). */
  activate(): void {
    if (this.tf.getBackend() !== this.backend) void this.tf.setBackend(this.backend);
  }

  compile(outputs: ReadonlyMap<string, PolyfillOperand>): Promise<PolyfillGraph> {
    return compileGraph(this, outputs);
  }

  release(contents: Tensor): void {
    contents.dispose();
  }

  memory(): { tensors: number; bytes: number } {
    this.activate();
    const { numTensors, numBytes } = this.tf.memory();
    return { tensors: numTensors, bytes: numBytes };
  }

  protected write(tensor: PolyfillTensor<Tensor>, bytes: Uint8Array): void {
    this.activate();
    tensor.replace(this.tf.tensor(engineValues(tensor.dataType, bytes), [...tensor.shape], tensor.dataType === 'int32' ? 'int32' : 'float32'));
  }

  protected async read(tensor: PolyfillTensor<Tensor>): Promise<Uint8Array | null> {
    if (!tensor.value) return null;
    // A clone shares the data and holds a reference, so a dispatch replacing the value meanwhile cannot free
    // the data under the pending download.
    this.activate();
    const held = this.tf.clone(tensor.value);
    try {
      const raw = await held.data();
      // Engines may keep a cast's data in the source's array type (cpu/webgl relabel int32 data as float32),
      // so convert to the array type the MLTensor's dataType promises before copying bytes.
      const values = tensor.dataType === 'int32'
        ? raw instanceof Int32Array ? raw : Int32Array.from(raw as ArrayLike<number>)
        : raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>);
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    } finally {
      held.dispose();
    }
  }

  protected run(graph: CompiledGraph, inputs: readonly PolyfillTensor<Tensor>[], outputs: readonly PolyfillTensor<Tensor>[]): void {
    const compiled = graph as PolyfillGraph;
    const slots = this.#inputSlots;
    const scratch = this.#inputScratch;
    slots.length = 0;
    scratch.length = 0;
    this.activate();
    let k = 0;
    for (const { slot } of compiled.inputDescriptors.values()) {
      const t = inputs[k++]!;
      // A never-written tensor holds zeros (the spec's initial contents).
      if (!t.value) t.replace(this.tf.zeros([...t.shape], t.dataType === 'int32' ? 'int32' : 'float32'));
      slots.push(slot);
      scratch.push(t.value!);
    }
    const results = compiled.run(slots, scratch);
    for (let i = 0; i < outputs.length; i++) outputs[i]!.replace(results[i]!);
  }
}
