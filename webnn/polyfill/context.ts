// The polyfill's MLContext on one TensorFlow.js engine.
//
// tfjs-core has one active backend per page, and a kernel whose input lives on another backend first copies
// that input over. So every entry point that touches the engine calls activate(), which switches the global
// backend to this context's engine. For an already initialised backend tf.setBackend() completes
// synchronously (no await before the switch), so dispatch() stays synchronous, and each context's tensors
// (constants, MLTensors) are created on and computed by its own engine: no cross-engine copies, even with
// several contexts on different engines in one page. Sharing a page with other tfjs users means they must
// likewise set their backend before use.
import type {
  MLContext, MLGraph, MLNamedTensors, MLOpSupportLimits, MLTensor, MLTensorData, MLTensorDescriptor, PolyfillEngine,
} from '../types.ts';
import { bytesPerElement, copyBytes, engineValues } from './constant-data.ts';
import { invalidState } from './errors.ts';
import { PolyfillGraph } from './graph.ts';
import { checkByteLength, opSupportLimits } from './limits.ts';
import { elementCount } from './shape.ts';
import { PolyfillTensor } from './tensor.ts';
import type { Tensor, Tf } from './tf.ts';
import { watchEngineLoss } from './loss.ts';

interface Destroyable {
  destroy(): void;
}

export class PolyfillContext implements MLContext {
  readonly accelerated: boolean;
  /** Why this engine runs rather than the one the options preferred (see Backend.reason); set by createContext. */
  reason: string | undefined;
  readonly lost: Promise<{ message: string }>;
  #resolveLost!: (info: { message: string }) => void;
  #isLost = false;
  readonly #owned = new Set<Destroyable>();
  readonly #limits = opSupportLimits();
  readonly #inputScratch: Tensor[] = [];
  readonly #inputSlots: number[] = [];

  constructor(readonly tf: Tf, readonly engine: PolyfillEngine) {
    this.accelerated = engine === 'webgl' || engine === 'webgpu';
    this.lost = new Promise((resolve) => (this.#resolveLost = resolve));
    watchEngineLoss(tf, engine, (message) => this.#lose(message));
  }

  get isLost(): boolean {
    return this.#isLost;
  }

  /** Makes this context's engine the active tfjs backend (synchronous once the engine is initialised). */
  activate(): void {
    if (this.tf.getBackend() !== this.engine) void this.tf.setBackend(this.engine);
  }

  track(object: Destroyable): void {
    this.#owned.add(object);
  }

  untrack(object: Destroyable): void {
    this.#owned.delete(object);
  }

  opSupportLimits(): MLOpSupportLimits {
    return this.#limits;
  }

  async createTensor(descriptor: MLTensorDescriptor): Promise<MLTensor> {
    this.#checkAlive('createTensor');
    const types = this.#limits.input.dataTypes;
    if (!types.includes(descriptor.dataType) && !this.#limits.output.dataTypes.includes(descriptor.dataType)) {
      throw new TypeError(`createTensor: dataType ${descriptor.dataType} is not supported (supported: ${types.join(', ')})`);
    }
    if (!Array.isArray(descriptor.shape) || descriptor.shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new TypeError(`createTensor: shape [${String(descriptor.shape)}] must contain positive integers`);
    }
    checkByteLength('createTensor', 'descriptor', descriptor);
    return new PolyfillTensor(this, descriptor);
  }

  writeTensor(tensor: MLTensor, data: MLTensorData): void {
    this.#checkAlive('writeTensor');
    const t = this.#ownTensor('writeTensor', tensor);
    if (!t.writable) throw new TypeError('writeTensor: the tensor was not created with writable: true');
    const bytes = copyBytes('writeTensor', t.dataType, elementCount(t.shape) * bytesPerElement(t.dataType), data);
    this.activate();
    t.replace(this.tf.tensor(engineValues(t.dataType, bytes), [...t.shape], t.dataType === 'int32' ? 'int32' : 'float32'));
  }

  readTensor(tensor: MLTensor): Promise<ArrayBuffer>;
  readTensor(tensor: MLTensor, output: MLTensorData): Promise<undefined>;
  async readTensor(tensor: MLTensor, output?: MLTensorData): Promise<ArrayBuffer | undefined> {
    this.#checkAlive('readTensor');
    const t = this.#ownTensor('readTensor', tensor);
    if (!t.readable) throw new TypeError('readTensor: the tensor was not created with readable: true');
    const byteLength = elementCount(t.shape) * bytesPerElement(t.dataType);
    if (output !== undefined && output.byteLength < byteLength) {
      throw new TypeError(`readTensor: output has ${output.byteLength} bytes, the tensor needs ${byteLength}`);
    }
    let bytes: Uint8Array | null = null;
    if (t.value) {
      // A clone shares the data and holds a reference, so a dispatch replacing t.value meanwhile cannot free
      // the data under the pending download.
      this.activate();
      const held = this.tf.clone(t.value);
      try {
        const raw = await held.data();
        // Engines may keep a cast's data in the source's array type (cpu/webgl relabel int32 data as float32),
        // so convert to the array type the MLTensor's dataType promises before copying bytes.
        const values = t.dataType === 'int32'
          ? raw instanceof Int32Array ? raw : Int32Array.from(raw as ArrayLike<number>)
          : raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>);
        bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      } finally {
        held.dispose();
      }
    }
    if (output === undefined) {
      const result = new ArrayBuffer(byteLength);
      if (bytes) new Uint8Array(result).set(bytes);
      return result; // always a copy: tfjs may cache the array it returned
    }
    const target = ArrayBuffer.isView(output) ? new Uint8Array(output.buffer, output.byteOffset, byteLength) : new Uint8Array(output, 0, byteLength);
    if (bytes) target.set(bytes);
    else target.fill(0);
    return undefined;
  }

  dispatch(graph: MLGraph, inputs: MLNamedTensors, outputs: MLNamedTensors): void {
    this.#checkAlive('dispatch');
    if (!(graph instanceof PolyfillGraph) || graph.context !== this) throw new TypeError('dispatch: graph was not built for this context');
    if (graph.destroyed) throw invalidState('dispatch: graph is destroyed');
    const used = new Set<PolyfillTensor>();
    const slots = this.#inputSlots;
    const scratch = this.#inputScratch;
    slots.length = 0;
    scratch.length = 0;
    this.#checkNames('inputs', inputs, graph.inputDescriptors);
    this.#checkNames('outputs', outputs, graph.outputDescriptors);
    for (const [name, { slot, descriptor }] of graph.inputDescriptors) {
      const t = this.#checkBinding('inputs', name, inputs[name]!, descriptor, used);
      // A never-written tensor holds zeros (the spec's initial contents).
      this.activate();
      if (!t.value) t.replace(this.tf.zeros([...t.shape], t.dataType === 'int32' ? 'int32' : 'float32'));
      slots.push(slot);
      scratch.push(t.value!);
    }
    const targets: PolyfillTensor[] = [];
    for (const [name, { descriptor }] of graph.outputDescriptors) {
      targets.push(this.#checkBinding('outputs', name, outputs[name]!, descriptor, used));
    }
    this.activate();
    const results = graph.run(slots, scratch);
    for (let i = 0; i < targets.length; i++) targets[i]!.replace(results[i]!);
  }

  destroy(): void {
    this.#lose('destroy() was called on the context');
  }

  #lose(message: string): void {
    if (this.#isLost) return;
    this.#isLost = true;
    try {
      for (const object of [...this.#owned]) object.destroy();
    } finally {
      // Said even if freeing a resource throws on the engine that went away.
      this.#resolveLost({ message });
    }
  }

  #checkAlive(method: string): void {
    if (this.#isLost) throw invalidState(`${method}: the context is lost`);
  }

  #ownTensor(method: string, tensor: MLTensor): PolyfillTensor {
    if (!(tensor instanceof PolyfillTensor) || tensor.context !== this) throw new TypeError(`${method}: tensor was not created by this context`);
    if (tensor.destroyed) throw new TypeError(`${method}: tensor is destroyed`);
    return tensor;
  }

  #checkNames(which: string, given: MLNamedTensors, expected: ReadonlyMap<string, unknown>): void {
    const names = Object.keys(given);
    for (const name of names) if (!expected.has(name)) throw new TypeError(`dispatch: ${which} has unknown name "${name}"`);
    if (names.length !== expected.size) {
      const missing = [...expected.keys()].filter((n) => !(n in given));
      throw new TypeError(`dispatch: ${which} is missing ${missing.map((n) => `"${n}"`).join(', ')}`);
    }
  }

  #checkBinding(
    which: string, name: string, tensor: MLTensor, descriptor: { dataType: string; shape: readonly number[] }, used: Set<PolyfillTensor>,
  ): PolyfillTensor {
    const t = this.#ownTensor(`dispatch ${which}["${name}"]`, tensor);
    if (t.dataType !== descriptor.dataType) {
      throw new TypeError(`dispatch: ${which}["${name}"] dataType ${t.dataType} does not match the graph's ${descriptor.dataType}`);
    }
    if (t.shape.length !== descriptor.shape.length || t.shape.some((d, i) => d !== descriptor.shape[i])) {
      throw new TypeError(`dispatch: ${which}["${name}"] shape [${t.shape.join(',')}] does not match the graph's [${descriptor.shape.join(',')}]`);
    }
    if (used.has(t)) throw new TypeError(`dispatch: tensor ${which}["${name}"] is bound more than once`);
    used.add(t);
    return t;
  }
}
