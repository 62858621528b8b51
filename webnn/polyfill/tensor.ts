// The polyfill's MLTensor: a descriptor plus the tfjs tensor currently holding its contents, which stays on
// the context's engine (GPU texture, wasm heap) until readTensor() downloads it.
import type { MLOperandDataType, MLTensor, MLTensorDescriptor } from '../types.ts';
import type { PolyfillContext } from './context.ts';
import type { Tensor } from './tf.ts';

export class PolyfillTensor implements MLTensor {
  readonly dataType: MLOperandDataType;
  readonly shape: readonly number[];
  readonly readable: boolean;
  readonly writable: boolean;
  /** Current contents; null means all zeros (the spec's initial state), materialised only when needed. */
  value: Tensor | null = null;
  #destroyed = false;

  constructor(readonly context: PolyfillContext, descriptor: MLTensorDescriptor) {
    this.dataType = descriptor.dataType;
    this.shape = Object.freeze([...descriptor.shape]);
    this.readable = descriptor.readable ?? false;
    this.writable = descriptor.writable ?? false;
    context.track(this);
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Replaces the contents, disposing the previous engine tensor. */
  replace(value: Tensor): void {
    this.value?.dispose();
    this.value = value;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.value?.dispose();
    this.value = null;
    this.context.untrack(this);
  }
}
