// What every polyfill MLContext shares, whatever engine computes: the spec's checks on tensors and dispatch,
// loss, and the resources it owns. An engine supplies how a tensor's contents are held (`Contents`), how a
// built graph is compiled and how a dispatch runs: TfjsContext (tfjs-context.ts) on TensorFlow.js's engines,
// WasmContext (wasm/context.ts) on our own.
import type {
  MLContext, MLGraph, MLNamedTensors, MLOpSupportLimits, MLTensor, MLTensorData, MLTensorDescriptor, PolyfillEngine,
} from '../types.ts';
import { bytesPerElement, copyBytes } from './constant-data.ts';
import { invalidState } from './errors.ts';
import { checkByteLength, opSupportLimits } from './limits.ts';
import type { PolyfillOperand } from './operand.ts';
import { elementCount } from './shape.ts';
import { PolyfillTensor } from './tensor.ts';

interface Destroyable {
  destroy(): void;
}

/** A graph compiled for one context: what dispatch() checks bindings against. */
export interface CompiledGraph extends MLGraph {
  readonly context: MLContext;
  readonly destroyed: boolean;
  readonly inputDescriptors: ReadonlyMap<string, { descriptor: { dataType: string; shape: readonly number[] } }>;
  readonly outputDescriptors: ReadonlyMap<string, { descriptor: { dataType: string; shape: readonly number[] } }>;
}

export abstract class PolyfillContext<Contents = unknown> implements MLContext {
  abstract readonly engine: PolyfillEngine;
  abstract readonly accelerated: boolean;
  /** Why this engine runs rather than the one the options preferred (see Backend.reason); set by createContext. */
  reason: string | undefined;
  readonly lost: Promise<{ message: string }>;
  #resolveLost!: (info: { message: string }) => void;
  #isLost = false;
  readonly #owned = new Set<Destroyable>();
  readonly #limits = opSupportLimits();
  readonly #inputs: PolyfillTensor<Contents>[] = [];
  readonly #outputs: PolyfillTensor<Contents>[] = [];

  constructor() {
    this.lost = new Promise((resolve) => (this.#resolveLost = resolve));
  }

  /** Compiles the nodes reachable from `outputs` (already validated by the builder). */
  abstract compile(outputs: ReadonlyMap<string, PolyfillOperand>): Promise<CompiledGraph>;
  /** Sets a tensor's contents from bytes of its dataType (already checked for size). */
  protected abstract write(tensor: PolyfillTensor<Contents>, bytes: Uint8Array): void;
  /** A tensor's contents as bytes, or null while it holds its initial zeros. */
  protected abstract read(tensor: PolyfillTensor<Contents>): Promise<Uint8Array | null>;
  /** Runs `graph` (one of this context's, checked) on bound tensors, in its descriptors' order. */
  protected abstract run(graph: CompiledGraph, inputs: readonly PolyfillTensor<Contents>[], outputs: readonly PolyfillTensor<Contents>[]): void;
  /** Frees what a tensor's replaced or destroyed contents held. */
  abstract release(contents: Contents): void;
  /** The engine's live tensors and bytes (see engineMemory() in index.ts). */
  abstract memory(): { tensors: number; bytes: number };

  get isLost(): boolean {
    return this.#isLost;
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
    return new PolyfillTensor<Contents>(this, descriptor);
  }

  writeTensor(tensor: MLTensor, data: MLTensorData): void {
    this.#checkAlive('writeTensor');
    const t = this.#ownTensor('writeTensor', tensor);
    if (!t.writable) throw new TypeError('writeTensor: the tensor was not created with writable: true');
    this.write(t, copyBytes('writeTensor', t.dataType, elementCount(t.shape) * bytesPerElement(t.dataType), data));
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
    const bytes = await this.read(t);
    if (output === undefined) {
      const result = new ArrayBuffer(byteLength);
      if (bytes) new Uint8Array(result).set(bytes);
      return result; // always a copy: an engine may keep the array it returned
    }
    const target = ArrayBuffer.isView(output) ? new Uint8Array(output.buffer, output.byteOffset, byteLength) : new Uint8Array(output, 0, byteLength);
    if (bytes) target.set(bytes);
    else target.fill(0);
    return undefined;
  }

  dispatch(graph: MLGraph, inputs: MLNamedTensors, outputs: MLNamedTensors): void {
    this.#checkAlive('dispatch');
    const compiled = graph as Partial<CompiledGraph>;
    if (compiled.context !== this || !compiled.inputDescriptors || !compiled.outputDescriptors) {
      throw new TypeError('dispatch: graph was not built for this context');
    }
    if (compiled.destroyed) throw invalidState('dispatch: graph is destroyed');
    const used = new Set<PolyfillTensor<Contents>>();
    this.#checkNames('inputs', inputs, compiled.inputDescriptors);
    this.#checkNames('outputs', outputs, compiled.outputDescriptors);
    const bound = this.#inputs;
    const targets = this.#outputs;
    bound.length = 0;
    targets.length = 0;
    for (const [name, { descriptor }] of compiled.inputDescriptors) bound.push(this.#checkBinding('inputs', name, inputs[name]!, descriptor, used));
    for (const [name, { descriptor }] of compiled.outputDescriptors) targets.push(this.#checkBinding('outputs', name, outputs[name]!, descriptor, used));
    this.run(compiled as CompiledGraph, bound, targets);
  }

  destroy(): void {
    this.lose('destroy() was called on the context');
  }

  protected lose(message: string): void {
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

  #ownTensor(method: string, tensor: MLTensor): PolyfillTensor<Contents> {
    if (!(tensor instanceof PolyfillTensor) || tensor.context !== this) throw new TypeError(`${method}: tensor was not created by this context`);
    if (tensor.destroyed) throw new TypeError(`${method}: tensor is destroyed`);
    return tensor as PolyfillTensor<Contents>;
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
    which: string, name: string, tensor: MLTensor, descriptor: { dataType: string; shape: readonly number[] }, used: Set<PolyfillTensor<Contents>>,
  ): PolyfillTensor<Contents> {
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
