// The polyfill's MLContext on our own CPU engine: each built graph is planned once (plan.ts) into its own
// WebAssembly instance, whose memory holds the packed weights, the inputs, one arena for every intermediate
// tensor and the program; a dispatch copies the inputs in, makes one call into the module, and copies the
// outputs out (or, through graphArena(), the caller writes and reads that memory itself). No TensorFlow.js is loaded unless a graph uses an op the engine lacks: that graph then runs
// whole on the tfjs-wasm engine, and `reason` says so.
import type { MLOperandDescriptor } from '../../types.ts';
import { arenaKey, type GraphArena } from '../arena.ts';
import { PolyfillContext, type CompiledGraph } from '../context.ts';
import { invalidState } from '../errors.ts';
import { engineValues } from '../constant-data.ts';
import type { PolyfillOperand } from '../operand.ts';
import type { PolyfillTensor } from '../tensor.ts';
import { TfjsContext } from '../tfjs-context.ts';
import { loadEngine } from '../tfjs-engines.ts';
import type { PolyfillGraph } from '../graph.ts';
import type { Tensor } from '../tf.ts';
import { engineModule, type EngineModule } from './module.ts';
import { planGraph, UnsupportedByEngine, type Region } from './plan.ts';

type Contents = Float32Array | Int32Array;

interface EngineExports {
  memory: WebAssembly.Memory;
  run(program: number): void;
  heapBase(): number;
}

/** A graph planned onto its own instance of the engine. */
class WasmGraph implements CompiledGraph {
  readonly inputDescriptors: ReadonlyMap<string, { descriptor: MLOperandDescriptor }>;
  readonly outputDescriptors: ReadonlyMap<string, { descriptor: MLOperandDescriptor }>;
  readonly #run: (program: number) => void;
  readonly #programOffset: number;
  /** Views of each input's and output's region, in descriptor order (the memory never grows after planning). */
  readonly inputViews: Float32Array[];
  readonly outputViews: Float32Array[];
  readonly bytes: number;
  /** Multiply-adds per dispatch (read by the bench). */
  readonly macs: number;
  #destroyed = false;
  #arena: GraphArena | undefined;

  constructor(readonly context: WasmContext, instance: WebAssembly.Instance, plan: ReturnType<typeof planGraph>) {
    const exports = instance.exports as unknown as EngineExports;
    const memory = exports.memory;
    const pages = Math.ceil(plan.memoryBytes / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    const buffer = memory.buffer;
    for (const { offset, values } of plan.constants) new Float32Array(buffer, offset, values.length).set(values);
    new Int32Array(buffer, plan.programOffset, plan.program.length).set(plan.program);
    const view = (region: Region) => new Float32Array(buffer, region.offset, region.length);
    this.inputDescriptors = plan.inputs;
    this.outputDescriptors = plan.outputs;
    this.inputViews = [...plan.inputs.values()].map(view);
    this.outputViews = [...plan.outputs.values()].map(view);
    this.#run = exports.run;
    this.#programOffset = plan.programOffset;
    this.bytes = buffer.byteLength;
    this.macs = plan.macs;
    context.track(this);
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  run(): void {
    this.#run(this.#programOffset);
  }

  [arenaKey](): GraphArena | undefined {
    const all = [...this.inputDescriptors.values(), ...this.outputDescriptors.values()];
    if (all.some(({ descriptor }) => descriptor.dataType !== 'float32')) return undefined;
    const byName = (names: Iterable<string>, views: Float32Array[]) => new Map([...names].map((name, i) => [name, views[i]!]));
    this.#arena ??= {
      inputs: byName(this.inputDescriptors.keys(), this.inputViews),
      outputs: byName(this.outputDescriptors.keys(), this.outputViews),
      dispatch: () => {
        if (this.context.isLost) throw invalidState('dispatch: the context is lost');
        if (this.#destroyed) throw invalidState('dispatch: graph is destroyed');
        this.run();
      },
    };
    return this.#arena;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.context.untrack(this);
  }
}

/** A graph the engine cannot plan, run whole on tfjs-wasm with its inputs and outputs copied across. */
class FallbackGraph implements CompiledGraph {
  #destroyed = false;

  constructor(readonly context: WasmContext, readonly inner: PolyfillGraph, readonly engine: TfjsContext) {
    context.track(this);
  }

  get inputDescriptors() {
    return this.inner.inputDescriptors;
  }

  get outputDescriptors() {
    return this.inner.outputDescriptors;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  run(inputs: readonly PolyfillTensor<Contents>[], outputs: readonly PolyfillTensor<Contents>[]): void {
    const tf = this.engine.tf;
    this.engine.activate();
    const slots = [...this.inner.inputDescriptors.values()].map((input) => input.slot);
    const tensors: Tensor[] = inputs.map((t) => tf.tensor(t.value ?? new (t.dataType === 'int32' ? Int32Array : Float32Array)(elementsOf(t)), [...t.shape], t.dataType === 'int32' ? 'int32' : 'float32'));
    try {
      const results = this.inner.run(slots, tensors);
      results.forEach((result, i) => {
        const values = result.dataSync();
        const target = outputs[i]!;
        target.replace(target.dataType === 'int32' ? Int32Array.from(values) : Float32Array.from(values));
        result.dispose();
      });
    } finally {
      for (const t of tensors) t.dispose();
    }
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.inner.destroy();
    this.context.untrack(this);
  }
}

const elementsOf = (t: { shape: readonly number[] }) => t.shape.reduce((a, b) => a * b, 1);

export class WasmContext extends PolyfillContext<Contents> {
  readonly engine = 'wasm' as const;
  readonly accelerated = false;
  readonly #graphs = new Set<WasmGraph>();
  #fallback: Promise<TfjsContext> | undefined;
  #liveTensors = new Set<Contents>();

  constructor(readonly module: EngineModule) {
    super();
  }

  /** Which build of the engine runs: 'relaxed' (relaxed SIMD) or 'plain'. */
  get build(): EngineModule['build'] {
    return this.module.build;
  }

  async compile(outputs: ReadonlyMap<string, PolyfillOperand>): Promise<CompiledGraph> {
    const instance = await WebAssembly.instantiate(this.module.module);
    let plan: ReturnType<typeof planGraph>;
    try {
      plan = planGraph(outputs, (instance.exports as unknown as EngineExports).heapBase());
    } catch (error) {
      if (!(error instanceof UnsupportedByEngine)) throw error;
      return this.#compileOnFallback(outputs, error.message);
    }
    const graph = new WasmGraph(this, instance, plan);
    this.#graphs.add(graph);
    return graph;
  }

  async #compileOnFallback(outputs: ReadonlyMap<string, PolyfillOperand>, why: string): Promise<CompiledGraph> {
    this.#fallback ??= loadEngine('tfjs-wasm').then((tf) => new TfjsContext(tf, 'tfjs-wasm'));
    const engine = await this.#fallback;
    const graph = new FallbackGraph(this, await engine.compile(outputs), engine);
    this.reason = `a graph runs on tfjs-wasm: the wasm engine has no ${why}`;
    return graph;
  }

  release(contents: Contents): void {
    this.#liveTensors.delete(contents);
  }

  memory(): { tensors: number; bytes: number } {
    let bytes = 0;
    for (const graph of this.#graphs) if (!graph.destroyed) bytes += graph.bytes;
    for (const contents of this.#liveTensors) bytes += contents.byteLength;
    return { tensors: this.#liveTensors.size, bytes };
  }

  override untrack(object: { destroy(): void }): void {
    super.untrack(object);
    if (object instanceof WasmGraph) this.#graphs.delete(object);
  }

  protected write(tensor: PolyfillTensor<Contents>, bytes: Uint8Array): void {
    const values = engineValues(tensor.dataType, bytes);
    this.#liveTensors.add(values);
    tensor.replace(values);
  }

  protected async read(tensor: PolyfillTensor<Contents>): Promise<Uint8Array | null> {
    // Copied now: a dispatch may overwrite the contents before the caller's await resumes.
    const values = tensor.value?.slice();
    return values ? new Uint8Array(values.buffer) : null;
  }

  protected run(graph: CompiledGraph, inputs: readonly PolyfillTensor<Contents>[], outputs: readonly PolyfillTensor<Contents>[]): void {
    if (graph instanceof FallbackGraph) {
      graph.run(inputs, outputs);
      for (const output of outputs) this.#liveTensors.add(output.value!);
      return;
    }
    const planned = graph as WasmGraph;
    planned.inputViews.forEach((view, i) => {
      const values = inputs[i]!.value;
      if (values) view.set(values);
      else view.fill(0); // a never-written tensor holds zeros
    });
    planned.run();
    planned.outputViews.forEach((view, i) => {
      const target = outputs[i]!;
      // Written in place when the tensor already holds an array of its size: no allocation per dispatch.
      if (target.value instanceof Float32Array && target.value.length === view.length) {
        target.value.set(view);
      } else {
        const values = view.slice();
        this.#liveTensors.add(values);
        target.replace(values);
      }
    });
  }
}

/** A context on the engine, once its module is compiled; rejects where WebAssembly SIMD is missing. */
export async function createWasmContext(): Promise<WasmContext> {
  return new WasmContext(await engineModule());
}
