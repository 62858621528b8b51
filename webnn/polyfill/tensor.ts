// The polyfill's MLTensor: a descriptor plus what currently holds its contents on the context's engine (a
// TensorFlow.js tensor on a GPU texture or wasm heap, or a typed array for our wasm engine).
import type { MLOperandDataType, MLTensor, MLTensorDescriptor } from '../types.ts';

/** What a tensor needs of its context (context.ts): to be owned, and to free replaced contents. */
interface TensorOwner<Contents> {
  track(tensor: object): void;
  untrack(tensor: object): void;
  release(contents: Contents): void;
}

export class PolyfillTensor<Contents = unknown> implements MLTensor {
  readonly dataType: MLOperandDataType;
  readonly shape: readonly number[];
  readonly readable: boolean;
  readonly writable: boolean;
  /** Current contents; null means all zeros (the spec's initial state), materialised only when needed. */
  value: Contents | null = null;
  #destroyed = false;

  constructor(readonly context: TensorOwner<Contents>, descriptor: MLTensorDescriptor) {
    this.dataType = descriptor.dataType;
    this.shape = Object.freeze([...descriptor.shape]);
    this.readable = descriptor.readable ?? false;
    this.writable = descriptor.writable ?? false;
    context.track(this);
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Replaces the contents, freeing the previous ones. */
  replace(value: Contents): void {
    if (this.value !== null && this.value !== value) this.context.release(this.value);
    this.value = value;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    if (this.value !== null) this.context.release(this.value);
    this.value = null;
    this.context.untrack(this);
  }
}
